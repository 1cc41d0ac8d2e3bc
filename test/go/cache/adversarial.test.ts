// A hostile proxy: every misbehaviour ends in a typed error naming module, version and URL, and the
// cache shows nothing unverified afterwards.
import { mkdtemp, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { download } from '../../../src/go/cache/download.js';
import { Cache } from '../../../src/go/cache/store.js';
import { Client, MAX_LIST_BYTES, MAX_MOD_BYTES } from '../../../src/go/proxy/client.js';
import { ProxyError } from '../../../src/go/proxy/errors.js';
import { buildZip } from '../../support/zipbuild.js';
import { fixtureModule, serveModules } from '../support/modules.js';
import { startRawServer, type TestServer } from '../support/server.js';

const M = 'example.com/foo';
const V = 'v1.0.0';
const foo = fixtureModule(M, V);
const opts = { sleep: async () => {}, retries: 2, connectTimeoutMs: 1000, readTimeoutMs: 150 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Hook = (req: IncomingMessage, res: ServerResponse, n: number) => boolean;
const on =
  (suffix: string, act: (res: ServerResponse, n: number) => void): Hook =>
  (req, res, n) => {
    if (!req.url?.split('?')[0]?.endsWith(suffix)) return false;
    act(res, n);
    return true;
  };

/** Runs a download against the server and returns its ProxyError; checks the cache stayed clean. */
async function failDownload(base: string, version = V): Promise<ProxyError> {
  const cache = await Cache.open(await mkdtemp(join(tmpdir(), 'adv-')));
  const err = await download(cache, new Client({ ...opts, baseUrl: base }), M, version).catch(
    (e: unknown) => e,
  );
  if (!(err instanceof ProxyError)) throw new Error(`expected a ProxyError, got ${String(err)}`);
  expect(await cache.has(M, V)).toBe(false);
  const files = (await readdir(cache.root, { recursive: true })).map(String);
  expect(files.filter((f) => /\.(zip|ziphash)$|\.tmp-/.test(f))).toEqual([]);
  return err;
}

function expectNamed(e: ProxyError, code: string, urlSuffix: string, version: string | null = V): void {
  expect(e.code).toBe(code);
  expect(e.module).toBe(M);
  expect(e.version).toBe(version ?? undefined);
  expect(e.url?.endsWith(urlSuffix)).toBe(true);
  expect(e.message).toContain(version === null ? M : `${M}@${version}`);
  expect(e.message).toContain(e.url);
}

describe('adversarial proxy', () => {
  it('oversized .mod', async () => {
    server = await serveModules(
      [foo],
      on('.mod', (res) => res.end(Buffer.alloc(MAX_MOD_BYTES + 10, 0x61))),
    );
    expectNamed(await failDownload(server.base), 'proxy-too-large', '/@v/v1.0.0.mod');
  });

  it('zip entries under the wrong prefix', async () => {
    const wrong = buildZip([{ name: 'example.com/bar@v1.0.0/go.mod', data: 'module example.com/bar\n' }]);
    server = await serveModules(
      [foo],
      on('.zip', (res) => res.end(wrong)),
    );
    const e = await failDownload(server.base);
    expectNamed(e, 'proxy-bad-response', '/@v/v1.0.0.zip');
    expect(e.message).toContain('zip rejected');
  });

  it('a zip that x/mod would refuse (case-fold collision)', async () => {
    const colliding = buildZip([
      { name: 'example.com/foo@v1.0.0/go.mod', data: 'module example.com/foo\n' },
      { name: 'example.com/foo@v1.0.0/A.go', data: 'package foo\n' },
      { name: 'example.com/foo@v1.0.0/a.go', data: 'package foo\n' },
    ]);
    server = await serveModules(
      [foo],
      on('.zip', (res) => res.end(colliding)),
    );
    const e = await failDownload(server.base);
    expectNamed(e, 'proxy-bad-response', '/@v/v1.0.0.zip');
    expect(e.message).toContain('a.go');
  });

  it('a zip body that is not a zip', async () => {
    server = await serveModules(
      [foo],
      on('.zip', (res) => res.end('<html>hello</html>')),
    );
    expectNamed(await failDownload(server.base), 'proxy-bad-response', '/@v/v1.0.0.zip');
  });

  it('truncated zip bodies, every attempt', async () => {
    server = await serveModules(
      [foo],
      on('.zip', (res) => {
        res.writeHead(200, { 'content-length': String(foo.zip.length) });
        res.write(foo.zip.subarray(0, foo.zip.length >> 1));
        setTimeout(() => res.destroy(), 10);
      }),
    );
    expectNamed(await failDownload(server.base), 'proxy-truncated', '/@v/v1.0.0.zip');
  });

  it('a Content-Length longer than the body', async () => {
    server = await startRawServer((head, socket) => {
      const path = head.split(' ')[1] ?? '';
      const body = path.endsWith('.info') ? Buffer.from(foo.info) : path.endsWith('.mod') ? foo.mod : foo.zip;
      const claimed = path.endsWith('.zip') ? body.length + 500 : body.length;
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${claimed}\r\nconnection: close\r\n\r\n`);
      socket.end(body);
    });
    expectNamed(await failDownload(server.base), 'proxy-truncated', '/@v/v1.0.0.zip');
  });

  it('a Content-Length shorter than the body', async () => {
    server = await startRawServer((head, socket) => {
      const path = head.split(' ')[1] ?? '';
      const body = path.endsWith('.info') ? Buffer.from(foo.info) : path.endsWith('.mod') ? foo.mod : foo.zip;
      const claimed = path.endsWith('.zip') ? body.length - 40 : body.length;
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${claimed}\r\nconnection: close\r\n\r\n`);
      socket.end(body);
    });
    // The client reads exactly the announced bytes: a zip missing its tail fails the zip check.
    expectNamed(await failDownload(server.base), 'proxy-bad-response', '/@v/v1.0.0.zip');
  });

  it('a body that drips slower than the read timeout', async () => {
    server = await serveModules(
      [foo],
      on('.zip', (res) => {
        res.writeHead(200);
        let i = 0;
        const t = setInterval(() => {
          if (res.destroyed || i >= foo.zip.length) {
            clearInterval(t);
            res.end();
            return;
          }
          res.write(foo.zip.subarray(i, i + 1));
          i++;
        }, 400);
      }),
    );
    expectNamed(await failDownload(server.base), 'proxy-timeout', '/@v/v1.0.0.zip');
  });

  it('5xx flapping: recovered by retries, or a proxy-http error once they are spent', async () => {
    let zipHits = 0;
    server = await serveModules(
      [foo],
      on('.zip', (res) => {
        zipHits++;
        if (zipHits % 2 === 1) res.writeHead(503).end();
        else res.end(foo.zip);
      }),
    );
    const cache = await Cache.open(await mkdtemp(join(tmpdir(), 'adv-')));
    const r = await download(cache, new Client({ ...opts, baseUrl: server.base }), M, V);
    expect(r.Sum).toMatch(/^h1:/);
    expect(await cache.verifyZip(M, V)).toBe(r.Sum);
    await server.close();
    server = await serveModules(
      [foo],
      on('.mod', (res) => res.writeHead(500).end()),
    );
    expectNamed(await failDownload(server.base), 'proxy-http', '/@v/v1.0.0.mod');
  });

  it('redirect loops', async () => {
    server = await serveModules(
      [foo],
      on('.info', (res, n) =>
        res.writeHead(302, { location: `/example.com/foo/@v/v1.0.0.info?hop=${n}` }).end(),
      ),
    );
    const e = await failDownload(server.base);
    expect(e.code).toBe('proxy-redirects');
    expect(e.module).toBe(M);
    expect(e.version).toBe(V);
    expect(e.url).toContain('/@v/v1.0.0.info');
    expect(e.message).toContain(`${M}@${V}`);
  });

  it('invalid JSON in .info', async () => {
    server = await serveModules(
      [foo],
      on('.info', (res) => res.end('{"Version": "v1.0.0",')),
    );
    expectNamed(await failDownload(server.base), 'proxy-bad-response', '/@v/v1.0.0.info');
  });

  it('an .info naming another version', async () => {
    server = await serveModules(
      [foo],
      on('.info', (res) => res.end('{"Version":"v1.0.1"}')),
    );
    const e = await failDownload(server.base);
    expectNamed(e, 'proxy-bad-response', '/@v/v1.0.0.info');
    expect(e.message).toContain('v1.0.1');
  });

  it('a huge list', async () => {
    const line = Buffer.from('v1.0.0\n');
    server = await serveModules(
      [foo],
      on('/@v/list', (res) => {
        res.writeHead(200);
        let sent = 0;
        const push = () => {
          while (sent <= MAX_LIST_BYTES) {
            sent += 1 << 16;
            if (!res.write(Buffer.concat(Array(Math.ceil((1 << 16) / line.length)).fill(line)))) {
              res.once('drain', push);
              return;
            }
          }
          res.end();
        };
        push();
      }),
    );
    // A generous read timeout: this case is about the size cap, and a loaded machine must not turn it into a timeout.
    const e = await new Client({ ...opts, readTimeoutMs: 10_000, baseUrl: server.base })
      .list(M)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProxyError);
    expectNamed(e as ProxyError, 'proxy-too-large', '/@v/list', null);
  });
});
