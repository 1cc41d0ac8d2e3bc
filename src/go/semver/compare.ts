// Ordering of Go semantic versions: precedence between parsed versions and the total order on strings.
import { tryParse, type Version } from './parse.js';

/** Compares two decimal digit strings without leading zeros: longer is larger, then digit by digit. */
function compareNumbers(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function isNumeric(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** SemVer pre-release precedence; an empty list (a release) is above every pre-release. */
function comparePrerelease(x: readonly string[], y: readonly string[]): number {
  if (x.length === 0 || y.length === 0) {
    return x.length === y.length ? 0 : x.length === 0 ? 1 : -1;
  }
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const dx = x[i]!;
    const dy = y[i]!;
    if (dx === dy) continue;
    const nx = isNumeric(dx);
    const ny = isNumeric(dy);
    // Numeric identifiers sort below alphanumeric ones.
    if (nx !== ny) return nx ? -1 : 1;
    if (nx) return compareNumbers(dx, dy);
    return dx < dy ? -1 : 1; // identifiers are ASCII, so UTF-16 order is byte order
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/**
 * Semantic-version precedence of two parsed versions: -1, 0 or +1. Build metadata is ignored, so
 * `v2.0.0+incompatible` ties with `v2.0.0`.
 *
 * @example
 * ```ts
 * compare(parse('v1.0.0-alpha.10'), parse('v1.0.0-alpha.2')); // 1
 * compare(parse('v2.0.0+incompatible'), parse('v2.0.0'));     // 0
 * ```
 */
export function compare(a: Version, b: Version): -1 | 0 | 1 {
  const c =
    compareNumbers(a.major, b.major) ||
    compareNumbers(a.minor, b.minor) ||
    compareNumbers(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/**
 * Compares two strings in the order of their UTF-8 bytes, which is Go's string order. UTF-16 code
 * unit order differs from it only when a surrogate meets a code unit in U+E000–U+FFFF; lone
 * surrogates order as their own code points (WTF-8).
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates encode code points ≥ U+10000: lift them above U+E000–U+FFFF.
      x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * The total order on strings that {@link sort} uses: valid versions by precedence (0 for equal
 * precedence, such as `v1` and `v1.0.0+meta`), every invalid string after every valid version,
 * and invalid strings among themselves in lexical (UTF-8 byte) order.
 *
 * This differs from x/mod `semver.Compare`, which puts invalid strings *before* valid ones and
 * treats all invalid strings as equal; the placement follows mochi-pkg's Go seed, so that lists
 * with stray entries still sort deterministically with real versions first.
 *
 * @example
 * ```ts
 * compareStrings('v1.10.0', 'v1.9.0'); // 1
 * compareStrings('junk', 'v1.0.0');    // 1 (invalid after valid)
 * compareStrings('a', 'b');            // -1 (lexical among invalid)
 * ```
 */
export function compareStrings(a: string, b: string): -1 | 0 | 1 {
  const pa = tryParse(a);
  const pb = tryParse(b);
  if (pa !== undefined && pb !== undefined) return compare(pa, pb);
  if (pa !== undefined) return -1;
  if (pb !== undefined) return 1;
  const c = compareUtf8(a, b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}
