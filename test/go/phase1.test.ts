// The seed's sentinel TestPhase1ModuleProxy: list → info → mod → zip from a local proxy, stored in a
// fresh cache, verified, and an upper-case module path round-tripped through the escape codec.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Cache } from '../../src/go/cache/store.js';
import { hashGoMod, hashZip } from '../../src/go/dirhash/index.js';
import { escapePath, unescapePath } from '../../src/go/module/index.js';
import { Client } from '../../src/go/proxy/client.js';
import { fixtureModule, serveModules } from './support/modules.js';
import type { TestServer } from './support/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('phase 1 module proxy (sentinel)', () => {
  it('lists, fetches, stores and verifies example.com/foo@v1.0.0 end to end', async () => {
    const foo = fixtureModule('example.com/foo', 'v1.0.0', {
      'foo.go': 'package foo\n\nfunc Hello() string { return "hi" }\n',
      LICENSE: 'MIT\n',
    });
    server = await serveModules([foo]);
    const client = new Client({ baseUrl: server.base, userAgent: 'mochi-pkg-sentinel' });

    const versions = await client.list('example.com/foo');
    expect(versions).toEqual(['v1.0.0']);
    const info = await client.info('example.com/foo', 'v1.0.0');
    expect(info.Version).toBe('v1.0.0');
    const mod = await client.mod('example.com/foo', 'v1.0.0');
    expect(Buffer.from(mod).toString()).toBe('module example.com/foo\n\ngo 1.19\n');

    const cache = await Cache.open(join(await mkdtemp(join(tmpdir(), 'sentinel-')), 'cache'));
    await cache.storeInfo('example.com/foo', 'v1.0.0', info);
    expect(await cache.storeMod('example.com/foo', 'v1.0.0', mod)).toBe(hashGoMod(foo.mod));
    const h1 = await cache.storeZip('example.com/foo', 'v1.0.0', (sink) =>
      client.zip('example.com/foo', 'v1.0.0', sink),
    );
    expect(h1).toBe(await hashZip(foo.zip, 'example.com/foo', 'v1.0.0'));
    expect(await cache.has('example.com/foo', 'v1.0.0')).toBe(true);
    expect(await cache.verifyZip('example.com/foo', 'v1.0.0')).toBe(h1);
    expect((await readFile(cache.zipPath('example.com/foo', 'v1.0.0'))).equals(foo.zip)).toBe(true);
    expect(server.log.map((l) => l.url)).toEqual([
      '/example.com/foo/@v/list',
      '/example.com/foo/@v/v1.0.0.info',
      '/example.com/foo/@v/v1.0.0.mod',
      '/example.com/foo/@v/v1.0.0.zip',
    ]);

    const upper = 'github.com/Example/FooBar';
    expect(escapePath(upper)).toBe('github.com/!example/!foo!bar');
    expect(unescapePath(escapePath(upper))).toBe(upper);
  });
});
