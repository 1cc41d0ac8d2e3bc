// PEP 440 versions: parse, normalise, compare — the semantics of packaging 26's `Version`.
import { MochiPkgError } from '../../errors.js';
import { memoize } from '../../util/memo.js';
import { cmpDigits, cmpPyStr, isDigits, normDigits, PY_WS } from './text.js';

/** A letter-tagged segment such as the `rc1` of `1.0rc1` or the `post2` of `1.0.post2`. */
export interface LetterNumber {
  /** Normalised letter: `a`, `b`, `rc`, `post` or `dev` (see {@link parseVersion}). */
  readonly letter: string;
  /** The number, as decimal digits without leading zeros (numbers may exceed 2^53). */
  readonly number: string;
}

/**
 * A parsed PEP 440 version. Numbers are decimal digit strings without leading zeros, so versions
 * such as `1.20240101000000000000` keep their exact value.
 */
export interface Version {
  /** The normalised text, `str(Version(text))` in packaging. */
  readonly text: string;
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre: LetterNumber | undefined;
  readonly post: LetterNumber | undefined;
  /** The number of the `.devN` segment, if any. */
  readonly dev: string | undefined;
  /** Local segment parts, lower case; all-digit parts without leading zeros. */
  readonly local: readonly string[] | undefined;
}

/** A version string that is not PEP 440. Code `pep440-invalid-version`. */
export class InvalidVersionError extends MochiPkgError {
  constructor(readonly input: string) {
    super('pep440-invalid-version', `invalid PEP 440 version ${JSON.stringify(input)}`, {
      hint: 'a version looks like 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4, 1!2.0 or 1.2.3+local.7',
    });
  }
}

const SEP = '[-_.]';
/**
 * PEP 440's own regular expression (packaging's VERSION_PATTERN), anchored with Python whitespace.
 * Since packaging 22 the letters match ASCII only (`(?a:…)`), so Python's odd case-insensitive
 * equivalents (`poſt`, `prevıew`) are no longer versions; JavaScript's `/i` without `/u` agrees.
 */
const VERSION_RE = new RegExp(
  `^[${PY_WS}]*v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)(?:${SEP}?(a|b|c|rc|alpha|beta|pre|preview)${SEP}?([0-9]+)?)?` +
    `(?:-([0-9]+)|${SEP}?(post|rev|r)${SEP}?([0-9]+)?)?(?:${SEP}?(dev)${SEP}?([0-9]+)?)?)` +
    `(?:\\+([a-z0-9]+(?:${SEP}[a-z0-9]+)*))?[${PY_WS}]*$`,
  'i',
);

const PRE_SPELLING: Record<string, string> = { alpha: 'a', beta: 'b', c: 'rc', pre: 'rc', preview: 'rc' };

function letterNumber(letter: string | undefined, num: string | undefined, post: boolean) {
  if (letter !== undefined) {
    let l = letter.toLowerCase();
    if (post) {
      if (l === 'rev' || l === 'r') l = 'post';
    } else {
      l = PRE_SPELLING[l] ?? l;
    }
    return { letter: l, number: num === undefined ? '0' : normDigits(num) };
  }
  // `1.0-1` is the implicit post-release spelling.
  return num === undefined ? undefined : { letter: 'post', number: normDigits(num) };
}

function groupsOf(text: string): (string | undefined)[] | undefined {
  const m = VERSION_RE.exec(text);
  return m === null ? undefined : m.slice(1);
}

/**
 * Parses a version, or returns undefined when it is not PEP 440. A resolve parses the same few
 * hundred version strings thousands of times (each candidate against each specifier); the answer
 * depends on the text alone and a Version is read-only, so recent answers are remembered. Only
 * short texts are kept (a hostile page's long junk is parsed and dropped).
 */
export const tryParseVersion: (text: string) => Version | undefined = memoize(parseUncached, {
  max: 8192,
  maxKeyLength: 64,
});

function parseUncached(text: string): Version | undefined {
  const g = groupsOf(text);
  if (g === undefined) return undefined;
  const [epochG, releaseG, preL, preN, postN1, postL, postN2, devL, devN, localG] = g;
  const epoch = epochG === undefined ? '0' : normDigits(epochG);
  const release = releaseG!.split('.').map(normDigits);
  const pre = letterNumber(preL, preN, false);
  const post = letterNumber(postL, postN1 ?? postN2, true);
  const dev = devL === undefined ? undefined : devN === undefined ? '0' : normDigits(devN);
  const local =
    localG === undefined
      ? undefined
      : localG.split(/[._-]/).map((p) => (isDigits(p) ? normDigits(p) : p.toLowerCase()));
  let s = epoch === '0' ? '' : `${epoch}!`;
  s += release.join('.');
  if (pre) s += pre.letter + pre.number;
  if (post) s += `.post${post.number}`;
  if (dev !== undefined) s += `.dev${dev}`;
  if (local) s += `+${local.join('.')}`;
  return { text: s, epoch, release, pre, post, dev, local };
}

/**
 * Parses a PEP 440 version (packaging's `Version(text)`); throws {@link InvalidVersionError}.
 *
 * @example
 * ```ts
 * parseVersion('1.0-RC.1').text // '1.0rc1'
 * ```
 */
export function parseVersion(text: string): Version {
  const v = tryParseVersion(text);
  if (v === undefined) throw new InvalidVersionError(text);
  return v;
}

/** packaging's `str(Version(text))`: the normalised form; throws {@link InvalidVersionError}. */
export function normalizeVersion(text: string): string {
  return parseVersion(text).text;
}

/**
 * packaging's `canonicalize_version`: the normalised form with trailing `.0` release parts removed
 * (`1.0.0` → `1`); text that is not a version is returned unchanged, as packaging does.
 */
export function canonicalizeVersion(version: string | Version): string {
  const v = typeof version === 'string' ? tryParseVersion(version) : version;
  if (v === undefined) return version as string;
  let s = v.epoch === '0' ? '' : `${v.epoch}!`;
  s += v.release.join('.').replace(/(\.0)+$/, '');
  if (v.pre) s += v.pre.letter + v.pre.number;
  if (v.post) s += `.post${v.post.number}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join('.')}`;
  return s;
}

/** True for pre-releases and development releases (packaging's `is_prerelease`). */
export function isPrerelease(v: Version): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}

/** The version without its local segment (packaging's `_public_version`). */
export function publicVersion(v: Version): Version {
  if (v.local === undefined) return v;
  return { ...v, text: v.text.slice(0, v.text.indexOf('+')), local: undefined };
}

/** Builds a version from its parts (packaging's `Version.from_parts` / `__replace__`). */
export function versionFromParts(parts: Omit<Version, 'text'>): Version {
  let text = parts.epoch === '0' ? '' : `${parts.epoch}!`;
  text += parts.release.join('.');
  if (parts.pre) text += parts.pre.letter + parts.pre.number;
  if (parts.post) text += `.post${parts.post.number}`;
  if (parts.dev !== undefined) text += `.dev${parts.dev}`;
  if (parts.local) text += `+${parts.local.join('.')}`;
  return { text, ...parts };
}

/** Epoch and release only (packaging's `Version(v.base_version)`). */
export function baseVersion(v: Version): Version {
  if (v.pre === undefined && v.post === undefined && v.dev === undefined && v.local === undefined) return v;
  const text = (v.epoch === '0' ? '' : `${v.epoch}!`) + v.release.join('.');
  return {
    text,
    epoch: v.epoch,
    release: v.release,
    pre: undefined,
    post: undefined,
    dev: undefined,
    local: undefined,
  };
}

function cmpRelease(a: readonly string[], b: readonly string[]): number {
  // Trailing zeros do not count: 1.0 == 1.0.0.
  let la = a.length;
  while (la > 0 && a[la - 1] === '0') la--;
  let lb = b.length;
  while (lb > 0 && b[lb - 1] === '0') lb--;
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const c = cmpDigits(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return la - lb < 0 ? -1 : la - lb > 0 ? 1 : 0;
}

function cmpLetterNumber(a: LetterNumber, b: LetterNumber): number {
  return cmpPyStr(a.letter, b.letter) || cmpDigits(a.number, b.number);
}

// Ranks stand in for packaging's Infinity / NegativeInfinity sentinels in its sort key.
function preRank(v: Version): number {
  if (v.pre === undefined && v.post === undefined && v.dev !== undefined) return -1; // 1.0.dev0 < 1.0a0
  return v.pre === undefined ? 1 : 0;
}

function cmpLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isDigits(x);
    const yn = isDigits(y);
    // Numeric parts sort after alphanumeric ones; each kind compares within itself.
    const c = xn && yn ? cmpDigits(x, y) : xn ? 1 : yn ? -1 : cmpPyStr(x, y);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * Orders two versions as packaging does (its `_cmpkey`): epoch, release without trailing zeros,
 * dev-only before pre-release before final, post, dev, then local. Returns -1, 0 or 1.
 */
export function compareVersions(a: Version, b: Version): number {
  let c = cmpDigits(a.epoch, b.epoch) || cmpRelease(a.release, b.release);
  if (c !== 0) return c;
  const ra = preRank(a);
  const rb = preRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0) {
    c = cmpLetterNumber(a.pre!, b.pre!);
    if (c !== 0) return c;
  }
  if (a.post !== b.post) {
    if (a.post === undefined) return -1;
    if (b.post === undefined) return 1;
    c = cmpLetterNumber(a.post, b.post);
    if (c !== 0) return c;
  }
  if (a.dev !== b.dev) {
    if (a.dev === undefined) return 1;
    if (b.dev === undefined) return -1;
    c = cmpDigits(a.dev, b.dev);
    if (c !== 0) return c;
  }
  return cmpLocal(a.local, b.local);
}
