// The resolved graph of a lock as a tree: imports at the roots, Python distributions and Go modules
// below them, and the same graph inverted ("why is this here"). Pure: the lock and the Go
// requirements come in.
import type { GoLockEntry } from '../go/lockfile/index.js';
import { canonicalizeName, tryParseRequirement } from '../python/pep508/index.js';
import type { Lock } from './lockdoc.js';

/** One node of the tree. */
export interface TreeNode {
  readonly kind: 'python-import' | 'go-import' | 'python-distribution' | 'go-module';
  /** Distribution name or module path. */
  readonly name: string;
  readonly version?: string;
  /** Import aliases (roots only). */
  readonly aliases?: readonly string[];
  /** `path` and `git` imports: where they come from. */
  readonly source?: string;
  /** True when this node already appears above it on the same branch (a cycle): not expanded. */
  readonly cycle?: boolean;
  readonly children: readonly TreeNode[];
}

/**
 * The modules a Go module version requires (its go.mod), or undefined when unknown. `version` is
 * undefined for a `path` module: the go.mod of its directory.
 */
export type GoRequires = (module: string, version: string | undefined) => readonly string[] | undefined;

type Key = string;

/** The forward graph: a key per node, its label, and its children's keys. */
interface Graph {
  readonly nodes: Map<Key, Omit<TreeNode, 'children' | 'cycle'>>;
  readonly edges: Map<Key, Key[]>;
  readonly roots: Key[];
}

function graphOf(lock: Lock, goRequires: GoRequires): Graph {
  const nodes: Graph['nodes'] = new Map();
  const edges: Graph['edges'] = new Map();
  const roots: Key[] = [];
  const dists = new Map((lock.distributions ?? []).map((d) => [canonicalizeName(d.name), d]));
  const distKey = (name: string) => `py:${canonicalizeName(name)}`;
  for (const d of dists.values()) {
    nodes.set(distKey(d.name), { kind: 'python-distribution', name: d.name, version: d.version });
    const deps = d.dependencies
      .map((r) => tryParseRequirement(r)?.name)
      .filter((n): n is string => n !== undefined && dists.has(canonicalizeName(n)))
      .map(distKey);
    edges.set(distKey(d.name), [...new Set(deps)].sort());
  }
  for (const e of lock.python.entries) {
    const key = `py-import:${e.alias}`;
    const source =
      e.source === 'path'
        ? `path ${e.localPath ?? ''}`
        : e.source === 'git'
          ? `git ${e.gitUrl ?? ''}`
          : undefined;
    nodes.set(key, {
      kind: 'python-import',
      name: e.name,
      ...(e.version === undefined ? {} : { version: e.version }),
      aliases: [e.alias],
      ...(source ? { source } : {}),
    });
    const dist = dists.get(canonicalizeName(e.name));
    edges.set(key, dist ? (edges.get(distKey(dist.name)) ?? []) : []);
    roots.push(key);
  }
  const goByPath = new Map<string, GoLockEntry>(lock.go.entries.map((e) => [e.module, e]));
  const goKey = (m: string) => `go:${m}`;
  for (const e of lock.go.entries) {
    nodes.set(goKey(e.module), {
      kind: 'go-module',
      name: e.module,
      ...(e.version === undefined ? {} : { version: e.version }),
    });
    const req = goRequires(e.module, e.version) ?? [];
    edges.set(
      goKey(e.module),
      [...new Set(req.filter((m) => goByPath.has(m) && m !== e.module).map(goKey))].sort(),
    );
    if (e.aliases.length > 0) {
      const key = `go-import:${e.module}`;
      nodes.set(key, {
        kind: 'go-import',
        name: e.module,
        ...(e.version === undefined ? {} : { version: e.version }),
        aliases: [...e.aliases],
        ...(e.localPath === undefined ? {} : { source: `path ${e.localPath}` }),
      });
      edges.set(key, edges.get(goKey(e.module))!);
      roots.push(key);
    }
  }
  return { nodes, edges, roots };
}

function expand(
  g: Graph,
  key: Key,
  depth: number,
  onPath: Set<Key>,
  next: (k: Key) => readonly Key[],
): TreeNode {
  const node = g.nodes.get(key)!;
  if (onPath.has(key)) return { ...node, cycle: true, children: [] };
  if (depth <= 0) return { ...node, children: [] };
  onPath.add(key);
  const children = next(key).map((c) => expand(g, c, depth - 1, onPath, next));
  onPath.delete(key);
  return { ...node, children };
}

/**
 * The lock as a forest: one root per import (Python entries first, in lock order), each with the
 * distributions or modules it needs below it. `depth` limits how many levels below a root are shown.
 */
export function lockTree(lock: Lock, goRequires: GoRequires, depth = Number.POSITIVE_INFINITY): TreeNode[] {
  const g = graphOf(lock, goRequires);
  return g.roots.map((r) => expand(g, r, depth, new Set(), (k) => g.edges.get(k) ?? []));
}

/**
 * "Why is this here": each distribution, module or import named `name` (Python names compared
 * normalised) at a root, with what needs it below, up to the imports.
 */
export function invertedTree(
  lock: Lock,
  goRequires: GoRequires,
  name: string,
  depth = Number.POSITIVE_INFINITY,
): TreeNode[] {
  const g = graphOf(lock, goRequires);
  const parents = new Map<Key, Key[]>();
  for (const [from, tos] of g.edges) {
    // An import root shares its module's edges: count the import, not the module, as the parent.
    if (from.startsWith('go:') && g.nodes.has(`go-import:${from.slice(3)}`)) continue;
    for (const to of tos) parents.set(to, [...(parents.get(to) ?? []), from]);
  }
  for (const r of g.roots) {
    if (r.startsWith('go-import:')) {
      const mod = `go:${r.slice('go-import:'.length)}`;
      for (const to of g.edges.get(mod) ?? []) parents.set(to, [...(parents.get(to) ?? []), r]);
    }
  }
  const wanted = canonicalizeName(name);
  const matches = [...g.nodes.entries()]
    .filter(([k, n]) => n.name === name || (k.startsWith('py') && canonicalizeName(n.name) === wanted))
    // A module that is also imported is shown once, as its import.
    .filter(([k]) => !(k.startsWith('go:') && g.nodes.has(`go-import:${k.slice(3)}`)))
    .map(([k]) => k);
  return matches.map((m) => expand(g, m, depth, new Set(), (k) => [...new Set(parents.get(k) ?? [])].sort()));
}

function label(n: TreeNode): string {
  const lang = n.kind.startsWith('python') ? 'python' : 'go';
  const what = `${n.name}${n.version ? ` ${n.version}` : ''}${n.source ? ` (${n.source})` : ''}`;
  const head = n.aliases ? `${lang} ${n.aliases.join(', ')}: ${what}` : what;
  return n.cycle ? `${head} (cycle)` : head;
}

/** The forest as text, one node a line, children drawn with box characters. */
export function renderTree(roots: readonly TreeNode[]): string {
  const lines: string[] = [];
  const walk = (n: TreeNode, prefix: string) => {
    n.children.forEach((c, i) => {
      const last = i === n.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${label(c)}`);
      walk(c, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const r of roots) {
    lines.push(label(r));
    walk(r, '');
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
