// The module graph of every go.mod in cmd/go's own script tests (testdata/script/mod_*.txt), against `go list -m all` and `go mod graph` run on it.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { goModSummary } from '../../../src/go/bridge/index.js';
import { hashGoMod } from '../../../src/go/dirhash/index.js';
import { parse } from '../../../src/go/modfile/index.js';
import { escapePath, escapeVersion } from '../../../src/go/module/index.js';
import {
  loadModuleGraph,
  type MainModule,
  type ModuleGraphError,
  renderBuildList,
  renderModGraph,
  type SummaryLoader,
} from '../../../src/go/mvs/index.js';
import { Client } from '../../../src/go/proxy/index.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../../support/oracles.js';
import { parseTxtar } from '../../support/txtar.js';
import { CMD_GO_TESTDATA_MOD, haveCmdGoTestdata, writeCmdGoProxy } from '../support/cmdgoproxy.js';

const run = promisify(execFile);
const SCRIPTS = join(dirname(CMD_GO_TESTDATA_MOD), 'script');

const oracle: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata is missing (apt-get install golang-1.19-src)" }
    : goOracle();

/** The graph errors worded as cmd/go words them. */
const GO_WORDED = new Set<string>(['go-graph-module-path', 'go-graph-missing-module']);

/** A script's files written to `dir` (not its `$WORK/…` ones); its go.mod, or undefined if it has none. */
async function writeScript(file: string, dir: string): Promise<Buffer | undefined> {
  const archive = parseTxtar(readFileSync(join(SCRIPTS, file)));
  for (const f of archive.files) {
    if (f.name.startsWith('$')) continue;
    await mkdir(dirname(join(dir, f.name)), { recursive: true });
    await writeFile(join(dir, f.name), f.data);
  }
  return archive.files.find((f) => f.name === 'go.mod')?.data;
}

/** The main module as the graph takes it, from go.mod bytes. */
function mainOf(data: Buffer): MainModule {
  const f = parse('go.mod', data);
  return {
    path: f.module?.mod.path ?? '',
    ...(f.go ? { goVersion: f.go.version } : {}),
    require: f.require.map((r) => ({ ...r.mod, indirect: r.indirect })),
    exclude: f.exclude.map((e) => e.mod),
    replace: f.replace.map((r) => ({
      old: r.old.version === '' ? { path: r.old.path } : r.old,
      new: r.new.version === '' ? { path: r.new.path } : r.new,
    })),
  };
}

/** What go prints (stdout, or `go: …` on failure); each command runs on the script's own go.mod. */
async function goSays(dir: string, data: Buffer, env: NodeJS.ProcessEnv, args: string[]) {
  await writeFile(join(dir, 'go.mod'), data);
  return run('go', args, { cwd: dir, env }).then(
    (r) => ({ ok: true, out: r.stdout }),
    (e: { stderr: string }) => ({ ok: false, out: e.stderr }),
  );
}

/** Runs `one` on every mod_*.txt script, two at a time. */
async function eachScript(one: (file: string) => Promise<void>): Promise<void> {
  const queue = readdirSync(SCRIPTS).filter((f) => /^mod_.*\.txt$/.test(f));
  await Promise.all(
    [0, 1].map(async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) await one(f);
    }),
  );
}

/** go.mod summaries from the proxy, or from `dir`'s folders for directory replacements. */
function loaderFor(dir: string, source: Client): SummaryLoader {
  return async (actual) =>
    actual.version === ''
      ? goModSummary('go.mod', await readFile(join(resolve(dir, actual.path), 'go.mod')))
      : goModSummary(
          `${actual.path}@${actual.version}/go.mod`,
          await source.mod(actual.path, actual.version),
        );
}

describeWithOracle(oracle, "cmd/go's script go.mod files: go list -m all and go mod graph", () => {
  let root: string;
  let proxy: string;
  let goSum: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mvs-scripts-'));
    const mods = await writeCmdGoProxy(join(root, 'proxy'));
    proxy = pathToFileURL(join(root, 'proxy')).href;
    // Every /go.mod hash of the proxy, so that -mod=readonly reads any go.mod it needs.
    goSum = '';
    for (const m of mods) {
      const mod = join(root, 'proxy', escapePath(m.path), '@v', `${escapeVersion(m.version)}.mod`);
      const data = await readFile(mod).catch(() => undefined);
      if (data) goSum += `${m.path} ${m.version}/go.mod ${hashGoMod(data)}\n`;
    }
  }, 60_000);

  it('selects the same build list and prints the same graph for every script that has a go.mod, and fails in the same words', async () => {
    const source = new Client({ baseUrl: proxy });
    const diffs: string[] = [];
    let compared = 0;
    let worded = 0;
    const one = async (file: string): Promise<void> => {
      const dir = join(root, file);
      const data = await writeScript(file, dir);
      if (data === undefined) return;
      const main = mainOf(data);
      if (main.path === '') return; // go refuses a main go.mod without a module line
      const env = { ...goCommandEnv(join(root, `go-${file}`), proxy), GOFLAGS: '-mod=mod -modcacherw' };
      const list = await goSays(dir, data, env, ['list', '-m', 'all']);
      const graph = await goSays(dir, data, env, ['mod', 'graph']);
      const ours = await loadModuleGraph(main, loaderFor(dir, source)).then(
        (g) => ({ list: renderBuildList(g.buildList), graph: renderModGraph(g.graph) }),
        (e: Error) => ({ error: e.message, inGoWords: GO_WORDED.has((e as ModuleGraphError).code) }),
      );
      compared++;
      // `path version => replacement`: the graph names the required version.
      const want = graph.ok
        ? { list: list.out.replace(/ => .*$/gm, ''), graph: graph.out }
        : { error: 'go refused it' };
      const got = !('error' in ours) || graph.ok ? ours : { error: 'go refused it' };
      if ('error' in ours && ours.inGoWords) {
        worded++;
        if (`go: ${ours.error}\n` !== list.out)
          diffs.push(`${file}:\n  ours ${ours.error}\n  go   ${list.out}`);
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        diffs.push(`${file}:\n  ours ${JSON.stringify(ours)}\n  go   ${JSON.stringify({ list, graph })}`);
      }
    };
    await eachScript(one);
    expect(compared).toBeGreaterThan(150);
    expect(worded).toBeGreaterThan(0);
    expect(diffs.join('\n'), `${diffs.length} of ${compared} scripts disagree`).toBe('');
  }, 600_000);

  it('without root updates, reports the go.mod files -mod=readonly refuses and lists the rest as it does', async () => {
    const source = new Client({ baseUrl: proxy });
    const diffs: string[] = [];
    let compared = 0;
    let refused = 0;
    await eachScript(async (file) => {
      const dir = join(root, `ro-${file}`);
      const data = await writeScript(file, dir);
      if (data === undefined) return;
      const main = mainOf(data);
      if (main.path === '') return;
      await writeFile(join(dir, 'go.sum'), goSum);
      await rm(join(dir, 'vendor'), { recursive: true, force: true });
      const env = {
        ...goCommandEnv(join(root, `go-ro-${file}`), proxy),
        GOFLAGS: '-mod=readonly -modcacherw',
      };
      const list = await goSays(dir, data, env, ['list', '-m', 'all']);
      const ours = await loadModuleGraph(main, loaderFor(dir, source), { updateRoots: false }).catch(
        () => undefined,
      );
      const dirty = !list.ok && list.out.includes('go: updates to go.mod needed');
      if (ours === undefined || (!list.ok && !dirty)) return; // go.mod loading failed, compared above
      compared++;
      if (dirty) refused++;
      const got = ours.rootsChanged ? 'updates needed' : renderBuildList(ours.buildList);
      const want = dirty ? 'updates needed' : list.out.replace(/ => .*$/gm, '');
      if (got !== want) diffs.push(`${file}:\n  ours ${got}\n  go   ${list.out}`);
    });
    expect(compared).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(0);
    expect(diffs.join('\n'), `${diffs.length} of ${compared} scripts disagree`).toBe('');
  }, 600_000);
});
