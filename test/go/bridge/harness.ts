// Acceptance harness: resolve a program's Go side with mochi-pkg, write go.mod/go.sum and a main package, and ask the real go.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  type BridgeResolution,
  cacheBridgeIO,
  goModSummary,
  renderBridgeGoMod,
  renderGoSumLines,
  resolveBridge,
  type SumLine,
} from '../../../src/go/bridge/index.js';
import { Cache } from '../../../src/go/cache/index.js';
import { findPackageModule } from '../../../src/go/load/query.js';
import { prefixQuery } from '../../../src/go/lockfile/lookup.js';
import { type ModuleVersion, modKey, renderBuildList } from '../../../src/go/mvs/index.js';
import { Client } from '../../../src/go/proxy/index.js';
import { Querier } from '../../../src/go/query/index.js';
import { goCommandEnv } from '../../support/oracles.js';

const run = promisify(execFile);

/** A program's Go imports: modules at versions and the packages it imports from them. */
export interface Program {
  readonly require: readonly ModuleVersion[];
  readonly packages: readonly string[];
}

/** What the harness found. */
export interface Verdict {
  readonly resolution: BridgeResolution;
  readonly goMod: string;
  readonly goSum: string;
  /** Our build list as `go list -m all` prints it. */
  readonly ours: string;
  readonly goList: string;
  readonly tidyGoMod: string;
  readonly tidyGoSum: string;
  readonly verify: string;
}

/** go.sum lines of a resolution, from the hashes the I/O saw. */
export function sumLines(
  r: BridgeResolution,
  modH1: ReadonlyMap<string, string>,
  zipH1: ReadonlyMap<string, string>,
): SumLine[] {
  const out: SumLine[] = [];
  for (const m of r.zipSums) out.push({ ...m, goMod: false, h1: must(zipH1, m) });
  for (const m of r.modSums) out.push({ ...m, goMod: true, h1: must(modH1, m) });
  return out;
}

function must(map: ReadonlyMap<string, string>, m: ModuleVersion): string {
  const h = map.get(modKey(m));
  if (h === undefined) throw new Error(`no hash for ${modKey(m)}`);
  return h;
}

/**
 * Resolves `program` from the proxy at `proxyUrl` into a fresh cache, writes the bridge, then runs
 * `go build ./...` (GOFLAGS=-mod=readonly, GOPROXY=file://<our cache>), `go mod verify`,
 * `go list -m all` and `go mod tidy` on it.
 */
export async function accept(proxyUrl: string, program: Program): Promise<Verdict> {
  const work = await mkdtemp(join(tmpdir(), 'bridge-'));
  const cache = await Cache.open(join(work, 'cache'));
  const io = cacheBridgeIO({
    cache,
    source: new Client({ baseUrl: proxyUrl }),
    projectRoot: work,
    parse: goModSummary,
  });
  const source = new Client({ baseUrl: proxyUrl });
  const resolution = await resolveBridge(
    {
      mainPath: 'mochi.bridge/program',
      goVersion: '1.19',
      require: program.require,
      dirs: [],
      packages: program.packages,
    },
    {
      ...io,
      queryPackage: async (path) => {
        const found = await findPackageModule(path, {
          query: prefixQuery(new Querier(source), 'latest'),
          open: io.files,
        });
        return { path: found.path, version: found.version };
      },
    },
  );
  const goMod = renderBridgeGoMod({
    path: 'mochi.bridge/program',
    goVersion: '1.19',
    require: resolution.require,
    replace: [],
  });
  const goSum = renderGoSumLines(sumLines(resolution, io.modH1, io.zipH1));
  const dir = join(work, 'bridge');
  await mkdir(dir);
  await writeFile(join(dir, 'go.mod'), goMod);
  await writeFile(join(dir, 'go.sum'), goSum);
  await writeFile(
    join(dir, 'main.go'),
    `package main\n\nimport (\n${program.packages.map((p) => `\t_ ${JSON.stringify(p)}\n`).join('')})\n\nfunc main() {}\n`,
  );
  const base = goCommandEnv(join(work, 'go'), pathToFileURL(cache.root).href);
  const env = { ...base, GOFLAGS: '-mod=readonly -modcacherw', GONOSUMDB: '*', GOPRIVATE: '' };
  await run('go', ['build', './...'], { cwd: dir, env });
  const verify = (await run('go', ['mod', 'verify'], { cwd: dir, env })).stdout;
  const goList = (await run('go', ['list', '-m', 'all'], { cwd: dir, env })).stdout;
  await run('go', ['mod', 'tidy'], { cwd: dir, env: { ...env, GOFLAGS: '-modcacherw' } });
  return {
    resolution,
    goMod,
    goSum,
    ours: renderBuildList(resolution.graph.buildList),
    goList,
    tidyGoMod: await readFile(join(dir, 'go.mod'), 'utf8'),
    tidyGoSum: await readFile(join(dir, 'go.sum'), 'utf8'),
    verify,
  };
}
