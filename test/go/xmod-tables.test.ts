// x/mod's own test tables (semver_test.go, module_test.go, pseudo_test.go), read from the installed
// sources by the xmod oracle at test time and run through mochi-pkg's functions.
import { beforeAll, expect, it } from 'vitest';
import {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  escapePath,
  splitPathVersion,
  unescapePath,
} from '../../src/go/module/index.js';
import {
  build,
  canonical,
  compare,
  compareStrings,
  isPseudoVersion,
  isValid,
  major,
  max,
  parse,
  prerelease,
  sort,
} from '../../src/go/semver/index.js';
import { describeWithOracle } from '../support/oracles.js';
import { succeeds } from './outcome.js';
import { askXmod, goString, xmodTables, xmodTablesOracle } from './xmod.js';

type Row = Record<string, unknown>;

describeWithOracle(xmodTablesOracle(), "x/mod's own test tables", () => {
  let tables: Record<string, unknown[]>;
  const rows = (name: string): Row[] => {
    const t = tables[name];
    if (t === undefined) throw new Error(`x/mod test table ${name} not found`);
    return t as Row[];
  };
  beforeAll(() => {
    tables = xmodTables();
  });

  it('semver tests: isValid, canonical, major, prerelease and build of every row', () => {
    const t = rows('semver.tests');
    expect(t.length).toBeGreaterThan(30);
    for (const { in: input, out } of t as { in: string; out: string }[]) {
      expect(isValid(input), input).toBe(out !== '');
      expect(canonical(input), input).toBe(out);
      expect(major(input), input).toBe(out === '' ? '' : out.slice(0, out.indexOf('.')));
      const dash = out.indexOf('-');
      expect(prerelease(input), input).toBe(out !== '' && dash >= 0 ? out.slice(dash) : '');
      const plus = input.indexOf('+');
      expect(build(input), input).toBe(out !== '' && plus >= 0 ? input.slice(plus) : '');
    }
  });

  it('semver tests: rows are in ascending order; equal canonical forms compare equal', () => {
    const t = rows('semver.tests') as { in: string; out: string }[];
    let pairs = 0;
    for (let i = 0; i < t.length; i++) {
      for (let j = 0; j < t.length; j++) {
        const a = t[i]!;
        const b = t[j]!;
        if (a.out === '' || b.out === '') continue; // x/mod ranks invalid strings first; see below
        const want = a.out === b.out ? 0 : Math.sign(i - j);
        expect(compare(parse(a.in), parse(b.in)), `${a.in} vs ${b.in}`).toBe(want);
        expect(compareStrings(a.in, b.in), `${a.in} vs ${b.in}`).toBe(want);
        // x/mod Max(a, b) is the canonical form of the later row.
        expect(canonical(max([a.in, b.in]) ?? '')).toBe(i < j ? b.out : a.out);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(500);
  });

  it('semver tests: invalid rows go after valid ones (the documented difference), lexically', () => {
    const t = rows('semver.tests') as { in: string; out: string }[];
    const valid = t.filter((r) => r.out !== '').map((r) => r.in);
    const invalid = t.filter((r) => r.out === '').map((r) => r.in);
    expect(invalid.length).toBeGreaterThan(5);
    const shuffled = [...t.map((r) => r.in)].reverse();
    const sorted = sort(shuffled);
    expect(sorted.slice(valid.length)).toEqual([...invalid].sort());
    // The table lists valid versions in ascending order; equal ones are ordered by string.
    expect(sorted.slice(0, valid.length).map(canonical)).toEqual(valid.map(canonical));
    for (let i = 1; i < valid.length; i++)
      expect(compareStrings(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
  });

  it('module checkTests: check(path, version)', () => {
    const t = rows('module.checkTests');
    expect(t.length).toBeGreaterThan(20);
    for (const r of t) {
      expect(
        succeeds(() => check(goString(r.path), goString(r.version))),
        `${r.path}@${r.version}`,
      ).toBe(r.ok);
    }
  });

  it("module checkTests: a version check(path, version) refuses is worded as x/mod's module.Check", () => {
    const t = rows('module.checkTests').map((r) => [goString(r.path), goString(r.version)] as const);
    const answers = askXmod(t.map(([path, version]) => ({ op: 'check', args: [path, version] })));
    let compared = 0;
    for (const [i, [path, version]] of t.entries()) {
      const want = answers[i] as string;
      // Path errors arrive as the inner rule only (see the oracle); version errors whole.
      if (!want.includes(': invalid version: ')) continue;
      expect(() => check(path, version), `${path}@${version}`).toThrow(want);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('module checkPathTests: checkPath, checkImportPath, checkFilePath, escape and split', () => {
    const t = rows('module.checkPathTests');
    expect(t.length).toBeGreaterThan(100);
    for (const r of t) {
      const p = goString(r.path);
      const label = JSON.stringify(p);
      expect(
        succeeds(() => checkPath(p)),
        `checkPath ${label}`,
      ).toBe(r.ok);
      expect(
        succeeds(() => checkImportPath(p)),
        `checkImportPath ${label}`,
      ).toBe(r.importOK);
      expect(
        succeeds(() => checkFilePath(p)),
        `checkFilePath ${label}`,
      ).toBe(r.fileOK);
      if (r.ok !== true) {
        expect(
          succeeds(() => escapePath(p)),
          `escapePath ${label}`,
        ).toBe(false);
        expect(
          succeeds(() => unescapePath(p)),
          `unescapePath ${label}`,
        ).toBe(false);
      }
      const split = splitPathVersion(p);
      if (split !== undefined) expect(split.prefix + split.pathMajor).toBe(p);
    }
  });

  it('module splitPathVersionTests', () => {
    const t = rows('module.splitPathVersionTests');
    expect(t.length).toBeGreaterThan(5);
    for (const r of t) {
      const prefix = goString(r.pathPrefix);
      const pathMajor = goString(r.version);
      expect(splitPathVersion(prefix + pathMajor)).toEqual({ prefix, pathMajor });
    }
  });

  it('module escapeTests and badUnescape', () => {
    const t = rows('module.escapeTests');
    expect(t.length).toBeGreaterThan(1);
    for (const r of t) {
      const p = goString(r.path);
      const esc = r.esc === undefined || r.esc === '' ? p : goString(r.esc);
      expect(escapePath(p)).toBe(esc);
      expect(unescapePath(esc)).toBe(p);
    }
    const bad = tables['module.badUnescape'] ?? [];
    expect(bad.length).toBeGreaterThan(3);
    for (const b of bad)
      expect(
        succeeds(() => unescapePath(goString(b))),
        JSON.stringify(b),
      ).toBe(false);
  });

  it('module TestMatchPathMajor, through check on a path with that suffix', () => {
    const t = rows('module.TestMatchPathMajor');
    expect(t.length).toBeGreaterThan(5);
    for (const r of t) {
      const pathMajor = goString(r.pathMajor);
      const path = pathMajor.startsWith('.') ? `gopkg.in/m${pathMajor}` : `example.com/m${pathMajor}`;
      expect(
        succeeds(() => check(path, goString(r.v))),
        `${r.v} for ${pathMajor}`,
      ).toBe(r.want);
    }
  });

  it('module pseudoTests: isPseudoVersion, and canonicalVersion keeps them', () => {
    const t = rows('module.pseudoTests');
    expect(t.length).toBeGreaterThan(5);
    for (const r of t) {
      const v = goString(r.version);
      expect(isPseudoVersion(v), v).toBe(true);
      expect(isPseudoVersion(goString(r.older)), String(r.older)).toBe(false);
      expect(canonicalVersion(v)).toBe(v.endsWith('+incompatible') ? v : canonical(v));
    }
  });
});
