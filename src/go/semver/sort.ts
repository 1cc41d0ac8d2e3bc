// Sorting and maximum over lists of version strings, in the total order of compareStrings.
import { MochiPkgError } from '../../errors.js';
import { compare, compareUtf8 } from './compare.js';
import { MAJOR, MINOR, PATCH, PRE, parse, scanParts, tryParse, type Version } from './parse.js';

// x/mod's ByVersion re-parses both versions on every comparison. Here each version is parsed once
// and the sort avoids JavaScript comparison callbacks on the common path:
//  1. a stable LSD radix sort orders the versions by (major, minor, patch, release flag) when every
//     number is below 2^16, which covers real module histories; otherwise a comparison sort over
//     the parsed versions does the whole job;
//  2. runs sharing those four fields are ordered among themselves with the engine's native string
//     sort: releases by their string (equal precedence, so the tie-break decides), pre-releases by
//     a key string whose code-unit order is precedence order.
//
// Key layout: a number is char(0x100 + digit count) + digits (a longer number is larger; counts
// are bounded by MAX_VERSION_LENGTH, far below the surrogate range). A pre-release identifier is
// \u0002 + number when numeric, \u0003 + text + \u0000 otherwise (\u0000 sorts below every
// identifier character, so a prefix sorts first); \u0001 ends the list (a shorter list sorts
// first). The version itself follows as the tie-break; the layout is self-delimiting, so the
// version can be read back from the key.
const END_PRERELEASE = 1;
const NUMERIC = 2;
const ALPHANUMERIC = 3;

/**
 * Longest list {@link sort} accepts (cmd/go's longest version lists have a few thousand entries;
 * the cap bounds the memory a hostile list can make the sort allocate).
 */
export const MAX_SORT_LENGTH = 2 ** 24;

/** The fields the radix sort orders by, one typed array per field, indexed like `values`. */
interface Fields {
  readonly values: string[];
  readonly majors: Uint32Array;
  readonly minors: Uint32Array;
  readonly patches: Uint32Array;
  /** 1 for a release, 0 for a pre-release: a release sorts after its pre-releases. */
  readonly releases: Uint32Array;
  /** Where the pre-release is in the string ([start, end), -1 when none). */
  readonly preStarts: Int32Array;
  readonly preEnds: Int32Array;
}

/** The value of the digits v[start, end) when below 2^16 (0 for a part left out), else -1. */
function smallNumber(v: string, start: number, end: number): number {
  if (start < 0) return 0;
  if (end - start > 5) return -1;
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + v.charCodeAt(i) - 0x30;
  return n < 0x10000 ? n : -1;
}

/**
 * Splits `list` into valid versions (with their radix fields) and invalid strings. `small` is
 * false when some major, minor or patch is 2^16 or more, so the radix sort cannot be used.
 */
function scanList(list: readonly string[]): { fields: Fields; invalid: string[]; small: boolean } {
  const n = list.length;
  const fields: Fields = {
    values: [],
    majors: new Uint32Array(n),
    minors: new Uint32Array(n),
    patches: new Uint32Array(n),
    releases: new Uint32Array(n),
    preStarts: new Int32Array(n),
    preEnds: new Int32Array(n),
  };
  const invalid: string[] = [];
  const parts = new Int32Array(10);
  let small = true;
  for (const v of list) {
    if (scanParts(v, parts) !== undefined) {
      invalid.push(v);
      continue;
    }
    const m = fields.values.length;
    fields.values.push(v);
    const a = smallNumber(v, parts[MAJOR]!, parts[MAJOR + 1]!);
    const b = smallNumber(v, parts[MINOR]!, parts[MINOR + 1]!);
    const c = smallNumber(v, parts[PATCH]!, parts[PATCH + 1]!);
    if (a < 0 || b < 0 || c < 0) small = false;
    fields.majors[m] = a;
    fields.minors[m] = b;
    fields.patches[m] = c;
    fields.releases[m] = parts[PRE]! < 0 ? 1 : 0;
    fields.preStarts[m] = parts[PRE]!;
    fields.preEnds[m] = parts[PRE + 1]!;
  }
  return { fields, invalid, small };
}

/** Stable LSD radix sort of the indices by (major, minor, patch, release): one counting sort per field. */
function radixOrder(f: Fields): Uint32Array {
  const n = f.values.length;
  let indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  let next = new Uint32Array(n);
  for (const field of [f.releases, f.patches, f.minors, f.majors]) {
    let top = 0;
    for (let i = 0; i < n; i++) if (field[i]! > top) top = field[i]!;
    if (top === 0) continue;
    const starts = new Uint32Array(top + 2);
    for (let i = 0; i < n; i++) starts[field[i]! + 1]!++;
    for (let v = 1; v <= top + 1; v++) starts[v]! += starts[v - 1]!;
    for (let j = 0; j < n; j++) {
      const i = indices[j]!;
      next[starts[field[i]!]!++] = i;
    }
    [indices, next] = [next, indices];
  }
  return indices;
}

function numberKey(v: string, start: number, end: number): string {
  return String.fromCharCode(0x100 + end - start) + v.slice(start, end);
}

/** The sort key of the pre-release v[start, end), followed by the version itself. */
function prereleaseKey(v: string, start: number, end: number): string {
  let k = '';
  for (let s = start; s < end; ) {
    let e = v.indexOf('.', s);
    if (e < 0 || e > end) e = end;
    let numeric = true;
    for (let i = s; i < e && numeric; i++) numeric = v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39;
    k += numeric ? `\u0002${numberKey(v, s, e)}` : `\u0003${v.slice(s, e)}\u0000`;
    s = e + 1;
  }
  // Valid versions are ASCII, so code-unit order of the tie-break is Go's byte order.
  return `${k}\u0001${v}`;
}

/** The version at the end of a key made by prereleaseKey. */
function originalOf(key: string): string {
  let i = 0;
  for (;;) {
    const marker = key.charCodeAt(i++);
    if (marker === END_PRERELEASE) return key.slice(i);
    if (marker === NUMERIC) i += 1 + key.charCodeAt(i) - 0x100;
    else if (marker === ALPHANUMERIC) i = key.indexOf('\u0000', i) + 1;
    else throw new Error(`internal error: malformed sort key at ${i}`);
  }
}

/** Writes the versions in radix order to `out`, ordering each run of equal fields; returns the count. */
function writeRuns(f: Fields, indices: Uint32Array, out: string[]): number {
  const n = indices.length;
  const same = (i: number, j: number) =>
    f.patches[i] === f.patches[j] &&
    f.minors[i] === f.minors[j] &&
    f.majors[i] === f.majors[j] &&
    f.releases[i] === f.releases[j];
  let o = 0;
  for (let start = 0; start < n; ) {
    const first = indices[start]!;
    let end = start + 1;
    while (end < n && same(first, indices[end]!)) end++;
    if (end - start === 1) {
      out[o++] = f.values[first]!;
    } else if (f.releases[first] === 1) {
      const run: string[] = [];
      for (let j = start; j < end; j++) run.push(f.values[indices[j]!]!);
      run.sort(); // equal precedence: the string decides (ASCII, so code-unit order is byte order)
      for (const v of run) out[o++] = v;
    } else {
      const run: string[] = [];
      for (let j = start; j < end; j++) {
        const i = indices[j]!;
        run.push(prereleaseKey(f.values[i]!, f.preStarts[i]!, f.preEnds[i]!));
      }
      run.sort();
      for (const k of run) out[o++] = originalOf(k);
    }
    start = end;
  }
  return o;
}

/**
 * Returns a sorted copy of `list`: valid versions in ascending precedence (ties broken by the
 * string, so `v1.0.0` comes before `v1.0.0+meta`), then the invalid strings in lexical (UTF-8
 * byte) order. For lists of valid versions this is the order of x/mod `semver.Sort`; see
 * {@link compareStrings} for why invalid strings go last. Throws a MochiPkgError (code
 * `semver-list-too-long`) for lists longer than {@link MAX_SORT_LENGTH}.
 *
 * @example
 * ```ts
 * sort(['v1.10.0', 'junk', 'v1.2.0', 'v1.2.0-rc.1']);
 * // ['v1.2.0-rc.1', 'v1.2.0', 'v1.10.0', 'junk']
 * ```
 */
export function sort(list: readonly string[]): string[] {
  if (list.length > MAX_SORT_LENGTH) {
    throw new MochiPkgError(
      'semver-list-too-long',
      `cannot sort ${list.length} versions: expected at most ${MAX_SORT_LENGTH}`,
      { hint: 'sort the list in parts, or use compareStrings with Array.prototype.sort' },
    );
  }
  const { fields, invalid, small } = scanList(list);
  const out = new Array<string>(list.length);
  let o: number;
  if (small) {
    o = writeRuns(fields, radixOrder(fields), out);
  } else {
    // Some number is 2^16 or more: a comparison sort over parsed versions does the whole job.
    const parsed = fields.values.map(parse);
    const idx = Array.from(parsed, (_, i) => i);
    idx.sort((a, b) => compare(parsed[a]!, parsed[b]!) || compareUtf8(fields.values[a]!, fields.values[b]!));
    o = 0;
    for (const i of idx) out[o++] = fields.values[i]!;
  }
  invalid.sort(compareUtf8);
  for (const s of invalid) out[o++] = s;
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
