// One timed run of mochi-pkg's Go-side resolution for the gograph bench: graph, packages, downloads into a fresh cache.
// Usage: node --import tsx bench/gograph-child.ts <proxy base URL> <cache dir> <program.json> [go.mod out]
import { readFileSync, writeFileSync } from 'node:fs';
import { cacheBridgeIO, goModSummary, renderBridgeGoMod, resolveBridge } from '../src/go/bridge/index.js';
import { Cache } from '../src/go/cache/index.js';
import type { ModuleVersion } from '../src/go/mvs/index.js';
import { Client } from '../src/go/proxy/index.js';

const [base, cacheDir, programFile, goModOut] = process.argv.slice(2);
const program = JSON.parse(readFileSync(programFile!, 'utf8')) as {
  require: ModuleVersion[];
  packages: string[];
};
const cache = await Cache.open(cacheDir!);
const io = cacheBridgeIO({
  cache,
  source: new Client({ baseUrl: base! }),
  projectRoot: '.',
  parse: goModSummary,
});
const r = await resolveBridge(
  {
    mainPath: 'mochi.local/bridge',
    goVersion: '1.19',
    require: program.require,
    dirs: [],
    packages: program.packages,
  },
  { ...io, jobs: 32 },
);
if (goModOut) {
  writeFileSync(
    goModOut,
    renderBridgeGoMod({ path: 'mochi.local/bridge', goVersion: '1.19', require: r.require, replace: [] }),
  );
}
process.stdout.write(`${r.graph.buildList.length} ${r.zipSums.length} ${r.modSums.length}\n`);
