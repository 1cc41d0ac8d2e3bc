import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestVersion,
  canonicalizeVersion,
  compareVersions,
  contains,
  InvalidSpecifierError,
  InvalidVersionError,
  normalizeVersion,
  parseSpecifierSet,
  parseVersion,
  specifierProblem,
  tryParseVersion,
} from '../../../src/python/pep440/index.js';
import { versionText } from './arbitraries.js';

describe('PEP 440 versions', () => {
  it.each([
    ['1.0-RC.1', '1.0rc1'],
    ['1.0a', '1.0a0'],
    ['1.0alpha1', '1.0a1'],
    ['1.0c1', '1.0rc1'],
    ['1.0-preview_2', '1.0rc2'],
    ['1.0.post', '1.0.post0'],
    ['1.0-1', '1.0.post1'],
    ['1.0-r4', '1.0.post4'],
    ['1.0.dev', '1.0.dev0'],
    ['v1.0', '1.0'],
    [' 01.002 ', '1.2'],
    ['0!1.0', '1.0'],
    ['1!1.0', '1!1.0'],
    ['1.0+ubuntu-1', '1.0+ubuntu.1'],
    ['1.0+Local_007', '1.0+local.7'],
    ['1.123456789012345678901234567890', '1.123456789012345678901234567890'],
  ])('normalises %j to %j', (input, want) => {
    expect(normalizeVersion(input)).toBe(want);
  });

  it.each(['', '1.0.', 'a1.0', '1.0+', '1.0+local..1', '1..0', '1.0-', '1.0 a1', '1.0\ufeff', '1.*'])(
    'refuses %j with pep440-invalid-version',
    (input) => {
      expect(tryParseVersion(input)).toBeUndefined();
      expect(() => parseVersion(input)).toThrow(InvalidVersionError);
      expect(() => parseVersion(input)).toThrow(expect.objectContaining({ code: 'pep440-invalid-version' }));
    },
  );

  it('canonicalises by dropping trailing zero release parts', () => {
    expect(canonicalizeVersion('1.0.0')).toBe('1');
    expect(canonicalizeVersion('1.10.0rc1')).toBe('1.10rc1');
    expect(canonicalizeVersion('not a version')).toBe('not a version');
  });

  it("orders PEP 440's example sequence strictly increasing", () => {
    const seq = [
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.1.dev1',
      '1!0.1',
    ].map(parseVersion);
    for (let i = 1; i < seq.length; i++) {
      expect(compareVersions(seq[i - 1]!, seq[i]!), `${seq[i - 1]!.text} < ${seq[i]!.text}`).toBe(-1);
      expect(compareVersions(seq[i]!, seq[i - 1]!)).toBe(1);
    }
    expect(compareVersions(parseVersion('1.0'), parseVersion('1.0.0.0'))).toBe(0);
  });

  it('compares as a total order: antisymmetric and transitive', () => {
    const valid = versionText()
      .map(tryParseVersion)
      .filter((v) => v !== undefined);
    fc.assert(
      fc.property(valid, valid, valid, (a, b, c) => {
        expect(compareVersions(a, b) + compareVersions(b, a)).toBe(0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PEP 440 specifiers', () => {
  it.each([
    ['~=2.2', '2.3', true],
    ['~=2.2', '3.0', false],
    ['~=1.4.5', '1.4.9', true],
    ['~=1.4.5', '1.5.0', false],
    ['==1.1.*', '1.1.post1', true],
    ['==1.1.*', '1.10', false],
    ['!=1.1.*', '1.2', true],
    ['==1.0', '1.0+local', true],
    ['==1.0+local', '1.0', false],
    ['>1.7', '1.7.1', true],
    ['>1.7', '1.7.0.post1', false],
    ['>1.7', '1.7+local', false],
    ['<1.7', '1.7.0.dev1', false],
    ['<1.7', '1.6.dev1', true],
    ['<1.7,>=1.6.dev0', '1.6.dev1', true],
    ['>=1.0b1', '1.0b2', true],
    ['>=1.0', '1.1a1', true],
    ['===1.0', '1.0', true],
    ['===1.0', '1.0.0', false],
    ['===foobar', 'FooBar', true],
    ['>=0.27,<0.29', '0.28.1', true],
    ['', '3.0', true],
    ['', '3.0a1', true],
  ])('%j contains %j: %s', (spec, version, want) => {
    expect(contains(spec, version)).toBe(want);
  });

  it('lets the caller force pre-releases in or out', () => {
    expect(contains('>=1.0', '1.1a1', { prereleases: false })).toBe(false);
    expect(contains('', '3.0a1', { prereleases: false })).toBe(false);
    expect(contains('>=1.0', '1.1a1', { prereleases: true })).toBe(true);
    expect(contains('>=1.0b1', '1.0b2', { prereleases: false })).toBe(false);
  });

  it.each(['>=1.0+local', '~=1', '>=1.*', '=>1.0', '1.0', '==', '>=1.0,,<', '==1.0.*.*', '~=1.0.*'])(
    'refuses %j with pep440-invalid-specifier naming the clause',
    (input) => {
      expect(() => parseSpecifierSet(input)).toThrow(InvalidSpecifierError);
      expect(() => parseSpecifierSet(input)).toThrow(
        expect.objectContaining({ code: 'pep440-invalid-specifier' }),
      );
    },
  );

  it('names the bad clause inside a longer set', () => {
    expect(() => parseSpecifierSet('>=1.0, <2.0+x')).toThrow(/"<2.0\+x" in ">=1.0, <2.0\+x"/);
  });

  it('picks the highest satisfying version, final releases before pre-releases', () => {
    const versions = ['0.26.0', '0.27.0', '0.28.1', '0.28.2rc1', '0.29.0', 'not-a-version'];
    expect(bestVersion('>=0.27,<0.29', versions)).toBe('0.28.1');
    expect(bestVersion('>=0.28.2rc1,<0.29', versions)).toBe('0.28.2rc1');
    expect(bestVersion('', versions)).toBe('0.29.0');
    expect(bestVersion('>=1', versions)).toBeUndefined();
    // With no clauses and only pre-releases published, a pre-release is better than nothing.
    expect(bestVersion('', ['1.0a1', '1.0b1'])).toBe('1.0b1');
  });
});

describe('specifierProblem (the import-spec validator)', () => {
  it('returns undefined for a valid set and the error message for an invalid one', () => {
    expect(specifierProblem('>=1,<2')).toBeUndefined();
    expect(specifierProblem('>=1.0+local')).toBe('invalid PEP 440 specifier ">=1.0+local"');
  });
});
