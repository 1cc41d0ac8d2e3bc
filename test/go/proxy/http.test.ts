import { getEventListeners } from 'node:events';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../../src/errors.js';
import { ProxyFailure } from '../../../src/go/proxy/errors.js';
import { proxyHttp } from '../../../src/go/proxy/http.js';
import {
  type HttpOptions,
  MAX_HEADER_BYTES,
  nodeTransport,
  splitCredentials,
} from '../../../src/util/http.js';
import { startServer, type TestServer } from '../support/server.js';

const fast: HttpOptions = { sleep: async () => {}, connectTimeoutMs: 2000, readTimeoutMs: 2000 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(p: Promise<unknown>): Promise<ProxyFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProxyFailure) return e;
    throw e;
  }
  throw new Error('expected a ProxyFailure');
}

const ctx = { module: 'example.com/foo', version: 'v1.0.0' };

describe('Http', () => {
  it('sends the User-Agent it was given', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    const r = await proxyHttp({ ...fast, userAgent: 'agent/9' }).getBytes(`${server.base}/x`, ctx, 100);
    expect(Buffer.from(r.body).toString()).toBe('ok');
    expect(server.log[0]?.headers['user-agent']).toBe('agent/9');
  });

  it('asks for no content coding, and decodes a body a server encodes anyway', async () => {
    const body = 'module example.com/foo\n'.repeat(50);
    server = await startServer((req, res) => {
      const coding = req.url?.slice(1) ?? '';
      const encoded =
        coding === 'gzip' ? gzipSync(body) : coding === 'br' ? brotliCompressSync(body) : deflateSync(body);
      res.writeHead(200, { 'content-encoding': coding, 'content-length': String(encoded.length) });
      res.end(encoded);
    });
    for (const coding of ['gzip', 'deflate', 'br']) {
      const r = await proxyHttp(fast).getBytes(`${server.base}/${coding}`, ctx, 1 << 20);
      expect(Buffer.from(r.body).toString()).toBe(body);
    }
    expect(server.log.map((l) => l.headers['accept-encoding'])).toEqual([undefined, undefined, undefined]);
  });

  it('reuses connections across requests (keep-alive)', async () => {
    const ports = new Set<number>();
    server = await startServer((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    });
    const http = proxyHttp(fast);
    for (let i = 0; i < 5; i++) await http.getBytes(`${server.base}/x${i}`, ctx, 100);
    expect(ports.size).toBe(1);
  });

  it('retries a 5xx answer and returns the later success', async () => {
    server = await startServer((_req, res, n) => (n < 3 ? res.writeHead(502).end() : res.end('fine')));
    const r = await proxyHttp({ ...fast, retries: 3 }).getBytes(`${server.base}/x`, ctx, 100);
    expect(r.status).toBe(200);
    expect(server.log).toHaveLength(3);
  });

  it('returns the 5xx status once the retries are spent', async () => {
    server = await startServer((_req, res) => res.writeHead(500).end());
    const r = await proxyHttp({ ...fast, retries: 2 }).getBytes(`${server.base}/x`, ctx, 100);
    expect(r.status).toBe(500);
    expect(server.log).toHaveLength(3);
  });

  it('never retries a 4xx answer', async () => {
    server = await startServer((_req, res) => res.writeHead(404).end());
    const r = await proxyHttp({ ...fast, retries: 5 }).getBytes(`${server.base}/x`, ctx, 100);
    expect(r.status).toBe(404);
    expect(server.log).toHaveLength(1);
  });

  it('waits with growing backoff between attempts', async () => {
    server = await startServer((_req, res) => res.writeHead(503).end());
    const waits: number[] = [];
    await proxyHttp({
      ...fast,
      retries: 3,
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    }).getBytes(`${server.base}/x`, ctx, 100);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[2]).toBeGreaterThanOrEqual(200);
    expect(waits[2]).toBeLessThanOrEqual(400);
  });

  it('reports a refused connection as proxy-network after its retries', async () => {
    server = await startServer((_req, res) => res.end());
    const base = server.base;
    await server.close();
    server = undefined;
    const e = await failure(proxyHttp({ ...fast, retries: 1 }).getBytes(`${base}/gone`, ctx, 100));
    expect(e.code).toBe('proxy-network');
    expect(e.message).toContain('example.com/foo@v1.0.0');
    expect(e.message).toContain(`${base}/gone`);
  });

  it('times out when no headers arrive', async () => {
    server = await startServer(() => {
      /* never answers */
    });
    const e = await failure(
      proxyHttp({ ...fast, retries: 0, connectTimeoutMs: 150 }).getBytes(`${server.base}/hang`, ctx, 100),
    );
    expect(e.code).toBe('proxy-timeout');
    expect(e.url).toBe(`${server.base}/hang`);
  });

  it('times out on a body that drips slower than the read timeout', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i++ > 20) {
          clearInterval(t);
          res.end();
          return;
        }
        res.write('x');
      }, 250);
    });
    const e = await failure(
      proxyHttp({ ...fast, retries: 0, readTimeoutMs: 100 }).getBytes(`${server.base}/drip`, ctx, 1000),
    );
    expect(e.code).toBe('proxy-timeout');
  });

  it('rejects a body shorter than its Content-Length', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('short');
      setTimeout(() => res.destroy(), 20);
    });
    const e = await failure(proxyHttp({ ...fast, retries: 1 }).getBytes(`${server.base}/short`, ctx, 5000));
    expect(e.code).toBe('proxy-truncated');
    expect(e.message).toContain('of 1000');
    expect(server.log).toHaveLength(2);
  });

  it('stops reading at the size limit', async () => {
    server = await startServer((_req, res) => res.end(Buffer.alloc(10_000)));
    const e = await failure(proxyHttp(fast).getBytes(`${server.base}/big`, ctx, 4096));
    expect(e.code).toBe('proxy-too-large');
    expect(e.message).toContain('4 KiB');
  });

  it("takes response headers of 64 KiB (Node's default stops at 16 KiB) up to 1 MiB, refuses more without asking again", async () => {
    server = await startServer((req, res) => {
      const size = req.url === '/huge' ? MAX_HEADER_BYTES + 1024 : 64 * 1024;
      res.writeHead(200, { 'set-cookie': 'a'.repeat(size), 'content-length': '2' }).end('ok');
    });
    const http = proxyHttp({ ...fast, retries: 2 });
    const ok = await http.getBytes(`${server.base}/big`, ctx, 100);
    expect(Buffer.from(ok.body).toString()).toBe('ok');
    const e = await failure(http.getBytes(`${server.base}/huge`, ctx, 100));
    expect(e.code).toBe('proxy-bad-response');
    expect(e.message).toContain('response headers exceed the 1 MiB limit');
    expect(e.message).toContain(`${server.base}/huge`);
    expect(server.log.filter((l) => l.url === '/huge')).toHaveLength(1);
  });

  it('an answer that is not HTTP is proxy-bad-response, asked once', async () => {
    let asked = 0;
    const sockets = new Set<Socket>();
    const raw = createNetServer((s) => {
      asked++;
      sockets.add(s);
      s.on('error', () => {});
      s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n');
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const { port } = raw.address() as AddressInfo;
      const e = await failure(
        proxyHttp({ ...fast, retries: 2 }).getBytes(`http://127.0.0.1:${port}/x`, ctx, 100),
      );
      expect(e.code).toBe('proxy-bad-response');
      expect(e.message).toMatch(/the answer is not valid HTTP \(HPE_/);
      expect(asked).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => raw.close(r));
    }
  });

  it('a body not in its declared Content-Encoding is proxy-bad-response, asked once; a coded body cut short is truncated', async () => {
    server = await startServer((req, res) => {
      const coding = req.url === '/br' ? 'br' : 'gzip';
      const body = req.url === '/cut' ? gzipSync('v1.0.0\n'.repeat(100)).subarray(0, 20) : 'not compressed';
      res.writeHead(200, { 'content-encoding': coding }).end(body);
    });
    const http = proxyHttp({ ...fast, retries: 2 });
    for (const [path, coding] of [
      ['/gzip', 'gzip'],
      ['/br', 'br'],
    ] as const) {
      const e = await failure(http.getBytes(`${server.base}${path}`, ctx, 1000));
      expect(e.code).toBe('proxy-bad-response');
      expect(e.message).toContain(`the body is not valid ${coding} (Content-Encoding)`);
      expect(server.log.filter((l) => l.url === path)).toHaveLength(1);
    }
    const cut = await failure(http.getBytes(`${server.base}/cut`, ctx, 1000));
    expect(cut.code).toBe('proxy-truncated');
  });

  it('follows redirects and stops a redirect loop', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/end' }).end();
      else if (req.url === '/end') res.end('here');
      else res.writeHead(301, { location: req.url ?? '/' }).end();
    });
    const http = proxyHttp({ ...fast, maxRedirects: 5 });
    const ok = await http.getBytes(`${server.base}/start`, ctx, 100);
    expect(Buffer.from(ok.body).toString()).toBe('here');
    expect(ok.url).toBe(`${server.base}/end`);
    const e = await failure(http.getBytes(`${server.base}/loop`, ctx, 100));
    expect(e.code).toBe('proxy-redirects');
    expect(server.log.filter((l) => l.url === '/loop')).toHaveLength(6);
  });

  it('refuses a redirect from https down to http', async () => {
    const fetch = async (url: string) =>
      url.startsWith('https:')
        ? new Response(null, { status: 302, headers: { location: 'http://evil.example/x' } })
        : new Response('plain');
    const e = await failure(proxyHttp({ ...fast, fetch }).getBytes('https://proxy.example/x', ctx, 100));
    expect(e.code).toBe('proxy-redirects');
  });

  it('sends URL credentials as Basic auth to their origin only, and never shows them', async () => {
    let other: TestServer | undefined;
    try {
      other = await startServer((_req, res) => res.end('other'));
      const otherBase = other.base;
      server = await startServer((_req, res) => res.writeHead(302, { location: `${otherBase}/y` }).end());
      const base = server.base.replace('http://', 'http://alice:s3cret@');
      const r = await proxyHttp(fast).getBytes(`${base}/x`, ctx, 100);
      expect(Buffer.from(r.body).toString()).toBe('other');
      expect(server.log[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
      );
      expect(other.log[0]?.headers.authorization).toBeUndefined();
      // an error on that URL names it without the secret
      await server.close();
      const e = await failure(proxyHttp({ ...fast, retries: 0 }).getBytes(`${base}/x`, ctx, 100));
      expect(e.message).not.toContain('s3cret');
      expect(e.message).not.toContain('alice');
      expect(JSON.stringify(e.toJSON())).not.toContain('s3cret');
      server = undefined;
    } finally {
      await other?.close();
    }
  });

  it('uses looked-up credentials (netrc) for the request host', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    const host = `127.0.0.1:${server.port}`;
    await proxyHttp({
      ...fast,
      credentials: (u) => (u.host === host ? { username: 'bob', password: 'pw' } : undefined),
    }).getBytes(`${server.base}/x`, ctx, 100);
    expect(server.log[0]?.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
  });

  it('streams a body into a sink with back-pressure, never ending it', async () => {
    const payload = Buffer.alloc(3 << 20, 7);
    server = await startServer((_req, res) => res.end(payload));
    const chunks: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, cb) {
        chunks.push(chunk as Buffer);
        setImmediate(cb);
      },
    });
    const r = await proxyHttp(fast).getInto(`${server.base}/z`, ctx, sink, 10 << 20);
    expect(r.bytes).toBe(payload.length);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    expect(sink.writableEnded).toBe(false);
  });

  it('splits credentials off a URL', () => {
    const { url, credentials } = splitCredentials('https://a%40b:p%3Aw@h.example/p');
    expect(url.href).toBe('https://h.example/p');
    expect(credentials).toEqual({ username: 'a@b', password: 'p:w' });
    expect(isMochiPkgError(new ProxyFailure('proxy-network', 'x', {}))).toBe(true);
  });
});

describe('nodeTransport', () => {
  it('leaves no abort listener behind once a response is read', async () => {
    server = await startServer((_req, res) => res.end('body'));
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) {
      const r = await nodeTransport(new URL(`${server.base}/x`), { headers: {}, signal: controller.signal });
      const parts: Uint8Array[] = [];
      for await (const c of r.body ?? []) parts.push(c);
      expect(Buffer.concat(parts).toString()).toBe('body');
    }
    // 'close' of the request follows the end of the body: let it run.
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort while waiting for headers rejects the request; an abort during the body breaks it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    server = await startServer(async (req, res) => {
      if (req.url === '/headers') await held;
      res.writeHead(200, { 'content-length': '10' });
      res.write('12345');
      await held;
      res.end('67890');
    });
    const early = new AbortController();
    const pending = nodeTransport(new URL(`${server.base}/headers`), { headers: {}, signal: early.signal });
    early.abort(new Error('stop'));
    await expect(pending).rejects.toThrow();
    const late = new AbortController();
    const r = await nodeTransport(new URL(`${server.base}/body`), { headers: {}, signal: late.signal });
    if (r.body === null) throw new Error('expected a body');
    const it = r.body[Symbol.asyncIterator]();
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe('12345');
    late.abort(new Error('stop'));
    await expect(it.next()).rejects.toThrow();
    const aborted = new AbortController();
    aborted.abort(new Error('before'));
    await expect(
      nodeTransport(new URL(`${server.base}/body`), { headers: {}, signal: aborted.signal }),
    ).rejects.toThrow('before');
    release();
  });
});
