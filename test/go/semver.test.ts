// The Go semver dialect: every behaviour the seed's version_test.go lists, plus shorthands, big numbers and caps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../src/errors.js';
import * as semverNamespace from '../../src/go/semver/index.js';
import {
  build,
  canonical,
  compare,
  compareStrings,
  InvalidVersionError,
  isPrerelease,
  isPseudoVersion,
  isValid,
  MAX_SORT_LENGTH,
  MAX_VERSION_LENGTH,
  major,
  max,
  parse,
  prerelease,
  sort,
  tryParse,
} from '../../src/go/semver/index.js';

describe('parse', () => {
  it('fills major, minor and patch as digit strings', () => {
    const v = parse('v1.22.333');
    expect([v.major, v.minor, v.patch]).toEqual(['1', '22', '333']);
    expect(v.prerelease).toEqual([]);
    expect(v.build).toEqual([]);
  });

  it('splits the pre-release at dots, keeping hyphens inside identifiers', () => {
    expect(parse('v1.0.0-rc.1').prerelease).toEqual(['rc', '1']);
    expect(parse('v1.2.3-456-789').prerelease).toEqual(['456-789']);
    expect(parse('v1.0.0-alpha.beta.10+meta').prerelease).toEqual(['alpha', 'beta', '10']);
  });

  it('keeps +incompatible as build metadata', () => {
    const v = parse('v2.0.0+incompatible');
    expect(v.build).toEqual(['incompatible']);
    expect(v.prerelease).toEqual([]);
    expect(build('v2.0.0+incompatible')).toBe('+incompatible');
  });

  it('reads the shorthands v1 and v1.2 as v1.0.0 and v1.2.0', () => {
    expect(String(parse('v1'))).toBe('v1.0.0');
    expect(String(parse('v1.2'))).toBe('v1.2.0');
    expect(canonical('v1')).toBe('v1.0.0');
    expect(canonical('v1.2')).toBe('v1.2.0');
  });

  it.each([
    ['', 'empty'],
    ['1.0.0', 'missing-v'],
    ['v', 'bad-major'],
    ['v1.', 'bad-minor'],
    ['v1.2.', 'bad-patch'],
    ['v01.0.0', 'leading-zero'],
    ['v1.02.0', 'leading-zero'],
    ['v1.0.0-', 'bad-prerelease'],
    ['v1.0.0-01', 'bad-prerelease'],
    ['v1.0.0-a..b', 'bad-prerelease'],
    ['v1.0.0+', 'bad-build'],
    ['v1-pre', 'shorthand-suffix'],
    ['v1.2.3.4', 'trailing-text'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(isValid(input)).toBe(false);
    expect(tryParse(input)).toBeUndefined();
    expect(canonical(input)).toBe('');
    let err: unknown;
    try {
      parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidVersionError);
    expect(isMochiPkgError(err, 'semver-invalid')).toBe(true);
    expect((err as InvalidVersionError).reason).toBe(reason);
    expect((err as Error).message).toContain(JSON.stringify(input));
  });

  it('allows leading zeros in build identifiers but not in numeric pre-release identifiers', () => {
    expect(isValid('v1.0.0+001')).toBe(true);
    expect(isValid('v1.0.0-001')).toBe(false);
    expect(isValid('v1.0.0-0a1')).toBe(true);
  });

  it('refuses input longer than MAX_VERSION_LENGTH with a typed error', () => {
    const long = `v1.0.0-${'a'.repeat(MAX_VERSION_LENGTH)}`;
    expect(isValid(long)).toBe(false);
    expect(() => parse(long)).toThrow(InvalidVersionError);
    try {
      parse(long);
    } catch (e) {
      expect(isMochiPkgError(e, 'semver-too-long')).toBe(true);
      expect((e as Error).message.length).toBeLessThan(400);
    }
    const edge = `v1.0.0-${'a'.repeat(MAX_VERSION_LENGTH - 7)}`;
    expect(edge.length).toBe(MAX_VERSION_LENGTH);
    expect(isValid(edge)).toBe(true);
  });
});

describe('accessors', () => {
  it('major, prerelease and build return x/mod-style parts, empty for invalid input', () => {
    expect(major('v2.1.0')).toBe('v2');
    expect(major('v2.1.0-pre+meta')).toBe('v2');
    expect(prerelease('v2.1.0-pre+meta')).toBe('-pre');
    expect(build('v2.1.0-pre+meta')).toBe('+meta');
    expect([major('bad'), prerelease('bad'), build('bad')]).toEqual(['', '', '']);
  });

  it('isPrerelease is true only for valid versions with a pre-release part', () => {
    expect(isPrerelease('v1.0.0-rc.1')).toBe(true);
    expect(isPrerelease('v0.0.0-20191109021931-daa7c04131f5')).toBe(true);
    expect(isPrerelease('v1.0.0')).toBe(false);
    expect(isPrerelease('v1.0.0+build-1')).toBe(false);
    expect(isPrerelease('1.0.0-rc.1')).toBe(false);
  });
});

describe('isPseudoVersion', () => {
  it.each([
    'v0.0.0-20191109021931-daa7c04131f5',
    'v1.2.4-0.20191109021931-daa7c04131f5',
    'v1.2.3-pre.0.20191109021931-daa7c04131f5',
    'v2.0.0-20191109021931-daa7c04131f5+incompatible',
    'v10.0.0-20191109021931-daa7c04131f5',
  ])('recognises %s', (v) => {
    expect(isPseudoVersion(v)).toBe(true);
  });

  it.each([
    ['a release', 'v1.2.3'],
    ['a plain pre-release', 'v1.2.3-rc.1'],
    ['a 13-digit timestamp', 'v0.0.0-2019110902193-daa7c04131f5'],
    ['a missing revision', 'v0.0.0-20191109021931'],
    ['a non-zero patch base without the 0. marker', 'v1.2.4-20191109021931-daa7c04131f5'],
    ['a revision with punctuation', 'v0.0.0-20191109021931-daa7c04131f5.x'],
    ['no v prefix', '0.0.0-20191109021931-daa7c04131f5'],
  ])('rejects %s (%s)', (_what, v) => {
    expect(isPseudoVersion(v)).toBe(false);
  });
});

// The seed's ordering matrix, in ascending order.
const MATRIX = [
  'v0.0.0-20191109021931-daa7c04131f5',
  'v0.1.0',
  'v1.0.0-alpha',
  'v1.0.0-alpha.1',
  'v1.0.0-alpha.2',
  'v1.0.0-alpha.10',
  'v1.0.0-beta',
  'v1.0.0-rc.1',
  'v1.0.0',
  'v1.10.0',
];

describe('ordering', () => {
  it('orders every pair of the matrix as its position says', () => {
    for (let i = 0; i < MATRIX.length; i++) {
      for (let j = 0; j < MATRIX.length; j++) {
        const want = Math.sign(i - j);
        expect(compare(parse(MATRIX[i]!), parse(MATRIX[j]!)), `${MATRIX[i]} vs ${MATRIX[j]}`).toBe(want);
        expect(compareStrings(MATRIX[i]!, MATRIX[j]!)).toBe(want);
      }
    }
  });

  it('puts numeric pre-release identifiers below alphanumeric ones and compares them as numbers', () => {
    expect(compareStrings('v1.0.0-1', 'v1.0.0-a')).toBe(-1);
    expect(compareStrings('v1.0.0-2', 'v1.0.0-10')).toBe(-1);
    expect(compareStrings('v1.0.0-alpha', 'v1.0.0-alpha.0')).toBe(-1);
  });

  it('ignores build metadata, so v2.0.0+incompatible ties with v2.0.0', () => {
    expect(compare(parse('v2.0.0+incompatible'), parse('v2.0.0'))).toBe(0);
    expect(compareStrings('v1.0.0+a', 'v1.0.0+b')).toBe(0);
    expect(compareStrings('v1', 'v1.0.0')).toBe(0);
  });

  it('sorts a shuffled matrix back into order', () => {
    const shuffled = [...MATRIX].reverse();
    shuffled.push(shuffled.splice(3, 1)[0]!);
    expect(sort(shuffled)).toEqual(MATRIX);
    expect(shuffled).not.toEqual(MATRIX); // sort returns a copy
  });

  it('puts invalid versions after every valid one, lexically among themselves', () => {
    expect(sort(['zzz', 'v1.0.0', 'bad', 'v0.1.0', '1.0.0'])).toEqual([
      'v0.1.0',
      'v1.0.0',
      '1.0.0',
      'bad',
      'zzz',
    ]);
    expect(compareStrings('bad', 'v1.0.0')).toBe(1);
    expect(compareStrings('v1.0.0', 'bad')).toBe(-1);
  });

  it('falls back to lexical order when neither side parses', () => {
    expect(compareStrings('a', 'b')).toBe(-1);
    expect(compareStrings('b', 'a')).toBe(1);
    expect(compareStrings('same', 'same')).toBe(0);
    expect(compareStrings('1.10', '1.9')).toBe(-1);
  });

  it('orders invalid strings by UTF-8 bytes, as Go compares strings', () => {
    // U+FF61 is below U+1F600 in UTF-8 (and code points) but above its surrogates in UTF-16.
    expect(sort(['\u{1F600}', '\uFF61', 'a'])).toEqual(['a', '\uFF61', '\u{1F600}']);
  });

  it('breaks ties between equal versions by their string', () => {
    expect(sort(['v1.0.0+b', 'v1.0.0', 'v1', 'v1.0.0+a'])).toEqual(['v1', 'v1.0.0', 'v1.0.0+a', 'v1.0.0+b']);
  });

  it('sorts lists with numbers of 2^16 and more (the comparison path) like small ones (the radix path)', () => {
    const small = [
      'v1.10.0',
      'v1.9.0-rc.2',
      'v1.9.0-rc.10',
      'v1.9.0',
      'v1.9',
      'v0.0.0-20191109021931-daa7c04131f5',
    ];
    const want = [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v1.9.0-rc.2',
      'v1.9.0-rc.10',
      'v1.9',
      'v1.9.0',
      'v1.10.0',
    ];
    expect(sort(small)).toEqual(want);
    expect(sort([...small, 'v65536.0.0'])).toEqual([...want, 'v65536.0.0']);
    expect(sort([...small, 'v1.65535.0'])).toEqual([...want, 'v1.65535.0']);
  });

  it('refuses lists longer than MAX_SORT_LENGTH with a typed error', () => {
    const huge = new Array<string>(MAX_SORT_LENGTH + 1);
    expect(() => sort(huge)).toThrow(expect.objectContaining({ code: 'semver-list-too-long' }));
  });

  it('max returns the greatest valid version of four, as written', () => {
    expect(max(['v1.2.0', 'v1.10.0-rc.1', 'v1.10.0', 'v1.9.9'])).toBe('v1.10.0');
    expect(max(['v2', 'junk', 'v1.0.0'])).toBe('v2');
    expect(max(['junk'])).toBeUndefined();
    expect(max([])).toBeUndefined();
  });

  it('compares numbers of any length exactly, past 2^53', () => {
    const a = 'v9007199254740993.0.0';
    const b = 'v9007199254740992.0.0';
    expect(compareStrings(a, b)).toBe(1);
    expect(compareStrings(`v1.0.0-${'9'.repeat(40)}`, `v1.0.0-1${'0'.repeat(40)}`)).toBe(-1);
    expect(sort([a, b, 'v100000000000000000000000000000.0.0'])).toEqual([
      b,
      a,
      'v100000000000000000000000000000.0.0',
    ]);
    expect(parse(a).major).toBe('9007199254740993');
  });
});

describe('toString', () => {
  it.each(['v0.0.0', 'v1.2.3', 'v1.0.0-rc.1', 'v2.0.0+incompatible', 'v0.0.0-20191109021931-daa7c04131f5'])(
    'round-trips %s',
    (v) => {
      expect(parse(v).toString()).toBe(v);
      expect(String(parse(String(parse(v))))).toBe(v);
    },
  );
});

describe('properties', () => {
  const num = fc.oneof(fc.constant('0'), fc.bigInt({ min: 1n, max: 10n ** 30n }).map(String));
  const ident = fc.oneof(num, fc.stringMatching(/^[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*$/));
  const version = fc
    .tuple(
      num,
      num,
      num,
      fc.array(ident, { maxLength: 3 }),
      fc.array(fc.stringMatching(/^[0-9A-Za-z-]+$/), { maxLength: 2 }),
    )
    .map(
      ([a, b, c, pre, bld]) =>
        `v${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}${bld.length ? `+${bld.join('.')}` : ''}`,
    );

  it('parse(toString()) is the identity on generated versions', () => {
    fc.assert(
      fc.property(version, (v) => {
        expect(String(parse(v))).toBe(v);
      }),
    );
  });

  it('sort agrees with compareStrings and returns a permutation', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(version, fc.string()), { maxLength: 30 }), (list) => {
        const sorted = sort(list);
        expect([...sorted].sort()).toEqual([...list].sort());
        for (let i = 1; i < sorted.length; i++) {
          expect(compareStrings(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('compareStrings is antisymmetric', () => {
    fc.assert(
      fc.property(fc.oneof(version, fc.string()), fc.oneof(version, fc.string()), (a, b) => {
        expect(compareStrings(a, b) + compareStrings(b, a)).toBe(0);
      }),
    );
  });
});

describe('public surface', () => {
  it("exports the issue's functions plus the error class and the two caps", () => {
    expect(Object.keys(semverNamespace).sort()).toEqual([
      'InvalidVersionError',
      'MAX_SORT_LENGTH',
      'MAX_VERSION_LENGTH',
      'build',
      'canonical',
      'compare',
      'compareStrings',
      'isPrerelease',
      'isPseudoVersion',
      'isValid',
      'major',
      'max',
      'parse',
      'prerelease',
      'sort',
      'tryParse',
    ]);
  });
});
