// Generated module graphs (diamonds, cycles, major versions, +incompatible, excludes, replaces) for MVS tests and benches.
import type { MainModule, ModuleVersion, Replacement } from '../../../src/go/mvs/index.js';

/** One generated module version: its go.mod as data, plus the package it provides. */
export interface GenModule {
  readonly path: string;
  readonly version: string;
  /** The `go` directive, absent for none. */
  readonly go?: string;
  readonly require: readonly ModuleVersion[];
}

/** A generated main module and every module version its graph may reach. */
export interface GenGraph {
  readonly main: MainModule;
  readonly modules: readonly GenModule[];
  /** Directory replacements: directory (as written in replace) → its go.mod as data. */
  readonly dirs: ReadonlyMap<string, GenModule>;
}

/** Options of {@link generateGraph}. */
export interface GenOptions {
  readonly seed: number;
  /** Module paths (a few get `/v2` twins and `+incompatible` versions). */
  readonly modules: number;
  /** Versions per module. */
  readonly versions?: number;
  /** Requirements per go.mod, at most. */
  readonly maxRequire?: number;
  /** The main module's `go` directive. */
  readonly mainGo?: string;
  /** Requirements of the main module. */
  readonly mainRequire?: number;
  /** Add excludes and replaces to the main module. */
  readonly edits?: boolean;
}

/** mulberry32: a small seeded PRNG so every generated graph is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GO_VERSIONS = [undefined, '1.12', '1.16', '1.17', '1.18', '1.19'];

/**
 * A random module graph: `modules` paths `example.com/g<seed>/m<i>` with `versions` versions each
 * (`v1.0.0`, `v1.1.0`, …); every 5th path also has a `/v2` module, every 7th a `v2.0.0+incompatible`
 * version. Each go.mod requires up to `maxRequire` random other module versions (so cycles and
 * diamonds occur) and has a random `go` directive (none, below 1.17, or 1.17+).
 */
export function generateGraph(o: GenOptions): GenGraph {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const nver = o.versions ?? 3;
  const base = `example.com/g${o.seed}`;
  const paths: { path: string; versions: string[] }[] = [];
  for (let i = 0; i < o.modules; i++) {
    const versions = Array.from({ length: nver }, (_, j) => `v1.${j}.0`);
    if (i % 7 === 3) versions.push('v2.0.0+incompatible');
    paths.push({ path: `${base}/m${i}`, versions });
    if (i % 5 === 2) paths.push({ path: `${base}/m${i}/v2`, versions: ['v2.0.0', 'v2.1.0'] });
  }
  const all = paths.flatMap((p) => p.versions.map((version) => ({ path: p.path, version })));
  const maxReq = o.maxRequire ?? 3;
  const modules: GenModule[] = all.map((m) => {
    const n = Math.floor(rnd() * (maxReq + 1));
    const require: ModuleVersion[] = [];
    const seen = new Set([m.path]);
    for (let k = 0; k < n; k++) {
      const r = pick(all);
      if (seen.has(r.path)) continue;
      seen.add(r.path);
      require.push(r);
    }
    // +incompatible versions have no go.mod of their own: the proxy serves a bare module line.
    const go = m.version.endsWith('+incompatible') ? undefined : pick(GO_VERSIONS);
    return {
      path: m.path,
      version: m.version,
      ...(go ? { go } : {}),
      require: m.version.endsWith('+incompatible') ? [] : require,
    };
  });
  const mainPath = `${base}/main`;
  const mainRequire: ModuleVersion[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < (o.mainRequire ?? 4); k++) {
    const r = pick(all);
    if (seen.has(r.path)) continue;
    seen.add(r.path);
    mainRequire.push(r);
  }
  const exclude: ModuleVersion[] = [];
  const replace: Replacement[] = [];
  const dirs = new Map<string, GenModule>();
  if (o.edits) {
    // Exclude a version some go.mod requires (not a main requirement: go drops those with a message).
    const required = modules.flatMap((m) => m.require).filter((r) => !seen.has(r.path));
    for (let k = 0; k < 2 && required.length > 0; k++) exclude.push(pick(required));
    // Replace one module version by another version of a different path, one path by a directory.
    const a = pick(all);
    const b = pick(all.filter((x) => x.path !== a.path));
    replace.push({ old: a, new: b });
    const c = pick(all.filter((x) => x.path !== a.path));
    const dir = `./local/m${paths.findIndex((p) => p.path === c.path)}`;
    replace.push({ old: { path: c.path }, new: { path: dir } });
    dirs.set(dir, {
      path: c.path,
      version: '',
      go: '1.17',
      require: [pick(all)].filter((r) => r.path !== c.path),
    });
  }
  return {
    main: { path: mainPath, goVersion: o.mainGo ?? '1.19', require: mainRequire, exclude, replace },
    modules,
    dirs,
  };
}

/** The go.mod text of a generated module (or of the main module, with its excludes and replaces). */
export function goModText(
  path: string,
  go: string | undefined,
  require: readonly (ModuleVersion & { indirect?: boolean })[],
  exclude: readonly ModuleVersion[] = [],
  replace: readonly Replacement[] = [],
): string {
  let out = `module ${path}\n`;
  if (go) out += `\ngo ${go}\n`;
  if (require.length > 0) {
    out += '\nrequire (\n';
    for (const r of require) out += `\t${r.path} ${r.version}${r.indirect ? ' // indirect' : ''}\n`;
    out += ')\n';
  }
  for (const e of exclude) out += `\nexclude ${e.path} ${e.version}\n`;
  for (const r of replace) {
    const old = r.old.version ? `${r.old.path} ${r.old.version}` : r.old.path;
    const neu = r.new.version ? `${r.new.path} ${r.new.version}` : r.new.path;
    out += `\nreplace ${old} => ${neu}\n`;
  }
  return out;
}

/**
 * Writes `g` as a file:// proxy whose zips hold one package per module version (at its root):
 * it imports the packages of some of its requirements — only of modules generated after it, so
 * package imports never cycle while module requirements may — and a test file imports one more.
 */
export async function writePackageProxy(root: string, g: GenGraph, seed: number): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { escapePath, escapeVersion } = await import('../../../src/go/module/index.js');
  const { buildZip } = await import('../../support/zipbuild.js');
  const rnd = prng(seed);
  const order = new Map<string, number>();
  for (const m of g.modules) if (!order.has(m.path)) order.set(m.path, order.size);
  const lists = new Map<string, string[]>();
  for (const m of g.modules) {
    const dir = join(root, escapePath(m.path), '@v');
    await mkdir(dir, { recursive: true });
    const ev = escapeVersion(m.version);
    const later = m.require.filter((r) => (order.get(r.path) ?? 0) > (order.get(m.path) ?? 0));
    const imports = later.filter(() => rnd() < 0.7).map((r) => r.path);
    const testImport = later.find((r) => !imports.includes(r.path));
    const pkg = `package p\n\nimport (\n${imports.map((p) => `\t_ ${JSON.stringify(p)}\n`).join('')})\n`;
    const files = [{ name: `${m.path}@${m.version}/p.go`, data: pkg }];
    if (testImport) {
      files.push({
        name: `${m.path}@${m.version}/p_test.go`,
        data: `package p\n\nimport _ ${JSON.stringify(testImport.path)}\n`,
      });
    }
    const gomod = goModText(m.path, m.go, m.require);
    if (!m.version.endsWith('+incompatible'))
      files.push({ name: `${m.path}@${m.version}/go.mod`, data: gomod });
    await writeFile(
      join(dir, `${ev}.mod`),
      m.version.endsWith('+incompatible') ? `module ${m.path}\n` : gomod,
    );
    await writeFile(join(dir, `${ev}.info`), `{"Version":"${m.version}","Time":"2024-01-01T00:00:00Z"}\n`);
    await writeFile(join(dir, `${ev}.zip`), buildZip(files.sort((a, b) => (a.name < b.name ? -1 : 1))));
    lists.set(dir, [...(lists.get(dir) ?? []), m.version]);
  }
  for (const [dir, vs] of lists) await writeFile(join(dir, 'list'), `${vs.join('\n')}\n`);
}
