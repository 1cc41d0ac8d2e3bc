// Parsing cmd/go's semantic versions (golang.org/x/mod/semver) into a Version value.
// Hand-written rather than taken from an npm semver library: those accept SemVer 2.0 without the
// `v`, reject Go's `v1`/`v1.2` shorthands and parse numbers into floats; Go's dialect must be
// reproduced byte for byte, with numbers of any length kept as digit strings.
import { MochiPkgError } from '../../errors.js';

/**
 * Longest version string accepted, in UTF-16 code units. Real versions are under 100 characters
 * (a pseudo-version is about 40); the cap keeps hostile inputs cheap. x/mod itself has no cap, so
 * a longer string that x/mod would accept is the one documented difference from the reference.
 */
export const MAX_VERSION_LENGTH = 1024;

/** Why a string is not a version of Go's dialect (the `reason` of {@link InvalidVersionError}). */
export type InvalidVersionReason =
  | 'empty'
  | 'too-long'
  | 'missing-v'
  | 'bad-major'
  | 'bad-minor'
  | 'bad-patch'
  | 'leading-zero'
  | 'bad-prerelease'
  | 'bad-build'
  | 'shorthand-suffix'
  | 'trailing-text';

const REASON_TEXT: Record<InvalidVersionReason, string> = {
  empty: 'the string is empty',
  'too-long': `it is longer than ${MAX_VERSION_LENGTH} characters`,
  'missing-v': 'it does not start with "v"',
  'bad-major': 'the major version is not a decimal number',
  'bad-minor': 'the minor version is not a decimal number',
  'bad-patch': 'the patch version is not a decimal number',
  'leading-zero': 'a number has a leading zero',
  'bad-prerelease':
    'the pre-release is not dot-separated non-empty [0-9A-Za-z-] identifiers without leading zeros in numbers',
  'bad-build': 'the build metadata is not dot-separated non-empty [0-9A-Za-z-] identifiers',
  'shorthand-suffix': 'the shorthands vMAJOR and vMAJOR.MINOR take no pre-release or build suffix',
  'trailing-text': 'unexpected text after the version',
};

/**
 * Thrown by {@link parse} for a string that is not a Go semantic version. `code` is
 * `semver-too-long` for strings over {@link MAX_VERSION_LENGTH}, `semver-invalid` otherwise.
 */
export class InvalidVersionError extends MochiPkgError {
  /** The rejected input (cut to 100 characters for over-long input). */
  readonly version: string;
  readonly reason: InvalidVersionReason;

  constructor(version: string, reason: InvalidVersionReason) {
    const shown = version.length > 100 ? `${version.slice(0, 100)}…` : version;
    super(
      reason === 'too-long' ? 'semver-too-long' : 'semver-invalid',
      `invalid semantic version ${JSON.stringify(shown)}: ${REASON_TEXT[reason]}; expected vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]`,
      {
        hint: 'Go versions look like v1.2.3, v1.2.3-pre.1, v2.0.0+incompatible or v0.0.0-20240101000000-abcdef123456',
      },
    );
    this.version = shown;
    this.reason = reason;
  }
}

const NO_IDENTS: readonly string[] = Object.freeze([]);

/**
 * A parsed Go semantic version. Numbers are decimal digit strings (any length, no leading zeros),
 * so nothing is lost past 2^53. `toString()` prints the canonical form plus any build metadata.
 * Values come from {@link parse} and {@link tryParse}, which guarantee the fields are valid; the
 * package exports the type only, so no unchecked Version can reach {@link compare}.
 *
 * @example
 * ```ts
 * const v = parse('v1.2');          // shorthand for v1.2.0
 * v.minor;                          // '2'
 * String(v);                        // 'v1.2.0'
 * String(parse('v2.0.0+incompatible')); // 'v2.0.0+incompatible'
 * ```
 */
export class Version {
  /** Major, minor and patch numbers as digit strings (`'0'` when a shorthand omitted them). */
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Pre-release identifiers, without the leading `-` (`['rc', '1']` for `-rc.1`); empty for a release. */
  readonly prerelease: readonly string[];
  /** Build identifiers, without the leading `+` (`['incompatible']`); ignored by comparisons. */
  readonly build: readonly string[];

  constructor(
    major: string,
    minor: string,
    patch: string,
    prerelease: readonly string[] = NO_IDENTS,
    build: readonly string[] = NO_IDENTS,
  ) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.prerelease = prerelease;
    this.build = build;
  }

  /** `vMAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`: the canonical form followed by the build metadata. */
  toString(): string {
    let s = `v${this.major}.${this.minor}.${this.patch}`;
    if (this.prerelease.length > 0) s += `-${this.prerelease.join('.')}`;
    if (this.build.length > 0) s += `+${this.build.join('.')}`;
    return s;
  }
}

const DOT = 0x2e;
const PLUS = 0x2b;
const MINUS = 0x2d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** [0-9A-Za-z-]: the characters SemVer allows in identifiers. */
function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === MINUS;
}

/**
 * End of the decimal number starting at `i`: -1 when there is none, -2 when it has a leading zero.
 */
function scanNumber(s: string, i: number): number {
  let j = i;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (j === i) return -1;
  if (j - i > 1 && s.charCodeAt(i) === 0x30) return -2;
  return j;
}

/**
 * Whether s[from, to) is non-empty dot-separated identifiers of [0-9A-Za-z-], without leading
 * zeros in numeric identifiers when `prereleaseRules` (build metadata may have them).
 */
function validIdents(s: string, from: number, to: number, prereleaseRules: boolean): boolean {
  let start = from;
  let digitsOnly = true;
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (i === start) return false;
      if (prereleaseRules && digitsOnly && i - start > 1 && s.charCodeAt(start) === 0x30) return false;
      start = i + 1;
      digitsOnly = true;
    } else if (!isDigit(c)) {
      if (!isIdentChar(c)) return false;
      digitsOnly = false;
    }
  }
  return true;
}

/**
 * Where the parts of a valid version are in its string, as filled by {@link scanParts}: each part
 * is [start, end); a part the string leaves out (shorthand minor/patch, no pre-release, no build)
 * has start = end = -1. Pre-release and build ranges exclude their `-`/`+`.
 */
export const MAJOR = 0;
export const MINOR = 2;
export const PATCH = 4;
export const PRE = 6;
export const BUILD = 8;

// Why each of the three numbers can be missing, by position.
const NUMBER_REASONS = ['bad-major', 'bad-minor', 'bad-patch'] as const;

/**
 * The one validator of the dialect: checks `v` and records where its parts are in `parts` (10
 * slots, see MAJOR…BUILD), or returns the first rule it breaks. Allocation-free, so that sorting a
 * long list need not build a Version per entry.
 */
export function scanParts(v: string, parts: Int32Array): InvalidVersionReason | undefined {
  const n = v.length;
  if (n === 0) return 'empty';
  if (n > MAX_VERSION_LENGTH) return 'too-long';
  if (v.charCodeAt(0) !== 0x76 /* v */) return 'missing-v';
  parts.fill(-1);
  // major, minor, patch; vMAJOR and vMAJOR.MINOR are shorthands for vMAJOR.0.0 and vMAJOR.MINOR.0.
  let i = 1;
  for (let k = 0; k < 3; k++) {
    const end = scanNumber(v, i);
    if (end < 0) return end === -2 ? 'leading-zero' : NUMBER_REASONS[k]!;
    parts[2 * k] = i;
    parts[2 * k + 1] = end;
    i = end;
    if (i === n) return undefined;
    if (k < 2) {
      const c = v.charCodeAt(i);
      if (c !== DOT) return c === MINUS || c === PLUS ? 'shorthand-suffix' : 'trailing-text';
      i++;
    }
  }
  if (v.charCodeAt(i) === MINUS) {
    let end = v.indexOf('+', i);
    if (end < 0) end = n;
    if (!validIdents(v, i + 1, end, true)) return 'bad-prerelease';
    parts[PRE] = i + 1;
    parts[PRE + 1] = end;
    i = end;
  }
  if (i < n && v.charCodeAt(i) === PLUS) {
    if (!validIdents(v, i + 1, n, false)) return 'bad-build';
    parts[BUILD] = i + 1;
    parts[BUILD + 1] = n;
    i = n;
  }
  return i === n ? undefined : 'trailing-text';
}

const scratch = new Int32Array(10);

function part(v: string, parts: Int32Array, at: number): string {
  return parts[at]! < 0 ? '0' : v.slice(parts[at], parts[at + 1]);
}

function idents(v: string, parts: Int32Array, at: number): readonly string[] {
  return parts[at]! < 0 ? NO_IDENTS : v.slice(parts[at], parts[at + 1]).split('.');
}

function scan(v: string): Version | InvalidVersionReason {
  const reason = scanParts(v, scratch);
  if (reason !== undefined) return reason;
  return new Version(
    part(v, scratch, MAJOR),
    part(v, scratch, MINOR),
    part(v, scratch, PATCH),
    idents(v, scratch, PRE),
    idents(v, scratch, BUILD),
  );
}

/**
 * Parses a Go semantic version; throws {@link InvalidVersionError} when `v` is not one.
 *
 * @example
 * ```ts
 * parse('v1.2.3-rc.1+meta').prerelease; // ['rc', '1']
 * parse('1.2.3');                        // throws InvalidVersionError (code 'semver-invalid')
 * ```
 */
export function parse(v: string): Version {
  const r = scan(v);
  if (typeof r === 'string') throw new InvalidVersionError(v, r);
  return r;
}

/**
 * Like {@link parse}, but returns `undefined` for an invalid version.
 *
 * @example
 * ```ts
 * tryParse('v1')?.toString(); // 'v1.0.0'
 * tryParse('v1.02');          // undefined
 * ```
 */
export function tryParse(v: string): Version | undefined {
  const r = scan(v);
  return typeof r === 'string' ? undefined : r;
}

/**
 * Reports whether `v` is a valid Go semantic version (x/mod `semver.IsValid`).
 *
 * @example
 * ```ts
 * isValid('v1.2.3'); // true
 * isValid('v1.2-pre'); // false: shorthands take no suffix
 * ```
 */
export function isValid(v: string): boolean {
  return scanParts(v, scratch) === undefined;
}

/**
 * The canonical form of `v`: missing `.MINOR`/`.PATCH` filled in, build metadata dropped; `''`
 * for an invalid version (x/mod `semver.Canonical`). Two versions compare equal exactly when their
 * canonical forms are the same string.
 *
 * @example
 * ```ts
 * canonical('v1.2');               // 'v1.2.0'
 * canonical('v2.0.0+incompatible'); // 'v2.0.0'
 * canonical('bad');                // ''
 * ```
 */
export function canonical(v: string): string {
  const p = tryParse(v);
  if (p === undefined) return '';
  return p.build.length === 0
    ? p.toString()
    : new Version(p.major, p.minor, p.patch, p.prerelease).toString();
}

/**
 * The major version prefix (`'v2'` for `v2.1.0`), or `''` for an invalid version.
 *
 * @example
 * ```ts
 * major('v2.1.0'); // 'v2'
 * ```
 */
export function major(v: string): string {
  const p = tryParse(v);
  return p === undefined ? '' : `v${p.major}`;
}

/**
 * The pre-release suffix with its `-` (`'-pre'` for `v2.1.0-pre+meta`), or `''` when there is none
 * or `v` is invalid.
 *
 * @example
 * ```ts
 * prerelease('v2.1.0-pre+meta'); // '-pre'
 * ```
 */
export function prerelease(v: string): string {
  const p = tryParse(v);
  return p === undefined || p.prerelease.length === 0 ? '' : `-${p.prerelease.join('.')}`;
}

/**
 * The build suffix with its `+` (`'+incompatible'`), or `''` when there is none or `v` is invalid.
 *
 * @example
 * ```ts
 * build('v2.0.0+incompatible'); // '+incompatible'
 * ```
 */
export function build(v: string): string {
  const p = tryParse(v);
  return p === undefined || p.build.length === 0 ? '' : `+${p.build.join('.')}`;
}

/**
 * Reports whether `v` is a valid version with a pre-release part (pseudo-versions included).
 *
 * @example
 * ```ts
 * isPrerelease('v1.0.0-rc.1'); // true
 * isPrerelease('v1.0.0+meta'); // false
 * ```
 */
export function isPrerelease(v: string): boolean {
  const p = tryParse(v);
  return p !== undefined && p.prerelease.length > 0;
}

// x/mod module.pseudoVersionRE, the three pseudo-version forms (vX.0.0-t-h, vX.Y.(Z+1)-0.t-h,
// vX.Y.Z-pre.0.t-h) with optional build metadata.
const PSEUDO_RE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * Reports whether `v` is a pseudo-version (x/mod `module.IsPseudoVersion`): a valid version in one
 * of the forms `vX.0.0-yyyymmddhhmmss-abcdefabcdef`, `vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef` or
 * `vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef`, optionally with `+incompatible`.
 *
 * @example
 * ```ts
 * isPseudoVersion('v0.0.0-20191109021931-daa7c04131f5'); // true
 * isPseudoVersion('v1.2.3-rc.1');                         // false
 * ```
 */
export function isPseudoVersion(v: string): boolean {
  let dashes = 0;
  for (let i = 0; i < v.length && dashes < 2; i++) if (v.charCodeAt(i) === MINUS) dashes++;
  return dashes >= 2 && isValid(v) && PSEUDO_RE.test(v);
}
