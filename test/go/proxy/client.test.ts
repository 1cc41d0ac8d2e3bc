import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, MAX_MOD_BYTES } from '../../../src/go/proxy/client.js';
import {
  isNotFound,
  ModuleNotFoundError,
  ProxyError,
  ProxyHttpError,
  VersionNotFoundError,
} from '../../../src/go/proxy/errors.js';
import { DEFAULT_PROXY_URL } from '../../../src/go/proxy/goproxy.js';
import { fixtureModule, serveModules, writeProxyTree } from '../support/modules.js';
import { startServer, type TestServer } from '../support/server.js';

const foo = fixtureModule('example.com/foo', 'v1.0.0');
const fast = { sleep: async () => {}, retries: 1 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function collect(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c, _e, cb) {
      chunks.push(c as Buffer);
      cb();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
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

describe('Client over HTTP', () => {
  it('serves list, info, mod and zip of a module', async () => {
    server = await serveModules([foo, fixtureModule('example.com/foo', 'v1.1.0')]);
    const c = new Client({ ...fast, baseUrl: server.base });
    expect(await c.list('example.com/foo')).toEqual(['v1.0.0', 'v1.1.0']);
    expect(await c.info('example.com/foo', 'v1.0.0')).toEqual({
      Version: 'v1.0.0',
      Time: '2023-01-02T03:04:05Z',
    });
    expect(Buffer.from(await c.mod('example.com/foo', 'v1.0.0')).equals(foo.mod)).toBe(true);
    const { sink, bytes } = collect();
    const r = await c.zip('example.com/foo', 'v1.0.0', sink);
    expect(bytes().equals(foo.zip)).toBe(true);
    expect(r).toEqual({ bytes: foo.zip.length, url: `${server.base}/example.com/foo/@v/v1.0.0.zip` });
  });

  it('applies the escape codec to module and version in URLs', async () => {
    server = await startServer((_req, res) => res.writeHead(404).end());
    const c = new Client({ ...fast, baseUrl: server.base });
    await c.info('github.com/Spf13/Cobra', 'v1.0.0-RC1').catch(() => {});
    await c.mod('github.com/AAA/BBB', 'v1.0.0').catch(() => {});
    await c.list('go.uber.org/Zap').catch(() => {});
    await c.latest('go.uber.org/Zap').catch(() => {});
    expect(server.log.map((l) => l.url)).toEqual([
      '/github.com/!spf13/!cobra/@v/v1.0.0-!r!c1.info',
      '/github.com/!a!a!a/!b!b!b/@v/v1.0.0.mod',
      '/go.uber.org/!zap/@v/list',
      '/go.uber.org/!zap/@latest',
      '/go.uber.org/!zap/@v/list',
    ]);
  });

  it('maps 404 to module-not-found without a version and version-not-found with one', async () => {
    server = await startServer((_req, res) => res.writeHead(404).end());
    const c = new Client({ ...fast, baseUrl: server.base });
    const list = await rejection(c.list('example.com/nope'));
    expect(list).toBeInstanceOf(ModuleNotFoundError);
    expect(list.code).toBe('module-not-found');
    for (const p of [c.info('example.com/nope', 'v1.0.0'), c.mod('example.com/nope', 'v1.0.0')]) {
      const e = await rejection(p);
      expect(e).toBeInstanceOf(VersionNotFoundError);
      expect(e.message).toContain('example.com/nope@v1.0.0');
      expect(e.message).toContain(server.base);
    }
  });

  it('maps 410 on .zip to version-not-found', async () => {
    server = await startServer((_req, res) => res.writeHead(410).end('gone'));
    const c = new Client({ ...fast, baseUrl: server.base });
    const e = await rejection(c.zip('example.com/foo', 'v1.0.0', collect().sink));
    expect(e).toBeInstanceOf(VersionNotFoundError);
    expect(e.version).toBe('v1.0.0');
    expect(e.url).toBe(`${server.base}/example.com/foo/@v/v1.0.0.zip`);
  });

  it('turns 500 into a generic error that is not a not-found', async () => {
    server = await startServer((_req, res) => res.writeHead(500).end());
    const c = new Client({ ...fast, baseUrl: server.base });
    const e = await rejection(c.info('example.com/foo', 'v1.0.0'));
    expect(e).toBeInstanceOf(ProxyHttpError);
    expect(e.code).toBe('proxy-http');
    expect(isNotFound(e)).toBe(false);
    expect(e).not.toBeInstanceOf(ModuleNotFoundError);
  });

  it('caps .mod at 4 MiB', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(MAX_MOD_BYTES + 1, 0x20));
    });
    const c = new Client({ ...fast, baseUrl: server.base });
    const e = await rejection(c.mod('example.com/foo', 'v1.0.0'));
    expect(e.code).toBe('proxy-too-large');
    expect(e.message).toContain('4 MiB');
    // exactly 4 MiB is still fine
    await server.close();
    server = await startServer((_req, res) => res.end(Buffer.alloc(MAX_MOD_BYTES, 0x20)));
    const ok = await new Client({ ...fast, baseUrl: server.base }).mod('example.com/foo', 'v1.0.0');
    expect(ok.byteLength).toBe(MAX_MOD_BYTES);
  });

  it('passes the User-Agent through', async () => {
    server = await serveModules([foo]);
    await new Client({ ...fast, baseUrl: server.base, userAgent: 'mochi-test/1' }).list('example.com/foo');
    expect(server.log[0]?.headers['user-agent']).toBe('mochi-test/1');
  });

  it('normalises a trailing slash and defaults an empty base to proxy.golang.org', async () => {
    server = await serveModules([foo]);
    const c = new Client({ ...fast, baseUrl: `${server.base}//` });
    expect(c.baseUrl).toBe(server.base);
    await c.list('example.com/foo');
    expect(server.log[0]?.url).toBe('/example.com/foo/@v/list');
    expect(new Client({ baseUrl: '' }).baseUrl).toBe(DEFAULT_PROXY_URL);
    expect(new Client().baseUrl).toBe(DEFAULT_PROXY_URL);
  });

  it('filters list lines to valid non-pseudo versions, de-duplicated and semver-sorted', async () => {
    const body = [
      'v1.10.0',
      'v1.2.0 2023-01-01T00:00:00Z',
      'garbage',
      '',
      'v1.2.0',
      'v0.0.0-20230101000000-abcdefabcdef',
      'v1.3.0-rc.1',
      '1.4.0',
      '  v2.0.0+incompatible  ',
    ].join('\n');
    server = await startServer((_req, res) => res.end(body));
    const c = new Client({ ...fast, baseUrl: server.base });
    expect(await c.list('example.com/foo')).toEqual([
      'v1.2.0',
      'v1.3.0-rc.1',
      'v1.10.0',
      'v2.0.0+incompatible',
    ]);
  });

  it('answers latest from @latest, else from the newest listed release', async () => {
    server = await serveModules([foo], (req, res) => {
      if (req.url === '/example.com/foo/@latest') {
        res.end(JSON.stringify({ Version: 'v1.0.0', Time: '2023-01-02T03:04:05Z' }));
        return true;
      }
      return false;
    });
    const c = new Client({ ...fast, baseUrl: server.base });
    expect((await c.latest('example.com/foo')).Version).toBe('v1.0.0');
    await server.close();
    const mods = [
      foo,
      fixtureModule('example.com/foo', 'v1.1.0'),
      fixtureModule('example.com/foo', 'v1.2.0-pre'),
    ];
    server = await serveModules(mods);
    const c2 = new Client({ ...fast, baseUrl: server.base });
    expect((await c2.latest('example.com/foo')).Version).toBe('v1.1.0');
    const e = await rejection(c2.latest('example.com/none'));
    expect(e).toBeInstanceOf(ModuleNotFoundError);
  });

  it('validates .info replies', async () => {
    const replies: Record<string, string> = {
      '/example.com/foo/@v/v1.0.0.info': '{"Version":"v1.0.1","Time":"2023-01-02T03:04:05Z"}',
      '/example.com/foo/@v/v1.0.1.info': '{"Version":"v1.0.1"',
      '/example.com/foo/@v/v1.0.2.info': '{"Version":"v1.0.2","Time":"yesterday"}',
      '/example.com/foo/@v/v1.0.3.info': '["v1.0.3"]',
      '/example.com/foo/@v/v1.0.4.info': '{"Time":"2023-01-02T03:04:05Z"}',
      '/example.com/foo/@v/v1.info': '{"Version":"v1.0"}',
    };
    server = await startServer((req, res) => res.end(replies[req.url ?? ''] ?? ''));
    const c = new Client({ ...fast, baseUrl: server.base });
    const other = await rejection(c.info('example.com/foo', 'v1.0.0'));
    expect(other.code).toBe('proxy-bad-response');
    expect(other.message).toContain('instead of the requested version');
    expect(other.message).toContain('example.com/foo@v1.0.0');
    expect(other.url).toBe(`${server.base}/example.com/foo/@v/v1.0.0.info`);
    for (const v of ['v1.0.1', 'v1.0.2', 'v1.0.3', 'v1.0.4', 'v1']) {
      const e = await rejection(c.info('example.com/foo', v));
      expect(e.code, v).toBe('proxy-bad-response');
      expect(e.version).toBe(v);
    }
  });

  it('lets a non-canonical query resolve to another version', async () => {
    server = await startServer((_req, res) =>
      res.end('{"Version":"v1.2.0","Time":"2023-01-02T03:04:05.123+07:00"}'),
    );
    const c = new Client({ ...fast, baseUrl: server.base });
    expect((await c.info('example.com/foo', 'v1.2')).Version).toBe('v1.2.0');
    expect((await c.info('example.com/foo', 'master')).Version).toBe('v1.2.0');
  });
});

describe('Client over file://', () => {
  it('reads a proxy tree and reports missing files as not found', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fileproxy-'));
    const upper = fixtureModule('github.com/Spf13/Cobra', 'v1.0.0');
    await writeProxyTree(root, [foo, upper]);
    const c = new Client({ baseUrl: pathToFileURL(root).href });
    expect(await c.list('example.com/foo')).toEqual(['v1.0.0']);
    expect((await c.info('github.com/Spf13/Cobra', 'v1.0.0')).Version).toBe('v1.0.0');
    expect(Buffer.from(await c.mod('example.com/foo', 'v1.0.0')).equals(foo.mod)).toBe(true);
    const { sink, bytes } = collect();
    await c.zip('github.com/Spf13/Cobra', 'v1.0.0', sink);
    expect(bytes().equals(upper.zip)).toBe(true);
    expect(await rejection(c.list('example.com/bar'))).toBeInstanceOf(ModuleNotFoundError);
    expect(await rejection(c.mod('example.com/foo', 'v9.0.0'))).toBeInstanceOf(VersionNotFoundError);
    expect(await rejection(c.zip('example.com/foo', 'v9.0.0', collect().sink))).toBeInstanceOf(
      VersionNotFoundError,
    );
  });
});
