import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PREFIX } from '../../../src/util/atomic.js';
import {
  type BuiltFile,
  buildWheel,
  type LocalIndex,
  startIndex,
  typeshedStubWheel,
  untypedWheel,
} from './fixtures.js';
import {
  contentPathFor,
  type PageMode,
  RegistryResolver,
  registryIndexUrl,
  upstreamFixture,
} from './resolveSupport.js';

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

let dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'mochi-registry-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const requestsStubs = typeshedStubWheel('requests');
const sixStubs = typeshedStubWheel('six');
const upstream = upstreamFixture(requestsStubs.metadataVersion);
const typed = buildWheel('typedpkg', '1.4.0', [
  { path: 'typedpkg/__init__.py', data: 'def f(x: int) -> int:\n    return x\n' },
  { path: 'typedpkg/py.typed', data: '' },
]);
const nostubs = untypedWheel('nostubs', '0.1.0', ['nostubs']);

function projects(): Map<string, BuiltFile[]> {
  return new Map<string, BuiltFile[]>([
    ['requests', upstream.files],
    ['types-requests', [requestsStubs.wheel]],
    ['six', [untypedWheel('six', '1.17.0', ['six'])]],
    ['types-six', [sixStubs.wheel]],
    ['typedpkg', [typed]],
    ['nostubs', [nostubs]],
  ]);
}

for (const mode of ['json', 'html', 'negotiate'] as PageMode[]) {
  describe(`resolving against a local index serving ${mode}`, () => {
    let index: LocalIndex;
    beforeAll(async () => {
      index = await startIndex(projects(), { mode });
    });
    afterAll(() => index.close());

    it('picks the highest satisfying version and takes stubs from types-<name>', async () => {
      const cacheDir = tmp();
      const r = new RegistryResolver({ cacheDir });
      const got = await r.resolve({ name: 'Requests', specifier: upstream.specifier, indexUrl: index.url });
      expect(got.version).toBe(upstream.best);
      expect(got.stubsFrom.name).toBe('types-requests');
      expect(got.stubsFrom.sha256).toBe(requestsStubs.wheel.sha256);
      expect(got.files.get('requests-stubs/__init__.pyi')).toContain('import');
      // The wheel sits in the cache under its sha256, and nothing half-written is left.
      const files = listFiles(cacheDir);
      expect(files).toContain(contentPathFor(cacheDir, requestsStubs.wheel.sha256));
      expect(files.filter((f) => f.includes(TEMP_PREFIX))).toEqual([]);
    });

    it('takes the .py sources of a py.typed package as its stubs', async () => {
      const got = await new RegistryResolver({ cacheDir: tmp() }).resolve({
        name: 'typedpkg',
        indexUrl: index.url,
      });
      expect(got.version).toBe('1.4.0');
      expect(got.stubsFrom.name).toBe('typedpkg');
      expect([...got.files.keys()]).toEqual(['typedpkg/__init__.pyi']);
    });

    it('says so, naming the import, when there are no stubs anywhere', async () => {
      const where = 'import python "nostubs" (app.mochi:4)';
      await expect(
        new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'nostubs', indexUrl: index.url, where }),
      ).rejects.toMatchObject({
        code: 'registry-no-stubs',
        message: expect.stringMatching(
          /^import python "nostubs" \(app\.mochi:4\): nostubs 0\.1\.0 on .* has no type information/,
        ),
      });
    });

    it('lists the versions that exist when none matches', async () => {
      const where = 'import python "requests@>=99" (app.mochi:2)';
      await expect(
        new RegistryResolver({ cacheDir: tmp() }).resolve({
          name: 'requests',
          specifier: '>=99',
          indexUrl: index.url,
          where,
        }),
      ).rejects.toThrow(
        new RegExp(
          `^import python "requests@>=99" \\(app\\.mochi:2\\): no version of requests on .* matches ">=99"; versions there: .*${upstream.best.replace(/\./g, '\\.')}`,
        ),
      );
    });
  });
}

describe('cache, offline and failures', () => {
  let index: LocalIndex;
  beforeAll(async () => {
    index = await startIndex(projects());
  });
  afterAll(() => index.close());
  afterEach(() => {
    index.behaviour = {};
  });

  it('downloads nothing on a warm cache, and resolves offline with the index gone', async () => {
    const cacheDir = tmp();
    const req = { name: 'six', indexUrl: index.url };
    const cold = await new RegistryResolver({ cacheDir }).resolve(req);
    const before = index.requests.length;
    const warm = await new RegistryResolver({ cacheDir }).resolve(req);
    const asked = index.requests.slice(before);
    expect(asked.some((p) => p.startsWith('/files/'))).toBe(false);
    expect(asked.length).toBeGreaterThan(0); // pages are asked again online
    const countBeforeOffline = index.requests.length;
    const offline = await new RegistryResolver({ cacheDir, offline: true }).resolve({
      ...req,
      indexUrl: index.url,
    });
    expect(index.requests.length).toBe(countBeforeOffline);
    for (const r of [warm, offline]) {
      expect(r.version).toBe(cold.version);
      expect([...r.files]).toEqual([...cold.files]);
    }
  });

  it('fails offline on a cold cache with registry-offline', async () => {
    await expect(
      new RegistryResolver({ cacheDir: tmp(), offline: true }).resolve({ name: 'six', indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'registry-offline',
    });
  });

  it('refuses a download whose sha256 differs from the index and caches nothing', async () => {
    const good = buildWheel('tampered', '1.0', [{ path: 'tampered/__init__.pyi', data: 'x: int\n' }]);
    const evil = Buffer.from(good.bytes);
    evil.writeUInt8(evil.readUInt8(evil.length - 30) ^ 0xff, evil.length - 30);
    const idx = await startIndex(new Map([['tampered', [{ ...good, servedBytes: evil }]]]));
    try {
      const cacheDir = tmp();
      await expect(
        new RegistryResolver({ cacheDir }).resolve({ name: 'tampered', indexUrl: idx.url }),
      ).rejects.toMatchObject({
        code: 'registry-hash-mismatch',
      });
      expect(listFiles(join(cacheDir, 'registry', 'sha256'))).toEqual([]);
    } finally {
      await idx.close();
    }
  });

  it('refuses a file the index gives no sha256 for', async () => {
    const w = buildWheel('unhashed', '1.0', [{ path: 'unhashed/__init__.pyi', data: 'x: int\n' }]);
    const idx = await startIndex(new Map([['unhashed', [{ ...w, unhashed: true }]]]));
    try {
      await expect(
        new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'unhashed', indexUrl: idx.url }),
      ).rejects.toMatchObject({
        code: 'registry-unhashed',
      });
    } finally {
      await idx.close();
    }
  });

  it('refuses a page from a future major API version and warns on a future minor', async () => {
    index.behaviour = { mode: 'json', apiVersion: '2.0' };
    await expect(
      new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'six', indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'registry-api-version',
    });
    index.behaviour = { mode: 'json', apiVersion: '1.9', unknownKeys: true };
    const got = await new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'six', indexUrl: index.url });
    expect(got.warnings.join('\n')).toMatch(/Simple API 1\.9/);
  });

  it('reports a missing project, an HTTP error and an unreachable index with their codes', async () => {
    await expect(
      new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'no-such-thing', indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'registry-not-found',
    });
    index.behaviour = { status: 503 };
    await expect(
      new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'six', indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'registry-http',
    });
    const dead = await startIndex(new Map());
    const url = dead.url;
    await dead.close();
    await expect(
      new RegistryResolver({ cacheDir: tmp(), timeoutMs: 2000 }).resolve({ name: 'six', indexUrl: url }),
    ).rejects.toMatchObject({
      code: 'registry-unreachable',
      // Not "use --offline": outdated and serve reach indexes too, and take no such flag.
      hint: 'check the network and the index URL; `mochi-pkg lock` and `sync` can also run from the cache with --offline',
    });
  });

  it('sends index URL credentials as Basic auth to the index only, and never prints them', async () => {
    const url = index.url.replace('http://', 'http://us%40er:p%3Ass@');
    const before = index.requests.length;
    await new RegistryResolver({ cacheDir: tmp() }).resolve({ name: 'six', indexUrl: url });
    const sent = index.authorizations.slice(before);
    expect(sent.length).toBeGreaterThan(2);
    expect(new Set(sent)).toEqual(new Set([`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`]));
  });

  it('redacts credentials in index URLs from error messages', async () => {
    const url = index.url.replace('http://', 'http://user:s3cret@');
    const e = await new RegistryResolver({ cacheDir: tmp() })
      .resolve({ name: 'no-such-thing', indexUrl: url })
      .catch((x: unknown) => x);
    expect(String((e as Error).message)).not.toContain('s3cret');
  });
});

describe('index URL choice', () => {
  it('takes --index-url, then MOCHI_PYTHON_INDEX_URL, then PyPI', () => {
    expect(
      registryIndexUrl('https://a.example/simple/', { MOCHI_PYTHON_INDEX_URL: 'https://b.example/simple/' }),
    ).toBe('https://a.example/simple/');
    expect(registryIndexUrl(undefined, { MOCHI_PYTHON_INDEX_URL: 'https://b.example/simple/' })).toBe(
      'https://b.example/simple/',
    );
    expect(registryIndexUrl(undefined, {})).toBe('https://pypi.org/simple/');
  });
});
