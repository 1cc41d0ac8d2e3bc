// `mochi-pkg sync --go-vendor` against `go mod vendor` on the generated 300-module graph, warm caches, offline, same run.
// Both write vendor/ for the same bridge (go.mod, go.sum, main.go); the trees are compared byte for byte first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { goCommandEnv } from '../test/support/oracles.js';
import { graphScenario } from './gograph-setup.js';
import { measureCpu, ratioLine } from './support.js';

const BIN = fileURLToPath(new URL('../bin/mochi-pkg.js', import.meta.url));

/** Every file under `dir` with its bytes, and every folder, keyed by relative path. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    out.set(rel, e.isDirectory() ? '/' : readFileSync(join(dir, rel)).toString('base64'));
  }
  return out;
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-govendor-'));
  try {
    const s = await graphScenario(work, 300, 300, 40);
    const proxy = pathToFileURL(s.proxyRoot).href;
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'main.mochi'),
      s.require.map((r, i) => `import go "${r.path}@${r.version}" as m${i}\n`).join(''),
    );
    const modcache = join(work, 'gomodcache');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      CI: '1',
      GOSUMDB: 'off',
      MOCHI_PYTHON_CACHE: join(work, 'py'),
    };
    const common = [
      '--cwd',
      project,
      '--go-proxy',
      proxy,
      '--go-cache-dir',
      join(modcache, 'cache', 'download'),
    ];
    execFileSync(process.execPath, [BIN, 'lock', ...common], { env, stdio: 'ignore' });
    const bridge = join(project, '.mochi', 'go');
    const syncArgs = [
      BIN,
      'sync',
      ...common,
      '--frozen',
      '--offline',
      '--go-vendor',
      '--target',
      '3.11-linux',
      '--interpreter',
      '/usr/bin/python3',
    ];
    // Untimed warm-up: fills the module cache (and writes go.mod/go.sum), then the bridge's main package.
    execFileSync(
      process.execPath,
      syncArgs.filter((a) => a !== '--offline' && a !== '--go-vendor'),
      {
        env,
        stdio: 'ignore',
      },
    );
    writeFileSync(
      join(bridge, 'main.go'),
      `package main\n\nimport (\n${s.require.map((r) => `\t_ ${JSON.stringify(r.path)}\n`).join('')})\n\nfunc main() {}\n`,
    );
    // go vendors from a copy of the bridge, extracting modules into the same GOMODCACHE (untimed once).
    const ref = join(work, 'ref');
    cpSync(bridge, ref, { recursive: true });
    const goEnv = { ...goCommandEnv(work, 'off'), GOMODCACHE: modcache, GOFLAGS: '-mod=mod -modcacherw' };
    const goVendor = () => {
      rmSync(join(ref, 'vendor'), { recursive: true, force: true });
      const prev = process.cwd();
      process.chdir(ref);
      try {
        return measureCpu('go', ['mod', 'vendor'], { ...goEnv, PWD: ref });
      } finally {
        process.chdir(prev);
      }
    };
    const ourVendor = () => {
      rmSync(join(bridge, 'vendor'), { recursive: true, force: true });
      return measureCpu(process.execPath, syncArgs, env);
    };
    goVendor();
    ourVendor();
    const ours = tree(join(bridge, 'vendor'));
    const theirs = tree(join(ref, 'vendor'));
    const same = ours.size === theirs.size && [...ours].every(([k, v]) => theirs.get(k) === v);
    if (!same) throw new Error('sync --go-vendor and go mod vendor wrote different vendor/ trees');
    const txt = readFileSync(join(ref, 'vendor', 'modules.txt'), 'utf8');
    const modules = txt.split('\n').filter((l) => l.startsWith('# ')).length;
    const runs = 5;
    const best = { ours: Number.POSITIVE_INFINITY, go: Number.POSITIVE_INFINITY, oursCpu: 0, goCpu: 0 };
    const take = (side: 'ours' | 'go', m: { ms: number; cpuMs: number }) => {
      if (m.ms < best[side]) {
        best[side] = m.ms;
        best[side === 'ours' ? 'oursCpu' : 'goCpu'] = m.cpuMs;
      }
    };
    for (let i = 0; i < runs; i++) {
      execFileSync('sync');
      if (i % 2 === 0) {
        take('ours', ourVendor());
        take('go', goVendor());
      } else {
        take('go', goVendor());
        take('ours', ourVendor());
      }
    }
    // A re-sync with vendor/ in place: compared, not rewritten.
    const again = measureCpu(process.execPath, syncArgs, env).ms;
    console.log(
      `vendor/: ${modules} modules, ${[...ours.values()].filter((v) => v !== '/').length} files, identical to go's`,
    );
    console.log(
      ratioLine(
        `sync --go-vendor (whole sync command) vs go mod vendor (best of ${runs}, warm caches)`,
        best.ours,
        best.go,
        1,
      ),
    );
    // CPU time (user + system) of the same runs: what a loaded machine distorts least.
    console.log(ratioLine('CPU time of those runs, ours vs go', best.oursCpu, best.goCpu));
    console.log(`sync --go-vendor with vendor/ already up to date: ${again.toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
