// Loads the module graph of a main module as cmd/go 1.19 does: pruned (go >= 1.17) or unpruned, with excludes and replaces.
import { MochiPkgError } from '../../errors.js';
import { ModuleGraph, minimalRequirements } from './graph.js';
import { cmpVersion, compareModuleVersions, type ModuleVersion, modKey, semverCompare } from './version.js';

/** A requirement of the main module's go.mod. */
export interface MainRequirement extends ModuleVersion {
  /** Marked `// indirect`. */
  readonly indirect?: boolean;
}

/** A `replace` directive: `old.version` absent replaces every version; `new.version` absent is a directory. */
export interface Replacement {
  readonly old: { readonly path: string; readonly version?: string };
  readonly new: { readonly path: string; readonly version?: string };
}

/**
 * What the graph needs of the main module's go.mod (whatever parsed it): its path, `go`
 * version, requirements, excludes and replaces.
 */
export interface MainModule {
  readonly path: string;
  /** The `go` directive's version (`1.19`); absent means 1.16, as cmd/go assumes. */
  readonly goVersion?: string;
  readonly require: readonly MainRequirement[];
  readonly exclude?: readonly ModuleVersion[];
  readonly replace?: readonly Replacement[];
}

/** What the graph needs of a dependency's go.mod: its declared path, `go` version and requirements. */
export interface ModSummary {
  /** The `module` directive's path (absent when the file has none). */
  readonly module?: string;
  readonly goVersion?: string;
  readonly require: readonly ModuleVersion[];
}

/**
 * Reads one go.mod: `actual` is the module version whose go.mod to read after the main module's
 * replacements — a module version of the proxy, or a directory (`version` `''`, `path` the
 * directory as written in the replace directive). `required` is the module version as the graph
 * names it.
 */
export type SummaryLoader = (actual: ModuleVersion, required: ModuleVersion) => Promise<ModSummary>;

/** Graph pruning: `pruned` for a go.mod at go 1.17 or later, `unpruned` before. */
export type Pruning = 'pruned' | 'unpruned';

/** cmd/go's `pruningForGoVersion`: go 1.17 introduced pruned module graphs. */
export function pruningForGoVersion(goVersion: string | undefined): Pruning {
  if (goVersion === undefined || goVersion === '') return 'unpruned';
  return semverCompare(`v${goVersion}`, 'v1.17') < 0 ? 'unpruned' : 'pruned';
}

/**
 * A go.mod could not be read or does not fit the graph; `chain` is the requirement path from the
 * main module to the failing module. Codes: `go-graph-load` (the loader failed),
 * `go-graph-module-path` (a go.mod declares another module path), `go-graph-missing-module`
 * (a go.mod without a module line).
 */
export class ModuleGraphError extends MochiPkgError {
  declare readonly code: 'go-graph-load' | 'go-graph-module-path' | 'go-graph-missing-module';
  readonly chain: readonly ModuleVersion[];
  constructor(
    code: ModuleGraphError['code'],
    message: string,
    chain: readonly ModuleVersion[],
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.chain = chain;
  }
}

/** Options of {@link loadModuleGraph}. */
export interface LoadOptions {
  /** go.mod files read at once. Default 16. */
  readonly jobs?: number;
  /**
   * Raise requirements of the main module that the graph selects at a higher version, as
   * `-mod=mod` does (default true). With false, such a go.mod is reported by
   * {@link LoadedGraph.rootsChanged} (as `-mod=readonly` refuses it) and the graph is the one
   * its requirements give.
   */
  readonly updateRoots?: boolean;
}

/** The result of {@link loadModuleGraph}. */
export interface LoadedGraph {
  readonly main: ModuleVersion;
  readonly pruning: Pruning;
  /** The main module's requirements after excludes and (with `updateRoots`) consistency updates, sorted. */
  readonly roots: readonly ModuleVersion[];
  /** True when the roots differ from the go.mod's requirements: cmd/go would say "updates to go.mod needed". */
  readonly rootsChanged: boolean;
  readonly graph: ModuleGraph;
  /** `go list -m all`: the main module, then every selected module sorted by path. */
  readonly buildList: readonly ModuleVersion[];
  /** Every module version whose go.mod was read (go.sum needs their `/go.mod` hashes). */
  readonly loaded: readonly ModuleVersion[];
  /** The replacement in effect for a module version, if any. */
  replacementOf(m: ModuleVersion): ModuleVersion | undefined;
}

/**
 * The module graph of `main` as Go 1.19 computes it for `go list -m all` and `go mod graph`:
 * - the main module's requirements (minus excluded versions) are the roots;
 * - at go >= 1.17 the graph is pruned: a root's go.mod is read, and its requirements are
 *   followed further only when that go.mod is itself below go 1.17; below go 1.17 the whole
 *   transitive graph is read;
 * - a requirement repeated for one path, or naming the main module itself, makes cmd/go update
 *   the roots before the graph is read (`hasRedundantRoot`): at go >= 1.17 each path is kept once
 *   at its highest required version and the main module's own path is dropped;
 * - `replace` changes whose go.mod is read, never the module version the graph names;
 *   `exclude` drops the excluded versions from every requirement list;
 * - roots that the graph selects at a higher version are raised (and the graph re-read) until
 *   consistent, as cmd/go does with `-mod=mod`.
 *
 * The go.mod reads go through `load` (bounded by `jobs`); everything else is pure.
 *
 * @throws {ModuleGraphError} naming the requirement chain to the first module that failed.
 */
export async function loadModuleGraph(
  main: MainModule,
  load: SummaryLoader,
  options: LoadOptions = {},
): Promise<LoadedGraph> {
  const mainVersion: ModuleVersion = { path: main.path, version: '' };
  const pruning = pruningForGoVersion(main.goVersion ?? '1.16');
  const excluded = new Set((main.exclude ?? []).map(modKey));
  const replaceExact = new Map<string, ModuleVersion>();
  const replaceAll = new Map<string, ModuleVersion>();
  for (const r of main.replace ?? []) {
    const to = { path: r.new.path, version: r.new.version ?? '' };
    if (r.old.version === undefined) replaceAll.set(r.old.path, to);
    else replaceExact.set(modKey({ path: r.old.path, version: r.old.version }), to);
  }
  const replacementOf = (m: ModuleVersion): ModuleVersion | undefined =>
    m.version === '' && m.path === main.path
      ? undefined
      : (replaceExact.get(modKey(m)) ?? replaceAll.get(m.path));
  const jobs = Math.max(1, options.jobs ?? 16);

  // Summaries are shared across re-reads of the graph: each go.mod is read once.
  const summaries = new Map<string, Promise<ModSummary>>();
  const summary = (m: ModuleVersion): Promise<ModSummary> => {
    const k = modKey(m);
    let p = summaries.get(k);
    if (!p) {
      const actual = replacementOf(m) ?? m;
      p = load(actual, m).then((s) => checkSummary(s, m, actual, excluded));
      // A rejection is reported through findPath; keep it from surfacing as unhandled.
      p.catch(() => undefined);
      summaries.set(k, p);
    }
    return p;
  };

  const initial: ModuleVersion[] = [];
  for (const r of main.require) {
    if (excluded.has(modKey(r))) continue;
    initial.push({ path: r.path, version: r.version });
  }
  initial.sort(compareModuleVersions);
  const direct = new Set(main.require.filter((r) => !r.indirect).map((r) => r.path));

  const updateRoots = options.updateRoots ?? true;
  // cmd/go's hasRedundantRoot: a path required twice, or a requirement on the main module itself.
  const redundant = initial.some((m, i) => m.path === main.path || m.path === initial[i - 1]?.path);
  let roots = initial;
  if (updateRoots && redundant && pruning === 'pruned') {
    // updatePrunedRoots before any go.mod is read: each path once, at its highest required
    // version, and none on the main module.
    roots = highestRoots(initial).filter((m) => m.path !== main.path);
  }
  let graph = await readGraph(mainVersion, roots, pruning, summary, replacementOf, jobs);
  if (updateRoots && (redundant || !allRootsSelected(graph, roots))) {
    if (pruning === 'pruned') {
      for (;;) {
        const next: ModuleVersion[] = [];
        const seen = new Set<string>([main.path]);
        let upgraded = false;
        for (const m of roots) {
          if (seen.has(m.path)) continue;
          seen.add(m.path);
          const v = graph.selected(m.path);
          next.push({ path: m.path, version: v });
          if (v !== m.version) upgraded = true;
        }
        if (!upgraded) break;
        roots = next;
        graph = await readGraph(mainVersion, roots, pruning, summary, replacementOf, jobs);
      }
    } else {
      const rootPaths: string[] = [];
      const inRoot = new Set<string>();
      for (const r of roots) {
        if (!inRoot.has(r.path) && graph.selected(r.path) === r.version) {
          rootPaths.push(r.path);
          inRoot.add(r.path);
        }
      }
      const keep = graph.buildList().slice(1);
      for (const m of keep) {
        if (direct.has(m.path) && !inRoot.has(m.path)) {
          rootPaths.push(m.path);
          inRoot.add(m.path);
        }
      }
      const reqGraph = new ModuleGraph([mainVersion]);
      reqGraph.require(mainVersion, keep);
      copyEdges(graph, reqGraph);
      roots = minimalRequirements(mainVersion, rootPaths, reqGraph, (m) => reqGraph.requiredBy(m) ?? []);
      graph = await readGraph(mainVersion, roots, pruning, summary, replacementOf, jobs);
    }
  }
  // A requirement on an excluded version is dropped from go.mod whether or not roots are updated.
  // Without updates, the rest is cmd/go's -mod=readonly verdict: a requirement the graph does not
  // select (a pruned graph overlooks one on the main module itself, an unpruned one does not).
  const dropped = initial.length !== main.require.length;
  const rootsChanged =
    dropped ||
    (updateRoots
      ? roots.length !== initial.length || roots.some((r, i) => modKey(r) !== modKey(initial[i]!))
      : initial.some(
          (m) => (pruning === 'unpruned' || m.path !== main.path) && graph.selected(m.path) !== m.version,
        ));
  return {
    main: mainVersion,
    pruning,
    roots,
    rootsChanged,
    graph,
    buildList: graph.buildList(),
    loaded: graph.loaded().filter((m) => m.version !== ''),
    replacementOf,
  };
}

/** Copies the edges of every loaded non-main module version of `from` reachable in `to`. */
function copyEdges(from: ModuleGraph, to: ModuleGraph): void {
  to.walkBreadthFirst((m) => {
    if (m.version === '' || to.requiredBy(m) !== undefined) return;
    const reqs = from.requiredBy(m);
    if (reqs !== undefined) to.require(m, reqs);
  });
}

/** One requirement per path (of a sorted list), at the highest version required. */
function highestRoots(sorted: readonly ModuleVersion[]): ModuleVersion[] {
  const out: ModuleVersion[] = [];
  for (const m of sorted) {
    const last = out.at(-1);
    if (last?.path !== m.path) out.push(m);
    else if (cmpVersion(last.version, m.version) < 0) out[out.length - 1] = m;
  }
  return out;
}

function allRootsSelected(graph: ModuleGraph, roots: readonly ModuleVersion[]): boolean {
  return roots.every((m) => graph.selected(m.path) === m.version);
}

function checkSummary(
  s: ModSummary,
  m: ModuleVersion,
  actual: ModuleVersion,
  excluded: ReadonlySet<string>,
): ModSummary {
  if (actual.version !== '') {
    if (s.module === undefined || s.module === '') {
      throw new ModuleGraphError(
        'go-graph-missing-module',
        `${modKey(actual)}: parsing go.mod: missing module line`,
        [],
      );
    }
    if (s.module !== m.path && s.module !== actual.path) {
      throw new ModuleGraphError(
        'go-graph-module-path',
        `${modKey(actual)}: parsing go.mod:\n\tmodule declares its path as: ${s.module}\n\t        but was required as: ${m.path}`,
        [],
      );
    }
  }
  if (excluded.size === 0 || !s.require.some((r) => excluded.has(modKey(r)))) return s;
  return { ...s, require: s.require.filter((r) => !excluded.has(modKey(r))) };
}

/** cmd/go's `readModGraph` for one set of roots. */
async function readGraph(
  main: ModuleVersion,
  roots: readonly ModuleVersion[],
  pruning: Pruning,
  summary: (m: ModuleVersion) => Promise<ModSummary>,
  replacementOf: (m: ModuleVersion) => ModuleVersion | undefined,
  jobs: number,
): Promise<ModuleGraph> {
  const graph = new ModuleGraph([main]);
  graph.require(main, roots);
  const errors = new Map<string, unknown>();
  const loadedOnce = new Set<string>();
  const unprunedQueued = new Set<string>();
  const queue: { m: ModuleVersion; pruning: Pruning }[] = [];
  const enqueue = (m: ModuleVersion, p: Pruning): void => {
    if (m.version === 'none') return;
    if (p === 'unpruned') {
      const k = modKey(m);
      if (unprunedQueued.has(k)) return;
      unprunedQueued.add(k);
    }
    queue.push({ m, pruning: p });
  };
  const run = async (m: ModuleVersion, p: Pruning): Promise<void> => {
    const k = modKey(m);
    let s: ModSummary;
    try {
      s = await summary(m);
    } catch (e) {
      errors.set(k, e);
      return;
    }
    if (!loadedOnce.has(k)) {
      loadedOnce.add(k);
      graph.require(m, s.require);
    }
    const own = pruningForGoVersion(s.goVersion);
    if (p !== 'pruned' || own === 'unpruned') {
      const next = p === 'unpruned' ? 'unpruned' : own;
      for (const r of s.require) enqueue(r, next);
    }
  };
  for (const m of roots) enqueue(m, pruning);
  // A bounded pool over a growing queue: up to `jobs` go.mod reads in flight.
  const running = new Set<Promise<void>>();
  let next = 0;
  while (next < queue.length || running.size > 0) {
    while (next < queue.length && running.size < jobs) {
      const item = queue[next++]!;
      const p: Promise<void> = run(item.m, item.pruning).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size > 0) await Promise.race(running);
  }
  if (errors.size > 0) throw graphError(graph, errors, replacementOf);
  return graph;
}

function graphError(
  graph: ModuleGraph,
  errors: ReadonlyMap<string, unknown>,
  replacementOf: (m: ModuleVersion) => ModuleVersion | undefined,
): ModuleGraphError {
  const chain = graph.findPath((m) => errors.has(modKey(m))) ?? [];
  const last = chain[chain.length - 1];
  const err = last ? errors.get(modKey(last)) : [...errors.values()][0];
  const shown = chain.filter((m) => m.version !== '');
  let msg = '';
  for (const m of shown.slice(0, -1)) msg += `${modKey(m)} requires\n\t`;
  const text = err instanceof Error ? err.message : String(err);
  const failing = shown[shown.length - 1];
  msg += failing === undefined ? text : failureText(failing, replacementOf(failing) ?? failing, text);
  const code = err instanceof ModuleGraphError ? err.code : 'go-graph-load';
  return new ModuleGraphError(code, msg, chain, err);
}

/**
 * mvs.BuildListError's last line: the error of the go.mod read for `m` (from `actual`, its
 * replacement or itself), led by `m` — and by `(replaced by <actual>)` when they differ. An
 * error that already names `actual` (proxy errors and the checks above do) is not prefixed twice.
 */
function failureText(m: ModuleVersion, actual: ModuleVersion, text: string): string {
  const own = `${modKey(actual)}: `;
  const rest = text.startsWith(own) ? text.slice(own.length) : text;
  if (modKey(actual) === modKey(m)) return `${modKey(m)}: ${rest}`;
  return `${modKey(m)} (replaced by ${modKey(actual)}): ${rest}`;
}

/** `go mod graph`'s text: each loaded module's requirements, breadth first from the main module. */
export function renderModGraph(graph: ModuleGraph): string {
  let out = '';
  graph.walkBreadthFirst((m) => {
    for (const r of graph.requiredBy(m) ?? []) out += `${modKey(m)} ${modKey(r)}\n`;
  });
  return out;
}

/** `go list -m all`'s text without replacements: `path` for the main module, `path version` for the rest. */
export function renderBuildList(list: readonly ModuleVersion[]): string {
  return list.map((m) => (m.version === '' ? `${m.path}\n` : `${m.path} ${m.version}\n`)).join('');
}
