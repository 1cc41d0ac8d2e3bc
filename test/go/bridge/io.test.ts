// The bridge's cache I/O: background `.info` fetches are bounded and never hold up a module being opened.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheBridgeIO, goModSummary } from '../../../src/go/bridge/index.js';
import { Cache, download } from '../../../src/go/cache/index.js';
import { Client, type ModuleSource } from '../../../src/go/proxy/index.js';
import { fixtureModule, writeProxyTree } from '../support/modules.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'bridge-io-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const mods = Array.from({ length: 20 }, (_, i) =>
  fixtureModule(`example.com/io/m${String(i).padStart(2, '0')}`, 'v1.0.0', {
    'm.go': `package m\n\nconst N = ${i}\n`,
  }),
);

/** A file proxy over `mods` whose `.info` answers wait until `release()`; counts requests by kind. */
async function gatedSource() {
  const root = join(work, 'proxy');
  await writeProxyTree(root, mods);
  const inner = new Client({ baseUrl: pathToFileURL(root).href });
  const calls = { info: [] as string[], mod: 0, zip: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const held = new Set<string>();
  let heldStarted!: () => void;
  const allHeldStarted = new Promise<void>((r) => {
    heldStarted = r;
  });
  const source: ModuleSource = {
    list: (m) => inner.list(m),
    latest: (m) => inner.latest(m),
    info: async (m, v) => {
      calls.info.push(m);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (held.has(m)) {
          if (calls.info.filter((p) => held.has(p)).length === held.size) heldStarted();
          await gate;
        }
        return await inner.info(m, v);
      } finally {
        inFlight--;
      }
    },
    mod: (m, v) => {
      calls.mod++;
      return inner.mod(m, v);
    },
    zip: (m, v, sink, o) => {
      calls.zip++;
      return inner.zip(m, v, sink, o);
    },
  };
  return { source, calls, held, release, allHeldStarted, maxInFlight: () => maxInFlight };
}

describe('download without its .info', () => {
  it('stores the go.mod and the verified zip, asks for no .info, and leaves the entry incomplete', async () => {
    const { source, calls } = await gatedSource();
    const cache = await Cache.open(join(work, 'cache'));
    const m = mods[0]!;
    const got = await download(cache, source, m.path, m.version, { info: false });
    expect(calls.info).toEqual([]);
    expect(calls.zip).toBe(1);
    expect(await cache.verifyZip(m.path, m.version)).toBe(got.Sum);
    expect(existsSync(cache.infoPath(m.path, m.version))).toBe(false);
    expect(await cache.has(m.path, m.version)).toBe(false);
    // The default still stores the .info, completing the entry.
    await download(cache, source, m.path, m.version);
    expect(calls.info).toEqual([m.path]);
    expect(await cache.has(m.path, m.version)).toBe(true);
  });
});

describe('cacheBridgeIO touches', () => {
  it('keeps at most 8 .info fetches in flight, fetches each once, and an opened module jumps the queue', async () => {
    const g = await gatedSource();
    const cache = await Cache.open(join(work, 'cache'));
    const io = cacheBridgeIO({ cache, source: g.source, projectRoot: work, parse: goModSummary });
    // The first eight are held: every later touch waits in the queue behind them.
    for (const m of mods.slice(0, 8)) g.held.add(m.path);
    const touches = mods.map((m) => io.touch({ path: m.path, version: m.version }));
    await g.allHeldStarted;
    expect(g.calls.info).toHaveLength(8);
    // Opening a queued module fetches its zip and its .info at once, though the queue is full.
    const last = mods[19]!;
    const files = await io.files({ path: last.path, version: last.version });
    expect([...files.dirs.keys()]).toEqual(['']);
    expect(g.calls.info).toContain(last.path);
    expect(existsSync(cache.infoPath(last.path, last.version))).toBe(true);
    g.release();
    await Promise.all(touches);
    await io.flush();
    expect(g.maxInFlight()).toBeLessThanOrEqual(9);
    expect([...g.calls.info].sort()).toEqual(mods.map((m) => m.path).sort());
    for (const m of mods) expect(await cache.has(m.path, m.version)).toBe(m === last);
    for (const m of mods) expect(existsSync(cache.infoPath(m.path, m.version))).toBe(true);
  });
});
