// The storage contract of `serve`, on a directory and on a real S3-compatible server (s3rver).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cache } from '../../src/go/cache/index.js';
import { GoProxy } from '../../src/serve/goproxy.js';
import { MemoryCachedStorage } from '../../src/serve/memcache.js';
import { parseS3Spec } from '../../src/serve/s3.js';
import { DirStorage, openStorage, type Storage, type StoredObject } from '../../src/serve/storage.js';
import { fixtureModule } from '../go/support/modules.js';
import { describeWithOracle } from '../support/oracles.js';
import { s3Oracle, startTestS3, type TestS3 } from '../support/s3.js';

async function read(s: Storage, key: string): Promise<string | undefined> {
  const obj = await s.get(key);
  if (obj === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of await obj.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mochi-serve-storage-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('dir storage', () => {
  contract(() => openStorage(`dir:${mkdtempSync(join(work, 'dir-'))}`, { cwd: work, env: {} }));

  it('hands small objects over whole in memory and streams large ones, the same bytes either way', async () => {
    const s = new DirStorage(mkdtempSync(join(work, 'dir-')));
    const file = join(work, `big-${Math.random()}`);
    const { writeFileSync } = await import('node:fs');
    for (const size of [0, 1, 64 << 10, (64 << 10) + 1, 300_000]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7919) % 251;
      writeFileSync(file, bytes);
      const key = `a.example/m/@v/v1.0.${size}.zip`;
      expect(await s.putIfAbsent(key, { file, size })).toBe('stored');
      const obj = await s.get(key);
      expect(obj?.size).toBe(size);
      // Up to 64 KiB: read whole at get; larger: only opened when streamed.
      expect(obj?.bytes !== undefined).toBe(size <= 64 << 10);
      const chunks: Buffer[] = [];
      for await (const c of await (obj as StoredObject).open()) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(await s.head(key)).toBe(size);
    }
    // A directory where an object would be is no object.
    expect(await s.get('a.example/m/@v')).toBeUndefined();
    expect(await s.get('a.example/m/@v/v1.0.1.zip/x')).toBeUndefined();
  });

  it('answers a FIFO or a dangling link where an object would be as no object, without waiting', async () => {
    const root = mkdtempSync(join(work, 'dir-'));
    const s = new DirStorage(root);
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync, symlinkSync } = await import('node:fs');
    mkdirSync(join(root, 'a.example', 'm', '@v'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'a.example', 'm', '@v', 'v1.0.0.mod')]);
    symlinkSync(join(root, 'nowhere'), join(root, 'a.example', 'm', '@v', 'v1.0.0.info'));
    // Four at once: a blocking open would hold every thread of the pool and this would time out.
    const gets = Array.from({ length: 4 }, () => s.get('a.example/m/@v/v1.0.0.mod'));
    expect(await Promise.all(gets)).toEqual([undefined, undefined, undefined, undefined]);
    expect(await s.get('a.example/m/@v/v1.0.0.info')).toBeUndefined();
  }, 10_000);
});

describeWithOracle(s3Oracle(), 's3 storage (moto_server)', () => {
  let s3: TestS3 | undefined;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3?.close();
  });
  contract(() => {
    const t = s3 as TestS3;
    return openStorage(`s3://${t.bucket}/t${Math.random().toString(36).slice(2)}`, { cwd: work, env: t.env });
  });
});

/** The storage contract, for one backend. */
function contract(open: () => Promise<Storage>): void {
  it('stores a key once, reads it back whole, heads and lists it', async () => {
    const s = await open();
    try {
      expect(await s.get('a.example/m/@v/v1.0.0.mod')).toBeUndefined();
      expect(await s.head('a.example/m/@v/v1.0.0.mod')).toBeUndefined();
      expect(await s.putIfAbsent('a.example/m/@v/v1.0.0.mod', Buffer.from('module a.example/m\n'))).toBe(
        'stored',
      );
      expect(await read(s, 'a.example/m/@v/v1.0.0.mod')).toBe('module a.example/m\n');
      expect(await s.head('a.example/m/@v/v1.0.0.mod')).toBe(19);
      const file = join(work, `src-${Math.random()}`);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, 'zip bytes');
      expect(await s.putIfAbsent('a.example/m/@v/v1.0.0.zip', { file, size: 9 })).toBe('stored');
      expect(await s.list('a.example/m/@v/')).toEqual(['v1.0.0.mod', 'v1.0.0.zip']);
      expect(await s.list('a.example/none/@v/')).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('refuses keys that leave the root or name temp files', async () => {
    const s = await open();
    try {
      for (const bad of ['../x', 'a//b', '/a', 'a/./b', 'a/.tmp-x', '']) {
        await expect(s.putIfAbsent(bad, Buffer.from('x'))).rejects.toMatchObject({ code: 'serve-storage' });
      }
    } finally {
      await s.close();
    }
  });

  it('keeps the first writer of a key', async () => {
    const s = await open();
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          s.putIfAbsent('k/one', Buffer.from(`writer ${i}`.padEnd(64, '.'))),
        ),
      );
      const body = await read(s, 'k/one');
      expect(body).toMatch(/^writer \d\.+$/);
      expect(body).toHaveLength(64);
      expect(results.filter((r) => r === 'stored')).toHaveLength(1);
      expect(body).toBe(`writer ${results.indexOf('stored')}`.padEnd(64, '.'));
      if (s instanceof DirStorage) expect(readdirSync(join(s.root, 'k'))).toEqual(['one']);
    } finally {
      await s.close();
    }
  });
}

describe('serving a module cache as it is', () => {
  it('a directory filled by the mochi-pkg cache is a store GoProxy answers from', async () => {
    const root = mkdtempSync(join(work, 'cache-'));
    const cache = await Cache.open(root);
    const m = fixtureModule('example.com/cached', 'v1.2.3');
    await cache.storeInfo(m.path, m.version, { Version: m.version, Time: '2023-01-02T03:04:05Z' });
    await cache.storeMod(m.path, m.version, m.mod);
    await cache.storeZip(m.path, m.version, m.zip);
    const go = new GoProxy({ storage: new DirStorage(root), tmpDir: join(work, 'tmp') });
    const zip = await go.handle('/example.com/cached/@v/v1.2.3.zip');
    expect(zip.status).toBe(200);
    expect(zip.source).toBe('store');
    const list = await go.handle('/example.com/cached/@v/list');
    expect(Buffer.from(list.body as Uint8Array).toString()).toBe('v1.2.3\n');
    expect((await go.handle('/example.com/cached/@latest')).status).toBe(200);
    expect((await go.handle('/example.com/other/@v/list')).status).toBe(404);
  });
});

describe('s3:// storage spec', () => {
  it('reads bucket, prefix, endpoint and credentials', () => {
    expect(
      parseS3Spec('s3://my-bucket/go/prod/', {
        AWS_ENDPOINT_URL: 'http://minio:9000',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      bucket: 'my-bucket',
      prefix: 'go/prod/',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
    expect(parseS3Spec('s3://bkt', {})).toEqual({
      bucket: 'bkt',
      prefix: '',
      region: 'us-east-1',
      forcePathStyle: false,
    });
    expect(() => parseS3Spec('s3://B', {})).toThrow(/is not s3:/);
  });
});

describe('memory-cached storage', () => {
  it('answers repeated reads of small objects from memory, bounded, and never remembers an absence', async () => {
    const dir = new DirStorage(mkdtempSync(join(work, 'mem-')));
    const calls = { get: 0, head: 0 };
    const counting: Storage = {
      describe: dir.describe,
      get: (k) => {
        calls.get++;
        return dir.get(k);
      },
      head: (k) => {
        calls.head++;
        return dir.head(k);
      },
      putIfAbsent: (k, d) => dir.putIfAbsent(k, d),
      list: (p) => dir.list(p),
      close: () => dir.close(),
    };
    const mem = new MemoryCachedStorage(counting, 10, 6);
    expect(await read(mem, 'a')).toBeUndefined();
    await dir.putIfAbsent('a', Buffer.from('aaaa'));
    // The absence was not remembered.
    expect(await read(mem, 'a')).toBe('aaaa');
    expect(await read(mem, 'a')).toBe('aaaa');
    expect(await mem.head('a')).toBe(4);
    expect(calls).toEqual({ get: 2, head: 0 });
    // Written through this instance: kept; over the per-object cap: never kept.
    expect(await mem.putIfAbsent('b', Buffer.from('bbbb'))).toBe('stored');
    await dir.putIfAbsent('big', Buffer.from('0123456789'));
    expect(await read(mem, 'b')).toBe('bbbb');
    expect(await read(mem, 'big')).toBe('0123456789');
    expect(await read(mem, 'big')).toBe('0123456789');
    expect(calls.get).toBe(4);
    // A third small object pushes the least recently used (a) out of the 10-byte budget.
    await dir.putIfAbsent('c', Buffer.from('cccc'));
    expect(await read(mem, 'c')).toBe('cccc');
    expect(await read(mem, 'b')).toBe('bbbb');
    expect(calls.get).toBe(5);
    expect(await read(mem, 'a')).toBe('aaaa');
    expect(calls.get).toBe(6);
    // A put that lost to another writer keeps nothing of its own bytes.
    expect(await mem.putIfAbsent('c', Buffer.from('CCCC'))).toBe('exists');
    expect(await read(mem, 'c')).toBe('cccc');
  });
});
