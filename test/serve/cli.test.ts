// `mochi-pkg serve` as a process: it answers, logs JSON lines, and stops gracefully on SIGTERM; limits.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/go/sumdb/index.js';
import { startServeFromConfig } from '../../src/serve/index.js';
import { startServer } from '../go/support/server.js';
import { cli } from '../support/cli.js';

const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));

/** `mochi-pkg serve --listen 127.0.0.1:0 <args>` from the sources, its stderr (and stdout if asked) piped. */
const spawnServe = (args: readonly string[], stdout: 'ignore' | 'pipe' = 'ignore') =>
  spawn(process.execPath, ['--import', 'tsx', child, 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mochi-serve-cli-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

it('serves until SIGTERM, logging one JSON line per request, and exits 0', async () => {
  const proc = spawnServe(['--storage', `dir:${work}/store`, '--go-proxy', 'off']);
  const lines: string[] = [];
  const rl = createInterface({ input: proc.stderr as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    rl.on('line', (l) => {
      lines.push(l);
      const m = /listening on (\S+)/.exec(l);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (c) => reject(new Error(`serve exited early (${c})`)));
  });
  expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
  expect((await fetch(`${url}/example.com/x/@v/list`)).status).toBe(404);
  const code = await new Promise<number | null>((resolve) => {
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
  });
  expect(code).toBe(0);
  const logs = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logs.map((l) => [l.method, l.path, l.status])).toEqual([
    ['GET', '/healthz', 200],
    ['GET', '/example.com/x/@v/list', 404],
  ]);
  expect(lines.at(-1)).toContain('shutting down');
});

it('with --json, prints the URL it listens on (the port chosen for :0) as the first JSON line on stdout', async () => {
  const proc = spawnServe(
    [
      '--json',
      '--storage',
      `dir:${work}/store-json`,
      '--go-proxy',
      'off',
      '--index-url',
      'off',
      '--access-log',
      'stdout',
    ],
    'pipe',
  );
  try {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    const lines: string[] = [];
    const closed = new Promise((r) => rl.once('close', r));
    const first = await new Promise<string>((resolve, reject) => {
      rl.on('line', (l) => {
        lines.push(l);
        if (lines.length === 1) resolve(l);
      });
      proc.once('exit', (c) => reject(new Error(`serve exited early (${c})`)));
    });
    const listening = JSON.parse(first) as { url: string; storage: string };
    expect(listening).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/),
      storage: expect.stringContaining('store-json'),
    });
    expect(await (await fetch(`${listening.url}/healthz`)).text()).toBe('ok\n');
    const code = await new Promise<number | null>((resolve) => {
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    });
    expect(code).toBe(0);
    await closed;
    // The access log follows on the same stream, one JSON line per request.
    expect(lines.slice(1).map((l) => (JSON.parse(l) as { path: string }).path)).toEqual(['/healthz']);
  } finally {
    proc.kill('SIGKILL');
  }
}, 30_000);

it('answers 429 past the per-address rate limit', async () => {
  const inst = await startServeFromConfig({
    listen: '127.0.0.1:0',
    storage: `dir:${work}/store2`,
    goProxy: 'off',
    sumdb: 'off',
    ratePerSecond: 2,
    now: () => 0,
    cwd: work,
    env: {},
  });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${inst.url}/healthz`)).status);
    // Burst of two seconds' worth (4), then refused while the clock stands still.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  } finally {
    await inst.shutdown(100);
  }
});

it('refuses bad flags with usage errors', async () => {
  expect((await cli('serve', '--private-mode', 'maybe')).code).toBe(2);
  expect((await cli('serve', '--listen', 'nope', '--go-proxy', 'off')).err).toContain('serve-config');
  expect((await cli('serve', '--storage', 's3://B')).err).toContain('is not s3://');
  const both = await cli('serve', '--index-url', 'off', '--index-url', 'https://pypi.org/simple/');
  expect([both.code, both.err]).toEqual([2, expect.stringContaining('--index-url off cannot be combined')]);
  expect((await cli('serve', '--memory-cache', 'lots')).code).toBe(2);
  const badIndex = await cli('serve', '--index-url', 'ftp://x/simple/', '--go-proxy', 'off');
  expect(badIndex.err).toContain('registry-bad-url');
  const badProxy = await cli('serve', '--go-proxy', 'ftp://q', '--index-url', 'off');
  expect([badProxy.code, badProxy.err]).toEqual([
    2,
    expect.stringContaining('error[proxy-config]: --go-proxy: invalid proxy URL scheme'),
  ]);
  const badSumdb = await cli('serve', '--sumdb', 'a b c', '--go-proxy', 'off', '--index-url', 'off');
  expect([badSumdb.code, badSumdb.err]).toEqual([
    2,
    expect.stringContaining('error[sumdb-config]: --sumdb: invalid GOSUMDB "a b c": too many fields'),
  ]);
  expect(badSumdb.err).toContain('hint: --sumdb is a GOSUMDB value: off, sum.golang.org');
});

it('a store that cannot be created is serve-storage (exit 1); a port in use is serve-config (exit 2)', async () => {
  const file = join(work, 'a-file');
  writeFileSync(file, '');
  const off = ['--go-proxy', 'off', '--index-url', 'off', '--listen', '127.0.0.1:0'];
  const bad = await cli('serve', '--storage', `dir:${file}/store`, ...off);
  expect([bad.code, bad.err]).toEqual([
    1,
    expect.stringContaining('error[serve-storage]: cannot create the store directory'),
  ]);
  expect(bad.err).toContain(`${file}/store: ENOTDIR`);
  expect(bad.err).not.toContain('internal');
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = taken.address() as { port: number };
    const r = await cli(
      'serve',
      '--storage',
      `dir:${work}/store5`,
      '--go-proxy',
      'off',
      '--index-url',
      'off',
      '--listen',
      `127.0.0.1:${port}`,
    );
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringContaining(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`),
    ]);
  } finally {
    taken.close();
  }
  // What --help promises is what the codes are.
  expect((await cli('serve', '--help')).out).toContain('1 the store failed · 2 bad usage, or an address');
});

it('a --tmp-dir that cannot be created stops serve at start (serve-config), not every .zip with a 500', async () => {
  const file = join(work, 'another-file');
  writeFileSync(file, '');
  const r = await cli(
    'serve',
    '--storage',
    `dir:${work}/store6`,
    '--go-proxy',
    'off',
    '--index-url',
    'off',
    '--listen',
    '127.0.0.1:0',
    '--tmp-dir',
    `${file}/tmp`,
  );
  expect([r.code, r.err]).toEqual([
    2,
    expect.stringContaining(`error[serve-config]: --tmp-dir ${file}/tmp: cannot create or write it: ENOTDIR`),
  ]);
});

it('stops promptly on SIGTERM while an upstream still drips a zip it is pulling', async () => {
  // The .info starts a prefetch of the .zip, which the upstream sends one byte a second: nobody
  // waits for it, and it must not hold the process until the download's deadline (over a minute).
  let dripping = 0;
  const upstream = await startServer((req, res) => {
    if (req.url?.endsWith('.info')) return res.end('{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
    if (!req.url?.endsWith('.zip')) return res.writeHead(404).end('not found');
    dripping++;
    res.writeHead(200, { 'content-length': '100000' });
    const t = setInterval(() => res.write('x'), 1000);
    res.on('close', () => clearInterval(t));
  });
  const proc = spawnServe([
    '--storage',
    `dir:${work}/store-drip`,
    '--go-proxy',
    upstream.base,
    '--index-url',
    'off',
    '--access-log',
    'off',
  ]);
  try {
    const rl = createInterface({ input: proc.stderr as NodeJS.ReadableStream });
    const url = await new Promise<string>((resolve, reject) => {
      rl.on('line', (l) => {
        const m = /listening on (\S+)/.exec(l);
        if (m) resolve(m[1] as string);
      });
      proc.once('exit', (c) => reject(new Error(`serve exited early (${c})`)));
    });
    expect((await fetch(`${url}/drip.example/m/@v/v1.0.0.info`)).status).toBe(200);
    for (let i = 0; i < 50 && dripping === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(dripping).toBe(1);
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const late = setTimeout(() => resolve('still running'), 8000);
      proc.once('exit', (c) => {
        clearTimeout(late);
        resolve(c);
      });
      proc.kill('SIGTERM');
    });
    expect(code).toBe(0);
  } finally {
    proc.kill('SIGKILL');
    await upstream.close();
  }
}, 30_000);

describe('on shutdown, upstream requests still running end', () => {
  /** An upstream that answers v1.0.0's `.info` and nothing else ever; counts requests still open. */
  async function hangingUpstream() {
    let open = 0;
    const paths: string[] = [];
    const server = await startServer((req, res) => {
      paths.push(req.url ?? '');
      if (req.url?.endsWith('/v1.0.0.info'))
        return res.end('{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}');
      open++;
      res.on('close', () => open--);
    });
    return { server, open: () => open, paths };
  }
  const start = (base: string, store: string, prefetch: boolean, sumdb = 'off') =>
    startServeFromConfig({
      listen: '127.0.0.1:0',
      storage: `dir:${work}/${store}`,
      goProxy: base,
      sumdb,
      indexUrls: [`${base}/simple/`],
      prefetch,
      cwd: work,
      env: {},
    });
  /** Resolves to how long `p` took (ms), or 'still running' after `ms`. */
  const within = async (p: Promise<unknown>, ms: number) => {
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'still running'>((r) => {
      timer = setTimeout(() => r('still running'), ms);
    });
    const r = await Promise.race([p.then(() => performance.now() - t0), late]);
    clearTimeout(timer);
    return r;
  };

  /**
   * Asks `url` of a running instance whose upstream hangs, waits for the upstream request, then shuts
   * the instance down: the shutdown takes the grace period, not the upstream's deadline, the client's
   * request is cut and no upstream request stays open. `upstreamAsked` checks what reached upstream.
   */
  const cutAtShutdown = async (
    inst: Awaited<ReturnType<typeof start>>,
    up: Awaited<ReturnType<typeof hangingUpstream>>,
    url: string,
    upstreamAsked: () => void,
  ) => {
    const asked = fetch(url).then(
      (r) => r.status,
      () => 'cut',
    );
    for (let i = 0; i < 100 && up.open() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    upstreamAsked();
    expect(await within(inst.shutdown(100), 5000)).toBeLessThan(5000);
    expect(await asked).toBe('cut');
    for (let i = 0; i < 100 && up.open() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(up.open()).toBe(0);
  };

  it.each([
    ['a @v/list', '/hang.example/m/@v/list'],
    ['an @latest', '/hang.example/m/@latest'],
    ['a .mod', '/hang.example/m/@v/v1.0.0.mod'],
    ['an .info', '/hang.example/m/@v/master.info'],
    ['a Python project page', '/simple/hang/'],
  ])(
    '%s a client no longer waits for, once the grace period is over',
    async (_, path) => {
      const up = await hangingUpstream();
      const inst = await start(up.server.base, `store-hang-${up.server.port}`, false);
      try {
        await cutAtShutdown(inst, up, `${inst.url}${path}`, () => expect(up.open()).toBe(1));
      } finally {
        await up.server.close();
      }
    },
    20_000,
  );

  it.each([
    ['a lookup', '/lookup/hang.example/m@v1.0.0'],
    ['the latest tree', '/latest'],
  ])(
    '%s passed through to the checksum database',
    async (_, path) => {
      const up = await hangingUpstream();
      const { vkey } = generateKey('sum.hang.example', new Uint8Array(32).fill(3));
      const inst = await start(
        up.server.base,
        `store-hang-sumdb-${up.server.port}`,
        false,
        `${vkey} ${up.server.base}`,
      );
      try {
        await cutAtShutdown(inst, up, `${inst.url}/sumdb/sum.hang.example${path}`, () =>
          expect(up.paths).toEqual([path]),
        );
      } finally {
        await up.server.close();
      }
    },
    20_000,
  );

  it('a .mod being prefetched: shutdown does not wait for it to its deadline', async () => {
    const up = await hangingUpstream();
    const inst = await start(up.server.base, 'store-hang-prefetch', true);
    try {
      expect((await fetch(`${inst.url}/hang.example/m/@v/v1.0.0.info`)).status).toBe(200);
      for (let i = 0; i < 100 && up.open() < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(up.paths.filter((p) => !p.endsWith('.info')).sort()).toEqual([
        '/hang.example/m/@v/v1.0.0.mod',
        '/hang.example/m/@v/v1.0.0.zip',
      ]);
      expect(await within(inst.shutdown(100), 5000)).toBeLessThan(5000);
      for (let i = 0; i < 100 && up.open() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(up.open()).toBe(0);
    } finally {
      await up.server.close();
    }
  }, 20_000);
});
