// PEP 440 specifiers and specifier sets: parse, contains, filter, best version — packaging 26's semantics.
import { MochiPkgError } from '../../errors.js';
import { cmpPyStr, PY_WS, pyStrip } from './text.js';
import {
  canonicalizeVersion,
  compareVersions,
  isPrerelease,
  publicVersion,
  tryParseVersion,
  type Version,
  versionFromParts,
} from './version.js';

/** A PEP 440 comparison operator. */
export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

/** One clause such as `>=1.2` or `==2.*`. */
export interface Specifier {
  readonly operator: Operator;
  /** The version text as written (whitespace stripped), e.g. `2.*` or `1.0-RC1`. */
  readonly version: string;
  /**
   * packaging's `Specifier.prereleases`: true when the clause names a pre-release (`>=1.0b1`,
   * `<2.0rc1`), false for `!=` and `==X.*`, undefined when unknown (`===` of a non-version).
   */
  readonly prereleases: boolean | undefined;
  /**
   * The parsed version for every operator but `===` and the wildcards. Undefined for a `~=` clause
   * whose letters only Python's Unicode case folding reads (`~=1.0poſt1`): packaging accepts such a
   * clause but fails when it compares with it, and so does {@link contains}.
   */
  readonly parsed: Version | undefined;
}

/** A comma-separated conjunction of specifiers; empty means "any version". */
export interface SpecifierSet {
  /** The clauses in the order written. */
  readonly specifiers: readonly Specifier[];
  /** packaging's `SpecifierSet.prereleases`: true when some clause names a pre-release, else undefined. */
  readonly prereleases: boolean | undefined;
  /** True when the text contained `===` (packaging then compares the version string as given). */
  readonly hasArbitrary: boolean;
}

/** A specifier that is not PEP 440. Code `pep440-invalid-specifier`. */
export class InvalidSpecifierError extends MochiPkgError {
  constructor(
    readonly input: string,
    readonly clause: string,
  ) {
    super(
      'pep440-invalid-specifier',
      input === clause
        ? `invalid PEP 440 specifier ${JSON.stringify(input)}`
        : `invalid PEP 440 specifier ${JSON.stringify(clause)} in ${JSON.stringify(input)}`,
      {
        hint: 'a specifier is one or more comma-separated clauses such as >=1.2, <2, ~=1.4.2, ==1.*, !=1.3.0 or ===1.0-custom; local versions (+x) only with == and !=',
      },
    );
  }
}

/**
 * A clause that packaging accepts but cannot compare with (`~=1.0poſt1`: its version is not PEP 440
 * once Python's Unicode case folding is set aside). Code `pep440-unusable-specifier`.
 */
export class UnusableSpecifierError extends MochiPkgError {
  constructor(readonly clause: string) {
    super(
      'pep440-unusable-specifier',
      `the specifier ${JSON.stringify(clause)} has no PEP 440 version to compare with`,
      { hint: 'spell the version with ASCII letters, e.g. ~=1.0.post1' },
    );
  }
}

// packaging 26's Specifier regex. Its pre/post/dev/local parts match ASCII letters only, except in
// the `~=` branch, where Python's Unicode case folding also reads ſ as s and ı/İ as i.
const W = PY_WS;
const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const PRE_FOLDED = '(?:[-_.]?(?:alpha|beta|prev[i\\u0131\\u0130]ew|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST_FOLDED = '(?:-[0-9]+|[-_.]?(?:po[s\\u017f]t|rev|r)[-_.]?[0-9]*)?';
const HEAD = `[${W}]*v?(?:[0-9]+!)?[0-9]+`;

/**
 * packaging's `Specifier._specifier_regex_str` (one clause, no surrounding whitespace), for the
 * PEP 508 tokenizer; compile with the `i` flag (and without `u`).
 */
export const SPECIFIER_PATTERN =
  `(?:===[${W}]*[^${W};)]*` +
  `|(?:==|!=)${HEAD}(?:\\.[0-9]+)*(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})?` +
  `|~=${HEAD}(?:\\.[0-9]+)+${PRE_FOLDED}${POST_FOLDED}${DEV}` +
  `|(?:<=|>=|<|>)${HEAD}(?:\\.[0-9]+)*${PRE}${POST}${DEV})`;
const CLAUSE_RE = new RegExp(`^[${W}]*${SPECIFIER_PATTERN}[${W}]*$`, 'i');

/** Parses one clause, or returns undefined when packaging's `Specifier(text)` would refuse it. */
export function tryParseSpecifier(text: string): Specifier | undefined {
  if (!CLAUSE_RE.test(text)) return undefined;
  const body = pyStrip(text);
  const operator = (
    body.startsWith('===')
      ? '==='
      : ['~=', '==', '!=', '<=', '>='].some((op) => body.startsWith(op))
        ? body.slice(0, 2)
        : body.slice(0, 1)
  ) as Operator;
  const version = pyStrip(body.slice(operator.length));
  const wildcard = version.endsWith('.*');
  const parsed = operator === '===' || wildcard ? undefined : tryParseVersion(version);
  let prereleases: boolean | undefined;
  if (operator === '!=' || (operator === '==' && wildcard)) prereleases = false;
  else {
    const v = operator === '===' ? tryParseVersion(version) : parsed;
    prereleases = v === undefined ? undefined : isPrerelease(v);
  }
  return { operator, version, prereleases, parsed };
}

/** Parses one clause such as `>=1.2`; throws {@link InvalidSpecifierError}. */
export function parseSpecifier(text: string): Specifier {
  const s = tryParseSpecifier(text);
  if (s === undefined) throw new InvalidSpecifierError(text, text);
  return s;
}

/**
 * Parses a comma-separated specifier set (packaging's `SpecifierSet(text)`); empty clauses are
 * ignored, so `""` is the set that admits every version (pre-releases only when nothing else
 * matches). A clause that is not PEP 440 is an {@link InvalidSpecifierError}.
 *
 * @example
 * ```ts
 * contains(parseSpecifierSet('>=0.27,<0.29'), '0.28.1') // true
 * ```
 */
export function parseSpecifierSet(text: string): SpecifierSet {
  const specifiers: Specifier[] = [];
  for (const raw of text.split(',')) {
    const clause = pyStrip(raw);
    if (clause === '') continue;
    const s = tryParseSpecifier(clause);
    if (s === undefined) throw new InvalidSpecifierError(text, clause);
    specifiers.push(s);
  }
  return makeSpecifierSet(specifiers, text.includes('==='));
}

function makeSpecifierSet(specifiers: readonly Specifier[], hasArbitrary: boolean): SpecifierSet {
  return {
    specifiers,
    prereleases: specifiers.some((s) => s.prereleases === true) ? true : undefined,
    hasArbitrary,
  };
}

/** Parses a specifier set, or returns undefined when it is not valid. */
export function tryParseSpecifierSet(text: string): SpecifierSet | undefined {
  try {
    return parseSpecifierSet(text);
  } catch (e) {
    if (e instanceof InvalidSpecifierError) return undefined;
    throw e;
  }
}

/**
 * What is wrong with a specifier set, or undefined when it is valid — the shape
 * `importspec.parseImportSpec` takes as its specifier validator.
 *
 * @example
 * ```ts
 * specifierProblem('>=1.0+local') // 'invalid PEP 440 specifier ">=1.0+local"'
 * specifierProblem('>=1,<2') // undefined
 * ```
 */
export function specifierProblem(text: string): string | undefined {
  try {
    parseSpecifierSet(text);
    return undefined;
  } catch (e) {
    if (e instanceof InvalidSpecifierError) return e.message;
    throw e;
  }
}

/** packaging's `str(Specifier)`: the operator and the version as written. */
export function specifierToString(s: Specifier): string {
  return s.operator + s.version;
}

/** packaging's `Specifier._canonical_spec`, the key of specifier equality. */
function canonicalKey(s: Specifier): string {
  if (s.operator === '===' || s.version.endsWith('.*')) return `${s.operator}${s.version}`;
  if (s.parsed === undefined) throw new UnusableSpecifierError(specifierToString(s));
  const v = s.operator === '~=' ? s.parsed.text : canonicalizeVersion(s.parsed);
  return `${s.operator}${v}`;
}

/**
 * packaging's `str(SpecifierSet)`: the clauses sorted by their text, equal clauses (`>=1.0` and
 * `>=1.0.0`) kept once, joined by `,`.
 *
 * @example
 * ```ts
 * specifierSetToString(parseSpecifierSet('<2, >=1.0,>=1')) // '<2,>=1.0'
 * ```
 */
export function specifierSetToString(set: SpecifierSet): string {
  if (set.specifiers.length <= 1) return set.specifiers.map(specifierToString).join(',');
  const sorted = [...set.specifiers].sort((a, b) => cmpPyStr(specifierToString(a), specifierToString(b)));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of sorted) {
    const key = canonicalKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(specifierToString(s));
  }
  return out.join(',');
}

/**
 * True when some clause of the set pins an exact version (`==1.2.3` without a wildcard, or
 * `===1.2.3`), as pip 23 decides it: then a version whose every file is yanked may still be
 * chosen (PEP 592).
 */
export function isExactPin(set: SpecifierSet): boolean {
  return set.specifiers.some(
    (s) => s.operator === '===' || (s.operator === '==' && !s.version.endsWith('.*')),
  );
}

// --- packaging's string-level helpers for prefix matching (its semantics, quirks included) ---

const PREFIX_RE = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/;

/** packaging's `_version_split`: epoch first, then dot parts, `1a1` split into `1`, `a1`. */
function versionSplit(version: string): string[] {
  const bang = version.lastIndexOf('!');
  const out = [bang < 0 || bang === 0 ? '0' : version.slice(0, bang)];
  for (const item of version.slice(bang + 1).split('.')) {
    const m = PREFIX_RE.exec(item);
    if (m) out.push(m[1]!, m[2]!);
    else out.push(item);
  }
  return out;
}

function isNotSuffix(segment: string): boolean {
  return !['dev', 'a', 'b', 'rc', 'post'].some((p) => segment.startsWith(p));
}

/** Python's `str.isdigit()` for the characters these strings can hold. */
function isDigitString(s: string): boolean {
  return s !== '' && /^\p{Nd}+$/u.test(s);
}

function numericPrefixLength(split: readonly string[]): number {
  let i = 0;
  while (i < split.length && isDigitString(split[i]!)) i++;
  return i;
}

/** packaging's `canonicalize_version(text, strip_trailing_zero=False)`. */
function normalizedOrAsIs(text: string): string {
  return tryParseVersion(text)?.text ?? text;
}

function prefixMatch(prospective: Version, spec: string): boolean {
  // packaging: the spec minus `.*`, normalised when it is a version, split; the candidate's public
  // version split and zero-padded to as many numeric parts, then cut to the spec's length.
  const splitSpec = versionSplit(normalizedOrAsIs(spec.slice(0, -2)));
  const specNumeric = numericPrefixLength(splitSpec);
  const split = versionSplit(publicVersion(prospective).text);
  const n = numericPrefixLength(split);
  const padded =
    n >= specNumeric ? split : [...split.slice(0, n), ...zeros(specNumeric - n), ...split.slice(n)];
  const cut = padded.slice(0, splitSpec.length);
  return cut.length === splitSpec.length && cut.every((x, i) => x === splitSpec[i]);
}

function zeros(n: number): string[] {
  return new Array<string>(n).fill('0');
}

function specVersion(s: Specifier): Version {
  if (s.parsed === undefined) throw new UnusableSpecifierError(specifierToString(s));
  return s.parsed;
}

function equal(prospective: Version, s: Specifier, spec: string): boolean {
  if (spec.endsWith('.*')) return prefixMatch(prospective, spec);
  const sv = specVersion(s);
  const p = sv.local === undefined ? publicVersion(prospective) : prospective;
  return compareVersions(p, sv) === 0;
}

function compatible(prospective: Version, s: Specifier): boolean {
  const kept: string[] = [];
  for (const part of versionSplit(s.version)) {
    if (!isNotSuffix(part)) break;
    kept.push(part);
  }
  const [epoch, ...rest] = kept.slice(0, -1);
  const prefix = `${epoch ?? ''}!${rest.join('.')}.*`;
  return compareVersions(publicVersion(prospective), specVersion(s)) >= 0 && equal(prospective, s, prefix);
}

/** One clause against a parsed version, pre-release policy aside (packaging's `_compare_*`). */
function matches(s: Specifier, v: Version, item: string): boolean {
  switch (s.operator) {
    case '===':
      return item.toLowerCase() === s.version.toLowerCase();
    case '==':
      return equal(v, s, s.version);
    case '!=':
      return !equal(v, s, s.version);
    case '~=':
      return compatible(v, s);
    case '<=':
      return compareVersions(publicVersion(v), specVersion(s)) <= 0;
    case '>=':
      return compareVersions(publicVersion(v), specVersion(s)) >= 0;
    case '<': {
      const sv = specVersion(s);
      if (compareVersions(v, sv) >= 0) return false;
      // <V must not admit a pre-release of V (from V.dev0 on) unless V is itself a pre-release.
      if (isPrerelease(sv) || !isPrerelease(v)) return true;
      const earliest = versionFromParts({ ...sv, dev: '0', local: undefined });
      return compareVersions(v, earliest) < 0;
    }
    case '>': {
      const sv = specVersion(s);
      if (compareVersions(v, sv) <= 0) return false;
      // >V must admit neither a post-release of V (unless V is one) nor a local version of V.
      if (sv.post === undefined && v.post !== undefined) {
        const base = versionFromParts({ ...v, post: undefined, dev: undefined, local: undefined });
        if (compareVersions(base, sv) === 0) return false;
      }
      return !(v.local !== undefined && compareVersions(publicVersion(v), sv) === 0);
    }
  }
}

// packaging evaluates a set's clauses cheapest-first and stops at the first that fails; the order
// is only visible when an unusable clause would throw.
function cost(s: Specifier): number {
  const wild = s.version.endsWith('.*');
  switch (s.operator) {
    case '==':
      return wild ? 2 : 0;
    case '===':
      return 0;
    case '~=':
      return 2;
    case '!=':
      return wild ? 4 : 3;
    default:
      return 1;
  }
}

/** Options of {@link contains}, {@link filterVersions} and {@link bestVersion}. */
export interface PrereleaseOptions {
  /**
   * Force pre-releases in (true) or out (false). By default (packaging's `None`) a clause naming a
   * pre-release admits them, and otherwise pre-releases count only when no final release matches.
   */
  readonly prereleases?: boolean;
  /** packaging's `installed=True` of `contains`: an installed pre-release is always admitted. */
  readonly installed?: boolean;
}

function asSet(spec: SpecifierSet | string): SpecifierSet {
  return typeof spec === 'string' ? parseSpecifierSet(spec) : spec;
}

/**
 * packaging 26's `SpecifierSet.filter`: the versions (in input order) that satisfy the set.
 * Without a forced choice, pre-releases are kept when a clause names one, and otherwise only when
 * no final release (or arbitrary string) matched. Strings that are not PEP 440 versions match only
 * `===` clauses that spell them (case-insensitively); an empty set keeps them too.
 */
export function filterVersions(
  spec: SpecifierSet | string,
  versions: readonly string[],
  options: PrereleaseOptions = {},
): string[] {
  const set = asSet(spec);
  const pre = options.prereleases ?? set.prereleases;
  let matched: { item: string; v: Version | undefined }[];
  if (set.specifiers.length > 0) {
    const ordered = [...set.specifiers].sort((a, b) => cost(a) - cost(b));
    const single = ordered.length === 1;
    matched = [];
    for (const item of versions) {
      const v = tryParseVersion(item);
      if (v === undefined) {
        const lower = item.toLowerCase();
        if (ordered.every((s) => s.operator === '===' && lower === s.version.toLowerCase()))
          matched.push({ item, v });
      } else if (single) {
        // packaging's one-clause path compares before it looks at the pre-release policy.
        if (matches(ordered[0]!, v, item) && !(pre === false && isPrerelease(v))) matched.push({ item, v });
      } else if (pre === false && isPrerelease(v)) {
        // excluded
      } else if (ordered.every((s) => matches(s, v, item))) {
        matched.push({ item, v });
      }
    }
    if (pre !== undefined) return matched.map((m) => m.item);
  } else {
    matched = versions.map((item) => ({ item, v: tryParseVersion(item) }));
    if (pre === true) return [...versions];
    if (pre === false)
      return matched.filter((m) => m.v === undefined || !isPrerelease(m.v)).map((m) => m.item);
  }
  // PEP 440: pre-releases only when nothing else is there.
  const others = matched.filter((m) => m.v === undefined || !isPrerelease(m.v));
  return (others.some((m) => m.v !== undefined) ? others : matched).map((m) => m.item);
}

/**
 * packaging 26's `SpecifierSet.contains`: does `version` satisfy every clause? By default a
 * pre-release that satisfies the clauses is admitted (there are no other versions to prefer);
 * `options.prereleases: false` refuses it. A string that is not a PEP 440 version matches only
 * `===` clauses that spell it exactly (case-insensitively), as in packaging.
 */
export function contains(
  spec: SpecifierSet | string,
  version: Version | string,
  options: PrereleaseOptions = {},
): boolean {
  const set = asSet(spec);
  const text = typeof version === 'string' ? version : version.text;
  let prereleases = options.prereleases;
  if (options.installed === true) {
    const v = typeof version === 'string' ? tryParseVersion(version) : version;
    if (v !== undefined && isPrerelease(v)) prereleases = true;
  }
  return filterVersions(set, [text], prereleases === undefined ? {} : { prereleases }).length > 0;
}

/**
 * One clause against one version with pre-releases admitted — what packaging's marker evaluation
 * does for version-valued variables (`Specifier(op + rhs).contains(lhs, prereleases=True)`).
 */
export function specifierAdmits(s: Specifier, item: string): boolean {
  const v = tryParseVersion(item);
  if (v === undefined) return s.operator === '===' && item.toLowerCase() === s.version.toLowerCase();
  return matches(s, v, item);
}

/**
 * The highest version that satisfies `spec` (packaging's `max(spec.filter(versions))`), or
 * undefined when none does.
 */
export function bestVersion(
  spec: SpecifierSet | string,
  versions: readonly string[],
  options: PrereleaseOptions = {},
): string | undefined {
  let best: { text: string; v: Version } | undefined;
  for (const text of filterVersions(spec, versions, options)) {
    const v = tryParseVersion(text);
    if (v === undefined) continue;
    if (best === undefined || compareVersions(v, best.v) > 0) best = { text, v };
  }
  return best?.text;
}
