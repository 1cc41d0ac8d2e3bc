// The string inside `import go "<module>[@<version or query>]"`: module path, pinned version or query, or a local directory.
import { MochiPkgError } from '../../errors.js';
import { isAbsoluteLocalPath } from '../../util/local-path.js';
import { isStandardPackage, STD_GO_VERSION } from '../load/std.js';
import {
  canonicalVersion,
  check,
  checkImportPath,
  checkPath,
  InvalidModuleVersionError,
  InvalidPathError,
  splitPathVersion,
} from '../module/index.js';
import * as semver from '../semver/index.js';

/**
 * A query resolved through the proxy at lock time, as `go get` resolves it: the newest version,
 * the newest `vX` / `vX.Y`, or the nearest version of a range (`<v1.2`, `<=v1.2.3`, `>v1.0.0`, `>=v1.3`).
 */
export type GoQuery = 'latest' | `v${number}` | `v${number}.${number}` | `<${string}` | `>${string}`;

/** A parsed `import go` spec. */
export type GoImportSpec =
  | {
      /** A package of a module fetched from the module proxy. */
      readonly kind: 'module';
      /**
       * The import path as written: a module path, or a package path inside a module (which module
       * provides it is found at pin time, as `go get <path>@<version>` finds it).
       */
      readonly module: string;
      /** The canonical version written in the spec (a release, pre-release or pseudo-version). */
      readonly version?: string;
      /**
       * A version of major 2 or above written for a path without the `/vN` suffix (`rsc.io/quote@v2.0.0`):
       * as in cmd/go it is resolved through the proxy's `.info` (to a `+incompatible` or pseudo-version),
       * and refused with go's words when the module has a go.mod at that major version.
       */
      readonly revision?: string;
      /** The query written in the spec; `latest` when neither version nor query is given. */
      readonly query?: GoQuery;
    }
  | {
      /** A module read from a local directory (`<module>@path+<dir>`). */
      readonly kind: 'path';
      readonly module: string;
      /** The directory as written, relative to the project. */
      readonly localPath: string;
    }
  | {
      /** A standard-library package (`strings`, `net/http`): nothing to fetch or pin. */
      readonly kind: 'std';
      readonly path: string;
    };

/** An `import go` string that is not a usable spec. Code `go-importspec-invalid`. */
export class GoImportSpecError extends MochiPkgError {
  declare readonly code: 'go-importspec-invalid';
  /** The spec as written. */
  readonly spec: string;
  /** What is wrong, without the spec and location. */
  readonly problem: string;
  /**
   * @param where - the declaration's `file:line:column`, put in front of the message when known.
   */
  constructor(spec: string, problem: string, hint?: string, cause?: unknown, where?: string) {
    const shown = spec.length > 300 ? `${spec.slice(0, 300)}…` : spec;
    super(
      'go-importspec-invalid',
      `${where ? `${where}: ` : ''}import go ${JSON.stringify(shown)}: ${problem}`,
      {
        hint:
          hint ?? 'write import go "<module>[@<version>|@latest|@vX|@vX.Y|@<v|@>=v|@path+<dir>]" as <alias>',
        cause,
      },
    );
    this.spec = shown;
    this.problem = problem;
  }
}

/** Longest spec accepted (module paths are at most 4096 bytes; versions far less). */
const MAX_SPEC_LENGTH = 8192;
const QUERY_RE = /^v(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/;

/**
 * True for a standard-library import path: Go's rule (cmd/go `search.IsStandardImportPath`) is
 * that the first path element holds no dot.
 */
export function isStandardImportPath(path: string): boolean {
  const first = path.split('/', 1)[0] ?? '';
  return !first.includes('.');
}

const RANGE_RE = /^(<=?|>=?)(v.*)$/;

/**
 * True for the queries a spec may hold: `latest`, `vX` and `vX.Y` (no leading zeros), and the
 * ranges `<v`, `<=v`, `>v`, `>=v` over a semantic version (`<=` and `>` need a full version, as
 * cmd/go refuses `<=v1.2` as ambiguous).
 */
export function isGoQuery(s: string): s is GoQuery {
  if (s === 'latest' || QUERY_RE.test(s)) return true;
  const m = RANGE_RE.exec(s);
  if (!m || !semver.isValid(m[2]!)) return false;
  const fullVersion = /^v\d+\.\d+\.\d+/.test(m[2]!);
  return fullVersion || m[1] === '<' || m[1] === '>=';
}

/**
 * True when `version` is one cmd/go's query could choose: any version for `latest`; for `vX` /
 * `vX.Y`, a version with that prefix at or above `vX.0.0` / `vX.Y.0` (pre-releases included, as
 * cmd/go falls back to them); for a range, a version inside it.
 *
 * @example
 * ```ts
 * matchesQuery('v1.4.2', 'v1.4'); // true
 * matchesQuery('v1.10.0', 'v1.1'); // false
 * matchesQuery('v1.2.0', '<v1.2'); // false
 * ```
 */
export function matchesQuery(version: string, query: GoQuery): boolean {
  const v = semver.tryParse(version);
  if (!v) return false;
  if (query === 'latest') return true;
  const range = RANGE_RE.exec(query);
  if (range) {
    const bound = semver.tryParse(range[2]!);
    if (!bound) return false;
    const c = semver.compare(v, bound);
    return range[1] === '<' ? c < 0 : range[1] === '<=' ? c <= 0 : range[1] === '>' ? c > 0 : c >= 0;
  }
  const q = semver.tryParse(query);
  return q !== undefined && version.startsWith(`${query}.`) && semver.compare(v, q) >= 0;
}

/**
 * Parses the string of an `import go` declaration:
 * - `<module>` — the module's latest version, resolved at lock time (same as `@latest`);
 * - `<module>@<version>` — a canonical semantic version (`v1.2.3`, `v1.2.3-rc.1`,
 *   `v2.0.0+incompatible`) or a pseudo-version (`v0.0.0-20240101000000-0123456789ab`);
 * - `<module>@latest`, `<module>@vX`, `<module>@vX.Y` — queries resolved through the proxy;
 * - `<module>@path+<dir>` — the module in a local directory (relative to the project; `.` and
 *   absolute paths refused);
 * - a path whose first element has no dot (`strings`, `net/http`) — a standard-library package.
 *
 * The path must pass x/mod's `CheckImportPath`, and a module path `CheckPath`; a version must fit
 * the path's major version (`/v2` needs `v2.x.y`).
 *
 * @throws {GoImportSpecError} quoting the spec and saying what is wrong.
 * @example
 * ```ts
 * parseGoImportSpec('github.com/google/uuid@v1.6.0'); // { kind: 'module', module: 'github.com/google/uuid', version: 'v1.6.0' }
 * parseGoImportSpec('golang.org/x/text@v0.14');       // { kind: 'module', module: 'golang.org/x/text', query: 'v0.14' }
 * ```
 */
export function parseGoImportSpec(spec: string): GoImportSpec {
  if (spec.length > MAX_SPEC_LENGTH)
    throw new GoImportSpecError(spec, `longer than ${MAX_SPEC_LENGTH} characters`);
  const at = spec.indexOf('@');
  const path = at < 0 ? spec : spec.slice(0, at);
  const rest = at < 0 ? undefined : spec.slice(at + 1);
  if (path === '') throw new GoImportSpecError(spec, 'the module path is empty');
  try {
    checkImportPath(path);
  } catch (e) {
    if (!(e instanceof InvalidPathError)) throw e;
    throw new GoImportSpecError(spec, `not a valid import path: ${e.message}`, undefined, e);
  }
  if (isStandardImportPath(path)) {
    if (isStandardPackage(path) && isInternalPath(path)) throw internalImport(spec, path);
    // Recognised from the Go release's package list, not from the missing dot alone.
    if (!isStandardPackage(path) || path.startsWith('vendor/')) {
      throw new GoImportSpecError(
        spec,
        `${JSON.stringify(path)} is not a package of the Go ${STD_GO_VERSION.replace(/^go/, '')} standard library, and its first element has no dot, so no module can provide it`,
        'import a standard-library package (go list std) or a module path such as example.com/mod',
      );
    }
    if (rest !== undefined) {
      throw new GoImportSpecError(
        spec,
        `${JSON.stringify(path)} is a standard-library package (its first element has no dot); it takes no version`,
        `write import go "${path}"`,
      );
    }
    return { kind: 'std', path };
  }
  try {
    checkPath(path);
  } catch (e) {
    if (!(e instanceof InvalidPathError)) throw e;
    throw new GoImportSpecError(spec, `not a valid module path: ${e.message}`, undefined, e);
  }
  if (isInternalPath(path)) throw internalImport(spec, path);
  if (rest === undefined) return { kind: 'module', module: path, query: 'latest' };
  if (rest.startsWith('path+'))
    return { kind: 'path', module: path, localPath: checkLocalPath(spec, rest.slice(5)) };
  if (rest === '') throw new GoImportSpecError(spec, 'nothing after @ (expected a version or a query)');
  if (isGoQuery(rest)) return { kind: 'module', module: path, query: rest };
  if (canonicalVersion(rest) !== rest) {
    const why = !semver.isValid(rest)
      ? 'is not a semantic version, a pseudo-version, or one of the queries latest, vX, vX.Y, <v, <=v, >v, >=v'
      : semver.build(rest) !== ''
        ? 'carries build metadata (only +incompatible is allowed)'
        : `is not canonical (write ${canonicalVersion(rest)})`;
    throw new GoImportSpecError(spec, `version ${JSON.stringify(rest)} ${why}`);
  }
  try {
    check(path, rest);
  } catch (e) {
    if (!(e instanceof InvalidModuleVersionError || e instanceof InvalidPathError)) throw e;
    // cmd/go takes `path@v2.x.y` for a path without a major suffix as a revision the proxy resolves.
    const split = splitPathVersion(path);
    if (
      e instanceof InvalidModuleVersionError &&
      split !== undefined &&
      split.pathMajor === '' &&
      semver.build(rest) === '' &&
      semver.major(rest) !== 'v0' &&
      semver.major(rest) !== 'v1'
    ) {
      return { kind: 'module', module: path, revision: rest };
    }
    throw new GoImportSpecError(spec, e.message, e.hint, e);
  }
  return { kind: 'module', module: path, version: rest };
}

/** A path with an `internal` element: only code under its parent may import it (std or module). */
function isInternalPath(path: string): boolean {
  return (
    path === 'internal' ||
    path.startsWith('internal/') ||
    path.includes('/internal/') ||
    path.endsWith('/internal')
  );
}

/** cmd/go's rule: only code under the parent of `internal` may import it, and the program is not. */
function internalImport(spec: string, path: string): GoImportSpecError {
  const elems = path.split('/');
  const parent = elems.slice(0, Math.max(elems.lastIndexOf('internal'), 0)).join('/');
  return new GoImportSpecError(
    spec,
    `use of internal package ${path} not allowed (only code ${parent === '' ? 'of the standard library' : `under ${parent}`} may import it)`,
    parent === '' || isStandardImportPath(path)
      ? 'import a standard-library package that is not internal (go list std)'
      : 'import a package of the module that is not under internal/',
  );
}

function checkLocalPath(spec: string, dir: string): string {
  if (dir === '' || dir === '.' || dir === './') {
    throw new GoImportSpecError(spec, 'path+ needs a directory other than the project itself');
  }
  if (isAbsoluteLocalPath(dir)) {
    throw new GoImportSpecError(
      spec,
      `path+${dir} is absolute; a lock must not depend on where the project lives`,
      'use a path relative to the project',
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(dir))
    throw new GoImportSpecError(spec, 'the directory contains a control character');
  return dir;
}
