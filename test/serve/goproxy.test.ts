// `serve` as users run it: the real `go` builds a module graph through it (checksum database proxied
// too), falls through its 404s, and a hostile upstream never gets a byte into the store.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAndHashZip } from '../../src/go/cache/index.js';
import { hashGoMod } from '../../src/go/dirhash/index.js';
import type { ModuleSource } from '../../src/go/proxy/index.js';
import { generateKey, httpSumdbFetch, SumdbClient } from '../../src/go/sumdb/index.js';
import { GoProxy } from '../../src/serve/goproxy.js';
import { Metrics, type ServeInstance, startServe, startServeFromConfig } from '../../src/serve/index.js';
import { DirStorage } from '../../src/serve/storage.js';
import { SumdbProxy, type SumdbUpstream } from '../../src/serve/sumdb.js';
import { type FixtureModule, fixtureModule, serveModules } from '../go/support/modules.js';
import type { TestServer } from '../go/support/server.js';
import { buildGoProgram, describeWithOracle, goCommandEnv, goOracle } from '../support/oracles.js';

const NAME = 'sumdb.serve.test';
const { skey, vkey } = generateKey(NAME, new Uint8Array(32).fill(7));
const CHAIN = 8;

/** Runs `go` without blocking the event loop: the server under test lives in this process. */
async function go(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<string> {
  const { stdout } = await promisify(execFile)('go', args, { ...options, maxBuffer: 1 << 24 });
  return stdout;
}

/** A chain example.com/s/m0 → m1 → … (two versions each; each package imports the next). */
function graph(): FixtureModule[] {
  const mods: FixtureModule[] = [];
  for (let i = 0; i < CHAIN; i++) {
    const path = `example.com/s/m${i}`;
    for (const version of ['v1.0.0', 'v1.1.0']) {
      const next = i + 1 < CHAIN ? `example.com/s/m${i + 1}` : undefined;
      const gomod = `module ${path}\n\ngo 1.19\n${next ? `\nrequire ${next} v1.0.0\n` : ''}`;
      const src = next ? `package m${i}\n\nimport _ "${next}"\n` : `package m${i}\n`;
      mods.push(fixtureModule(path, version, { 'go.mod': gomod, 'p.go': src }));
    }
  }
  mods.push(fixtureModule('example.com/s/Extra', 'v1.0.0'));
  mods.push(fixtureModule('example.com/bad/liar', 'v1.0.0'));
  mods.push(fixtureModule('example.com/bad/wrongzip', 'v1.0.0'));
  // Hex of a hash chain: hardly compressible, so the zip is well over the 3000-byte cap.
  let noise = '';
  for (let h = 'seed'; noise.length < 12_000; ) {
    h = createHash('sha256').update(h).digest('hex');
    noise += h;
  }
  mods.push(fixtureModule('example.com/bad/big', 'v1.0.0', { 'big.go': `package big\n\n// ${noise}\n` }));
  mods.push(fixtureModule('example.com/priv/secret', 'v1.0.0'));
  return mods;
}

let work = '';
let upstream: TestServer;
let sumdbChild: ChildProcess;
let sumdbUrl = '';
let serve: ServeInstance;
const mods = graph();

async function sumRecords(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of mods) {
    let zipHash = await checkAndHashZip(`${m.path}.zip`, m.path, m.version, m.zip);
    let modHash = hashGoMod(m.mod);
    // The database's record of the liar says other bytes than the upstream serves.
    if (m.path === 'example.com/bad/liar') {
      const other = fixtureModule(m.path, m.version, { 'foo.go': 'package foo // the real one\n' });
      zipHash = await checkAndHashZip('other.zip', m.path, m.version, other.zip);
      modHash = hashGoMod(Buffer.from(`module ${m.path}\n\ngo 1.20\n`));
    }
    out[`${m.path}@${m.version}`] =
      `${m.path} ${m.version} ${zipHash}\n${m.path} ${m.version}/go.mod ${modHash}\n`;
  }
  return out;
}

describeWithOracle(goOracle(), 'serve: GOPROXY with the real go', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mochi-serve-go-'));
    upstream = await serveModules(mods, (req, res) => {
      // A hostile upstream: this zip is a module zip of another module.
      if (req.url === '/example.com/bad/wrongzip/@v/v1.0.0.zip') {
        const z = fixtureModule('example.com/bad/other', 'v1.0.0').zip;
        res.writeHead(200, { 'content-length': String(z.length) }).end(z);
        return true;
      }
      return false;
    });
    const records = join(work, 'records.json');
    writeFileSync(records, JSON.stringify(await sumRecords()));
    const bin = buildGoProgram(join(import.meta.dirname, '../oracles/sumdb/main.go'));
    sumdbChild = spawn(bin, ['serve', skey, records, '120'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const rl = createInterface({ input: sumdbChild.stdout as NodeJS.ReadableStream });
    sumdbUrl = await new Promise<string>((resolve) => rl.once('line', resolve));
    rl.close();
    serve = await startServeFromConfig({
      listen: '127.0.0.1:0',
      storage: `dir:${join(work, 'store')}`,
      goProxy: upstream.base,
      sumdb: `${vkey} ${sumdbUrl}`,
      privatePatterns: 'example.com/priv',
      maxZipBytes: 3000,
      tmpDir: join(work, 'tmp'),
      cwd: work,
      env: {},
    });
  });
  afterAll(async () => {
    await serve?.shutdown(100);
    await upstream?.close();
    sumdbChild?.stdin?.end();
    rmSync(work, { recursive: true, force: true });
  });

  const goEnv = (dir: string, goproxy: string, gosumdb: string) => ({
    ...goCommandEnv(dir, goproxy),
    GOSUMDB: gosumdb,
    GOFLAGS: '-modcacherw -mod=mod',
  });

  it('go builds a module graph through serve, checking sums through its checksum-database proxy', async () => {
    const dir = mkdtempSync(join(work, 'go-'));
    const main = join(dir, 'main');
    mkdirSync(main);
    writeFileSync(
      join(main, 'go.mod'),
      'module example.com/main\n\ngo 1.19\n\nrequire example.com/s/m0 v1.1.0\n',
    );
    writeFileSync(join(main, 'main.go'), 'package main\n\nimport _ "example.com/s/m0"\n\nfunc main() {}\n');
    // GOSUMDB names the key only: go asks the proxy's /sumdb/<name>/supported and uses it.
    await go(['build', './...'], { cwd: main, env: goEnv(dir, serve.url, vkey) });
    const sum = (await go(['list', '-m', 'all'], { cwd: main, env: goEnv(dir, serve.url, vkey) }))
      .trim()
      .split('\n');
    expect(sum).toEqual([
      'example.com/main',
      ...Array.from({ length: CHAIN }, (_, i) => `example.com/s/m${i} ${i === 0 ? 'v1.1.0' : 'v1.0.0'}`),
    ]);
    // Artifacts are answered before their store write lands; wait for the writes.
    await serve.settled();
    const stored = readdirSync(join(work, 'store', 'example.com', 's', 'm3', '@v')).sort();
    expect(stored).toEqual(['v1.0.0.info', 'v1.0.0.mod', 'v1.0.0.zip', 'v1.0.0.ziphash']);
  });

  it('a store-only instance serves what was pulled; go falls through its 404 to the next proxy', async () => {
    const storeOnly = await startServeFromConfig({
      listen: '127.0.0.1:0',
      storage: `dir:${join(work, 'store')}`,
      goProxy: 'off',
      sumdb: 'off',
      cwd: work,
      env: {},
    });
    try {
      const dir = mkdtempSync(join(work, 'go-'));
      const env = goEnv(dir, storeOnly.url, 'off');
      const out = await go(['mod', 'download', '-json', 'example.com/s/m5@v1.0.0'], { env });
      expect(JSON.parse(out)).toMatchObject({ Path: 'example.com/s/m5', Version: 'v1.0.0' });
      expect(storeOnly.metrics.render()).toMatch(/mochi_serve_cache_total\{result="hit"\} [1-9]/);
      // Not in the store: 404, so `go` moves on to the upstream after the comma.
      const env2 = goEnv(dir, `${storeOnly.url},${upstream.base}`, 'off');
      const extra = await go(['mod', 'download', '-json', 'example.com/s/Extra@v1.0.0'], { env: env2 });
      expect(JSON.parse(extra)).toMatchObject({ Path: 'example.com/s/Extra' });
      const r = await fetch(`${storeOnly.url}/example.com/s/!extra/@v/v1.0.0.info`);
      expect(r.status).toBe(404);
      expect(await r.text()).toMatch(/^not found: /);
    } finally {
      await storeOnly.shutdown(100);
    }
  });

  it('serves a module path with upper-case letters as go asks for it (%21 for the escaping !)', async () => {
    const dir = mkdtempSync(join(work, 'go-'));
    // GOPROXY=<serve> alone: a 404 here would fail the download, not fall through.
    const out = await go(['mod', 'download', '-json', 'example.com/s/Extra@v1.0.0'], {
      env: goEnv(dir, serve.url, vkey),
    });
    expect(JSON.parse(out)).toMatchObject({ Path: 'example.com/s/Extra', Version: 'v1.0.0' });
    expect(JSON.parse(out)).not.toHaveProperty('Error');
    await serve.settled();
    const stored = readdirSync(join(work, 'store', 'example.com', 's', '!extra', '@v')).sort();
    expect(stored).toEqual(['v1.0.0.info', 'v1.0.0.mod', 'v1.0.0.zip', 'v1.0.0.ziphash']);
    // Both spellings name the same file; a malformed escape is not a path.
    const raw = await fetch(`${serve.url}/example.com/s/!extra/@v/v1.0.0.mod`);
    const encoded = await fetch(`${serve.url}/example.com/s/%21extra/@v/v1.0.0.mod`);
    expect([raw.status, encoded.status]).toEqual([200, 200]);
    expect(await encoded.text()).toBe(await raw.text());
    const bad = await fetch(`${serve.url}/example.com/s/%E0%A4%A/@v/list`);
    expect([bad.status, await bad.text()]).toEqual([404, expect.stringMatching(/^not found: /)]);
    const dots = await fetch(`${serve.url}/example.com/%2e%2e/s/m0/@v/list`);
    expect(dots.status).toBe(404);
  });

  it('refuses what the upstream lies about, and stores none of it', async () => {
    const cases: [string, RegExp][] = [
      [
        '/example.com/bad/liar/@v/v1.0.0.zip',
        /serve-verify: example.com\/bad\/liar@v1.0.0: verifying module: checksum mismatch\n\tdownloaded: h1:/,
      ],
      ['/example.com/bad/liar/@v/v1.0.0.mod', /serve-verify: .*checksum mismatch/],
      [
        '/example.com/bad/wrongzip/@v/v1.0.0.zip',
        /serve-verify: example.com\/bad\/wrongzip@v1.0.0: upstream .zip from http:\/\/127\.0\.0\.1:\d+\/example\.com\/bad\/wrongzip\/@v\/v1\.0\.0\.zip refused/,
      ],
      ['/example.com/bad/big/@v/v1.0.0.zip', /serve-verify: .*exceeds 3000 bytes/],
    ];
    for (const [path, message] of cases) {
      const r = await fetch(`${serve.url}${path}`);
      expect([path, r.status]).toEqual([path, 502]);
      expect(await r.text()).toMatch(message);
    }
    for (const m of ['liar', 'wrongzip', 'big']) {
      const names = (await serve.storage.list(`example.com/bad/${m}/@v/`)).filter(
        (n) => !n.endsWith('.info'),
      );
      expect([m, names]).toEqual([m, []]);
    }
    expect(readdirSync(join(work, 'tmp'))).toEqual([]);
    expect(serve.metrics.render()).toMatch(/mochi_serve_rejected_total [4-9]/);
  });

  it('fetches a missing zip once for many concurrent requests', async () => {
    const store = new DirStorage(mkdtempSync(join(work, 'sf-')));
    const go = new GoProxy({
      storage: store,
      upstream: (await import('../../src/go/proxy/index.js')).fromGoProxy(upstream.base),
      tmpDir: join(work, 'tmp-sf'),
    });
    const path = '/example.com/s/m7/@v/v1.1.0.zip';
    const before = upstream.log.filter((l) => l.url === path).length;
    const replies = await Promise.all(Array.from({ length: 30 }, () => go.handle(path)));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(upstream.log.filter((l) => l.url === path).length - before).toBe(1);
  });

  it('refuses private modules with a 404, answers /healthz and /metrics, rejects other methods', async () => {
    const priv = await fetch(`${serve.url}/example.com/priv/secret/@v/v1.0.0.info`);
    expect(priv.status).toBe(404);
    expect(await priv.text()).toContain('private module');
    expect(upstream.log.some((l) => l.url.includes('/priv/'))).toBe(false);
    expect(await (await fetch(`${serve.url}/healthz`)).text()).toBe('ok\n');
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/mochi_serve_requests_total\{area="go",code="200"\} [1-9]/);
    expect(metrics).toMatch(/mochi_serve_upstream_seconds_count\{op="zip"\} [1-9]/);
    expect((await fetch(`${serve.url}/x/@v/list`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${serve.url}/not-a-path`)).status).toBe(404);
  });

  it('verifies checksum-database tiles against the signed tree before storing them', async () => {
    const note = await (await fetch(`${serve.url}/sumdb/${NAME}/latest`)).text();
    const size = Number(note.split('\n')[1]);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(256);
    const tiles = [`tile/8/0/000.p/${size}`, `tile/8/data/000.p/${size}`];
    for (const tile of tiles) {
      const r = await fetch(`${serve.url}/sumdb/${NAME}/${tile}`);
      expect([tile, r.status]).toEqual([tile, 200]);
      const direct = Buffer.from(await (await fetch(`${sumdbUrl}/${tile}`)).arrayBuffer());
      expect(Buffer.from(await r.arrayBuffer()).equals(direct)).toBe(true);
      expect(await serve.storage.head(`sumdb/${NAME}/${tile}`)).toBe(direct.length);
    }
    // A tile beyond the signed tree is not found (go falls back to the database).
    expect((await fetch(`${serve.url}/sumdb/${NAME}/tile/8/0/001`)).status).toBe(404);

    // A database (or a path to it) that alters one kind of tile: nothing of it is stored.
    const lying =
      (kind: '/0/' | '/data/'): SumdbUpstream =>
      async (path) => {
        const res = await fetch(`${sumdbUrl}${path}`);
        const body = new Uint8Array(await res.arrayBuffer());
        if (path.includes(kind) && body.length > 40) {
          // In a data tile, a digit of an h1: hash; in a hash tile, a byte of a hash.
          const at = kind === '/data/' ? Buffer.from(body).indexOf('h1:') + 5 : 7;
          body[at] = body[at] === 0x41 ? 0x42 : 0x41;
        }
        return { status: res.status, body };
      };
    for (const [kind, tile] of [
      ['/0/', tiles[0]],
      ['/data/', tiles[1]],
    ] as const) {
      const store = new DirStorage(mkdtempSync(join(work, 'tiles-')));
      const proxy = new SumdbProxy(
        NAME,
        lying(kind),
        store,
        new SumdbClient({ key: vkey, fetch: httpSumdbFetch(sumdbUrl) }),
      );
      await expect(proxy.handle(`/sumdb/${NAME}/${tile}`)).rejects.toMatchObject({ code: 'serve-verify' });
      expect(await store.head(`sumdb/${NAME}/${tile}`)).toBeUndefined();
    }
  });
});

describe('serve: cache headers of .info answers', () => {
  it('marks a version immutable, but not a query (master, v1) whose answer moves', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mochi-serve-query-'));
    const info = { Version: 'v1.0.0', Time: '2024-01-01T00:00:00Z' };
    const upstream: ModuleSource = {
      list: async () => ['v1.0.0'],
      latest: async () => info,
      info: async () => info,
      mod: async () => Buffer.from('module example.com/q\n'),
      zip: async () => {
        throw new Error('no zips here');
      },
    };
    const go = new GoProxy({
      storage: new DirStorage(root),
      upstream,
      tmpDir: join(root, 'tmp'),
      prefetch: false,
    });
    const server = await startServe({ go, metrics: new Metrics() }, '127.0.0.1', 0);
    try {
      const cache = async (file: string) => {
        const r = await fetch(`${server.url}/example.com/q/@v/${file}`);
        expect(r.status).toBe(200);
        return r.headers.get('cache-control');
      };
      // A CDN in front would keep `master` (or `v1`) pointing at v1.0.0 for a year.
      expect(await cache('master.info')).toBe('public, max-age=60');
      expect(await cache('v1.info')).toBe('public, max-age=60');
      expect(await cache('v1.0.0.info')).toBe('public, max-age=31536000, immutable');
      await go.settled();
      expect(await cache('v1.0.0.info')).toBe('public, max-age=31536000, immutable');
      expect(await cache('v1.0.0.mod')).toBe('public, max-age=31536000, immutable');
    } finally {
      await server.close(100);
      // The last answer's own write to storage may still be under way: let it end first.
      await go.settled();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
