// Types-only contract: a build turns import targets and their stub sources into wrappers and shims.
import type { ExternalModules } from '../typemap/scope.js';
import type { SkipReport } from '../typemap/types.js';
import type { Wrapper } from '../wrapper/types.js';

/** The Python a build targets: `sys.version_info` and `sys.platform` branches are evaluated for it. */
export interface PythonTarget {
  /** `[major, minor]`, default `[3, 12]`. */
  readonly version: readonly [number, number];
  /** `sys.platform`, default `linux`. */
  readonly platform: string;
}

/**
 * The stub files of one importable package or module, in memory (pure input to the build).
 * Keys are `/`-separated paths relative to the package root: `__init__.pyi`, `sub/mod.pyi`, or a
 * single `<module>.pyi` for a one-file module.
 */
export interface StubFiles {
  /** The top-level Python module name, e.g. `httpx`. */
  readonly module: string;
  readonly files: ReadonlyMap<string, string>;
}

export interface BuildTarget {
  /** The string inside `import python "…"`. */
  readonly spec: string;
  /** The name after `as`. */
  readonly alias: string;
  readonly stubs: StubFiles;
}

export interface BuildRequest {
  readonly targets: readonly BuildTarget[];
  readonly python?: PythonTarget;
}

export interface TargetResult {
  readonly alias: string;
  readonly wrapper: Wrapper;
  /** The Mochi extern declarations for the wrapper. */
  readonly shim: string;
  /** Lowercase-hex SHA-256 of `shim` (the lock's `wrapper-sha256`). */
  readonly shimSha256: string;
  readonly skipped: readonly SkipReport[];
}

/** One result per request target, in request order. */
export interface BuildResult {
  readonly targets: readonly TargetResult[];
  /**
   * Where names outside a target's package resolved in this build (the request's other targets,
   * then the build's externals). Wrapping another module of a target's surface with it gives the
   * names the build gives and reuses the build's resolutions and lowered members.
   */
  readonly externals?: ExternalModules;
}
