// The module graph against the real go command: `go list -m all` and `go mod graph` on generated graphs.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { escapePath, escapeVersion } from '../../../src/go/module/index.js';
import {
  loadModuleGraph,
  type ModSummary,
  modKey,
  renderBuildList,
  renderModGraph,
  type SummaryLoader,
} from '../../../src/go/mvs/index.js';
import { describeWithOracle, goCommandEnv, goOracle } from '../../support/oracles.js';
import { type GenGraph, type GenOptions, generateGraph, goModText } from '../support/gengraph.js';

const run = promisify(execFile);

/** Writes the generated graph's go.mod files as a file:// proxy (no zips: graph commands never need them). */
async function writeModProxy(root: string, g: GenGraph): Promise<void> {
  const lists = new Map<string, string[]>();
  for (const m of g.modules) {
    const dir = join(root, escapePath(m.path), '@v');
    await mkdir(dir, { recursive: true });
    const ev = escapeVersion(m.version);
    await writeFile(join(dir, `${ev}.mod`), goModText(m.path, m.go, m.require));
    await writeFile(join(dir, `${ev}.info`), `{"Version":"${m.version}","Time":"2024-01-01T00:00:00Z"}\n`);
    lists.set(dir, [...(lists.get(dir) ?? []), m.version]);
  }
  for (const [dir, vs] of lists) await writeFile(join(dir, 'list'), `${vs.join('\n')}\n`);
}

/** Writes the main module (and its directory replacements) under `dir`. */
async function writeMain(dir: string, g: GenGraph): Promise<void> {
  const m = g.main;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go.mod'), goModText(m.path, m.goVersion, m.require, m.exclude, m.replace));
  for (const [rel, mod] of g.dirs) {
    const p = join(dir, rel, 'go.mod');
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, goModText(mod.path, mod.go, mod.require));
  }
}

/** Answers go.mod reads from the generator's data (the graph is under test here, not go.mod parsing). */
function loaderOf(g: GenGraph): SummaryLoader {
  const byKey = new Map(g.modules.map((m) => [modKey(m), m]));
  return async (actual) => {
    const m = actual.version === '' ? g.dirs.get(actual.path) : byKey.get(modKey(actual));
    if (!m) throw new Error(`${modKey(actual)}: not found`);
    const s: ModSummary = { module: m.path, require: m.require, ...(m.go ? { goVersion: m.go } : {}) };
    return s;
  };
}

async function goSays(work: string, g: GenGraph): Promise<{ list: string; graph: string }> {
  const proxy = join(work, 'proxy');
  await writeModProxy(proxy, g);
  const env = { ...goCommandEnv(work, pathToFileURL(proxy).href), GOFLAGS: '-mod=mod -modcacherw' };
  const listDir = join(work, 'list');
  const graphDir = join(work, 'graph');
  await writeMain(listDir, g);
  await writeMain(graphDir, g);
  const list = await run('go', ['list', '-m', 'all'], { cwd: listDir, env });
  const graph = await run('go', ['mod', 'graph'], { cwd: graphDir, env });
  // `path version => replacement` lines: the graph names the required version, as we do.
  return { list: list.stdout.replace(/ => .*$/gm, ''), graph: graph.stdout };
}

const CASES: GenOptions[] = [
  { seed: 1, modules: 6, mainGo: '1.19' },
  { seed: 2, modules: 10, mainGo: '1.16' },
  { seed: 3, modules: 12, mainGo: '1.17', maxRequire: 4 },
  { seed: 4, modules: 15, mainGo: '1.19', edits: true },
  { seed: 5, modules: 15, mainGo: '1.16', edits: true },
  { seed: 6, modules: 25, mainGo: '1.18', maxRequire: 5, mainRequire: 6 },
  { seed: 7, modules: 25, mainGo: '1.12', maxRequire: 5, mainRequire: 6, edits: true },
  { seed: 8, modules: 40, mainGo: '1.19', maxRequire: 4, mainRequire: 8, edits: true },
  { seed: 9, modules: 8, mainGo: '1.19', versions: 6, maxRequire: 6, mainRequire: 3 },
  { seed: 10, modules: 30, mainGo: '1.17', versions: 2, maxRequire: 2, mainRequire: 10, edits: true },
];

describeWithOracle(goOracle(), 'module graph = go list -m all / go mod graph (Go 1.19)', () => {
  for (const c of CASES) {
    it(`generated graph seed ${c.seed} (${c.modules} paths, main go ${c.mainGo}${c.edits ? ', excludes and replaces' : ''})`, async () => {
      const g = generateGraph(c);
      const work = await mkdtemp(join(tmpdir(), `mvs-${c.seed}-`));
      const ours = await loadModuleGraph(g.main, loaderOf(g));
      const go = await goSays(work, g);
      expect(renderBuildList(ours.buildList)).toBe(go.list);
      expect(renderModGraph(ours.graph)).toBe(go.graph);
    }, 60_000);
  }
});
