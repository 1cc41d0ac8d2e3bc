// Two `serve` instances on one S3 store (moto_server on 127.0.0.1) under bounded concurrent load, and an
// instance killed in the middle of an upload. The load here is 50 clients × 4 requests; the full
// 50 × 200 runs in `npm run bench -- serve-s3` (it takes 40 s or more against moto on these machines).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeInstance, startServeFromConfig } from '../../src/serve/index.js';
import { openStorage } from '../../src/serve/storage.js';
import { type FixtureModule, fixtureModule, serveModules } from '../go/support/modules.js';
import type { TestServer } from '../go/support/server.js';
import { describeWithOracle } from '../support/oracles.js';
import { s3Oracle, startTestS3, type TestS3 } from '../support/s3.js';

const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));
const MODULES = 10;
const CLIENTS = 50;
const REQUESTS = 4;

let work = '';
let s3: TestS3;
let upstream: TestServer;
const mods: FixtureModule[] = [];

describeWithOracle(s3Oracle(), 'serve on S3 (moto_server)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mochi-serve-s3-'));
    s3 = await startTestS3();
    for (let i = 0; i < MODULES; i++) {
      mods.push(fixtureModule(`example.com/load/m${i}`, 'v1.0.0', { [`f${i}.go`]: `package m${i}\n` }));
    }
    // A module whose zip is large enough that its upload to the store takes many chunks.
    let noise = '';
    for (let h = 'big'; noise.length < 3_000_000; ) {
      h = createHash('sha256').update(h).digest('hex');
      noise += h;
    }
    mods.push(fixtureModule('example.com/load/big', 'v1.0.0', { 'big.go': `package big\n\n// ${noise}\n` }));
    upstream = await serveModules(mods);
  });
  afterAll(async () => {
    await upstream?.close();
    await s3?.close();
    rmSync(work, { recursive: true, force: true });
  });

  function config(prefix: string, env: NodeJS.ProcessEnv) {
    return {
      listen: '127.0.0.1:0',
      storage: `s3://${s3.bucket}/${prefix}`,
      goProxy: upstream.base,
      sumdb: 'off',
      listTtlMs: 600_000,
      tmpDir: join(work, `tmp-${Math.random().toString(36).slice(2)}`),
      cwd: work,
      env,
    };
  }

  describe('two serve instances on one S3 store', () => {
    it(`serve identical bytes to ${CLIENTS} clients × ${REQUESTS} requests, each zip pulled at most once per instance`, async () => {
      const a: ServeInstance = await startServeFromConfig(config('load', s3.env));
      const b: ServeInstance = await startServeFromConfig(config('load', s3.env));
      try {
        const paths = mods
          .filter((m) => !m.path.endsWith('/big'))
          .flatMap((m) => ['info', 'mod', 'zip'].map((x) => `/${m.path}/@v/${m.version}.${x}`));
        const digests = new Map<string, Set<string>>();
        const statuses = new Map<number, number>();
        // Client c sends request r to instance (c + r) % 2 for path (c * 7 + r) % paths.length.
        await Promise.all(
          Array.from({ length: CLIENTS }, async (_, c) => {
            for (let r = 0; r < REQUESTS; r++) {
              const inst = (c + r) % 2 === 0 ? a : b;
              const path = paths[(c * 7 + r) % paths.length] as string;
              const res = await fetch(`${inst.url}${path}`);
              const body = Buffer.from(await res.arrayBuffer());
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              const set = digests.get(path) ?? new Set<string>();
              set.add(createHash('sha256').update(body).digest('hex'));
              digests.set(path, set);
            }
          }),
        );
        expect([...statuses]).toEqual([[200, CLIENTS * REQUESTS]]);
        for (const [path, set] of digests) expect([path, set.size]).toEqual([path, 1]);
        for (const m of mods.filter((x) => !x.path.endsWith('/big'))) {
          const want = createHash('sha256').update(m.zip).digest('hex');
          expect(digests.get(`/${m.path}/@v/${m.version}.zip`)).toEqual(new Set([want]));
        }
        // Single flight per instance: no instance pulled any zip twice.
        for (const inst of [a, b]) expect(inst.metrics.upstreamCalls('zip')).toBeLessThanOrEqual(MODULES);
        const zipFetches = upstream.log.filter((l) => l.url.endsWith('.zip'));
        const perPath = new Map<string, number>();
        for (const l of zipFetches) perPath.set(l.url, (perPath.get(l.url) ?? 0) + 1);
        for (const [url, n] of perPath) expect([url, n <= 2]).toEqual([url, true]);
      } finally {
        await a.shutdown(100);
        await b.shutdown(100);
      }
    });
  });

  /** A TCP relay to s3rver that holds back a PUT of `match` after `afterBytes` and reports it. */
  async function stallingRelay(
    target: number,
    match: RegExp,
    afterBytes: number,
  ): Promise<{ port: number; stalled: Promise<void>; close(): Promise<void> }> {
    let onStall: () => void = () => {};
    const stalled = new Promise<void>((r) => {
      onStall = r;
    });
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const up = connect(target, '127.0.0.1');
      sockets.add(client);
      sockets.add(up);
      let seen = 0;
      let holding = false;
      let isMatch = false;
      client.on('data', (d: Buffer) => {
        if (holding) return;
        const head = d.toString('latin1', 0, Math.min(d.length, 2048));
        if (match.test(head)) isMatch = true;
        if (isMatch) {
          seen += d.length;
          if (seen > afterBytes) {
            holding = true;
            up.write(d.subarray(0, d.length - (seen - afterBytes)));
            onStall();
            return;
          }
        }
        up.write(d);
      });
      up.on('data', (d) => client.write(d));
      const end = () => {
        client.destroy();
        up.destroy();
      };
      client.on('error', end);
      up.on('error', end);
      client.on('close', end);
      up.on('close', end);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as { port: number }).port,
      stalled,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
  }

  /** `p`, or a named failure after `ms` (so a stuck step says which one it was). */
  function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  describe('an instance killed mid-upload', () => {
    it('leaves no partial object visible to readers', { timeout: 120_000 }, async () => {
      const big = mods.find((m) => m.path.endsWith('/big')) as FixtureModule;
      const s3port = Number(new URL(s3.endpoint).port);
      const relay = await stallingRelay(
        s3port,
        /^PUT \S*\/kill\/example\.com\/load\/big\/\S*\.zip[ ?]/,
        200_000,
      );
      let proc: ChildProcess | undefined;
      try {
        proc = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            child,
            'serve',
            '--listen',
            '127.0.0.1:0',
            '--storage',
            `s3://${s3.bucket}/kill`,
            '--go-proxy',
            upstream.base,
            '--access-log',
            'off',
            '--tmp-dir',
            join(work, 'tmp-kill'),
          ],
          {
            env: {
              ...process.env,
              ...s3.env,
              AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${relay.port}`,
              NODE_NO_WARNINGS: '1',
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        // Made before the kill: the exit can come before the aborted request settles, and a
        // listener added after it would wait forever.
        const exited = new Promise<void>((r) => proc?.once('exit', () => r()));
        const rl = createInterface({ input: proc.stderr as NodeJS.ReadableStream });
        const url = await new Promise<string>((resolve, reject) => {
          rl.on('line', (l) => {
            const m = /listening on (\S+)/.exec(l);
            if (m) resolve(m[1] as string);
          });
          proc?.once('exit', (c) => reject(new Error(`serve exited early (${c})`)));
        });
        const request = fetch(`${url}/example.com/load/big/@v/v1.0.0.zip`)
          .then(async (r) => Buffer.from(await r.arrayBuffer()))
          .catch((e: unknown) => e);
        await within(relay.stalled, 30_000, 'the upload of the big zip to reach the relay');
        proc.kill('SIGKILL');
        await within(exited, 10_000, 'the killed serve to exit');
        // The zip is answered once verified, while its upload goes on, so the client may have it
        // whole; or the kill cut the answer off. Never a part of it taken for the whole.
        const answer = await within(request, 10_000, 'the request to the killed serve to end');
        if (!(answer instanceof Error)) expect((answer as Buffer).equals(big.zip)).toBe(true);
      } finally {
        if (proc && proc.exitCode === null) proc.kill('SIGKILL');
        await relay.close();
      }
      const store = await openStorage(`s3://${s3.bucket}/kill`, { cwd: work, env: s3.env });
      try {
        expect(await store.head('example.com/load/big/@v/v1.0.0.zip')).toBeUndefined();
        expect(await store.head('example.com/load/big/@v/v1.0.0.ziphash')).toBeUndefined();
        // A fresh instance on the same store pulls it again and serves the whole zip.
        const again = await startServeFromConfig(config('kill', s3.env));
        try {
          const res = await fetch(`${again.url}/example.com/load/big/@v/v1.0.0.zip`);
          const body = Buffer.from(await res.arrayBuffer());
          expect(body.equals(big.zip)).toBe(true);
        } finally {
          await again.shutdown(100);
        }
        expect(await store.head('example.com/load/big/@v/v1.0.0.zip')).toBeGreaterThan(200_000);
      } finally {
        await store.close();
      }
    });
  });
});
