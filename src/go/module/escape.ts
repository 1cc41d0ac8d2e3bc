// The `!`-escape codec for module paths and versions in proxy URLs and cache paths (x/mod EscapePath & co).
// Hand-written: the mapping is a byte-exact protocol detail with no npm implementation.
import { MochiPkgError } from '../../errors.js';
import { memoize } from '../../util/memo.js';
import { MAX_VERSION_LENGTH } from '../semver/index.js';
import {
  checkPath,
  InvalidModuleVersionError,
  InvalidPathError,
  MAX_PATH_LENGTH,
  versionElemProblem,
} from './check.js';

/** A module path in escaped form: upper-case letters written as `!` + lower case. */
export type EscapedPath = string & { readonly __brand: 'EscapedPath' };
/** A module version in escaped form: upper-case letters written as `!` + lower case. */
export type EscapedVersion = string & { readonly __brand: 'EscapedVersion' };

/**
 * Thrown by {@link unescapePath} and {@link unescapeVersion} (code `module-escaped-invalid`) for
 * text that no module path or version escapes to: raw upper case, a `!` not followed by a
 * lower-case letter, a trailing `!`, non-ASCII, or an unescaped result that fails the path or
 * version rules (then `cause` is that rule's error, when there is one).
 */
export class InvalidEscapedError extends MochiPkgError {
  readonly what: 'path' | 'version';
  /** The rejected escaped text (cut to 200 characters for over-long input). */
  readonly escaped: string;

  constructor(what: 'path' | 'version', escaped: string, detail: string, cause?: unknown) {
    const shown = escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
    super(
      'module-escaped-invalid',
      `invalid escaped module ${what} ${JSON.stringify(shown)}: ${detail}`,
      cause === undefined
        ? { hint: 'escaped text is lower case, with "!x" standing for "X"' }
        : { hint: 'escaped text is lower case, with "!x" standing for "X"', cause },
    );
    this.what = what;
    this.escaped = shown;
  }
}

/**
 * Writes every A–Z as `!` + lower case. Callers guarantee the input is ASCII without `!` (the path
 * and version rules exclude both), which makes the encoding reversible.
 */
function escapeString(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      out += `${s.slice(from, i)}!${String.fromCharCode(c + 0x20)}`;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** The inverse of escapeString; a string describing the problem when `escaped` is not an escape. */
function unescapeString(escaped: string): { ok: true; value: string } | { ok: false; detail: string } {
  let out = '';
  let from = 0;
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped.charCodeAt(i);
    if (c >= 0x80) return { ok: false, detail: 'non-ASCII character' };
    if (c >= 0x41 && c <= 0x5a) return { ok: false, detail: `raw upper-case ${escaped[i]}` };
    if (c === 0x21 /* ! */) {
      const next = escaped.charCodeAt(i + 1);
      if (Number.isNaN(next)) return { ok: false, detail: 'trailing "!"' };
      if (!(next >= 0x61 && next <= 0x7a))
        return { ok: false, detail: '"!" not followed by a lower-case letter' };
      out += escaped.slice(from, i) + String.fromCharCode(next - 0x20);
      i++;
      from = i + 1;
    }
  }
  return { ok: true, value: from === 0 ? escaped : out + escaped.slice(from) };
}

/**
 * Escapes a module path for proxy URLs and cache directories (x/mod `EscapePath`): each upper-case
 * letter becomes `!` + its lower case. The path must pass `checkPath` first; otherwise the
 * {@link InvalidPathError} is thrown.
 *
 * @example
 * ```ts
 * escapePath('github.com/Spf13/Cobra'); // 'github.com/!spf13/!cobra'
 * escapePath('github.com/AAA/BBB');     // 'github.com/!a!a!a/!b!b!b'
 * ```
 */
export function escapePath(path: string): EscapedPath {
  return escapedPaths(path);
}

/**
 * Paths already checked and escaped: a download asks for the same module's cache and proxy paths
 * several times per version, and checkPath is most of that cost. Only paths that passed checkPath
 * are remembered (a throw is not); a refused path is checked, and refused, again.
 */
const escapedPaths = memoize(
  (path: string): EscapedPath => {
    checkPath(path);
    return escapeString(path) as EscapedPath;
  },
  { max: 1 << 14 },
);

/**
 * Escapes a module version (x/mod `EscapeVersion`). Versions need not be semantic versions, but
 * must be one valid file name without `!` — so no `/`, `\`, `:`, control bytes or quotes. Throws
 * {@link InvalidModuleVersionError} otherwise.
 *
 * @example
 * ```ts
 * escapeVersion('v1.0.0-RC1'); // 'v1.0.0-!r!c1'
 * escapeVersion('v1/2');       // throws (code 'module-version-invalid')
 * ```
 */
export function escapeVersion(version: string): EscapedVersion {
  const problem = version.includes('!') ? 'it contains "!"' : versionElemProblem(version);
  // Code points ≥ 0x80 pass the file-name rules when they are letters, but escaping is ASCII-only
  // (x/mod reports an internal error there); a version with them is just as unusable.
  const nonAscii = problem === undefined && /[^\x00-\x7f]/.test(version) ? 'non-ASCII character' : undefined;
  const reason = problem ?? nonAscii;
  if (reason !== undefined) {
    throw new InvalidModuleVersionError(
      undefined,
      version,
      `disallowed version string (${reason})`,
      'a version must be one file name: no "/", "\\", ":", "!", quotes or control characters',
    );
  }
  return escapeString(version) as EscapedVersion;
}

/**
 * Recovers a module path from its escaped form (x/mod `UnescapePath`). Throws
 * {@link InvalidEscapedError} for text that is not an escape, or whose result fails `checkPath`
 * (then the `cause` is the {@link InvalidPathError}).
 *
 * @example
 * ```ts
 * unescapePath('github.com/!spf13/!cobra'); // 'github.com/Spf13/Cobra'
 * unescapePath('github.com/!');             // throws: trailing "!"
 * ```
 */
export function unescapePath(escaped: string): string {
  if (escaped.length > 2 * MAX_PATH_LENGTH) {
    throw new InvalidEscapedError('path', escaped, `longer than ${2 * MAX_PATH_LENGTH} characters`);
  }
  const r = unescapeString(escaped);
  if (!r.ok) throw new InvalidEscapedError('path', escaped, r.detail);
  try {
    checkPath(r.value);
  } catch (e) {
    if (e instanceof InvalidPathError) throw new InvalidEscapedError('path', escaped, e.message, e);
    throw e;
  }
  return r.value;
}

/**
 * Recovers a module version from its escaped form (x/mod `UnescapeVersion`). Throws
 * {@link InvalidEscapedError} for text that is not an escape or whose result is not a valid
 * file name.
 *
 * @example
 * ```ts
 * unescapeVersion('v1.0.0-!r!c1'); // 'v1.0.0-RC1'
 * unescapeVersion('v1.0.0-!1');    // throws: "!" not followed by a lower-case letter
 * ```
 */
export function unescapeVersion(escaped: string): string {
  if (escaped.length > 2 * MAX_VERSION_LENGTH) {
    throw new InvalidEscapedError('version', escaped, `longer than ${2 * MAX_VERSION_LENGTH} characters`);
  }
  const r = unescapeString(escaped);
  if (!r.ok) throw new InvalidEscapedError('version', escaped, r.detail);
  const problem = versionElemProblem(r.value);
  if (problem !== undefined) throw new InvalidEscapedError('version', escaped, problem);
  return r.value;
}
