// PEP 440 specifiers and specifier sets: parse, contains, filter, best version — packaging's semantics.
import { MochiPkgError } from '../../errors.js';
import { isDigits, needsPyFold, PY_WS, pyFold, pyStrip } from './text.js';
import {
  baseVersion,
  compareVersions,
  isPrerelease,
  publicVersion,
  tryParseVersion,
  type Version,
} from './version.js';

/** A PEP 440 comparison operator. */
export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

/** One clause such as `>=1.2` or `==2.*`. */
export interface Specifier {
  readonly operator: Operator;
  /** The version text as written (whitespace stripped), e.g. `2.*` or `1.0-RC1`. */
  readonly version: string;
  /** True when this clause admits pre-releases by naming one (`>=1.0b1`). */
  readonly prereleases: boolean;
  /** The parsed version for the ordered operators; undefined for `===` and `==X.*` / `!=X.*`. */
  readonly parsed: Version | undefined;
}

/** A comma-separated conjunction of specifiers; empty means "any version". */
export interface SpecifierSet {
  /** The clauses in the order written. */
  readonly specifiers: readonly Specifier[];
  /** True when some clause admits pre-releases. */
  readonly prereleases: boolean;
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

const SEP = '[-_.]';
const PRE = `(?:${SEP}?(?:a|b|c|rc|alpha|beta|pre|preview)${SEP}?[0-9]*)?`;
const POST = `(?:-[0-9]+|${SEP}?(?:post|rev|r)${SEP}?[0-9]*)?`;
const DEV = `(?:${SEP}?dev${SEP}?[0-9]*)?`;
const HEAD = `^[${PY_WS}]*v?(?:[0-9]+!)?[0-9]+`;
const TAIL = `[${PY_WS}]*$`;
// The branches of packaging's Specifier regex, one per operator family (its look-behinds pick them).
const GRAMMAR: Record<Operator, RegExp> = (() => {
  const equality = new RegExp(
    `${HEAD}(?:\\.[0-9]+)*${PRE}${POST}(?:${DEV}(?:\\+[a-z0-9]+(?:${SEP}[a-z0-9]+)*)?|\\.\\*)?${TAIL}`,
    'i',
  );
  const ordered = new RegExp(`${HEAD}(?:\\.[0-9]+)*${PRE}${POST}${DEV}${TAIL}`, 'i');
  return {
    '===': new RegExp(`^[${PY_WS}]*[^${PY_WS}]*${TAIL}`),
    '==': equality,
    '!=': equality,
    '~=': new RegExp(`${HEAD}(?:\\.[0-9]+)+${PRE}${POST}${DEV}${TAIL}`, 'i'),
    '<=': ordered,
    '>=': ordered,
    '<': ordered,
    '>': ordered,
  };
})();
/** Operators in the order packaging's regex tries them (it backtracks from `==` to `===`). */
const OPERATORS: readonly Operator[] = ['~=', '==', '!=', '<=', '>=', '<', '>', '==='];
const LEADING_WS = new RegExp(`^[${PY_WS}]*`);

/** Parses one clause, or returns undefined when packaging's `Specifier(text)` would refuse it. */
export function tryParseSpecifier(text: string): Specifier | undefined {
  const body = text.slice(LEADING_WS.exec(text)![0].length);
  const folded = needsPyFold(body) ? pyFold(body) : body;
  for (const op of OPERATORS) {
    if (!body.startsWith(op)) continue;
    if (!GRAMMAR[op].test(folded.slice(op.length))) continue;
    const version = pyStrip(body.slice(op.length));
    return makeSpecifier(op, version);
  }
  return undefined;
}

function makeSpecifier(operator: Operator, version: string): Specifier {
  const wildcard = (operator === '==' || operator === '!=') && version.endsWith('.*');
  const parsed = operator === '===' || wildcard ? undefined : tryParseVersion(version);
  let prereleases = false;
  if (
    operator === '==' ||
    operator === '>=' ||
    operator === '<=' ||
    operator === '~=' ||
    operator === '==='
  ) {
    const v = wildcard
      ? tryParseVersion(version.slice(0, -2))
      : operator === '==='
        ? tryParseVersion(version)
        : parsed;
    prereleases = v !== undefined && isPrerelease(v);
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
 * ignored, so `""` is the set that admits every final release. Unlike packaging 21.3 there is no
 * `LegacySpecifier` fallback: a clause that is not PEP 440 is an {@link InvalidSpecifierError}, as
 * in packaging ≥ 22 and current pip.
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
  return { specifiers, prereleases: specifiers.some((s) => s.prereleases) };
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

// --- packaging's string-level helpers for prefix matching (its semantics, quirks included) ---

const PREFIX_RE = /^([0-9]+)((?:a|b|c|rc)[0-9]+)$/;

function versionSplit(version: string): string[] {
  const out: string[] = [];
  for (const item of version.split('.')) {
    const m = PREFIX_RE.exec(item);
    if (m) out.push(m[1]!, m[2]!);
    else out.push(item);
  }
  return out;
}

function isNotSuffix(segment: string): boolean {
  return !['dev', 'a', 'b', 'rc', 'post'].some((p) => segment.startsWith(p));
}

function padVersion(left: string[], right: string[]): [string[], string[]] {
  const leadDigits = (xs: string[]) => {
    let i = 0;
    while (i < xs.length && isDigits(xs[i]!)) i++;
    return i;
  };
  const ln = leadDigits(left);
  const rn = leadDigits(right);
  const zeros = (n: number) => new Array<string>(Math.max(0, n)).fill('0');
  return [
    [...left.slice(0, ln), ...zeros(rn - ln), ...left.slice(ln)],
    [...right.slice(0, rn), ...zeros(ln - rn), ...right.slice(rn)],
  ];
}

function prefixMatch(prospective: Version, spec: string): boolean {
  // Local segments are ignored; `.` is implied between release and pre-release (1.0a1 ≈ 1.0.a1).
  const splitSpec = versionSplit(spec.slice(0, -2));
  const splitProspective = versionSplit(publicVersion(prospective).text).slice(0, splitSpec.length);
  const [paddedSpec, paddedProspective] = padVersion(splitSpec, splitProspective);
  return (
    paddedSpec.length === paddedProspective.length && paddedSpec.every((x, i) => x === paddedProspective[i])
  );
}

function equal(prospective: Version, spec: string, parsed: Version | undefined): boolean {
  if (spec.endsWith('.*')) return prefixMatch(prospective, spec);
  const sv = parsed ?? tryParseVersion(spec);
  if (sv === undefined) return false;
  const p = sv.local === undefined ? publicVersion(prospective) : prospective;
  return compareVersions(p, sv) === 0;
}

function compatible(prospective: Version, spec: string, parsed: Version): boolean {
  const kept = versionSplit(spec).filter((_, i, xs) => xs.slice(0, i + 1).every(isNotSuffix));
  const prefix = `${kept.slice(0, -1).join('.')}.*`;
  return compareVersions(publicVersion(prospective), parsed) >= 0 && equal(prospective, prefix, undefined);
}

function sameBase(a: Version, b: Version): boolean {
  return compareVersions(baseVersion(a), baseVersion(b)) === 0;
}

/** One clause against a parsed version, pre-release policy aside (packaging's `_compare_*`). */
function matches(s: Specifier, v: Version): boolean {
  switch (s.operator) {
    case '===':
      return v.text.toLowerCase() === s.version.toLowerCase();
    case '==':
      return equal(v, s.version, s.parsed);
    case '!=':
      return !equal(v, s.version, s.parsed);
    case '~=':
      return compatible(v, s.version, s.parsed!);
    case '<=':
      return compareVersions(publicVersion(v), s.parsed!) <= 0;
    case '>=':
      return compareVersions(publicVersion(v), s.parsed!) >= 0;
    case '<': {
      const sv = s.parsed!;
      if (compareVersions(v, sv) >= 0) return false;
      // <3.1 must not admit 3.1.dev0, unless the bound is itself a pre-release.
      return !(!isPrerelease(sv) && isPrerelease(v) && sameBase(v, sv));
    }
    case '>': {
      const sv = s.parsed!;
      if (compareVersions(v, sv) <= 0) return false;
      // >3.1 must admit neither 3.1.post0 (unless the bound is a post-release) nor 3.1+local.
      if (sv.post === undefined && v.post !== undefined && sameBase(v, sv)) return false;
      return !(v.local !== undefined && sameBase(v, sv));
    }
  }
}

/** Options of {@link contains} and {@link filterVersions}. */
export interface PrereleaseOptions {
  /** Force pre-releases in (true) or out (false); by default the set decides (it names one or not). */
  readonly prereleases?: boolean;
}

function asSet(spec: SpecifierSet | string): SpecifierSet {
  return typeof spec === 'string' ? parseSpecifierSet(spec) : spec;
}

/**
 * packaging's `SpecifierSet.contains`: does `version` satisfy every clause? Pre-releases are admitted
 * only when a clause names one (or `options.prereleases` says so). A string that is not a PEP 440
 * version matches only `===` clauses that spell it exactly (case-insensitively), as in packaging.
 */
export function contains(
  spec: SpecifierSet | string,
  version: Version | string,
  options: PrereleaseOptions = {},
): boolean {
  const set = asSet(spec);
  const pre = options.prereleases ?? set.prereleases;
  const v = typeof version === 'string' ? tryParseVersion(version) : version;
  if (v === undefined) {
    const raw = (version as string).toLowerCase();
    return set.specifiers.every((s) => s.operator === '===' && s.version.toLowerCase() === raw);
  }
  if (!pre && isPrerelease(v)) return false;
  for (const s of set.specifiers) if (!matches(s, v)) return false;
  return true;
}

/**
 * packaging's `SpecifierSet.filter`: the versions (in input order) that satisfy the set. With no
 * clauses, pre-releases are kept only when nothing else is there; with clauses, only when a clause
 * names one. Strings that are not PEP 440 versions are dropped (unless a `===` clause spells them).
 */
export function filterVersions(
  spec: SpecifierSet | string,
  versions: readonly string[],
  options: PrereleaseOptions = {},
): string[] {
  const set = asSet(spec);
  if (set.specifiers.length > 0) {
    const pre = options.prereleases ?? set.prereleases;
    return versions.filter((text) => contains(set, text, { prereleases: pre }));
  }
  const parsed = versions
    .map((text) => ({ text, v: tryParseVersion(text) }))
    .filter((x): x is { text: string; v: Version } => x.v !== undefined);
  const finals = parsed.filter((x) => options.prereleases === true || !isPrerelease(x.v));
  if (finals.length === 0 && options.prereleases === undefined) return parsed.map((x) => x.text);
  return finals.map((x) => x.text);
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
