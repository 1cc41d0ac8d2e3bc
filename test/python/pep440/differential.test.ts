import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  canonicalizeVersion,
  compareVersions,
  contains,
  filterVersions,
  specifierSetToString,
  tryParseSpecifierSet,
  tryParseVersion,
  UnusableSpecifierError,
} from '../../../src/python/pep440/index.js';
import { describeWithOracle, packagingOracle } from '../../support/oracles.js';
import { specifierSetText, versionText } from './arbitraries.js';
import { askPackaging, ERROR, type Pep440Batch } from './oracle.js';

const SEED = Number(process.env.MOCHI_PEP440_SEED ?? 440);
const PAIRS = 30_000;

function batch(seed: number): Pep440Batch {
  const versions = fc.sample(versionText(), { numRuns: 600, seed });
  const specs = fc.sample(specifierSetText, { numRuns: 600, seed: seed + 1 });
  const idx = fc.sample(fc.tuple(fc.nat(versions.length - 1), fc.nat(specs.length - 1)), {
    numRuns: PAIRS,
    seed: seed + 2,
  });
  const order = fc.sample(fc.tuple(fc.nat(versions.length - 1), fc.nat(versions.length - 1)), {
    numRuns: 4000,
    seed: seed + 3,
  });
  return { versions, specs, contains: idx, order, filter: specs.map((_, i) => i).filter((i) => i % 3 === 0) };
}

/** Our answer, with packaging's AssertionError on unusable clauses mapped to ERROR. */
function guard<T>(f: () => T): T | typeof ERROR {
  try {
    return f();
  } catch (e) {
    if (e instanceof UnusableSpecifierError) return ERROR;
    throw e;
  }
}

describeWithOracle(packagingOracle(), 'PEP 440 against packaging 26 (generated inputs)', () => {
  const q = batch(SEED);
  const a = askPackaging(q);

  it('parses and normalises every generated version as packaging does', () => {
    const bad = q.versions.filter((v, i) => {
      const ours = tryParseVersion(v);
      return (ours?.text ?? null) !== a.versions[i]!.norm || canonicalizeVersion(v) !== a.versions[i]!.canon;
    });
    expect(bad).toEqual([]);
    // The generator must exercise both sides of validity for this to mean anything.
    const valid = a.versions.filter((v) => v.norm !== null).length;
    expect(valid).toBeGreaterThan(q.versions.length / 2);
    expect(valid).toBeLessThan(q.versions.length);
  });

  it('accepts exactly the specifier sets packaging accepts and prints them as packaging does', () => {
    const bad = q.specs.filter((s, i) => {
      const set = tryParseSpecifierSet(s);
      const ours = set === undefined ? null : guard(() => specifierSetToString(set));
      return ours !== a.specs[i] || (set?.prereleases ?? null) !== a.prereleases[i];
    });
    expect(bad).toEqual([]);
    const valid = a.specs.filter((x) => x !== null).length;
    expect(valid).toBeGreaterThan(q.specs.length / 3);
    expect(valid).toBeLessThan(q.specs.length);
  });

  it(`agrees on contains for ${PAIRS} (version, specifier) pairs`, () => {
    const bad: string[] = [];
    let compared = 0;
    let trues = 0;
    q.contains.forEach(([vi, si], k) => {
      const want = a.contains[k];
      if (want === null || want === undefined) return;
      const got = guard(() => contains(q.specs[si]!, q.versions[vi]!));
      compared++;
      if (want === true) trues++;
      if (got !== want)
        bad.push(
          `${JSON.stringify(q.specs[si])} contains ${JSON.stringify(q.versions[vi])}: ours ${got}, packaging ${want}`,
        );
    });
    expect(bad.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(PAIRS / 3);
    expect(trues).toBeGreaterThan(compared / 20);
    expect(trues).toBeLessThan(compared);
  });

  it('orders versions as packaging does', () => {
    const bad = q.order.filter(([x, y], k) => {
      const want = a.order[k];
      if (want === null || want === undefined) return false;
      return compareVersions(tryParseVersion(q.versions[x]!)!, tryParseVersion(q.versions[y]!)!) !== want;
    });
    expect(bad).toEqual([]);
  });

  it('filters version lists as packaging does (pre-release fallback included)', () => {
    const bad = q.filter.filter((si, k) => {
      const want = a.filter[k];
      if (want === null || want === undefined) return false;
      return JSON.stringify(guard(() => filterVersions(q.specs[si]!, q.versions))) !== JSON.stringify(want);
    });
    expect(bad).toEqual([]);
  });
});
