// Checksum database verification: `mochi-pkg go download` of 200 modules checked against x/mod's
// sumdb server on 127.0.0.1 (lookups + tiles, cold tile cache) beside `go mod download` with the
// same GOSUMDB, fresh caches, same run; then a warm run's database requests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashGoMod, hashZip } from '../src/go/dirhash/index.js';
import { escapePath, escapeVersion } from '../src/go/module/index.js';
import { generateKey } from '../src/go/sumdb/index.js';
import { startLog } from '../test/go/sumdb/server.js';
import { fixtureModule, writeProxyTree } from '../test/go/support/modules.js';
import { goCommandEnv } from '../test/support/oracles.js';
import { startProxy } from './gograph-setup.js';
import { measureCommand, ratioLine } from './support.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin', 'mochi-pkg.js');
const COUNT = Number(process.env.BENCH_SUMDB_COUNT ?? 200);
const NAME = 'sumdb.bench';

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-sumdb-'));
  const { skey, vkey } = generateKey(NAME, new Uint8Array(32).fill(3));
  try {
    const mods = Array.from({ length: COUNT }, (_, i) =>
      fixtureModule(`example.com/sumdb/m${String(i).padStart(3, '0')}`, 'v1.0.0', {
        'm.go': `package m\n\nconst N = ${i}\n`,
      }),
    );
    const root = join(work, 'proxy');
    await writeProxyTree(root, mods);
    const records: Record<string, string> = {};
    for (const m of mods) {
      records[`${m.path}@${m.version}`] =
        `${m.path} ${m.version} ${await hashZip(m.zip, m.path, m.version)}\n${m.path} ${m.version}/go.mod ${hashGoMod(m.mod)}\n`;
    }
    const log = await startLog(work, skey, records);
    // x/mod's test server logs a record at its first lookup: log all of them now, so both sides
    // see the same tree of 200 records.
    for (const m of mods) await (await fetch(`${log.url}/lookup/${m.path}@${m.version}`)).arrayBuffer();
    const gosumdb = `${vkey} ${log.url}`;
    const args = mods.map((m) => `${m.path}@${m.version}`);
    const { base, proc } = await startProxy(root);
    try {
      const runs = Number(process.env.BENCH_SUMDB_RUNS ?? 5);
      let ours = Number.POSITIVE_INFINITY;
      let oursOff = Number.POSITIVE_INFINITY;
      let theirs = Number.POSITIVE_INFINITY;
      const oursEnv = (cache: string, sumdb: string) => ({
        PATH: process.env.PATH ?? '',
        GOPROXY: base,
        GOSUMDB: sumdb,
        MOCHI_GO_BRIDGE_CACHE: cache,
        CI: '1',
      });
      const runOurs = (sumdb: string) => {
        const cache = mkdtempSync(join(work, 'ours-'));
        execFileSync('sync');
        const env = oursEnv(cache, sumdb);
        const argv = [bin, 'go', 'download', '--json', ...args];
        let o: ReturnType<typeof measureCommand>;
        try {
          o = measureCommand(process.execPath, argv, env);
        } catch (e) {
          // measureCommand keeps only stderr; the per-module errors are JSON lines on stdout.
          const again = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
          throw new Error(`mochi-pkg go download failed:\n${again.stdout.slice(0, 3000)}`, { cause: e });
        }
        const lines = o.stdout.trim().split('\n');
        const verified = lines.filter((l) => l.includes(`"SumDB":"${NAME}"`)).length;
        if (lines.some((l) => l.includes('"Error"')) || (sumdb !== 'off' && verified !== COUNT))
          throw new Error(`mochi-pkg go download: ${verified}/${COUNT} verified\n${o.stdout.slice(0, 2000)}`);
        rmSync(cache, { recursive: true, force: true });
        return o.ms;
      };
      const runGo = () => {
        const goWork = mkdtempSync(join(work, 'go-'));
        execFileSync('sync');
        const env = { ...goCommandEnv(goWork, base), GOSUMDB: gosumdb };
        const argv = ['mod', 'download', '-json', ...args];
        let g: ReturnType<typeof measureCommand>;
        try {
          g = measureCommand('go', argv, env);
        } catch (e) {
          const again = spawnSync('go', argv, { env, encoding: 'utf8' });
          const errors = again.stdout.split('\n').filter((l) => l.includes('"Error"'));
          throw new Error(`go mod download failed:\n${errors.slice(0, 5).join('\n')}`, { cause: e });
        }
        rmSync(goWork, { recursive: true, force: true });
        return g.ms;
      };
      // The floor: a Node.js process fetching each module's .info, .mod and .zip and its database
      // lookup (tiles left out), 32 at a time, and doing nothing else with them.
      const fetched = join(work, 'fetched.json');
      writeFileSync(
        fetched,
        JSON.stringify(
          mods.flatMap((m) => {
            const at = `/${escapePath(m.path)}/@v/${escapeVersion(m.version)}`;
            return [`${at}.info`, `${at}.mod`, `${at}.zip`, `${log.url}/lookup/${m.path}@${m.version}`];
          }),
        ),
      );
      let floor = Number.POSITIVE_INFINITY;
      let storeFloor = Number.POSITIVE_INFINITY;
      const floorArgs = [join(repo, 'bench/http-floor.mjs'), base, fetched, '32'];
      for (let i = 0; i < runs; i++) {
        floor = Math.min(floor, measureCommand(process.execPath, floorArgs).ms);
        // The same, each file also stored as a cache must (temp file, rename) in a fresh folder.
        const store = [...floorArgs, join(work, `floor-store-${i}`)];
        storeFloor = Math.min(storeFloor, measureCommand(process.execPath, store).ms);
        if (i % 2 === 0) {
          theirs = Math.min(theirs, runGo());
          ours = Math.min(ours, runOurs(gosumdb));
        } else {
          ours = Math.min(ours, runOurs(gosumdb));
          theirs = Math.min(theirs, runGo());
        }
        oursOff = Math.min(oursOff, runOurs('off'));
      }
      console.log(
        ratioLine(
          `go download + sumdb check of ${COUNT} modules (best of ${runs}, fresh caches, cold tile cache)`,
          ours,
          theirs,
          0.5,
        ),
      );
      console.log(
        `  the same download with GOSUMDB=off: ${oursOff.toFixed(0)} ms (checking costs ${(ours - oursOff).toFixed(0)} ms)`,
      );
      console.log(
        ratioLine(
          `  floor: node fetching the same ${COUNT * 3} module files and ${COUNT} lookups and nothing else (bench/http-floor.mjs; no target)`,
          floor,
          theirs,
        ),
      );
      console.log(
        ratioLine(
          `  floor: the same, storing each (temp file, rename; bench/http-floor.mjs; no target)`,
          storeFloor,
          theirs,
        ),
      );
    } finally {
      proc.kill('SIGTERM');
      log.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
