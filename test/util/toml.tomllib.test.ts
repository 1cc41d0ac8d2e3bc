// parseToml against CPython tomllib: toml-test's TOML 1.0 cases (test/fixtures/toml-test) and cases of our own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TomlDate } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseToml, TomlError } from '../../src/util/toml.js';
import { describeWithOracle, pythonOracle, runPython } from '../support/oracles.js';

const ROOT = fileURLToPath(new URL('../fixtures/toml-test/', import.meta.url));

function tomlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? tomlFiles(join(dir, d.name)) : d.name.endsWith('.toml') ? [join(dir, d.name)] : [],
    )
    .sort();
}

const SUITE = tomlFiles(ROOT).map((path) => ({ name: relative(ROOT, path), bytes: readFileSync(path) }));

/** Cases of our own, where smol-toml alone reads differently from tomllib. */
const OWN: readonly string[] = [
  'a = """x\r\ny"""\r\n',
  "a = '''x\r\ny'''\r\n",
  'a = 1900-02-29',
  'a = 0000-01-01',
  'a = 2000-02-29',
  'a = 2023-04-31T00:00:00Z',
  'a = "\\e"',
  'a = """\\x41"""',
  'a = { b = 1, }',
  'a = { b = 1 # c\n}',
  'a = { b = [1,\n2] }',
  'a = { b = """x""" , c = [ { d = 1 } ] }',
  'a = 1979-05-27T07:32',
  'a = 1979-05-27 07:32Z',
  'a = 07:32',
  'a = [1979-05-27 , 1]',
  'a = "#" # {',
  '[ "x]" . y ]\nz = 1',
  '\ufeffa = 1',
  'a = "\ufeff"',
  'a = 9223372036854775808',
  'a = -0.0\nb = -nan\nc = -inf',
  '__proto__ = 1\n[constructor]\nx = 1',
];

/** Documents the suite holds valid that tomllib, the reference, refuses (and so do we). */
const VALID_BUT_REFUSED = new Set(['valid/utf8-bom-01.toml', 'valid/utf8-bom-02.toml']);

type Read = { ok: true; value: unknown } | { ok: false; line?: number };

/** A parsed value in the shape the tomllib side prints: integers and date-times tagged. */
function tagged(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tagged);
  if (typeof v === 'bigint') return ['int', String(v)];
  if (v instanceof TomlDate) {
    if (v.isDate()) return ['date', v.toISOString()];
    if (v.isTime()) return ['time', v.toISOString()];
    return v.isLocal() ? ['datetime-local', v.toISOString()] : ['datetime', String(v.getTime())];
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tagged(x)]));
  }
  return v;
}

/** Reads bytes as every mochi-pkg reader does: strict UTF-8 (a BOM kept), then parseToml. */
function ours(bytes: Uint8Array): Read {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    if (e instanceof TypeError) return { ok: false };
    throw e;
  }
  try {
    return { ok: true, value: tagged(parseToml(text, { integersAsBigInt: true })) };
  } catch (e) {
    if (e instanceof TomlError) return { ok: false, line: e.line };
    throw e;
  }
}

// tomllib.load: bytes.decode() (strict UTF-8, a BOM kept), then loads. Date-times are compared at
// millisecond precision: smol-toml's dates stop there, and no mochi-pkg file accepts a date-time.
const TOMLLIB = `
import base64, datetime, json, sys, tomllib
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
def tag(v):
    if isinstance(v, dict): return {k: tag(x) for k, x in v.items()}
    if isinstance(v, list): return [tag(x) for x in v]
    if isinstance(v, bool) or isinstance(v, str): return v
    if isinstance(v, int): return ["int", str(v)]
    if isinstance(v, float): return ["float", repr(v)]
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None: return ["datetime-local", v.isoformat(timespec="milliseconds")]
        return ["datetime", str((v - EPOCH) // datetime.timedelta(milliseconds=1))]
    if isinstance(v, datetime.date): return ["date", v.isoformat()]
    if isinstance(v, datetime.time): return ["time", v.isoformat(timespec="milliseconds")]
    raise TypeError(type(v))
out = []
for b in json.load(sys.stdin):
    try: out.append({"ok": True, "value": tag(tomllib.loads(base64.b64decode(b).decode()))})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError): out.append({"ok": False})
print(json.dumps(out))
`;

/** tomllib's floats (tagged with their repr) as numbers, to compare with Object.is semantics. */
function untagFloats(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 2 && v[0] === 'float' && typeof v[1] === 'string') {
      const r = v[1];
      return r === 'nan' ? Number.NaN : r === 'inf' ? Infinity : r === '-inf' ? -Infinity : Number(r);
    }
    return v.map(untagFloats);
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untagFloats(x)]));
  }
  return v;
}

describe('parseToml on toml-test TOML 1.0 cases', () => {
  it('holds the stored cases', () => {
    expect(SUITE.filter((c) => c.name.startsWith('valid/')).length).toBeGreaterThan(100);
    expect(SUITE.filter((c) => c.name.startsWith('invalid/')).length).toBeGreaterThan(300);
  });

  it.each(SUITE.map((c) => [c.name, c.bytes] as const))('%s', (name, bytes) => {
    const read = ours(bytes);
    const valid = name.startsWith('valid/') && !VALID_BUT_REFUSED.has(name);
    expect(read.ok, name).toBe(valid);
    if (!read.ok && !name.startsWith('invalid/encoding/')) expect(read.line).toBeGreaterThan(0);
  });
});

describeWithOracle(pythonOracle(), 'parseToml against CPython tomllib', () => {
  const inputs = [
    ...SUITE.map((c) => ({ name: c.name, bytes: c.bytes })),
    ...OWN.map((t) => ({ name: JSON.stringify(t), bytes: Buffer.from(t, 'utf8') })),
  ];
  const reference = (): Read[] =>
    JSON.parse(
      runPython(TOMLLIB, [], JSON.stringify(inputs.map((c) => Buffer.from(c.bytes).toString('base64')))),
    ) as Read[];

  it(`accepts what tomllib accepts and reads the same values (${inputs.length} documents)`, () => {
    const want = reference();
    expect(want).toHaveLength(inputs.length);
    const differ = inputs.flatMap((c, i) => {
      const got = ours(c.bytes);
      const ref = want[i]!;
      if (got.ok !== ref.ok) return [`${c.name}: ours ${got.ok ? 'accepts' : 'refuses'}, tomllib does not`];
      if (!got.ok || !ref.ok) return [];
      try {
        expect(got.value).toEqual(untagFloats(ref.value));
        return [];
      } catch {
        return [`${c.name}: ${JSON.stringify(got.value)} vs tomllib ${JSON.stringify(ref.value)}`];
      }
    });
    expect(differ).toEqual([]);
  });
});
