// Reading wheels' METADATA with HTTP range requests against downloading the wheels whole, when the
// index has no PEP 658 files: a cold resolution of a 12-distribution closure of 4 MiB wheels from a
// 127.0.0.1 index that honours Range. Bytes fetched and wall time, as ratios (same run, same server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closureTarget, IndexSession } from '../src/python/registry/closure.js';
import { resolveClosure } from '../src/python/registry/lockClosure.js';
import { type GenDist, genDep, genRelease, serveIndex, writeUniverse } from '../test/support/pyindex.js';
import { ratioLine } from './support.js';

const DISTS = 12;
const PAD = 4 * 1024 * 1024;
const RUNS = 3;

function universe(): GenDist[] {
  const name = (i: number) => `lazyp${i}`;
  return Array.from({ length: DISTS }, (_, i) => ({
    name: name(i),
    padBytes: PAD,
    releases: [genRelease('1.0', { deps: i + 1 < DISTS ? [genDep(name(i + 1), '>=1')] : [] })],
  }));
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mochi-bench-lazy-'));
  try {
    await writeUniverse(join(work, 'index'), { id: 'z', dists: universe(), roots: [], conflictFree: true });
    const server = await serveIndex(join(work, 'index'), { json: true, ranges: true });
    try {
      const cold = async (rangeRequests: boolean, run: number) => {
        const session = new IndexSession({
          cacheDir: join(work, `cache-${rangeRequests}-${run}`),
          rangeRequests,
        });
        const before = server.fileBytes();
        const t0 = performance.now();
        const list = await resolveClosure({
          roots: [{ name: 'lazyp0', specifier: '', indexUrl: server.url, label: 'lazyp0' }],
          targets: [closureTarget([3, 12], 'linux')],
          session,
        });
        const ms = performance.now() - t0;
        if (list.length !== DISTS)
          throw new Error(`resolved ${list.length} distributions, expected ${DISTS}`);
        return { ms, bytes: server.fileBytes() - before, requests: session.stats.rangeRequests };
      };
      const best = { ranged: Number.POSITIVE_INFINITY, whole: Number.POSITIVE_INFINITY };
      let bytes = { ranged: 0, whole: 0 };
      let requests = 0;
      // Alternate the two so machine load falls on both alike; best of RUNS each.
      for (let run = 0; run < RUNS; run++) {
        const a = await cold(true, run);
        const b = await cold(false, run);
        best.ranged = Math.min(best.ranged, a.ms);
        best.whole = Math.min(best.whole, b.ms);
        bytes = { ranged: a.bytes, whole: b.bytes };
        requests = a.requests;
      }
      console.log(
        `METADATA of ${DISTS} wheels of ${PAD / 1024 / 1024} MiB, no PEP 658 files: by range ${bytes.ranged} bytes in ${requests} range requests, whole wheels ${bytes.whole} bytes; bytes ratio ${(bytes.ranged / bytes.whole).toFixed(4)}`,
      );
      console.log(
        ratioLine('cold resolution, range requests vs whole wheels (127.0.0.1)', best.ranged, best.whole),
      );
    } finally {
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
