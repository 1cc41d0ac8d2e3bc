// Module, import and file path rules of golang.org/x/mod/module (CheckPath, CheckImportPath, CheckFilePath).
// Hand-written: these rules decide which paths the go command accepts and how they map onto file
// systems and URLs, so they must match x/mod exactly; no npm package implements them.
import { MochiPkgError } from '../../errors.js';
import { memoize } from '../../util/memo.js';
import { build, isValid, MAX_VERSION_LENGTH, major, canonical as semverCanonical } from '../semver/index.js';
import { isLetter } from './letters.js';

/**
 * Longest path accepted by the checks and the escape codec, in UTF-16 code units (Linux's
 * PATH_MAX). x/mod has no cap; a longer path that x/mod would accept is the one documented
 * difference from the reference.
 */
export const MAX_PATH_LENGTH = 4096;

/** Which rules a path is checked against. */
export type PathKind = 'module' | 'import' | 'file';

/** The rule a path breaks (the `rule` of {@link InvalidPathError}). Stable across releases. */
export type PathRule =
  | 'too-long'
  | 'invalid-utf16'
  | 'empty'
  | 'leading-dash'
  | 'double-slash'
  | 'trailing-slash'
  | 'empty-element'
  | 'dots-only-element'
  | 'leading-dot'
  | 'trailing-dot'
  | 'invalid-char'
  | 'windows-reserved-name'
  | 'windows-short-name'
  | 'leading-slash'
  | 'first-element-missing-dot'
  | 'first-element-invalid-char'
  | 'bad-major-version-suffix';

const KIND_CHARS: Record<PathKind, string> = {
  module: 'ASCII letters, digits and - . _ ~',
  import: 'ASCII letters, digits and - . _ ~ +',
  file: 'letters, digits, space and ! # $ % & ( ) + , - . = @ [ ] ^ _ { } ~',
};

function quoteChar(cp: number): string {
  return cp >= 0x20 && cp < 0x7f && cp !== 0x27
    ? `'${String.fromCodePoint(cp)}'`
    : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Thrown by {@link checkPath}, {@link checkImportPath} and {@link checkFilePath} (code
 * `module-path-invalid`): names the path, its kind and the rule it breaks.
 */
export class InvalidPathError extends MochiPkgError {
  readonly kind: PathKind;
  /** The rejected path (cut to 200 characters for over-long input). */
  readonly path: string;
  readonly rule: PathRule;

  constructor(kind: PathKind, path: string, rule: PathRule, detail: string) {
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    super('module-path-invalid', `malformed ${kind} path ${JSON.stringify(shown)}: ${detail}`, {
      hint:
        kind === 'module'
          ? 'module paths look like example.com/owner/repo or example.com/owner/repo/v2'
          : `${kind} path elements may use ${KIND_CHARS[kind]}, separated by single slashes`,
    });
    this.kind = kind;
    this.path = shown;
    this.rule = rule;
  }
}

/** A broken rule found by the internal checks, before it is wrapped with the path and kind. */
interface Broken {
  rule: PathRule;
  detail: string;
}

function broken(rule: PathRule, detail: string): Broken {
  return { rule, detail };
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** x/mod modPathOK: ASCII letters, digits and - . _ ~ */
function modPathOK(c: number): boolean {
  return isAsciiAlnum(c) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
}

// x/mod fileNameOK's ASCII punctuation: everything but " ' * < > ? ` | and the separators / : \.
const FILE_PUNCT = new Set(Array.from('!#$%&()+,-.=@[]^_{}~ ', (ch) => ch.charCodeAt(0)));

function charOK(cp: number, kind: PathKind): boolean {
  switch (kind) {
    case 'module':
      return modPathOK(cp);
    case 'import':
      return modPathOK(cp) || cp === 0x2b;
    case 'file':
      return cp < 0x80 ? isAsciiAlnum(cp) || FILE_PUNCT.has(cp) : isLetter(cp);
  }
}

// Names Windows reserves for devices, with or without an extension, in any case.
const WINDOWS_RESERVED = new Set(
  'CON PRN AUX NUL COM1 COM2 COM3 COM4 COM5 COM6 COM7 COM8 COM9 LPT1 LPT2 LPT3 LPT4 LPT5 LPT6 LPT7 LPT8 LPT9'.split(
    ' ',
  ),
);

function asciiUpper(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x20));
}

/** x/mod checkElem: one slash-free element of a path of the given kind. */
function checkElem(elem: string, kind: PathKind): Broken | undefined {
  if (elem === '') return broken('empty-element', 'empty path element');
  let dots = 0;
  while (dots < elem.length && elem.charCodeAt(dots) === 0x2e) dots++;
  if (dots === elem.length)
    return broken('dots-only-element', `invalid path element ${JSON.stringify(elem)}`);
  if (dots > 0 && kind === 'module') return broken('leading-dot', 'leading dot in path element');
  if (elem.charCodeAt(elem.length - 1) === 0x2e)
    return broken('trailing-dot', 'trailing dot in path element');
  for (let i = 0; i < elem.length; i++) {
    const cp = elem.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (!charOK(cp, kind)) {
      return broken('invalid-char', `invalid char ${quoteChar(cp)}; ${kind} paths allow ${KIND_CHARS[kind]}`);
    }
  }
  // Windows refuses these names, with or without an extension, in any case. None of their letters
  // has a non-ASCII case-fold partner (unlike k/K/U+212A), so ASCII upper-casing equals Go's EqualFold.
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  if (short.length <= 4 && WINDOWS_RESERVED.has(asciiUpper(short))) {
    return broken(
      'windows-reserved-name',
      `${JSON.stringify(short)} disallowed as path element component on Windows`,
    );
  }
  if (kind === 'file') return undefined; // short names matter only for import paths
  // Elements ending in ~ and digits look like Windows 8.3 short names (PROGRA~1).
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return broken('windows-short-name', 'trailing tilde and digits in path element');
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** x/mod checkPath: the rules shared by the three kinds. */
function checkGeneral(path: string, kind: PathKind): Broken | undefined {
  if (path.length > MAX_PATH_LENGTH) return broken('too-long', `longer than ${MAX_PATH_LENGTH} characters`);
  // A lone surrogate is the UTF-16 counterpart of the invalid UTF-8 that x/mod rejects.
  if (LONE_SURROGATE.test(path)) return broken('invalid-utf16', 'invalid UTF-16 (lone surrogate)');
  if (path === '') return broken('empty', 'empty string');
  if (path.charCodeAt(0) === 0x2d && kind !== 'file') return broken('leading-dash', 'leading dash');
  if (path.includes('//')) return broken('double-slash', 'double slash');
  if (path.charCodeAt(path.length - 1) === 0x2f) return broken('trailing-slash', 'trailing slash');
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const b = checkElem(path.slice(start, slash < 0 ? path.length : slash), kind);
    if (b !== undefined) return b;
    if (slash < 0) return undefined;
    start = slash + 1;
  }
}

/**
 * Splits a module path into its prefix and its major-version suffix (x/mod `SplitPathVersion`):
 * `example.com/m/v2` → `{ prefix: 'example.com/m', pathMajor: '/v2' }`, `example.com/m` →
 * `{ prefix: 'example.com/m', pathMajor: '' }`, and gopkg.in's `.vN` form
 * (`gopkg.in/yaml.v2` → `{ prefix: 'gopkg.in/yaml', pathMajor: '.v2' }`, with an optional
 * `-unstable`). Returns `undefined` when the final element is a malformed major suffix
 * (`/v1`, `/v0`, `/v02`, `/v2.0`) or a gopkg.in path has no `.vN`.
 *
 * @example
 * ```ts
 * splitPathVersion('github.com/go-yaml/yaml/v3'); // { prefix: 'github.com/go-yaml/yaml', pathMajor: '/v3' }
 * splitPathVersion('example.com/m/v1');           // undefined
 * ```
 */
export function splitPathVersion(path: string): { prefix: string; pathMajor: string } | undefined {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  for (; i > 0; i--) {
    const c = path.charCodeAt(i - 1);
    if (c === 0x2e) dot = true;
    else if (c < 0x30 || c > 0x39) break;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, pathMajor: '' };
  }
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') return undefined;
  return { prefix: path.slice(0, i - 2), pathMajor };
}

function splitGopkgIn(path: string): { prefix: string; pathMajor: string } | undefined {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && path.charCodeAt(i - 1) >= 0x30 && path.charCodeAt(i - 1) <= 0x39) i--;
  // Every gopkg.in path ends in .vN, and for every N (v0 and v1 included).
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') return undefined;
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) return undefined;
  return { prefix: path.slice(0, i - 2), pathMajor };
}

/**
 * {@link moduleRules} once per path: a sync checks each locked module path several times (the
 * lock's decoding, `check`, escaping for cache paths).
 */
const moduleRulesOnce = memoize((path: string) => moduleRules(path), { max: 1 << 14, maxKeyLength: 1024 });

function moduleRules(path: string): Broken | undefined {
  const general = checkGeneral(path, 'module');
  if (general !== undefined) return general;
  let end = path.indexOf('/');
  if (end < 0) end = path.length;
  if (end === 0) return broken('leading-slash', 'leading slash');
  const first = path.slice(0, end);
  if (!first.includes('.')) {
    return broken('first-element-missing-dot', `missing dot in first path element ${JSON.stringify(first)}`);
  }
  for (let i = 0; i < first.length; i++) {
    const c = first.charCodeAt(i);
    // The first element is a domain name: lower-case LDH only, so that it cannot differ by case.
    if (!(c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a))) {
      return broken(
        'first-element-invalid-char',
        `invalid char ${quoteChar(c)} in first path element; it allows lower-case ASCII letters, digits, - and .`,
      );
    }
  }
  if (splitPathVersion(path) === undefined) {
    return broken(
      'bad-major-version-suffix',
      'invalid version suffix: a final /vN must have N ≥ 2 without leading zeros or dots; gopkg.in paths end in .vN',
    );
  }
  return undefined;
}

/**
 * Checks a module path (x/mod `CheckPath`): a valid import path whose first element is a
 * lower-case domain name with a dot, whose elements do not start with a dot, whose characters are
 * ASCII letters, digits and `- . _ ~`, and whose final `/vN` (if any) has N ≥ 2 — or, under
 * `gopkg.in/`, ends in `.vN`. Throws {@link InvalidPathError} naming the broken rule.
 *
 * @example
 * ```ts
 * checkPath('github.com/spf13/cobra'); // ok
 * checkPath('example.com/m/v1');       // throws: rule 'bad-major-version-suffix'
 * ```
 */
export function checkPath(path: string): void {
  const b = moduleRulesOnce(path);
  if (b !== undefined) throw new InvalidPathError('module', path, b.rule, b.detail);
}

/**
 * Checks a package import path (x/mod `CheckImportPath`): slash-separated non-empty elements of
 * ASCII letters, digits and `- . _ ~ +`; no leading dash, no element ending in a dot or made only of
 * dots, no Windows reserved names (`CON`, `com1`, `NuL.txt`…) and no Windows short-name endings
 * (`~1`). Throws {@link InvalidPathError} naming the broken rule.
 *
 * @example
 * ```ts
 * checkImportPath('example.com/c++');  // ok
 * checkImportPath('example.com/aux');  // throws: rule 'windows-reserved-name'
 * ```
 */
export function checkImportPath(path: string): void {
  const b = checkGeneral(path, 'import');
  if (b !== undefined) throw new InvalidPathError('import', path, b.rule, b.detail);
}

/**
 * Checks a slash-separated file path, such as a file inside a module zip (x/mod `CheckFilePath`):
 * like an import path, but elements may hold any Unicode letter, space and
 * `! # $ % & ( ) + , - . = @ [ ] ^ _ { } ~`, may start with a dash or a dot, and Windows short
 * names are allowed. Throws {@link InvalidPathError} naming the broken rule.
 *
 * @example
 * ```ts
 * checkFilePath('dir/.hidden file (1).go'); // ok
 * checkFilePath('a/b:c');                   // throws: rule 'invalid-char'
 * ```
 */
export function checkFilePath(path: string): void {
  const b = checkGeneral(path, 'file');
  if (b !== undefined) throw new InvalidPathError('file', path, b.rule, b.detail);
}

/**
 * Thrown for a version that cannot be used with a module (code `module-version-invalid`): by
 * {@link check} when it is not a semantic version or does not match the path's major version,
 * and by `escapeVersion` when it is not a usable file name.
 */
export class InvalidModuleVersionError extends MochiPkgError {
  /** The module path, when one was given. */
  readonly path: string | undefined;
  /** The rejected version (cut to 200 characters for over-long input). */
  readonly version: string;

  constructor(path: string | undefined, version: string, detail: string, hint: string) {
    const shown = version.length > 200 ? `${version.slice(0, 200)}…` : version;
    // With a path, x/mod's ModuleError wording: "<path>@<version>: invalid version: <detail>".
    const message =
      path === undefined
        ? `invalid version ${JSON.stringify(shown)}: ${detail}`
        : `${path}@${shown}: invalid version: ${detail}`;
    super('module-version-invalid', message, { hint });
    this.path = path;
    this.version = shown;
  }
}

/**
 * Checks that `version` fits the major-version suffix `pathMajor` of a module path (x/mod
 * `CheckPathMajor`); returns a description of the mismatch, or `undefined` when they match.
 */
export function pathMajorMismatch(version: string, pathMajor: string): string | undefined {
  let pm = pathMajor;
  if (pm.startsWith('.v') && pm.endsWith('-unstable')) pm = pm.slice(0, -'-unstable'.length);
  // cmd/go once generated v0.0.0- pseudo-versions for gopkg.in .v1 paths; x/mod still accepts them.
  if (version.startsWith('v0.0.0-') && pm === '.v1') return undefined;
  const m = major(version);
  if (pm === '') {
    if (m === 'v0' || m === 'v1' || build(version) === '+incompatible') return undefined;
    return `should be v0 or v1, not ${m}`;
  }
  const want = pm.slice(1);
  return m === want ? undefined : `should be ${want}, not ${m}`;
}

/**
 * Checks a module path and version pair (x/mod `module.Check`): the path passes {@link checkPath},
 * the version is a valid semantic version, and the version's major matches the path
 * (`example.com/m/v2` needs `v2.x.y`; a path without suffix needs v0/v1 or `+incompatible`).
 * Throws {@link InvalidPathError} or {@link InvalidModuleVersionError}.
 *
 * @example
 * ```ts
 * check('example.com/m/v2', 'v2.1.0');            // ok
 * check('example.com/m', 'v2.0.0+incompatible');  // ok
 * check('example.com/m', 'v2.0.0');               // throws: should be v0 or v1, not v2
 * ```
 */
export function check(path: string, version: string): void {
  checkPath(path);
  if (!isValid(version)) {
    const detail =
      version.length > MAX_VERSION_LENGTH
        ? `longer than ${MAX_VERSION_LENGTH} characters`
        : 'not a semantic version';
    throw new InvalidModuleVersionError(path, version, detail, 'module versions look like v1.2.3');
  }
  const split = splitPathVersion(path);
  const mismatch = pathMajorMismatch(version, split?.pathMajor ?? '');
  if (mismatch !== undefined) {
    throw new InvalidModuleVersionError(
      path,
      version,
      mismatch,
      'a module at major version 2 or above needs a /vN path suffix (or +incompatible for pre-module repositories)',
    );
  }
}

/** {@link check} as a predicate: true when `version` is valid for `path`; other errors propagate. */
export function versionFitsPath(path: string, version: string): boolean {
  try {
    check(path, version);
    return true;
  } catch (e) {
    if (e instanceof InvalidPathError || e instanceof InvalidModuleVersionError) return false;
    throw e;
  }
}

// Memoized: a lock names the same few versions (v1.0.0, v1.1.0, …) hundreds of times.
const canonicalOnce = memoize(
  (version: string): string => {
    const c = semverCanonical(version);
    return build(version) === '+incompatible' ? `${c}+incompatible` : c;
  },
  { max: 1 << 14, maxKeyLength: 256 },
);

/**
 * The canonical form of a module version (x/mod `CanonicalVersion`): semver's canonical form, but
 * keeping a `+incompatible` suffix; `''` for an invalid version.
 *
 * @example
 * ```ts
 * canonicalVersion('v2.0.0+incompatible'); // 'v2.0.0+incompatible'
 * canonicalVersion('v1.2.3+meta');       // 'v1.2.3'
 * ```
 */
export function canonicalVersion(version: string): string {
  return canonicalOnce(version);
}

/** checkElem for escapeVersion / unescapeVersion: a version must be one valid file-name element. */
export function versionElemProblem(v: string): string | undefined {
  if (v.length > MAX_VERSION_LENGTH) return `longer than ${MAX_VERSION_LENGTH} characters`;
  return checkElem(v, 'file')?.detail;
}
