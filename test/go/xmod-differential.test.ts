// Differential tests: generated versions and paths (valid, near-valid, hostile) through mochi-pkg
// and through golang.org/x/mod (the xmod oracle), in a few batched oracle runs; zero disagreement.
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  escapePath,
  escapeVersion,
  MAX_PATH_LENGTH,
  type PathRule,
  splitPathVersion,
  unescapePath,
  unescapeVersion,
} from '../../src/go/module/index.js';
import { isLetter } from '../../src/go/module/letters.js';
import { LETTERS_UNICODE_VERSION } from '../../src/go/module/letters-table.js';
import {
  build,
  canonical,
  compare,
  compareStrings,
  isPseudoVersion,
  isValid,
  MAX_VERSION_LENGTH,
  major,
  max,
  parse,
  prerelease,
  sort,
  tryParse,
} from '../../src/go/semver/index.js';
import { describeWithOracle, goOracle, runOracle } from '../support/oracles.js';
import { outcome, ruleOf, succeeds } from './outcome.js';
import { askXmod, type XmodRequest, xmodBinary } from './xmod.js';

// A fixed seed keeps main reproducible; MOCHI_FC_SEED explores other inputs.
const SEED = Number(process.env.MOCHI_FC_SEED ?? 20_260_521);

function sample<T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] {
  return fc.sample(arb, { numRuns: n, seed: SEED + salt });
}

// ---- generators ----------------------------------------------------------------------------------

const digits = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 30 }).map(String) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String) },
  { weight: 1, arbitrary: fc.stringMatching(/^[1-9][0-9]{15,300}$/) }, // far past 2^53
);
const alnum = fc.stringMatching(/^[0-9A-Za-z-]{1,12}$/);
const ident = fc.oneof(digits, alnum, fc.constantFrom('alpha', 'beta', 'rc', 'pre', '0', 'incompatible'));
const timestamp = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14));
const rev = fc.stringMatching(/^[0-9a-f]{12}$/);

/** Real-looking versions: releases, shorthands, pre-releases, pseudo-versions, +incompatible, builds. */
const validVersion = fc.oneof(
  fc.tuple(digits, digits, digits).map(([a, b, c]) => `v${a}.${b}.${c}`),
  fc
    .tuple(digits, fc.option(digits, { nil: undefined }))
    .map(([a, b]) => (b === undefined ? `v${a}` : `v${a}.${b}`)),
  fc
    .tuple(digits, digits, digits, fc.array(ident, { minLength: 1, maxLength: 4 }))
    .map(([a, b, c, pre]) => `v${a}.${b}.${c}-${pre.join('.')}`),
  fc.tuple(digits, timestamp, rev).map(([a, t, r]) => `v${a}.0.0-${t}-${r}`),
  fc.tuple(digits, digits, digits, timestamp, rev).map(([a, b, c, t, r]) => `v${a}.${b}.${c}-0.${t}-${r}`),
  fc
    .tuple(digits, digits, digits, ident, timestamp, rev)
    .map(([a, b, c, p, t, r]) => `v${a}.${b}.${c}-${p}.0.${t}-${r}`),
  fc
    .tuple(fc.integer({ min: 2, max: 40 }), digits, digits)
    .map(([a, b, c]) => `v${a}.${b}.${c}+incompatible`),
  fc
    .tuple(digits, digits, digits, fc.array(alnum, { minLength: 1, maxLength: 3 }))
    .map(([a, b, c, bl]) => `v${a}.${b}.${c}+${bl.join('.')}`),
);

/** Tokens that sit on the edge of some rule. */
const edgeTokens = fc.constantFrom(
  '.',
  '..',
  '-',
  '+',
  '_',
  '~',
  '~1',
  '/',
  '//',
  '!',
  '@',
  ':',
  '\\',
  ' ',
  '"',
  "'",
  '*',
  '?',
  '`',
  '|',
  '<',
  '>',
  '#',
  '%',
  '&',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '^',
  '=',
  ',',
  ';',
  '$',
  '0',
  '00',
  '01',
  'v',
  'V',
  'A',
  'Z',
  'a',
  'z',
  'v0',
  'v1',
  'v2',
  'v02',
  'v2.0',
  'v10',
  '.v0',
  '.v1',
  '.v2',
  '.v02',
  '-unstable',
  'gopkg.in/',
  'CON',
  'con',
  'aux.txt',
  'NuL',
  'com1',
  'LPT9',
  'COM0',
  'prn.',
  'é',
  'К',
  'испытание',
  '\u212A',
  'ſ',
  'ı',
  '\u0663',
  '\u00aa',
  '\u02c6',
  '\u{1F600}',
  '\u{10400}',
  '\u{20000}',
  '\u{31350}',
  '\u{2B740}',
  '\uFFFD',
  '\u00a0',
  '\u200b',
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\u007f',
  '\u0085',
  '\uFEFF',
  '\u0301',
);

/** Applies 1–3 edits (insert a token, delete a char, replace a char by a token) to a string. */
function mutate(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.constantFrom('insert', 'delete', 'replace'), fc.nat(), edgeTokens);
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([s, edits]) => {
    let out = Array.from(s); // code points, so that edits never split a surrogate pair
    for (const [kind, at, token] of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + (kind === 'insert' ? 1 : 0));
      if (kind === 'insert') out = [...out.slice(0, i), ...Array.from(token), ...out.slice(i)];
      else if (kind === 'delete') out.splice(i, 1);
      else out.splice(i, 1, ...Array.from(token));
    }
    return out.join('');
  });
}

/** Arbitrary well-formed text: full Unicode, control characters, long runs. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('v', '1', '0', '.', '-', '+', 'a', '/', '!', 'A', '\u0000', 'é'),
    maxLength: 60,
  }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc
    .tuple(
      fc.constantFrom('v', 'v1.', 'v1.2.3-', 'v1.2.3+', 'example.com/', 'a/'),
      fc.integer({ min: 200, max: 1000 }),
    )
    .map(([p, n]) => p + '9'.repeat(n).slice(0, n - p.length)),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9.]{1,3}$/), fc.integer({ min: 50, max: 900 }))
    .map(([u, n]) => u.repeat(n)),
);

/**
 * Versions from a small family (few bases, few identifiers), so that pairs and lists often share
 * major.minor.patch and differ only in pre-release details: numeric vs alphanumeric identifiers,
 * 9 vs 10, prefixes, build metadata.
 */
const familyIdent = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map(String),
  fc.constantFrom(
    '99',
    '100',
    '18446744073709551616',
    '18446744073709551617',
    'alpha',
    'beta',
    'a',
    'A',
    'Z',
    'z',
    '-',
    'a-1',
    '1a',
    '0a',
    'rc',
  ),
);
const familyVersion = fc
  .tuple(
    fc.constantFrom('0', '1', '2', '10'),
    fc.constantFrom('0', '1', '9', '10'),
    fc.constantFrom('0', '1'),
    fc.array(familyIdent, { maxLength: 4 }),
    fc.constantFrom('', '', '', '+incompatible', '+meta', '+0.1'),
  )
  .map(([a, b, c, pre, bl]) => `v${a}.${b}.${c}${pre.length > 0 ? `-${pre.join('.')}` : ''}${bl}`);

const versionInputs = fc.oneof(
  { weight: 4, arbitrary: validVersion },
  { weight: 4, arbitrary: mutate(validVersion) },
  { weight: 2, arbitrary: hostileText },
);

const domain = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}\.[a-z]{2,5}$/),
  fc.constantFrom('github.com', 'golang.org', 'go.uber.org', 'gopkg.in', 'example.com', 'k8s.io', 'x.y'),
);
const elem = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,10}$/),
  fc.constantFrom(
    'v2',
    'v3',
    'v10',
    'yaml.v2',
    'check.v1',
    'yaml.v3-unstable',
    'Azure',
    'cmd',
    'internal',
    'c++',
  ),
);
const validishPath = fc
  .tuple(domain, fc.array(elem, { maxLength: 5 }))
  .map(([d, es]) => [d, ...es].join('/'));
const filePath = fc
  .array(
    fc.string({
      unit: fc.constantFrom('a', 'Z', '9', '.', '-', ' ', '!', '#', 'é', 'Ж', '\u{10400}', '_'),
      minLength: 1,
      maxLength: 8,
    }),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((es) => es.join('/'));

const pathInputs = fc.oneof(
  { weight: 3, arbitrary: validishPath },
  { weight: 4, arbitrary: mutate(validishPath) },
  { weight: 2, arbitrary: filePath },
  { weight: 2, arbitrary: hostileText },
);

// ---- mapping x/mod's error messages to our rules --------------------------------------------------

function goRule(msg: string): PathRule | 'ok' {
  if (msg === '') return 'ok';
  const exact: Record<string, PathRule> = {
    'invalid UTF-8': 'invalid-utf16',
    'empty string': 'empty',
    'leading dash': 'leading-dash',
    'double slash': 'double-slash',
    'trailing slash': 'trailing-slash',
    'empty path element': 'empty-element',
    'leading dot in path element': 'leading-dot',
    'trailing dot in path element': 'trailing-dot',
    'trailing tilde and digits in path element': 'windows-short-name',
    'leading slash': 'leading-slash',
    'missing dot in first path element': 'first-element-missing-dot',
    'invalid version': 'bad-major-version-suffix',
  };
  const e = exact[msg];
  if (e !== undefined) return e;
  if (msg.startsWith('invalid path element ')) return 'dots-only-element';
  if (msg.startsWith('invalid char ') && msg.endsWith(' in first path element'))
    return 'first-element-invalid-char';
  if (msg.startsWith('invalid char ')) return 'invalid-char';
  if (msg.endsWith(' disallowed as path element component on Windows')) return 'windows-reserved-name';
  throw new Error(`unmapped x/mod message ${JSON.stringify(msg)}`);
}

function theirs(a: unknown): { out: string } | { err: true } {
  const r = a as { out: string; err?: string };
  return r.err === undefined ? { out: r.out } : { err: true };
}

/** Collects disagreements; the assertion prints the first few with their inputs. */
class Disagreements {
  readonly list: string[] = [];
  compared = 0;
  check(what: string, input: unknown, got: unknown, want: unknown): void {
    this.compared++;
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      this.list.push(
        `${what}(${JSON.stringify(input)}): ours ${JSON.stringify(got)}, x/mod ${JSON.stringify(want)}`,
      );
    }
  }
  assertNone(): void {
    expect(
      this.list.slice(0, 10),
      `${this.list.length} disagreements of ${this.compared} (seed ${SEED})`,
    ).toEqual([]);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

// ---- the suite -------------------------------------------------------------------------------------

describeWithOracle(goOracle(), 'semver and module against golang.org/x/mod', () => {
  beforeAll(() => {
    xmodBinary();
  });

  it('agrees on isValid, canonical, major, prerelease, build, isPseudoVersion and the version escapes', () => {
    const inputs = unique(sample(versionInputs, 6000, 1)).filter((v) => v.length <= MAX_VERSION_LENGTH);
    expect(inputs.length).toBeGreaterThan(4000);
    expect(inputs.filter(isValid).length).toBeGreaterThan(1500);
    expect(inputs.filter((v) => !isValid(v)).length).toBeGreaterThan(1500);
    const reqs: XmodRequest[] = inputs.flatMap((v) => [
      { op: 'semver', args: [v] },
      { op: 'escapeVersion', args: [v] },
      { op: 'unescapeVersion', args: [v] },
    ]);
    const answers = askXmod(reqs);
    const d = new Disagreements();
    inputs.forEach((v, i) => {
      const s = answers[3 * i] as Record<string, unknown>;
      d.check(
        'semver',
        v,
        {
          valid: isValid(v),
          canonical: canonical(v),
          major: major(v),
          prerelease: prerelease(v),
          build: build(v),
          pseudo: isPseudoVersion(v),
          canonicalVersion: canonicalVersion(v),
        },
        {
          valid: s.valid,
          canonical: s.canonical,
          major: s.major,
          prerelease: s.prerelease,
          build: s.build,
          pseudo: s.pseudo,
          canonicalVersion: s.canonicalVersion,
        },
      );
      d.check(
        'escapeVersion',
        v,
        outcome(() => escapeVersion(v)),
        theirs(answers[3 * i + 1]),
      );
      d.check(
        'unescapeVersion',
        v,
        outcome(() => unescapeVersion(v)),
        theirs(answers[3 * i + 2]),
      );
    });
    d.assertNone();
    expect(d.compared).toBe(3 * inputs.length);
  });

  it('agrees on compare for pairs of versions, up to the documented placement of invalid ones', () => {
    const pool = unique(sample(versionInputs, 1500, 2)).filter((v) => v.length <= MAX_VERSION_LENGTH);
    const pairs = [
      ...sample(fc.tuple(fc.constantFrom(...pool), fc.constantFrom(...pool)), 2000, 3),
      ...sample(fc.tuple(familyVersion, familyVersion), 3000, 4),
    ];
    const answers = askXmod(
      pairs.flatMap(([a, b]) => [
        { op: 'compare', args: [a, b] },
        { op: 'max', args: [a, b] },
      ]),
    );
    const d = new Disagreements();
    let bothValid = 0;
    pairs.forEach(([a, b], i) => {
      const goCmp = answers[2 * i] as number;
      const pa = tryParse(a);
      const pb = tryParse(b);
      if (pa !== undefined && pb !== undefined) {
        bothValid++;
        d.check('compare', [a, b], compare(pa, pb), goCmp);
        d.check('compareStrings', [a, b], compareStrings(a, b), goCmp);
      } else if (pa !== undefined || pb !== undefined) {
        // x/mod ranks an invalid version below every valid one; mochi-pkg ranks it above.
        d.check('compareStrings (mirrored)', [a, b], compareStrings(a, b), -goCmp);
      } else {
        d.check('compare (both invalid)', [a, b], 0, goCmp);
      }
      d.check('max', [a, b], canonical(max([a, b]) ?? ''), answers[2 * i + 1]);
    });
    d.assertNone();
    expect(bothValid).toBeGreaterThan(3000);
  });

  it('sorts lists exactly like semver.Sort, with invalid strings moved after the valid ones', () => {
    // Lists of small-numbered versions (plus junk) take sort's radix path; any number of 2^16 or
    // more sends a list down the comparison path. Both are compared here.
    const smallNumbered = fc.oneof(familyVersion, familyVersion, hostileText);
    const lists = [
      ...sample(fc.array(smallNumbered, { minLength: 2, maxLength: 80 }), 200, 5),
      ...sample(fc.array(fc.oneof(versionInputs, familyVersion), { minLength: 2, maxLength: 60 }), 200, 15),
    ].map((l) => l.filter((v) => v.length <= MAX_VERSION_LENGTH));
    const bigNumber = (v: string) =>
      /^v(\d+)(\.(\d+)(\.(\d+))?)?/
        .exec(v)
        ?.some((n) => n !== undefined && /^\d+$/.test(n) && Number(n) >= 2 ** 16);
    const radixLists = lists.filter((l) => !l.some((v) => isValid(v) && bigNumber(v))).length;
    expect(radixLists).toBeGreaterThan(150);
    expect(lists.length - radixLists).toBeGreaterThan(100);
    const answers = askXmod(lists.map((l) => ({ op: 'sort', args: l })));
    const d = new Disagreements();
    lists.forEach((l, i) => {
      const goSorted = answers[i] as string[];
      const want = [...goSorted.filter((v) => isValid(v)), ...goSorted.filter((v) => !isValid(v))];
      d.check('sort', l, sort(l), want);
    });
    d.assertNone();
  });

  it('agrees on checkPath, checkImportPath, checkFilePath (rule by rule), escapes and splitPathVersion', () => {
    const inputs = unique(sample(pathInputs, 7000, 6)).filter((p) => p.length <= MAX_PATH_LENGTH);
    expect(inputs.length).toBeGreaterThan(5000);
    const ops = [
      'checkPath',
      'checkImportPath',
      'checkFilePath',
      'escapePath',
      'unescapePath',
      'splitPathVersion',
    ];
    const answers = askXmod(inputs.flatMap((p) => ops.map((op) => ({ op, args: [p] }))));
    const d = new Disagreements();
    const okCounts = { module: 0, import: 0, file: 0 };
    inputs.forEach((p, i) => {
      const a = answers.slice(ops.length * i, ops.length * (i + 1));
      const rules = [
        ruleOf(() => checkPath(p)),
        ruleOf(() => checkImportPath(p)),
        ruleOf(() => checkFilePath(p)),
      ];
      d.check('checkPath', p, rules[0], goRule(a[0] as string));
      d.check('checkImportPath', p, rules[1], goRule(a[1] as string));
      d.check('checkFilePath', p, rules[2], goRule(a[2] as string));
      if (rules[0] === 'ok') okCounts.module++;
      if (rules[1] === 'ok') okCounts.import++;
      if (rules[2] === 'ok') okCounts.file++;
      d.check(
        'escapePath',
        p,
        outcome(() => escapePath(p)),
        theirs(a[3]),
      );
      d.check(
        'unescapePath',
        p,
        outcome(() => unescapePath(p)),
        theirs(a[4]),
      );
      const split = splitPathVersion(p);
      const [prefix, pathMajor, ok] = a[5] as [string, string, boolean];
      d.check('splitPathVersion', p, split ?? null, ok ? { prefix, pathMajor } : null);
    });
    d.assertNone();
    // The generators reach both sides of every check.
    for (const n of Object.values(okCounts)) {
      expect(n).toBeGreaterThan(500);
      expect(n).toBeLessThan(inputs.length - 500);
    }
  });

  it('agrees on check(path, version) for generated module paths and versions', () => {
    const paths = unique(sample(fc.oneof(validishPath, mutate(validishPath)), 800, 7));
    const versions = unique(sample(fc.oneof(validVersion, mutate(validVersion)), 800, 8));
    // Pairs whose major versions match (or nearly match) the path, so that both outcomes are common.
    const matching = fc
      .tuple(validishPath, fc.integer({ min: 0, max: 12 }), fc.integer({ min: -1, max: 1 }), digits, digits)
      .map(([p, n, skew, b, c]) => {
        const path = n >= 2 ? (p.startsWith('gopkg.in/') ? `${p}.v${n}` : `${p}/v${n}`) : p;
        return [path, `v${Math.max(0, n + skew)}.${b}.${c}`] as [string, string];
      });
    const pairs = [
      ...sample(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...versions)), 2000, 9),
      ...sample(matching, 1500, 10),
    ];
    const answers = askXmod(pairs.map(([p, v]) => ({ op: 'check', args: [p, v] })));
    const d = new Disagreements();
    let okCount = 0;
    pairs.forEach(([p, v], i) => {
      const mine = succeeds(() => check(p, v));
      if (mine) okCount++;
      d.check('check', [p, v], mine, answers[i] === '');
    });
    d.assertNone();
    expect(okCount).toBeGreaterThan(300);
    expect(okCount).toBeLessThan(pairs.length - 300);
  });

  it("uses exactly the reference Go's Unicode letters for file names", () => {
    const { version, ranges } = JSON.parse(runOracle(xmodBinary(), ['letters'])) as {
      version: string;
      ranges: [number, number, number][];
    };
    expect(LETTERS_UNICODE_VERSION, 'regenerate with test/oracles/xmod/gen-letters.ts').toBe(version);
    const go = new Set<number>();
    for (const [lo, hi, stride] of ranges) for (let c = lo; c <= hi; c += stride) go.add(c);
    const differ: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (isLetter(cp) !== go.has(cp)) differ.push(cp);
    }
    expect(go.size).toBeGreaterThan(100_000);
    expect(differ.slice(0, 10)).toEqual([]);
    // And through the public check: a Unicode 14 letter (U+0870) is not a file-name letter for Go 1.19.
    expect(ruleOf(() => checkFilePath('a/\u0870'))).toBe(go.has(0x870) ? 'ok' : 'invalid-char');
    expect(ruleOf(() => checkFilePath('a/\u{2B740}'))).toBe('ok');
  });

  it('rejects over-long input with a typed error (x/mod has no cap: the documented difference)', () => {
    const longVersion = `v1.0.0-${'a'.repeat(MAX_VERSION_LENGTH)}`;
    const longPath = `example.com/${'a'.repeat(MAX_PATH_LENGTH)}`;
    const [goVersion, goPath] = askXmod([
      { op: 'semver', args: [longVersion] },
      { op: 'checkPath', args: [longPath] },
    ]) as [{ valid: boolean }, string];
    expect(goVersion.valid).toBe(true);
    expect(goPath).toBe('');
    expect(isValid(longVersion)).toBe(false);
    expect(() => parse(longVersion)).toThrow(/longer than 1024/);
    expect(ruleOf(() => checkPath(longPath))).toBe('too-long');
  });
});
