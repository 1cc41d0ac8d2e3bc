// Reads mochi.lock back into a manifest: TOML via smol-toml, then a strict schema check with locations.
import { parse as parseTomlText, TomlError } from 'smol-toml';
import { isValidName, normalizeName } from '../importspec/parse.js';
import { isCapability } from './capabilities.js';
import type { LockEntry, Manifest, Source } from './entry.js';
import { entryKey, FIELD_ORDER, isSource, SCHEMA_VERSION, SOURCES } from './entry.js';
import { LockfileError, type LockfileLocation, MAX_LOCK_BYTES } from './errors.js';

/** Options of {@link parseToml}. */
export interface ParseOptions {
  /** Named at the start of every error message, e.g. the lock's path. Default `mochi.lock`. */
  readonly fileName?: string;
}

const TABLE = 'python-package';
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['schema-version', TABLE]);
const KEY_TO_FIELD: ReadonlyMap<string, keyof LockEntry> = new Map(FIELD_ORDER.map(([f, k]) => [k, f]));
/** Keys that belong to one source only; `version` and the common keys are allowed everywhere. */
const SOURCE_ONLY: Readonly<Record<string, readonly Source[]>> = {
  specifier: ['registry', 'index'],
  'index-url': ['index'],
  'git-url': ['git'],
  'git-rev': ['git'],
  'local-path': ['path'],
};
const REQUIRED_BY_SOURCE: Readonly<Record<Source, string | undefined>> = {
  registry: undefined,
  index: 'index-url',
  git: 'git-url',
  path: 'local-path',
};
const ALIAS_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Finds lines for error messages. smol-toml returns values without positions, so on the error
 * path (only) the source is scanned for table headers and `key =` lines; values inside
 * multi-line strings are skipped so they cannot be mistaken for keys.
 */
class Locator {
  private lines: string[] | undefined;
  private headers: number[] | undefined;
  private tableStarts: number[] | undefined;

  constructor(private readonly src: string) {}

  private scan(): void {
    if (this.lines) return;
    this.lines = this.src.split(/\r?\n/);
    this.headers = [];
    this.tableStarts = [];
    let inMultiline: string | undefined;
    this.lines.forEach((line, i) => {
      if (inMultiline) {
        if (line.includes(inMultiline)) inMultiline = undefined;
        return;
      }
      if (/^\s*\[/.test(line)) {
        this.tableStarts!.push(i);
        if (/^\s*\[\[\s*(?:python-package|"python-package"|'python-package')\s*\]\]/.test(line))
          this.headers!.push(i);
      }
      for (const q of ['"""', "'''"]) {
        const at = line.indexOf(q);
        if (at >= 0 && line.indexOf(q, at + 3) < 0) inMultiline = q;
      }
    });
  }

  private findKey(key: string, from: number, to: number): number | undefined {
    const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`^\\s*(?:${k}|"${k}"|'${k}')\\s*=`);
    for (let i = from; i < to; i++) if (re.test(this.lines![i]!)) return i + 1;
    return undefined;
  }

  /** 1-based line of a top-level key, or undefined. */
  topLevel(key: string): number | undefined {
    this.scan();
    return this.findKey(key, 0, this.tableStarts![0] ?? this.lines!.length);
  }

  /** 1-based line of `key` inside entry `index` (its header line when the key is absent). */
  entry(index: number, key?: string): number | undefined {
    this.scan();
    const header = this.headers![index];
    if (header === undefined) return this.topLevel(TABLE);
    const end = this.tableStarts!.find((s) => s > header) ?? this.lines!.length;
    return (key === undefined ? undefined : this.findKey(key, header + 1, end)) ?? header + 1;
  }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return 'an integer';
  if (typeof v === 'number') return 'a float';
  if (v !== null && typeof v === 'object') return isTable(v) ? 'a table' : 'a date-time';
  return `a ${typeof v}`;
}

/** smol-toml builds tables without a prototype; dates are class instances. */
function isTable(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/**
 * Parses a `mochi.lock` document. Strict: the `schema-version` must be present and equal to 1;
 * each `[[python-package]]` needs `name`, `alias` and a known `source`; unknown keys, wrong types,
 * empty optional values, keys that do not belong to the entry's source, and two entries with the
 * same `<name>:<alias>` are refused. Every error is a {@link LockfileError} naming the entry
 * index, the key and the line.
 *
 * @example
 * ```ts
 * parseToml(renderToml(manifest)) // deep-equals sortManifest(manifest)
 * ```
 */
export function parseToml(src: string | Uint8Array, options: ParseOptions = {}): Manifest {
  const file = options.fileName ?? 'mochi.lock';
  const fail = (code: LockfileError['code'], where: LockfileLocation, problem: string): never => {
    const at = [
      where.line === undefined
        ? undefined
        : `line ${where.line}${where.column === undefined ? '' : `:${where.column}`}`,
      where.entryIndex === undefined ? undefined : `[[${TABLE}]] entry ${where.entryIndex}`,
      where.key === undefined ? undefined : `key ${JSON.stringify(where.key)}`,
    ].filter((s) => s !== undefined);
    throw new LockfileError(code, `${file}${at.length ? ` (${at.join(', ')})` : ''}: ${problem}`, where, {
      hint: 'run `mochi-pkg lock` to regenerate the lock',
    });
  };

  let text: string;
  if (typeof src === 'string') {
    if (src.length > MAX_LOCK_BYTES) fail('lockfile-too-large', {}, `larger than ${MAX_LOCK_BYTES} bytes`);
    text = src;
  } else {
    if (src.byteLength > MAX_LOCK_BYTES)
      fail('lockfile-too-large', {}, `larger than ${MAX_LOCK_BYTES} bytes`);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(src);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      return fail('lockfile-syntax', {}, 'not valid UTF-8');
    }
  }

  let doc: Record<string, unknown>;
  try {
    doc = parseTomlText(text, { integersAsBigInt: true, maxDepth: 32, unsafeKeyBehaviour: 'throw' });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const first = e.message.split('\n')[0] ?? e.message;
    return fail('lockfile-syntax', { line: e.line, column: e.column }, `not valid TOML: ${first}`);
  }

  const where = new Locator(text);
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      fail(
        'lockfile-invalid-entry',
        { key, line: where.topLevel(key) },
        `unknown top-level key (expected schema-version and [[${TABLE}]] tables)`,
      );
    }
  }
  const version = doc['schema-version'];
  if (version === undefined) {
    fail(
      'lockfile-schema-version',
      { key: 'schema-version', line: 1 },
      `missing schema-version (expected schema-version = ${SCHEMA_VERSION})`,
    );
  }
  if (version !== BigInt(SCHEMA_VERSION)) {
    fail(
      'lockfile-schema-version',
      { key: 'schema-version', line: where.topLevel('schema-version') },
      `unknown schema-version ${typeof version === 'bigint' ? String(version) : kindOf(version)} (this mochi-pkg reads schema-version = ${SCHEMA_VERSION})`,
    );
  }

  const tables = doc[TABLE] ?? [];
  if (!Array.isArray(tables)) {
    return fail(
      'lockfile-invalid-entry',
      { key: TABLE, line: where.topLevel(TABLE) },
      `expected an array of tables, got ${kindOf(tables)}`,
    );
  }
  const entries: LockEntry[] = [];
  const seen = new Map<string, number>();
  tables.forEach((table: unknown, index) => {
    const at = (key?: string): LockfileLocation => ({
      entryIndex: index,
      ...(key === undefined ? {} : { key }),
      line: where.entry(index, key),
    });
    if (!isTable(table)) fail('lockfile-invalid-entry', at(), `expected a table, got ${kindOf(table)}`);
    const t = table as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (!KEY_TO_FIELD.has(key)) {
        fail(
          'lockfile-invalid-entry',
          at(key),
          `unknown key (expected one of ${FIELD_ORDER.map(([, k]) => k).join(', ')})`,
        );
      }
    }
    for (const key of ['name', 'alias', 'source']) {
      if (t[key] === undefined)
        fail('lockfile-invalid-entry', at(key), `missing required key ${JSON.stringify(key)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [field, key] of FIELD_ORDER) {
      const v = t[key];
      if (v === undefined) continue;
      if (key === 'capabilities') {
        if (!Array.isArray(v))
          fail('lockfile-invalid-entry', at(key), `expected an array of strings, got ${kindOf(v)}`);
        const caps = v as unknown[];
        if (caps.length === 0) fail('lockfile-invalid-entry', at(key), 'empty array (omit the key instead)');
        for (const c of caps) {
          if (!isCapability(c)) {
            fail(
              'lockfile-invalid-entry',
              at(key),
              `unknown capability ${typeof c === 'string' ? JSON.stringify(c) : kindOf(c)}`,
            );
          }
        }
        out[field] = caps;
        continue;
      }
      if (typeof v !== 'string')
        fail('lockfile-invalid-entry', at(key), `expected a string, got ${kindOf(v)}`);
      const s = v as string;
      if (s === '') fail('lockfile-invalid-entry', at(key), 'empty string (omit the key instead)');
      out[field] = s;
    }
    const e = out as unknown as LockEntry;
    if (!isSource(e.source)) {
      fail(
        'lockfile-invalid-entry',
        at('source'),
        `unknown source ${JSON.stringify(e.source)} (expected one of ${SOURCES.join(', ')})`,
      );
    }
    if (!isValidName(e.name) || normalizeName(e.name) !== e.name) {
      fail(
        'lockfile-invalid-entry',
        at('name'),
        `${JSON.stringify(e.name)} is not a PEP 503-normalised distribution name`,
      );
    }
    if (!ALIAS_RE.test(e.alias))
      fail('lockfile-invalid-entry', at('alias'), `${JSON.stringify(e.alias)} is not a Mochi identifier`);
    if (e.wrapperSha256 !== undefined && !SHA256_RE.test(e.wrapperSha256)) {
      fail('lockfile-invalid-entry', at('wrapper-sha256'), 'expected 64 lowercase hex digits');
    }
    for (const [key, sources] of Object.entries(SOURCE_ONLY)) {
      if (t[key] !== undefined && !sources.includes(e.source)) {
        fail(
          'lockfile-invalid-entry',
          at(key),
          `not allowed for source ${JSON.stringify(e.source)} (only ${sources.join(', ')})`,
        );
      }
    }
    const required = REQUIRED_BY_SOURCE[e.source];
    if (required !== undefined && t[required] === undefined) {
      fail(
        'lockfile-invalid-entry',
        at(required),
        `source ${JSON.stringify(e.source)} requires key ${JSON.stringify(required)}`,
      );
    }
    const k = entryKey(e);
    const previous = seen.get(k);
    if (previous !== undefined) {
      fail('lockfile-duplicate-entry', at('alias'), `${k} already appears as entry ${previous}`);
    }
    seen.set(k, index);
    entries.push(e);
  });
  return { entries };
}
