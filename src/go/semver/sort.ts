// Sorting and maximum over lists of version strings, in the total order of compareStrings.
import { compare, compareUtf8 } from './compare.js';
import { tryParse, type Version } from './parse.js';

// Each valid version is parsed once and turned into a key string whose plain code-unit order is its
// precedence, followed by the version itself as the tie-break. Comparing keys is one native string
// comparison, instead of re-parsing both sides on every comparison as x/mod's ByVersion does.
//
// Layout: number = char(0x100 + digit count) + digits (a longer number is larger; counts are
// bounded by MAX_VERSION_LENGTH, far below the surrogate range). Pre-release identifiers follow
// the patch: numeric = \u0002 + number, alphanumeric = \u0003 + text + \u0000 (\u0000 sorts below
// every identifier character, so a prefix sorts first), the list ends with \u0001 (a shorter list
// sorts first); a release has \u0004 instead, above every pre-release.
function numberKey(n: string): string {
  return String.fromCharCode(0x100 + n.length) + n;
}

function sortKey(p: Version, original: string): string {
  let k = numberKey(p.major) + numberKey(p.minor) + numberKey(p.patch);
  if (p.prerelease.length === 0) {
    k += '\u0004';
  } else {
    for (const id of p.prerelease) {
      k += /^[0-9]+$/.test(id) ? `\u0002${numberKey(id)}` : `\u0003${id}\u0000`;
    }
    k += '\u0001';
  }
  // Valid versions are ASCII, so code-unit order of the tie-break is Go's byte order.
  return k + original;
}

interface Keyed {
  readonly key: string;
  readonly value: string;
}

function byKey(a: Keyed, b: Keyed): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Returns a sorted copy of `list`: valid versions in ascending precedence (ties broken by the
 * string, so `v1.0.0` comes before `v1.0.0+meta`), then the invalid strings in lexical (UTF-8
 * byte) order. For lists of valid versions this is the order of x/mod `semver.Sort`; see
 * {@link compareStrings} for why invalid strings go last.
 *
 * @example
 * ```ts
 * sort(['v1.10.0', 'junk', 'v1.2.0', 'v1.2.0-rc.1']);
 * // ['v1.2.0-rc.1', 'v1.2.0', 'v1.10.0', 'junk']
 * ```
 */
export function sort(list: readonly string[]): string[] {
  const valid: Keyed[] = [];
  const invalid: string[] = [];
  for (const value of list) {
    const p = tryParse(value);
    if (p === undefined) invalid.push(value);
    else valid.push({ key: sortKey(p, value), value });
  }
  valid.sort(byKey);
  invalid.sort(compareUtf8);
  const out = new Array<string>(list.length);
  let i = 0;
  for (const k of valid) out[i++] = k.value;
  for (const s of invalid) out[i++] = s;
  return out;
}

/**
 * The greatest valid version in `list` (the last valid element of {@link sort}'s result), returned
 * as written; `undefined` when `list` holds no valid version. Invalid strings are ignored.
 *
 * @example
 * ```ts
 * max(['v1.2.0', 'v1.10.0', 'v1.10.0-rc.1', 'junk']); // 'v1.10.0'
 * max(['junk']);                                      // undefined
 * ```
 */
export function max(list: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestParsed: Version | undefined;
  for (const value of list) {
    const p = tryParse(value);
    if (p === undefined) continue;
    if (bestParsed === undefined || best === undefined) {
      best = value;
      bestParsed = p;
      continue;
    }
    const c = compare(p, bestParsed);
    if (c > 0 || (c === 0 && compareUtf8(value, best) > 0)) {
      best = value;
      bestParsed = p;
    }
  }
  return best;
}
