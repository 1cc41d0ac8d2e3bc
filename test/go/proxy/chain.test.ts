import { afterEach, describe, expect, it } from 'vitest';
import { fromGoProxy, ProxyChain } from '../../../src/go/proxy/chain.js';
import { Client } from '../../../src/go/proxy/client.js';
import { ProxyError } from '../../../src/go/proxy/errors.js';
import { parseGoProxy } from '../../../src/go/proxy/goproxy.js';
import { fixtureModule, serveModules } from '../support/modules.js';
import { startServer, type TestServer } from '../support/server.js';

const fast = { sleep: async () => {}, retries: 0 };
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}
async function rejection(p: Promise<unknown>): Promise<ProxyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProxyError) return e;
    throw e;
  }
  throw new Error('expected a ProxyError');
}

const foo = fixtureModule('example.com/foo', 'v1.0.0');

describe('GOPROXY lists', () => {
  it('falls through a comma only on not-found', async () => {
    const missing = await serve((_q, r) => r.writeHead(404).end());
    const broken = await serve((_q, r) => r.writeHead(500).end());
    const good = await serveModules([foo]);
    servers.push(good);
    const found = fromGoProxy(`${missing.base},${good.base}`, fast);
    expect(await found.list('example.com/foo')).toEqual(['v1.0.0']);
    const stopped = fromGoProxy(`${broken.base},${good.base}`, fast);
    const e = await rejection(stopped.list('example.com/foo'));
    expect(e.code).toBe('proxy-http');
    expect(good.log).toHaveLength(1);
  });

  it('falls through a pipe on any error', async () => {
    const broken = await serve((_q, r) => r.writeHead(500).end());
    const good = await serveModules([foo]);
    servers.push(good);
    expect(await fromGoProxy(`${broken.base}|${good.base}`, fast).list('example.com/foo')).toEqual([
      'v1.0.0',
    ]);
  });

  it('reports off and direct, ranking them above other errors', async () => {
    const missing = await serve((_q, r) => r.writeHead(404).end());
    const broken = await serve((_q, r) => r.writeHead(502).end());
    expect((await rejection(fromGoProxy('off', fast).list('example.com/foo'))).code).toBe('proxy-off');
    expect((await rejection(fromGoProxy(`${missing.base},off`, fast).list('example.com/foo'))).code).toBe(
      'proxy-off',
    );
    expect((await rejection(fromGoProxy(`${broken.base}|direct`, fast).list('example.com/foo'))).code).toBe(
      'proxy-direct',
    );
  });

  it('prefers a proxy error over a later not-found', async () => {
    const broken = await serve((_q, r) => r.writeHead(503).end());
    const missing = await serve((_q, r) => r.writeHead(404).end());
    const e = await rejection(
      fromGoProxy(`${broken.base}|${missing.base}`, fast).info('example.com/foo', 'v1.0.0'),
    );
    expect(e.code).toBe('proxy-http');
    const nf = await rejection(
      fromGoProxy(`${missing.base},${missing.base}`, fast).info('example.com/foo', 'v1.0.0'),
    );
    expect(nf.code).toBe('version-not-found');
  });

  it('does not fall through once zip bytes reached the sink', async () => {
    const cut = await serve((_q, r) => {
      r.writeHead(200, { 'content-length': '100000' });
      r.write(Buffer.alloc(1000));
      setTimeout(() => r.destroy(), 20);
    });
    const good = await serveModules([foo]);
    servers.push(good);
    const chunks: Buffer[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(c, _e, cb) {
        chunks.push(c as Buffer);
        cb();
      },
    });
    const e = await rejection(
      new ProxyChain(parseGoProxy(`${cut.base}|${good.base}`), fast).zip('example.com/foo', 'v1.0.0', sink),
    );
    expect(e.code).toBe('proxy-truncated');
    expect(good.log).toHaveLength(0);
  });

  it('uses a single client for a one-entry list', () => {
    expect(fromGoProxy('https://p.example/', fast)).toBeInstanceOf(Client);
    expect(fromGoProxy('https://p.example,off', fast)).toBeInstanceOf(ProxyChain);
  });
});
