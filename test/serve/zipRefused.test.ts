// A pulled `.zip` that breaks the module zip rules is refused with a message naming the URL it came
// from, credentials and query values redacted as in the access log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import type { ModuleSource, VersionInfo } from '../../src/go/proxy/index.js';
import { GoProxy } from '../../src/serve/goproxy.js';
import { DirStorage } from '../../src/serve/storage.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('names the upstream URL of a refused .zip, without its credentials', async () => {
  const info: VersionInfo = { Version: 'v1.0.0', Time: '2024-01-01T00:00:00Z' };
  const url = 'https://user:s3cret@up.example/example.com/m/@v/v1.0.0.zip?token=t0k';
  const upstream: ModuleSource = {
    list: async () => ['v1.0.0'],
    latest: async () => info,
    info: async () => info,
    mod: async () => new TextEncoder().encode('module example.com/m\n'),
    zip: async (_p: string, _v: string, sink: Writable) => {
      const junk = Buffer.from('not a zip archive');
      await new Promise<void>((done, fail) => sink.write(junk, (e) => (e ? fail(e) : done())));
      return { bytes: junk.length, url };
    },
  };
  const root = mkdtempSync(join(tmpdir(), 'mochi-zip-refused-'));
  dirs.push(root);
  const proxy = new GoProxy({
    storage: new DirStorage(join(root, 'store')),
    upstream,
    tmpDir: join(root, 'tmp'),
  });
  const refused = await proxy.handle('/example.com/m/@v/v1.0.0.zip').then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  expect(refused?.code).toBe('serve-verify');
  expect(refused?.message).toMatch(
    /^example\.com\/m@v1\.0\.0: upstream \.zip from https:\/\/\*\*\*@up\.example\/example\.com\/m\/@v\/v1\.0\.0\.zip\?token=\*\*\* refused: /,
  );
  expect(refused?.message).not.toContain('s3cret');
  expect(refused?.message).not.toContain('t0k');
});
