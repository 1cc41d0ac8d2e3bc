// One timed run of mochi-pkg's Go-side resolution for the gograph bench: graph, packages, downloads into a fresh cache.
// It runs the built package (dist/, what the mochi-pkg binary runs), so the timing includes no TypeScript transpiling.
// Usage: node bench/gograph-child.mjs <proxy base URL> <cache dir> <program.json> [go.mod out]
import { readFileSync, writeFileSync } from 'node:fs';
import { cacheBridgeIO, goModSummary, renderBridgeGoMod, resolveBridge } from '../dist/go/bridge/index.js';
import { Cache } from '../dist/go/cache/index.js';
import { Client } from '../dist/go/proxy/index.js';

const [base, cacheDir, programFile, goModOut] = process.argv.slice(2);
/** @type {{ require: { path: string, version: string }[], packages: string[] }} */
const program = JSON.parse(readFileSync(programFile, 'utf8'));
const cache = await Cache.open(cacheDir);
const io = cacheBridgeIO({
  cache,
  source: new Client({ baseUrl: base }),
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
