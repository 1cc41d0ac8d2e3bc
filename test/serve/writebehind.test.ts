// A pulled artifact is answered once verified, while its store write goes on (GoProxy's write-behind):
// the bytes answered are the verified ones, requests meanwhile are answered from them with no second
// upstream fetch, `settled()` waits for the writes, a failed write is logged and the artifact is
// pulled again, and a store that already holds another zip for the version still refuses this one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModuleSource, VersionInfo } from '../../src/go/proxy/index.js';
import { GoProxy, type Reply } from '../../src/serve/goproxy.js';
import { Metrics } from '../../src/serve/metrics.js';
import { DirStorage, type PutSource, readObject, type Storage } from '../../src/serve/storage.js';
import { fixtureModule } from '../go/support/modules.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mod = fixtureModule('example.com/wb/a', 'v1.0.0');
const other = fixtureModule('example.com/wb/a', 'v1.0.0', { 'foo.go': 'package foo // other bytes\n' });
const ZIP = 'example.com/wb/a/@v/v1.0.0.zip';
const HASH = 'example.com/wb/a/@v/v1.0.0.ziphash';
const MOD = 'example.com/wb/a/@v/v1.0.0.mod';
const INFO = 'example.com/wb/a/@v/v1.0.0.info';

/** An upstream holding `m`, counting its calls. */
function source(m = mod): ModuleSource & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = <T>(k: string, v: T): T => {
    calls[k] = (calls[k] ?? 0) + 1;
    return v;
  };
  return {
    calls,
    list: async () => count('list', [m.version]),
    latest: async () => count('latest', JSON.parse(m.info) as VersionInfo),
    info: async () => count('info', JSON.parse(m.info) as VersionInfo),
    mod: async () => count('mod', m.mod),
    zip: async (_p: string, _v: string, sink: Writable) => {
      count('zip', 0);
      await new Promise<void>((done, fail) => sink.write(m.zip, (e) => (e ? fail(e) : done())));
      return { bytes: m.zip.length, url: 'test:' };
    },
  };
}

/** A directory store whose writes wait until `open()` is called (or fail with `fail`). */
class GatedStorage extends DirStorage {
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => {
    this.release = r;
  });
  fail: Error | undefined;
  open(): void {
    this.release();
  }
  override async putIfAbsent(key: string, data: PutSource): Promise<'stored' | 'exists'> {
    await this.gate;
    if (this.fail) throw this.fail;
    return super.putIfAbsent(key, data);
  }
}

function setup(
  storage: Storage,
  up: ModuleSource,
  extra: { writeBehindBytes?: number; prefetch?: boolean } = {},
) {
  const lines: string[] = [];
  const metrics = new Metrics();
  const work = mkdtempSync(join(tmpdir(), 'mochi-wb-tmp-'));
  dirs.push(work);
  const proxy = new GoProxy({
    storage,
    upstream: up,
    tmpDir: work,
    metrics,
    log: (l) => lines.push(l),
    ...extra,
  });
  return { proxy, lines, metrics };
}

async function body(r: Reply): Promise<Buffer> {
  return r.body instanceof Uint8Array ? Buffer.from(r.body) : readObject(r.body);
}

function storeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mochi-wb-store-'));
  dirs.push(d);
  return d;
}

describe('write-behind of pulled artifacts', () => {
  it('answers the verified bytes before the write lands, then stores them; no second upstream fetch', async () => {
    const store = new GatedStorage(storeDir());
    const up = source();
    const { proxy } = setup(store, up);
    const first = await proxy.handle(`/${ZIP}`);
    expect(first.status).toBe(200);
    expect((await body(first)).equals(mod.zip)).toBe(true);
    expect((await proxy.handle(`/${MOD}`)).status).toBe(200);
    expect((await proxy.handle(`/${INFO}`)).status).toBe(200);
    // The writes wait on the gate: nothing is in the store yet, and nothing is half there.
    const plain = new DirStorage(store.root);
    for (const k of [ZIP, HASH, MOD, INFO]) expect(await plain.head(k)).toBeUndefined();
    // Asked again meanwhile: answered from the verified bytes, not from the upstream.
    const again = await proxy.handle(`/${ZIP}`);
    expect((await body(again)).equals(mod.zip)).toBe(true);
    expect(Buffer.from(await body(await proxy.handle(`/${MOD}`))).equals(mod.mod)).toBe(true);
    expect(up.calls).toEqual({ zip: 1, mod: 1, info: 1 });
    let settled = false;
    const done = proxy.settled().then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    store.open();
    await done;
    const zip = await plain.get(ZIP);
    expect(zip && (await readObject(zip)).equals(mod.zip)).toBe(true);
    expect((await readObject((await plain.get(HASH))!)).toString()).toMatch(/^h1:/);
    expect((await readObject((await plain.get(MOD))!)).equals(mod.mod)).toBe(true);
    expect(await plain.head(INFO)).toBeGreaterThan(0);
    // Now from the store; still one upstream fetch each.
    expect((await body(await proxy.handle(`/${ZIP}`))).equals(mod.zip)).toBe(true);
    expect(up.calls).toEqual({ zip: 1, mod: 1, info: 1 });
  });

  it('logs a write that fails after the answer, and pulls the artifact again next time', async () => {
    const store = new GatedStorage(storeDir());
    store.fail = new Error('disk full');
    const up = source();
    const { proxy, lines } = setup(store, up);
    expect((await body(await proxy.handle(`/${ZIP}`))).equals(mod.zip)).toBe(true);
    store.open();
    await proxy.settled();
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ event: 'store-write-failed', key: ZIP, error: 'disk full' }),
    ]);
    expect(await new DirStorage(store.root).head(ZIP)).toBeUndefined();
    store.fail = undefined;
    expect((await body(await proxy.handle(`/${ZIP}`))).equals(mod.zip)).toBe(true);
    await proxy.settled();
    expect(up.calls.zip).toBe(2);
    expect(await new DirStorage(store.root).head(HASH)).toBeGreaterThan(0);
  });

  it('with no write-behind budget, answers only once the store holds the artifact', async () => {
    const dir = storeDir();
    const { proxy } = setup(new DirStorage(dir), source(), { writeBehindBytes: 0 });
    expect((await proxy.handle(`/${ZIP}`)).status).toBe(200);
    // No settled() here: the write happened before the answer.
    expect(await new DirStorage(dir).head(HASH)).toBeGreaterThan(0);
    expect(await new DirStorage(dir).head(ZIP)).toBe(mod.zip.length);
  });

  it('refuses a zip other than the one the store already holds for the version', async () => {
    const dir = storeDir();
    const first = setup(new DirStorage(dir), source(other));
    expect((await first.proxy.handle(`/${ZIP}`)).status).toBe(200);
    await first.proxy.settled();
    // A second instance on the same store whose upstream sends other bytes, and which looked before
    // the first had stored the version (its two looks before pulling, one before and one inside its
    // single flight, are told the .ziphash is absent): its check before answering finds it and refuses.
    const racy = (misses: number) =>
      new (class extends DirStorage {
        override async head(key: string): Promise<number | undefined> {
          if (key === HASH && misses-- > 0) return undefined;
          return super.head(key);
        }
      })(dir);
    const second = setup(racy(2), source(mod));
    await expect(second.proxy.handle(`/${ZIP}`)).rejects.toMatchObject({
      code: 'serve-verify',
      message: expect.stringContaining('already holds a .zip hashing to'),
    });
    // One that also missed it then (the other wrote in between): the write finds it and logs it.
    const third = setup(racy(3), source(mod));
    expect((await body(await third.proxy.handle(`/${ZIP}`))).equals(mod.zip)).toBe(true);
    await third.proxy.settled();
    expect(third.lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        event: 'store-write-failed',
        error: expect.stringContaining('already holds'),
      }),
    ]);
    // The store still holds the first zip.
    expect((await readObject((await new DirStorage(dir).get(ZIP))!)).equals(other.zip)).toBe(true);
  });

  it("pulls a version's .mod and zip once its .info is pulled, and not on a .mod alone or when turned off", async () => {
    const up = source();
    const { proxy } = setup(new DirStorage(storeDir()), up);
    expect((await proxy.handle(`/${MOD}`)).status).toBe(200);
    await proxy.settled();
    expect(up.calls).toEqual({ mod: 1 });
    expect((await proxy.handle(`/${INFO}`)).status).toBe(200);
    await proxy.settled();
    expect(up.calls).toEqual({ mod: 1, info: 1, zip: 1 });
    // The client's own request finds it verified and stored.
    const zip = await proxy.handle(`/${ZIP}`);
    expect(zip.source).toBe('store');
    expect((await body(zip)).equals(mod.zip)).toBe(true);
    expect(up.calls.zip).toBe(1);

    const off = source();
    const quiet = setup(new DirStorage(storeDir()), off, { prefetch: false });
    expect((await quiet.proxy.handle(`/${INFO}`)).status).toBe(200);
    await quiet.proxy.settled();
    expect(off.calls).toEqual({ info: 1 });
    // A version whose .mod was not asked for yet: it is pulled with the zip.
    const both = source();
    const eager = setup(new DirStorage(storeDir()), both);
    expect((await eager.proxy.handle(`/${INFO}`)).status).toBe(200);
    await eager.proxy.settled();
    expect(both.calls).toEqual({ info: 1, mod: 1, zip: 1 });
    expect((await eager.proxy.handle(`/${MOD}`)).source).toBe('store');
    expect(both.calls.mod).toBe(1);
  });

  it('a zip request arriving while the zip is prefetched shares that pull', async () => {
    const store = new GatedStorage(storeDir());
    const up = source();
    const { proxy } = setup(store, up);
    expect((await proxy.handle(`/${INFO}`)).status).toBe(200);
    const zip = await proxy.handle(`/${ZIP}`);
    expect((await body(zip)).equals(mod.zip)).toBe(true);
    store.open();
    await proxy.settled();
    expect(up.calls).toEqual({ info: 1, mod: 1, zip: 1 });
  });

  it("a request whose store lookup outlasts another pull of the same zip takes that pull's bytes", async () => {
    // B's first look at the store is held until A's pull has been answered (its write still waiting):
    // B then finds no flight and no stored zip, and must not pull the zip a second time.
    let releaseLook!: () => void;
    const lookHeld = new Promise<void>((r) => {
      releaseLook = r;
    });
    let looks = 0;
    const store = new (class extends GatedStorage {
      override async head(key: string): Promise<number | undefined> {
        const found = await super.head(key);
        // A looks twice (before its flight and inside it); B's first look is the third.
        if (key === HASH && ++looks === 3) await lookHeld;
        return found;
      }
    })(storeDir());
    const up = source();
    const { proxy } = setup(store, up, { prefetch: false });
    const a = proxy.handle(`/${ZIP}`);
    while (looks < 2) await new Promise((r) => setTimeout(r, 1));
    const b = proxy.handle(`/${ZIP}`);
    expect((await body(await a)).equals(mod.zip)).toBe(true);
    releaseLook();
    expect((await body(await b)).equals(mod.zip)).toBe(true);
    expect(up.calls).toEqual({ zip: 1 });
    store.open();
    await proxy.settled();
  });
});
