// The Go side of a Mochi program as `go mod tidy` would leave it: tidy roots, build list, packages, and the sums go.sum needs.

import { mapInOrder } from '../../util/pool.js';
import { type FilesOpener, type LoadedPackage, loadPackages, PackageLoadError } from '../load/packages.js';
import {
  cmpVersion,
  type LoadedGraph,
  loadModuleGraph,
  type MainModule,
  type MainRequirement,
  type ModuleVersion,
  modKey,
  type Replacement,
  type SummaryLoader,
  sortModuleVersions,
} from '../mvs/index.js';

/** The main module a Mochi program implies. */
export interface BridgeInput {
  /** The bridge's module path (any valid path; it is never published). */
  readonly mainPath: string;
  /** The bridge go.mod's `go` version (1.17 or later: a pruned graph). */
  readonly goVersion: string;
  /** Modules the program imports from the module proxy, at their pinned versions. */
  readonly require: readonly ModuleVersion[];
  /**
   * The `// indirect` requirements the bridge go.mod already lists (the lock's `require` entries,
   * or a version `lock --upgrade-package` asks for): go mod tidy starts from them, keeps those that
   * still provide a package, and drops the others.
   */
  readonly indirect?: readonly ModuleVersion[];
  /** Modules the program imports from directories (`path+`), replaced by those directories. */
  readonly dirs: readonly { readonly path: string; readonly version: string; readonly dir: string }[];
  /** The (non-standard) package paths the program imports. */
  readonly packages: readonly string[];
}

/** The I/O the resolution needs, injected. */
export interface BridgeIO {
  /** go.mod summaries (a proxy module version, or a directory with version `''`). */
  readonly summary: SummaryLoader;
  /** Module files for package loading (opening a proxy module fetches its zip). */
  readonly files: FilesOpener;
  /**
   * The module providing a package no required module provides, as `go get <package>@latest`
   * finds it (`go mod tidy` adds it). Without it such a package is an error.
   */
  readonly queryPackage?: (path: string) => Promise<ModuleVersion>;
  /**
   * Called once for every module of the final build list (after resolution): a cache fetches what
   * `go list -m all` reads for modules whose go.mod the graph never needed (their `.info`).
   */
  readonly touch?: (m: ModuleVersion) => Promise<void>;
  /** Waits for writes the I/O left under way; called before the resolution returns. */
  readonly flush?: () => Promise<void>;
  /** go.mod reads and module opens at once. */
  readonly jobs?: number;
}

/** What `go mod tidy` would leave for the program's main module. */
export interface BridgeResolution {
  readonly main: MainModule;
  /** The tidy requirements: direct ones (a program import's module) and indirect ones. */
  readonly require: readonly MainRequirement[];
  readonly graph: LoadedGraph;
  readonly packages: ReadonlyMap<string, LoadedPackage>;
  /** Module versions whose zip hash go.sum keeps (modules that may provide a loaded package). */
  readonly zipSums: readonly ModuleVersion[];
  /** Module versions whose go.mod hash go.sum keeps (every go.mod the graph read). */
  readonly modSums: readonly ModuleVersion[];
}

function mainModule(input: BridgeInput, require: readonly MainRequirement[]): MainModule {
  const replace: Replacement[] = input.dirs.map((d) => ({ old: { path: d.path }, new: { path: d.dir } }));
  return { path: input.mainPath, goVersion: input.goVersion, require, replace };
}

/**
 * Resolves the program's Go side as cmd/go 1.19's `go mod tidy` does for a main package that
 * imports every `input.packages` path, with a pruned graph (go >= 1.17):
 * 1. load the graph from the program's modules, load the packages, and make every module that
 *    provides a package in `all` a requirement — repeated until the requirements stop changing;
 * 2. cmd/go's `tidyPrunedRoots`: the requirements become exactly those modules (plus any test
 *    dependency MVS would otherwise select lower);
 * 3. go.sum keeps the go.mod hash of every go.mod the graph read and the zip hash of every
 *    module that could provide a loaded package (cmd/go's `keepSums`).
 */
export async function resolveBridge(input: BridgeInput, io: BridgeIO): Promise<BridgeResolution> {
  try {
    const r = await resolve(input, io);
    await io.flush?.();
    return r;
  } catch (e) {
    // Writes still under way finish (or clean up their temp files) before the error is reported.
    await io.flush?.().catch(() => undefined);
    throw e;
  }
}

async function resolve(input: BridgeInput, io: BridgeIO): Promise<BridgeResolution> {
  const jobs = io.jobs ?? 16;
  const direct = new Set([...input.require.map((m) => m.path), ...input.dirs.map((d) => d.path)]);
  let require: ModuleVersion[] = [
    ...input.require,
    ...input.dirs.map((d) => ({ path: d.path, version: d.version })),
    ...(input.indirect ?? []).filter((m) => !direct.has(m.path)),
  ];
  let graph: LoadedGraph;
  let packages: Map<string, LoadedPackage>;
  let missing = new Set<string>();
  // Step 1: requirements grow by the modules of packages in `all` until stable.
  for (let round = 0; ; round++) {
    graph = await loadModuleGraph(
      mainModule(
        input,
        require.map((m) => ({ ...m, ...(direct.has(m.path) ? {} : { indirect: true }) })),
      ),
      io.summary,
      { jobs },
    );
    // The `.info` files of the build list are fetched behind package loading (most modules stay).
    if (io.touch && round === 0) {
      const touch = io.touch;
      for (const m of graph.buildList) {
        if (m.version !== '' && graph.replacementOf(m) === undefined) touch(m).catch(() => undefined);
      }
    }
    missing = new Set<string>();
    packages = await loadPackages(input.packages, {
      roots: graph.roots,
      graph: graph.graph,
      open: io.files,
      jobs,
      ...(io.queryPackage ? { missing } : {}),
    });
    const have = new Map(graph.roots.map((r) => [r.path, r.version]));
    let grew = false;
    for (const path of [...missing].sort()) {
      const m = await io.queryPackage!(path);
      const v = have.get(m.path);
      if (v === undefined || cmpVersion(v, m.version) < 0) {
        have.set(m.path, m.version);
        grew = true;
      }
    }
    for (const p of packages.values()) {
      if (!p.inAll) continue;
      const v = have.get(p.module.path);
      if (v === undefined || cmpVersion(v, p.module.version) < 0) {
        have.set(p.module.path, p.module.version);
        grew = true;
      }
    }
    require = [...have].map(([path, version]) => ({ path, version }));
    if (!grew || round > 100) break;
  }
  if (missing.size > 0) {
    const path = [...missing].sort()[0]!;
    throw new PackageLoadError('go-import-missing', `no required module provides package ${path}`);
  }
  // go build refuses to import a program; go mod tidy does not look, so the lock would pin it.
  for (const p of [...packages.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!p.inAll || !p.isMain) continue;
    throw new PackageLoadError(
      'go-import-main',
      `import ${JSON.stringify(p.path)} is a program, not an importable package (${modKey(p.module)})`,
      { hint: `import a library package of ${p.module.path}; a \`package main\` can only be run` },
    );
  }
  // Step 2: tidyPrunedRoots.
  const pathIncluded = new Set<string>([input.mainPath]);
  let roots: ModuleVersion[] = [];
  for (const p of packages.values()) {
    if (p.inAll && !pathIncluded.has(p.module.path)) {
      roots.push(p.module);
      pathIncluded.add(p.module.path);
    }
  }
  const tidyReq = (rs: readonly ModuleVersion[]): MainRequirement[] =>
    sortModuleVersions(rs).map((m) => ({ ...m, ...(direct.has(m.path) ? {} : { indirect: true }) }));
  let tidy = await loadModuleGraph(mainModule(input, tidyReq(roots)), io.summary, {
    jobs,
    updateRoots: false,
  });
  const extra: ModuleVersion[] = [];
  for (const p of packages.values()) {
    if (pathIncluded.has(p.module.path)) continue;
    if (cmpVersion(tidy.graph.selected(p.module.path), p.module.version) < 0) extra.push(p.module);
    pathIncluded.add(p.module.path);
  }
  if (extra.length > 0) {
    roots = [...roots, ...extra];
    tidy = await loadModuleGraph(mainModule(input, tidyReq(roots)), io.summary, { jobs, updateRoots: false });
  }
  const finalRequire = tidyReq(tidy.roots);
  // Step 3: keepSums.
  const zip = new Map<string, ModuleVersion>();
  const keepZip = (m: ModuleVersion): void => {
    const r = tidy.replacementOf(m) ?? m;
    if (r.version !== '') zip.set(modKey(r), r);
  };
  const rootVersion = new Map(tidy.roots.map((r) => [r.path, r.version]));
  for (const p of packages.values()) {
    const fromRoot = rootVersion.get(p.module.path) === p.module.version;
    for (let prefix = p.path; prefix !== '.' && prefix !== ''; prefix = parentPath(prefix)) {
      const v = fromRoot ? rootVersion.get(prefix) : tidy.graph.selected(prefix);
      if (v !== undefined && v !== 'none') keepZip({ path: prefix, version: v });
    }
  }
  const mod = new Map<string, ModuleVersion>();
  tidy.graph.walkBreadthFirst((m) => {
    if (m.version === '' || tidy.graph.requiredBy(m) === undefined) return;
    const r = tidy.replacementOf(m) ?? m;
    if (r.version !== '') mod.set(modKey(r), r);
  });
  if (io.touch) {
    const touch = io.touch;
    await mapInOrder(
      tidy.buildList.filter((m) => m.version !== '' && tidy.replacementOf(m) === undefined),
      jobs,
      (m) => touch(m),
    );
  }
  return {
    main: mainModule(input, finalRequire),
    require: finalRequire,
    graph: tidy,
    packages,
    zipSums: sortModuleVersions([...zip.values()]),
    modSums: sortModuleVersions([...mod.values()]),
  };
}

function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i);
}
