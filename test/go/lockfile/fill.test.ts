// fillCache fetches the lock's modules concurrently (bounded) and reports in lock order, whatever finishes first.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Cache } from '../../../src/go/cache/index.js';
import { hashGoMod, hashZip } from '../../../src/go/dirhash/index.js';
import { fillCache, type GoLockEntry } from '../../../src/go/lockfile/index.js';
import { openGoSource } from '../../../src/project/goSource.js';
import { fixtureModule, proxyFiles, serveModules } from '../support/modules.js';

it('downloads several modules at once and counts them in lock order', async () => {
  const mods = Array.from({ length: 6 }, (_, i) => fixtureModule(`example.com/m${i}`, 'v1.0.0'));
  const files = proxyFiles(mods);
  // Each .zip answer is held until another .zip request is in flight (a sequential client never
  // gets there: it is answered after a bounded wait instead). The test reads the largest number
  // of zip requests in flight, not a time.
  let inFlight = 0;
  let most = 0;
  const release: (() => void)[] = [];
  const server = await serveModules(mods, (req, res) => {
    if (!req.url?.endsWith('.zip')) return false;
    inFlight++;
    most = Math.max(most, inFlight);
    const answer = () => {
      clearTimeout(timer);
      inFlight--;
      const body = files.get(decodeURIComponent(req.url ?? ''))!;
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    };
    const timer = setTimeout(answer, 10_000);
    if (inFlight >= 2) {
      for (const r of release.splice(0)) r();
      answer();
    } else release.push(answer);
    return true;
  });
  try {
    const entries: GoLockEntry[] = await Promise.all(
      mods.map(async (m) => ({
        module: m.path,
        version: m.version,
        source: 'module-proxy' as const,
        zipH1: await hashZip(m.zip, m.path, m.version),
        modH1: hashGoMod(m.mod),
        aliases: [],
      })),
    );
    const cache = await Cache.open(await mkdtemp(join(tmpdir(), 'fill-par-')));
    const source = await openGoSource(server.base, {});
    const seen: string[] = [];
    const r = await fillCache(cache, source, { entries }, { jobs: 4, onDownload: (m) => seen.push(m) });
    expect(r).toMatchObject({ cached: 0, downloaded: 6, refused: [] });
    expect(seen.sort()).toEqual(mods.map((m) => m.path));
    expect(most).toBeGreaterThanOrEqual(2);
    const again = await fillCache(cache, source, { entries }, { offline: true });
    expect(again).toMatchObject({ cached: 6, downloaded: 0 });
  } finally {
    await server.close();
  }
}, 60_000);
