// Resolving and downloading a generated module graph: mochi-pkg (graph + packages + zips of package modules) against
// `go mod download all` on the same main module, fresh caches, one local HTTP proxy, same run; then peak RSS at 2,000 modules.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goCommandEnv } from '../test/support/oracles.js';
import { graphScenario, startProxy } from './gograph-setup.js';
import { measureCommand, ratioLine } from './support.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Proxy paths of every file a cache holds (the cache's layout is the GOPROXY layout). */
function cachedPaths(cache: string): string[] {
  return (readdirSync(cache, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && /\.(mod|zip|info)$/.test(e.name))
    .map((e) => `/${join(e.parentPath, e.name).slice(cache.length + 1)}`)
    .sort();
}

function ours(base: string, cache: string, program: string, goMod?: string) {
  const args = [join(repo, 'bench/gograph-child.mjs'), base, cache, program];
  return measureCommand(process.execPath, goMod ? [...args, goMod] : args);
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-gograph-'));
  try {
    const s = await graphScenario(work, 300, 300, 40);
    const { base, proc } = await startProxy(s.proxyRoot);
    try {
      // The main module both tools resolve: the go.mod mochi-pkg writes (untimed warm-up run).
      const main = join(work, 'main');
      mkdirSync(main);
      const warm = ours(base, join(work, 'warm-cache'), s.program, join(main, 'go.mod'));
      const [buildList, zips, mods] = warm.stdout.trim().split(' ').map(Number);
      const fetched = join(work, 'fetched.json');
      const fetchedPaths = cachedPaths(join(work, 'warm-cache'));
      writeFileSync(fetched, JSON.stringify(fetchedPaths));
      // The floor: the same files fetched by a Node.js process (bench/http-floor.mjs) that does
      // nothing else with them; then each also stored as a cache must (temp file, rename) in a fresh
      // folder; then, besides, after loading the Go modules the resolving child loads and taking one
      // SHA-256 of each zip: the least any Node.js tool that checks what it keeps adds.
      let stores = 0;
      const floorRun = (...extra: string[]) =>
        measureCommand(process.execPath, [join(repo, 'bench/http-floor.mjs'), base, fetched, '32', ...extra])
          .ms;
      const store = () => join(work, `floor-store-${stores++}`);
      const loaded = ['go/bridge/index.js', 'go/cache/index.js', 'go/proxy/index.js'].map(
        (m) => `--import=${join(repo, 'dist', m)}`,
      );
      const floor = () => floorRun();
      const storeFloor = () => floorRun(store());
      const checkedFloor = () => floorRun(store(), '--hash-zips', ...loaded);
      const runs = 3;
      let bestChecked = Number.POSITIVE_INFINITY;
      let bestOurs = Number.POSITIVE_INFINITY;
      let bestGo = Number.POSITIVE_INFINITY;
      let bestFloor = Number.POSITIVE_INFINITY;
      let bestStore = Number.POSITIVE_INFINITY;
      for (let i = 0; i < runs; i++) {
        const tag = `${i}`;
        const goRun = () => {
          const env = { ...goCommandEnv(join(work, `go-${tag}`), base), GOFLAGS: '-mod=mod -modcacherw' };
          return measureCommand('go', ['mod', 'download', 'all'], { ...env, PWD: main }).ms;
        };
        const ourRun = () => ours(base, join(work, `ours-${tag}`), s.program).ms;
        // Alternate which side runs first.
        if (i % 2 === 0) {
          bestOurs = Math.min(bestOurs, ourRun());
          bestGo = Math.min(bestGo, goRunIn(main, goRun));
        } else {
          bestGo = Math.min(bestGo, goRunIn(main, goRun));
          bestOurs = Math.min(bestOurs, ourRun());
        }
        bestFloor = Math.min(bestFloor, floor());
        bestStore = Math.min(bestStore, storeFloor());
        bestChecked = Math.min(bestChecked, checkedFloor());
      }
      console.log(
        `graph: ${buildList} modules in the build list, ${zips} zips, ${mods} go.mod files (best of ${runs}, fresh caches)`,
      );
      console.log(ratioLine('resolve + download (ours) vs go mod download all', bestOurs, bestGo, 0.5));
      console.log(
        ratioLine(
          `  floor: node fetching the same ${fetchedPaths.length} files and nothing else (bench/http-floor.mjs; no target)`,
          bestFloor,
          bestGo,
        ),
      );
      console.log(
        ratioLine(
          `  floor: node fetching the same ${fetchedPaths.length} files and storing each (temp file, rename; bench/http-floor.mjs; no target)`,
          bestStore,
          bestGo,
        ),
      );
      console.log(
        ratioLine(
          `  floor: the same, after loading the child's Go modules and hashing each zip once (bench/http-floor.mjs --import --hash-zips; no target)`,
          bestChecked,
          bestGo,
        ),
      );
    } finally {
      proc.kill('SIGTERM');
    }
    const big = await graphScenario(work, 2000, 2000, 200);
    const p2 = await startProxy(big.proxyRoot);
    try {
      const r = ours(p2.base, join(work, 'ours-2000'), big.program);
      const [buildList, zips, mods] = r.stdout.trim().split(' ').map(Number);
      console.log(
        `2,000-path graph: ${buildList} modules in the build list, ${zips} zips, ${mods} go.mod files: ${r.ms.toFixed(0)} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
      );
    } finally {
      p2.proc.kill('SIGTERM');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `fn` with the process in `dir` (go reads the main module from its working directory). */
function goRunIn(dir: string, fn: () => number): number {
  const prev = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(prev);
  }
}
