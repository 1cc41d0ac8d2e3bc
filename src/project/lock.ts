// From a Mochi project to its mochi.lock: scan imports, resolve stubs, build, pin, and write or check.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMochiPkgError } from '../errors.js';
import type { Cache } from '../go/cache/index.js';
import {
  checksumMismatches,
  GoChecksumError,
  GoImportSpecError,
  type GoManifest,
  lockBuildList,
  type PinResult,
  pinGoImports,
} from '../go/lockfile/index.js';
import type { ModuleSource } from '../go/proxy/index.js';
import type { ModuleSums } from '../go/sumdb/index.js';
import { typeshedExternals } from '../python/build/externals.js';
import { buildWith, DEFAULT_PYTHON } from '../python/build/index.js';
import type { BuildRequest, BuildResult, BuildTarget, PythonTarget } from '../python/build/types.js';
import { parseImportSpec } from '../python/importspec/index.js';
import type { LockedDistribution } from '../python/lockfile/distribution.js';
import type { Resolution } from '../python/lockfile/fromBuild.js';
import { fromBuildResult, type Manifest } from '../python/lockfile/index.js';
import { defaultPythonCacheRoot, RegistryError } from '../python/registry/index.js';
import type { ClosureRoot } from '../python/registry/lockClosure.js';
import { ResolverError } from '../python/resolver/errors.js';
import { loadStubParser, type StubParser } from '../python/stubs/index.js';
import type { ExternalModules } from '../python/typemap/scope.js';
import type { SkipReport } from '../python/typemap/types.js';
import { wrapperFiles } from '../python/wrapper/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { formatLocation, ProjectError } from './errors.js';
import { type ForeignImport, uniqueImports } from './imports.js';
import { type Lock, renderLock } from './lockdoc.js';
import { resolveStubs, type StubProvider } from './provider.js';
import { type ScanOptions, scanProject } from './scan.js';
import { StubSourceError, type StubTreeLimits } from './stubs.js';
import type { WrapperFolder } from './wrapfiles.js';

/** Options of {@link loadPythonBuild}. */
export interface PythonBuildOptions {
  /**
   * Typeshed-style roots (`stdlib/`, `stubs/<dist>/`) where names a package imports from elsewhere
   * (`datetime.datetime`, `typing.IO`) resolve; the first root that has a module wins. Only these
   * stated inputs are used — never a copy that happens to be installed — so the same command gives
   * the same wrapper-sha256 on every machine.
   */
  readonly typeshedRoots?: readonly string[];
}

/**
 * The Python build of mochi-pkg as a {@link BuildFn}: loads the .pyi parser once, then builds
 * wrappers and shims with it, resolving outside names through `typeshedRoots`.
 */
export async function loadPythonBuild(options: PythonBuildOptions = {}): Promise<BuildFn> {
  // Loaded on the first build: a lock whose wrappers all come from the build cache parses no stub.
  let loading: Promise<StubParser> | undefined;
  const roots = options.typeshedRoots ?? [];
  // Externals parse modules for one Python target, so they are made per target and kept.
  const byTarget = new Map<string, ExternalModules>();
  const externalsFor = (parser: StubParser, python: PythonTarget): ExternalModules | undefined => {
    if (roots.length === 0) return undefined;
    const key = `${python.version.join('.')}/${python.platform}`;
    let ext = byTarget.get(key);
    if (!ext) {
      const each = roots.map((r) => typeshedExternals(r, parser, python));
      ext = (name) => {
        for (const e of each) {
          const mod = e(name);
          if (mod) return mod;
        }
        return undefined;
      };
      byTarget.set(key, ext);
    }
    return ext;
  };
  return async (req) => {
    loading ??= loadStubParser();
    const parser = await loading;
    const externals = externalsFor(parser, req.python ?? DEFAULT_PYTHON);
    return buildWith(
      req,
      (stubs, python) => parser.parsePackage(stubs, python),
      externals ? { externals } : {},
    );
  };
}

/** The lock's file name inside the project directory. */
import { absoluteIndexUrl, LOCK_FILE, readLock } from './lockRead.js';

export { LOCK_FILE, readLock, readProjectLock } from './lockRead.js';
export { absoluteIndexUrl };

/** Builds wrappers and shims from targets: the Python build of `mochi-pkg/python`, injected. */
export type BuildFn = (req: BuildRequest) => BuildResult | Promise<BuildResult>;

/** Inputs of {@link planLock}. */
export interface PlanOptions {
  /** The project directory. */
  readonly root: string;
  /** Cache directory for git mirrors and provider downloads. */
  readonly cacheDir: string;
  /** Providers for `registry` / `index` specs, asked in order. */
  readonly providers?: readonly StubProvider[];
  readonly build: BuildFn;
  readonly python?: PythonTarget;
  readonly scan?: ScanOptions;
  readonly limits?: StubTreeLimits;
  /** Let `path+` directories of either language lie outside the project (`lock --allow-outside-project`). */
  readonly allowOutsideProject?: boolean;
  /**
   * How to pin `import go` declarations (a function is called only when the project has some, so
   * a project without them never opens the module cache); without it they are left in
   * {@link LockPlan.unlocked}.
   */
  readonly go?: GoPlanOptions | (() => Promise<GoPlanOptions>);
  /**
   * Resolves the whole closure of the imports that came from a package index (called only when
   * there are some); without it the lock has no `[[python-distribution]]` tables. `onWarning`
   * collects what the resolution warns about (an extra a release does not provide).
   */
  readonly closure?: (
    roots: readonly ClosureRoot[],
    onWarning: (message: string) => void,
  ) => Promise<LockedDistribution[]>;
}

/** The Go side of {@link planLock}: where modules come from and what the lock already pins. */
export interface GoPlanOptions {
  /** The verified module cache. */
  readonly cache: Cache;
  /** The module proxy (asked only for what the cache and the previous lock do not answer). */
  readonly source: ModuleSource;
  /** The `[[go-package]]` entries of the lock on disk, whose versions are kept while the imports allow. */
  readonly previous?: GoManifest;
  /** Indirect modules of `previous` to move to their `@upgrade` version (`lock --upgrade-package`). */
  readonly upgrade?: ReadonlySet<string>;
  /** Re-hash cached zips (default true). */
  readonly verify?: boolean;
  /** Read each module's latest go.mod for retractions and deprecations, as `go get` warns (default false). */
  readonly warnings?: boolean;
  /** Checks every module's hashes (the checksum database) before they are accepted. */
  readonly sums?: ModuleSums;
}

/** One locked import and what its build produced. */
export interface PlannedTarget {
  readonly import: ForeignImport;
  /** Where the stubs came from. */
  readonly origin: string;
  /** Number of wrapper items. */
  readonly items: number;
  readonly skipped: readonly SkipReport[];
  /** The files of its `python_wrap/<alias>/` folder. */
  readonly folder: WrapperFolder;
}

/** What the lock should be now. */
export interface LockPlan {
  /** The `[[python-package]]` entries. */
  readonly manifest: Manifest;
  /** Every table kind: `manifest` and the `[[go-package]]` entries. */
  readonly lock: Lock;
  /** `renderLock(lock)`: the bytes `mochi.lock` should hold. */
  readonly text: string;
  /** How each Go module was pinned (absent without {@link PlanOptions.go}). */
  readonly go?: PinResult;
  /**
   * The Python side's warnings: those of the index pages read (a newer minor Simple API version, a
   * `file://` link left off a page served over the network; each once, added by the caller that
   * reads the pages), then the closure's, as pip words them (an extra a release does not provide).
   */
  readonly pythonWarnings: readonly string[];
  /** The `*.mochi` files read. */
  readonly files: readonly string[];
  /** Locked Python imports, sorted by alias, with their build results. */
  readonly targets: readonly PlannedTarget[];
  /** Foreign imports found but not locked (`import go` when {@link PlanOptions.go} is absent). */
  readonly unlocked: readonly ForeignImport[];
}

/** Prefixes an error from a stub source or spec with the import's location; other errors pass through. */
function at(imp: ForeignImport, e: unknown): never {
  if (isMochiPkgError(e, 'importspec-invalid')) {
    throw new ProjectError('project-import', e.message, imp.location, e.hint);
  }
  if (e instanceof StubSourceError) {
    throw new StubSourceError(e.code, `${formatLocation(imp.location)}: ${e.message}`, e.hint, e);
  }
  if (e instanceof RegistryError) throw e.withImport(formatLocation(imp.location));
  throw e;
}

/**
 * Computes the lock a project needs now: every `import python` of its `*.mochi` files, stubs from
 * the spec's source, one build over all targets, then {@link fromBuildResult}. Pure with respect
 * to the project (nothing is written); git sources may fill the cache.
 */
export async function planLock(options: PlanOptions): Promise<LockPlan> {
  const scan = await scanProject(options.root, options.scan);
  const unique = uniqueImports(scan.imports);
  const python = unique.filter((i) => i.language === 'python');
  const ctx = {
    projectRoot: options.root,
    cacheDir: options.cacheDir,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}),
  };
  const targets: BuildTarget[] = [];
  const origins: string[] = [];
  const resolved = new Map<string, Resolution>();
  const roots: ClosureRoot[] = [];
  /** Per closure root: its import and its position in `targets`. */
  const rootImports: { imp: ForeignImport; target: number }[] = [];
  const pythonWarnings: string[] = [];
  for (const imp of python) {
    try {
      const spec = parseImportSpec(imp.spec);
      const found = await resolveStubs(spec, ctx, options.providers ?? []);
      targets.push({ spec: imp.spec, alias: imp.alias, stubs: found.stubs });
      if (found.index) {
        rootImports.push({ imp, target: targets.length - 1 });
        roots.push({
          name: found.index.name,
          specifier: found.index.specifier,
          ...(spec.source === 'registry' || spec.source === 'index' ? extrasOf(spec) : {}),
          indexUrl: found.index.url,
          ...(spec.source === 'index' ? { indexId: spec.indexId } : {}),
          label: `your import of \`${imp.spec}\` (${formatLocation(imp.location)})`,
        });
      } else if ('extras' in spec && spec.extras !== undefined && spec.extras.length > 0) {
        // Stubs installed nothing: the extras select no requirement and have no table to be
        // recorded in. Said, as pip says of an extra a release does not provide, not dropped silently.
        pythonWarnings.push(
          `${imp.spec} (${formatLocation(imp.location)}) is answered by the stubs in ${found.origin}, not by an index: its extras (${spec.extras.join(', ')}) select nothing and are not recorded in mochi.lock`,
        );
      }
      origins.push(found.origin);
      resolved.set(imp.alias, {
        ...(found.version === undefined ? {} : { version: found.version }),
        ...(found.gitCommit === undefined ? {} : { gitCommit: found.gitCommit }),
      });
    } catch (e) {
      at(imp, e);
    }
  }
  const closure =
    options.closure && roots.length > 0
      ? await options.closure(roots, (m) => {
          pythonWarnings.push(m);
        })
      : [];
  await followClosure(closure, roots, rootImports, targets, resolved, ctx, options.providers ?? []);
  const req: BuildRequest = options.python ? { targets, python: options.python } : { targets };
  // A build refuses an empty target list; a project without Python imports has an empty lock.
  const res: BuildResult = targets.length === 0 ? { targets: [] } : await options.build(req);
  const manifest = fromBuildResult(req, res, { resolved });
  const goImports = unique.filter((i) => i.language === 'go');
  let go: PinResult | undefined;
  if (options.go && goImports.length > 0) {
    const goOptions = typeof options.go === 'function' ? await options.go() : options.go;
    try {
      const pinned = await pinGoImports({
        imports: goImports.map((i) => ({ spec: i.spec, alias: i.alias, where: formatLocation(i.location) })),
        projectRoot: options.root,
        ...(options.allowOutsideProject ? { allowOutsideProject: true } : {}),
        cache: goOptions.cache,
        source: goOptions.source,
        ...(goOptions.previous ? { previous: goOptions.previous } : {}),
        ...(goOptions.verify === undefined ? {} : { verify: goOptions.verify }),
        ...(goOptions.warnings === undefined ? {} : { warnings: goOptions.warnings }),
        ...(goOptions.sums === undefined ? {} : { sums: goOptions.sums }),
      });
      // The whole build list: what the imported modules need, as go mod tidy would resolve it.
      const built = await lockBuildList({
        direct: pinned.manifest,
        packages: pinned.packages,
        projectRoot: options.root,
        cache: goOptions.cache,
        source: goOptions.source,
        ...(goOptions.previous ? { previous: goOptions.previous } : {}),
        ...(goOptions.upgrade ? { upgrade: goOptions.upgrade } : {}),
        ...(goOptions.verify === undefined ? {} : { verify: goOptions.verify }),
        ...(goOptions.sums === undefined ? {} : { sums: goOptions.sums }),
      });
      if (goOptions.previous) {
        const bad = checksumMismatches(goOptions.previous, built.manifest);
        if (bad.length > 0) throw new GoChecksumError(bad);
      }
      go = { ...pinned, manifest: built.manifest };
    } catch (e) {
      if (e instanceof GoImportSpecError)
        throw new ProjectError('project-import', e.message, undefined, e.hint);
      throw e;
    }
  }
  const distributions = closure.map((d) => ({ ...d, indexUrl: projectIndexUrl(d.indexUrl, options.root) }));
  const lock: Lock = {
    python: manifest,
    go: go?.manifest ?? { entries: [] },
    ...(distributions.length > 0 ? { distributions } : {}),
  };
  return {
    manifest,
    lock,
    text: renderLock(lock),
    ...(go ? { go } : {}),
    pythonWarnings,
    files: scan.files,
    targets: python.map((imp, i) => {
      const t = res.targets[i]!;
      const name = manifest.entries.find((e) => e.alias === imp.alias)?.name ?? imp.alias;
      return {
        import: imp,
        origin: origins[i]!,
        items: t.wrapper.items.length,
        skipped: t.skipped,
        folder: {
          alias: imp.alias,
          files: wrapperFiles({
            alias: imp.alias,
            name,
            module: t.wrapper.module,
            shim: t.shim,
            skipped: t.skipped,
          }),
        },
      };
    }),
    unlocked: options.go ? [] : goImports,
  };
}

/** The extras an index import requests, as a {@link ClosureRoot} carries them. */
function extrasOf(spec: { readonly extras?: readonly string[] }): { extras?: readonly string[] } {
  return spec.extras === undefined ? {} : { extras: spec.extras };
}

/**
 * Makes each index import's stubs those of the version its closure chose: an import resolved alone
 * takes the newest version its specifier allows, but the closure may need an older one to satisfy
 * every other requirement. A `registry` import is then resolved again pinned to that version; an
 * `index` import (which has no specifier to pin) is an error that says what to write instead.
 */
async function followClosure(
  closure: readonly LockedDistribution[],
  roots: readonly ClosureRoot[],
  rootImports: readonly { imp: ForeignImport; target: number }[],
  targets: BuildTarget[],
  resolved: Map<string, Resolution>,
  ctx: Parameters<typeof resolveStubs>[1],
  providers: readonly StubProvider[],
): Promise<void> {
  for (const [i, root] of roots.entries()) {
    const { imp, target } = rootImports[i]!;
    const chosen = closure.find((d) => d.name === root.name && d.indexUrl === root.indexUrl);
    const used = resolved.get(imp.alias)?.version;
    if (chosen === undefined || used === undefined || chosen.version === used) continue;
    try {
      const spec = parseImportSpec(imp.spec);
      if (spec.source !== 'registry') {
        throw new ResolverError(
          'resolver-conflict',
          `import python ${JSON.stringify(imp.spec)}: the other imports need ${root.name} ${chosen.version}, but an index import always takes the newest version (${used})`,
          {
            hint: `import it from the registry with a specifier instead, e.g. "${root.name}@==${chosen.version}" with --index-url`,
          },
        );
      }
      const pinned = { ...spec, specifier: `==${chosen.version}`, pinnedVersion: chosen.version };
      const found = await resolveStubs(pinned, ctx, providers);
      targets[target] = { ...targets[target]!, stubs: found.stubs };
      resolved.set(imp.alias, { ...resolved.get(imp.alias), version: chosen.version });
    } catch (e) {
      at(imp, e);
    }
  }
}

/**
 * How the lock names an index: a `file://` index inside the project as `./<relative path>/` (so the
 * lock does not depend on where the project is checked out), any other URL as it is.
 */
export function projectIndexUrl(indexUrl: string, root: string): string {
  const base = pathToFileURL(join(root, '/')).href;
  return indexUrl.startsWith(base) ? `./${indexUrl.slice(base.length)}` : indexUrl;
}

/**
 * Writes `text` to `<root>/mochi.lock` atomically, and only when the bytes differ from what is
 * there. Returns true when it wrote.
 */
export async function writeLockIfChanged(root: string, text: string): Promise<boolean> {
  // An oversized lock cannot equal the text; the caller already decided to replace it.
  const current = await readLock(root).catch((e: unknown) => {
    if (isMochiPkgError(e, 'lockfile-too-large')) return undefined;
    throw e;
  });
  const bytes = Buffer.from(text, 'utf8');
  if (current?.equals(bytes)) return false;
  await writeFileAtomic(join(root, LOCK_FILE), bytes);
  return true;
}

/**
 * The default cache directory of Python stub sources: `$MOCHI_PYTHON_CACHE`, else
 * `$XDG_CACHE_HOME/mochi-pkg/python` (falling back to `~/.cache`) on Linux and
 * `~/Library/Caches/mochi-pkg/python` on macOS.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  // One rule for every Python source: the registry's wheels and pages share this root with git mirrors.
  return defaultPythonCacheRoot(env, platform, home);
}
