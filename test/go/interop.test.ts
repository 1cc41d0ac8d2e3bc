// Interop with the real go command, both ways, on real module trees zipped by x/mod:
// (a) go downloads from GOPROXY=file://<our cache>; (b) we download from the tree go itself produced.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { download } from '../../src/go/cache/download.js';
import { Cache } from '../../src/go/cache/store.js';
import { Client } from '../../src/go/proxy/client.js';
import { describeWithOracle, goOracle } from '../support/oracles.js';
import { serveTree } from './support/modules.js';
import {
  type GoDownload,
  goModDownload,
  type RealModule,
  realModuleTrees,
  writeRealProxyTree,
} from './support/realmods.js';
import type { TestServer } from './support/server.js';

describeWithOracle(goOracle(), 'interop with the go command', () => {
  let server: TestServer;
  let mods: RealModule[];
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'interop-'));
    mods = await writeRealProxyTree(join(work, 'upstream'), realModuleTrees());
    server = await serveTree(join(work, 'upstream'));
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  const args = () => mods.map((m) => `${m.path}@${m.version}`);

  it('has real module trees to work on', () => {
    expect(mods.length).toBeGreaterThanOrEqual(5);
    expect(mods.some((m) => m.path === 'golang.org/x/mod')).toBe(true);
  });

  it('(a) go mod download from GOPROXY=file://<our cache> agrees with our Sum and GoModSum', async () => {
    const cache = await Cache.open(join(work, 'ours-a'));
    const client = new Client({ baseUrl: server.base });
    const ours = new Map<string, { Sum: string; GoModSum: string }>();
    for (const m of mods) {
      const r = await download(cache, client, m.path, m.version);
      ours.set(`${m.path}@${m.version}`, r);
    }
    const goOut = await goModDownload(
      await mkdtemp(join(work, 'go-a-')),
      pathToFileURL(cache.root).href,
      args(),
    );
    expect(goOut).toHaveLength(mods.length);
    let agreed = 0;
    for (const g of goOut) {
      expect(g.Error, `${g.Path}@${g.Version}`).toBeUndefined();
      const o = ours.get(`${g.Path}@${g.Version}`);
      expect(o, `${g.Path}@${g.Version}`).toBeDefined();
      expect(g.Sum).toBe(o?.Sum);
      expect(g.GoModSum).toBe(o?.GoModSum);
      agreed++;
    }
    expect(agreed).toBe(mods.length);
  }, 180_000);

  it('(b) we download from the cache/download tree go produced and agree on every hash', async () => {
    const goWork = await mkdtemp(join(work, 'go-b-'));
    const goOut: GoDownload[] = await goModDownload(goWork, server.base, args());
    expect(goOut.every((g) => g.Error === undefined)).toBe(true);
    const goTree = pathToFileURL(join(goWork, 'gomodcache', 'cache', 'download')).href;
    const cache = await Cache.open(join(work, 'ours-b'));
    const client = new Client({ baseUrl: goTree });
    for (const g of goOut) {
      const r = await download(cache, client, g.Path, g.Version);
      expect(r.Sum, g.Path).toBe(g.Sum);
      expect(r.GoModSum, g.Path).toBe(g.GoModSum);
      expect(await cache.verifyZip(g.Path, g.Version)).toBe(g.Sum);
    }
  }, 180_000);
});
