// Which modules provide the packages a program imports, and what those packages import (cmd/go's package loader, tidy rules).
import { MochiPkgError } from '../../errors.js';
import type { ModuleGraph, ModuleVersion } from '../mvs/index.js';
import { shouldBuildAnyTags } from './constraint.js';
import { readImports } from './imports.js';
import { isStandardImportPath, isStandardPackage } from './std.js';

/** The Go source files of one module version, by package directory (`''` for the module root). */
export interface ModuleFiles {
  /** Directory → names of its `.go` files (any, including tests). */
  readonly dirs: ReadonlyMap<string, readonly string[]>;
  /** The text of `dir/name`. */
  read(dir: string, name: string): Promise<string>;
}

/** Opens the files of a module version (its zip, or the directory replacing it). */
export type FilesOpener = (m: ModuleVersion) => Promise<ModuleFiles>;

/** One loaded package. */
export interface LoadedPackage {
  readonly path: string;
  /** The module providing it. */
  readonly module: ModuleVersion;
  /** Imports of its non-test files (every build tag but `ignore`), sorted. */
  readonly imports: readonly string[];
  /** Imports of its `_test.go` files, sorted. */
  readonly testImports: readonly string[];
  /** True when every built non-test file says `package main`: a program, which Go cannot import. */
  readonly isMain: boolean;
  /** In `all`: imported by the program, directly or through other packages' non-test files. */
  readonly inAll: boolean;
}

/**
 * A package cannot be loaded: `go-import-ambiguous` (several modules of the build list provide
 * it), `go-import-missing` (no module of the build list does), `go-import-not-std` (a path
 * that can only be standard but is not in the standard library), `go-import-no-go-files`,
 * `go-import-main` (a program, `package main`, imported).
 */
export class PackageLoadError extends MochiPkgError {
  declare readonly code:
    | 'go-import-ambiguous'
    | 'go-import-missing'
    | 'go-import-main'
    | 'go-import-not-std'
    | 'go-import-no-go-files';
}

/** Options of {@link loadPackages}. */
export interface LoadPackagesOptions {
  /** The main module's requirements (its graph roots): searched first, as with a pruned graph. */
  readonly roots: readonly ModuleVersion[];
  /** The selected version of each module path (`none` when none). */
  readonly graph: Pick<ModuleGraph, 'selected'>;
  readonly open: FilesOpener;
  /** Load the tests of packages in `all` too (what `go mod tidy` does). Default true. */
  readonly tests?: boolean;
  /**
   * Which loaded packages' tests to load (with `tests`): default all in `all` (`go mod tidy`);
   * `go mod vendor` loads the main module's only.
   */
  readonly testsOf?: (p: LoadedPackage) => boolean;
  /** Module file sets opened at once. Default 8. */
  readonly jobs?: number;
  /**
   * Collect packages no module of the build list provides here instead of failing (`go mod
   * tidy` then looks their modules up, as `go get` would, and loads again).
   */
  readonly missing?: Set<string>;
}

/**
 * Loads `paths` (the packages the program imports) and everything they import: each package
 * from the one module of the build list whose path is the longest… — precisely, cmd/go's rule:
 * among the prefixes of the package path selected in the graph (roots first), exactly one module
 * must have the package directory (with `.go` files); none is `go-import-missing`, several is
 * `go-import-ambiguous`. With `tests`, the test imports of every package in `all` are loaded as
 * well (not their tests). Standard-library imports are not loaded; `C` is skipped.
 */
export async function loadPackages(
  paths: readonly string[],
  o: LoadPackagesOptions,
): Promise<Map<string, LoadedPackage>> {
  const files = new Map<string, Promise<ModuleFiles>>();
  const openOnce = (m: ModuleVersion): Promise<ModuleFiles> => {
    const k = `${m.path}@${m.version}`;
    let p = files.get(k);
    if (!p) {
      p = o.open(m);
      files.set(k, p);
    }
    return p;
  };
  const rootVersion = new Map<string, string>();
  for (const r of o.roots) rootVersion.set(r.path, r.version);
  const out = new Map<string, LoadedPackage>();
  const wantTests = o.tests ?? true;
  // Work queue of (path, inAll, importedBy): a package's imports are queued as soon as it is read, so
  // module zips download while other packages are still loading (no wait for a whole level).
  // Failures are collected and the one of the first path (in sort order) is thrown once the queue
  // drains, so the error does not depend on timing.
  type Item = { path: string; inAll: boolean; by?: string };
  const queue: Item[] = paths.map((p) => ({ path: p, inAll: true }));
  const queued = new Map<string, boolean>();
  for (const b of queue) queued.set(b.path, true);
  const failures = new Map<string, unknown>();
  const add = (path: string, inAll: boolean, by: string): void => {
    if (path === 'C' || isStandardImportPath(path)) {
      if (path !== 'C' && !isStandardPackage(path) && inAll && !failures.has(path)) {
        failures.set(
          path,
          new PackageLoadError('go-import-not-std', `package ${path} is not in GOROOT (imported by ${by})`),
        );
      }
      return;
    }
    const was = queued.get(path);
    if (was === undefined || (inAll && !was)) {
      queued.set(path, inAll);
      queue.push({ path, inAll, by });
    }
  };
  const handle = (p: LoadedPackage): void => {
    const prev = out.get(p.path);
    out.set(p.path, prev?.inAll ? prev : p);
    for (const i of p.imports) add(i, p.inAll, p.path);
    if (wantTests && p.inAll && (o.testsOf?.(p) ?? true))
      for (const i of p.testImports) add(i, false, `${p.path} (test)`);
  };
  const run = async (item: Item): Promise<void> => {
    try {
      handle(await loadOne(item.path, item.inAll, item.by));
    } catch (e) {
      if (o.missing && e instanceof PackageLoadError && e.code === 'go-import-missing')
        o.missing.add(item.path);
      else if (!failures.has(item.path)) failures.set(item.path, e);
    }
  };
  const jobs = Math.max(1, o.jobs ?? 8);
  const running = new Set<Promise<void>>();
  while (queue.length > 0 || running.size > 0) {
    while (queue.length > 0 && running.size < jobs) {
      const p = run(queue.shift()!);
      running.add(p);
      p.finally(() => running.delete(p));
    }
    if (running.size > 0) await Promise.race(running);
  }
  if (failures.size > 0) throw failures.get([...failures.keys()].sort()[0]!);
  return out;

  async function loadOne(path: string, inAll: boolean, by: string | undefined): Promise<LoadedPackage> {
    const found = await findModule(path, by);
    const f = await openOnce(found.module);
    const names = f.dirs.get(found.dir) ?? [];
    const imports = new Set<string>();
    const testImports = new Set<string>();
    let built = 0;
    let mains = 0;
    let others = 0;
    for (const name of names) {
      if (name.startsWith('_') || name.startsWith('.')) continue;
      const text = await f.read(found.dir, name);
      const r = readImports(text);
      if (!shouldBuildAnyTags(r.head)) continue;
      built++;
      const test = name.endsWith('_test.go');
      if (!test) r.name === 'main' ? mains++ : others++;
      const into = test ? testImports : imports;
      for (const i of r.imports) into.add(i);
    }
    if (built === 0) {
      throw new PackageLoadError(
        'go-import-no-go-files',
        `package ${path}: no Go source files in ${found.module.path}@${found.module.version}`,
      );
    }
    return {
      path,
      module: found.module,
      imports: [...imports].sort(),
      testImports: [...testImports].sort(),
      isMain: mains > 0 && others === 0,
      inAll,
    };
  }

  async function findModule(
    path: string,
    by: string | undefined,
  ): Promise<{ module: ModuleVersion; dir: string }> {
    for (const rootsOnly of [true, false]) {
      const mods: { module: ModuleVersion; dir: string }[] = [];
      for (let prefix = path; prefix !== '.' && prefix !== ''; prefix = parent(prefix)) {
        const v = rootsOnly ? rootVersion.get(prefix) : o.graph.selected(prefix);
        if (v === undefined || v === 'none') continue;
        const m = { path: prefix, version: v };
        const dir = prefix === path ? '' : path.slice(prefix.length + 1);
        const f = await openOnce(m);
        if ((f.dirs.get(dir) ?? []).some((n) => n.endsWith('.go'))) mods.push({ module: m, dir });
      }
      if (mods.length > 1) {
        // Found longest first; cmd/go reports them shortest to longest.
        throw new PackageLoadError(
          'go-import-ambiguous',
          `ambiguous import: found package ${path} in multiple modules:${[...mods]
            .reverse()
            .map(
              (x) =>
                `\n\t${x.module.path} ${x.module.version} (${x.module.path}@${x.module.version}${x.dir ? `/${x.dir}` : ''})`,
            )
            .join('')}`,
        );
      }
      if (mods.length === 1) return mods[0]!;
    }
    throw new PackageLoadError(
      'go-import-missing',
      `no required module provides package ${path}${by ? ` (imported by ${by})` : ''}`,
      { hint: `add the module that provides ${path} as an import go of the project` },
    );
  }
}

function parent(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i);
}
