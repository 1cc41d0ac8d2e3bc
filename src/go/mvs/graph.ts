// The module requirement graph and its minimal version selection (cmd/go's mvs.Graph).
import { cmpVersion, compareModuleVersions, type ModuleVersion, modKey } from './version.js';

/**
 * A module requirement graph from a set of roots: the edges known so far and, per module path,
 * the highest version any edge (or root) names — the version minimal version selection picks.
 * Edges are added once per module version, as their go.mod files are read.
 */
export class ModuleGraph {
  readonly roots: readonly ModuleVersion[];
  readonly #required = new Map<string, readonly ModuleVersion[]>();
  /** Every module version reached: true for roots, false for the rest. */
  readonly #reached = new Map<string, boolean>();
  readonly #selected = new Map<string, string>();

  constructor(roots: readonly ModuleVersion[]) {
    this.roots = [...roots];
    for (const m of roots) {
      this.#reached.set(modKey(m), true);
      this.#raise(m);
    }
  }

  #raise(m: ModuleVersion): void {
    if (cmpVersion(this.selected(m.path), m.version) < 0) this.#selected.set(m.path, m.version);
  }

  /**
   * Records that `m` requires `reqs` (in go.mod order).
   *
   * @throws {Error} when `m` is not reachable or its requirements were already set (a bug).
   */
  require(m: ModuleVersion, reqs: readonly ModuleVersion[]): void {
    const k = modKey(m);
    if (!this.#reached.has(k)) throw new Error(`internal error: ${k} is not reachable from any root`);
    if (this.#required.has(k)) throw new Error(`internal error: requirements of ${k} already set`);
    this.#required.set(k, [...reqs]);
    for (const dep of reqs) {
      const dk = modKey(dep);
      if (!this.#reached.has(dk)) this.#reached.set(dk, false);
      this.#raise(dep);
    }
  }

  /** The requirements recorded for `m`, or undefined when its go.mod was not read. */
  requiredBy(m: ModuleVersion): readonly ModuleVersion[] | undefined {
    return this.#required.get(modKey(m));
  }

  /** The selected version of `path`, or `none` when nothing requires it. */
  selected(path: string): string {
    return this.#selected.get(path) ?? 'none';
  }

  /**
   * The build list: the roots' paths at their selected versions (in root order, without
   * repeats), then every other selected module sorted by path (`go list -m all`'s order).
   */
  buildList(): ModuleVersion[] {
    const seen = new Set<string>();
    const head: ModuleVersion[] = [];
    for (const r of this.roots) {
      if (seen.has(r.path)) continue;
      seen.add(r.path);
      const v = this.selected(r.path);
      if (v !== 'none') head.push({ path: r.path, version: v });
    }
    const rest: ModuleVersion[] = [];
    for (const [path, version] of this.#selected) if (!seen.has(path)) rest.push({ path, version });
    return [...head, ...rest.sort(compareModuleVersions)];
  }

  /**
   * Visits every module version reachable from the roots, breadth first, each once, skipping
   * `none` (the order `go mod graph` prints in).
   */
  walkBreadthFirst(f: (m: ModuleVersion) => void): void {
    const queue: ModuleVersion[] = [];
    const queued = new Set<string>();
    for (const m of this.roots) {
      if (m.version !== 'none' && !queued.has(modKey(m))) {
        queue.push(m);
        queued.add(modKey(m));
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const m = queue[i]!;
      f(m);
      for (const r of this.requiredBy(m) ?? []) {
        const k = modKey(r);
        if (!queued.has(k) && r.version !== 'none') {
          queue.push(r);
          queued.add(k);
        }
      }
    }
  }

  /**
   * The first path (breadth first, from a root) to a module version for which `f` is true:
   * `[root, …, m]`, or undefined when there is none.
   */
  findPath(f: (m: ModuleVersion) => boolean): ModuleVersion[] | undefined {
    const parent = new Map<string, ModuleVersion | null>();
    const queue: ModuleVersion[] = [];
    for (const m of this.roots) {
      if (!parent.has(modKey(m))) {
        parent.set(modKey(m), null);
        queue.push(m);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      let m = queue[i]!;
      if (f(m)) {
        const path = [m];
        for (let p = parent.get(modKey(m)); p; p = parent.get(modKey(m))) {
          path.push(p);
          m = p;
        }
        return path.reverse();
      }
      for (const r of this.requiredBy(m) ?? []) {
        if (!parent.has(modKey(r))) {
          parent.set(modKey(r), m);
          queue.push(r);
        }
      }
    }
    return undefined;
  }

  /** Every module version whose go.mod was read (its requirements recorded). */
  loaded(): ModuleVersion[] {
    const out: ModuleVersion[] = [];
    for (const k of this.#required.keys()) out.push(fromKey(k));
    return out;
  }

  /** Every module version reached from the roots (loaded or only named by an edge). */
  reached(): ModuleVersion[] {
    const out: ModuleVersion[] = [];
    for (const k of this.#reached.keys()) out.push(fromKey(k));
    return out;
  }
}

function fromKey(k: string): ModuleVersion {
  const at = k.lastIndexOf('@');
  return at < 0 ? { path: k, version: '' } : { path: k.slice(0, at), version: k.slice(at + 1) };
}

/**
 * cmd/go's `mvs.Req`: the minimal requirement list for `main` whose build list equals the
 * current one — every path in `base` first, then the modules not implied by those, found in
 * reverse postorder — sorted by path. `required` answers each module's requirements (the main
 * module's are the graph's roots).
 */
export function minimalRequirements(
  main: ModuleVersion,
  base: readonly string[],
  graph: ModuleGraph,
  required: (m: ModuleVersion) => readonly ModuleVersion[],
): ModuleVersion[] {
  const list = graph.buildList();
  const max = new Map<string, string>();
  for (const m of list) max.set(m.path, m.version);
  const postorder: ModuleVersion[] = [];
  const reqCache = new Map<string, readonly ModuleVersion[]>([[modKey(main), []]]);
  // Iterative postorder walk (deep graphs must not overflow the stack).
  const visit = (start: ModuleVersion): void => {
    if (reqCache.has(modKey(start))) return;
    const stack: { m: ModuleVersion; reqs: readonly ModuleVersion[]; i: number }[] = [];
    const push = (m: ModuleVersion): void => {
      const reqs = required(m);
      reqCache.set(modKey(m), reqs);
      stack.push({ m, reqs, i: 0 });
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.reqs.length) {
        const next = top.reqs[top.i++]!;
        if (!reqCache.has(modKey(next))) push(next);
      } else {
        stack.pop();
        postorder.push(top.m);
      }
    }
  };
  for (const m of list) visit(m);
  const have = new Set<string>();
  const mark = (start: ModuleVersion): void => {
    const stack = [start];
    while (stack.length > 0) {
      const m = stack.pop()!;
      const k = modKey(m);
      if (have.has(k)) continue;
      have.add(k);
      for (const r of reqCache.get(k) ?? []) stack.push(r);
    }
  };
  const min: ModuleVersion[] = [];
  const haveBase = new Set<string>();
  for (const path of base) {
    if (haveBase.has(path)) continue;
    const m = { path, version: max.get(path) ?? 'none' };
    min.push(m);
    mark(m);
    haveBase.add(path);
  }
  for (let i = postorder.length - 1; i >= 0; i--) {
    const m = postorder[i]!;
    if (max.get(m.path) !== m.version) continue;
    if (!have.has(modKey(m))) {
      min.push(m);
      mark(m);
    }
  }
  return min.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
