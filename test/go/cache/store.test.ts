import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../../src/errors.js';
import { CacheConflictError, CacheCorruptError } from '../../../src/go/cache/errors.js';
import { CACHE_ENV, defaultCacheRoot } from '../../../src/go/cache/layout.js';
import { Cache, fingerprintBytes } from '../../../src/go/cache/store.js';
import { hashGoMod, hashZip } from '../../../src/go/dirhash/index.js';
import { buildZip } from '../../support/zipbuild.js';
import { fixtureModule } from '../support/modules.js';

const foo = fixtureModule('example.com/foo', 'v1.0.0', {
  'foo.go': 'package foo\n',
  'sub/bar.go': 'package sub\n',
});

async function fresh(): Promise<Cache> {
  return Cache.open(join(await mkdtemp(join(tmpdir(), 'cache-')), 'a', 'b', 'c'));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (d.isFile()) out.push(join(d.parentPath, d.name).slice(dir.length + 1));
  }
  return out.sort();
}

async function storeAll(c: Cache, m = foo): Promise<void> {
  await c.storeInfo(m.path, m.version, JSON.parse(m.info));
  await c.storeMod(m.path, m.version, m.mod);
  await c.storeZip(m.path, m.version, m.zip);
}

describe('Cache layout', () => {
  it('escapes module and version in every artifact path', async () => {
    const c = await fresh();
    const dir = join(c.root, 'github.com', '!spf13', '!cobra', '@v');
    expect(c.infoPath('github.com/Spf13/Cobra', 'v1.0.0-RC1')).toBe(join(dir, 'v1.0.0-!r!c1.info'));
    expect(c.modPath('github.com/Spf13/Cobra', 'v1.0.0-RC1')).toBe(join(dir, 'v1.0.0-!r!c1.mod'));
    expect(c.zipPath('github.com/Spf13/Cobra', 'v1.0.0-RC1')).toBe(join(dir, 'v1.0.0-!r!c1.zip'));
    expect(c.zipHashPath('github.com/Spf13/Cobra', 'v1.0.0-RC1')).toBe(join(dir, 'v1.0.0-!r!c1.ziphash'));
    expect(c.listPath('github.com/Spf13/Cobra')).toBe(join(dir, 'list'));
  });

  it('creates nested roots', async () => {
    const c = await fresh();
    expect((await stat(c.root)).isDirectory()).toBe(true);
  });

  it('honours MOCHI_GO_BRIDGE_CACHE, XDG_CACHE_HOME, the macOS and Windows locations', () => {
    const none = () => false;
    expect(
      defaultCacheRoot({ [CACHE_ENV]: '/x/cache', XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u', none),
    ).toBe('/x/cache');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u', none)).toBe('/xdg/mochi-pkg/go');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u', none)).toBe(
      '/home/u/.cache/mochi-pkg/go',
    );
    expect(defaultCacheRoot({}, 'linux', '/home/u', none)).toBe('/home/u/.cache/mochi-pkg/go');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/xdg' }, 'darwin', '/Users/u', none)).toBe(
      '/Users/u/Library/Caches/mochi-pkg/go',
    );
    expect(defaultCacheRoot({ LOCALAPPDATA: 'C:/AppData' }, 'win32', 'C:/u', none)).toBe(
      join('C:/AppData', 'mochi-pkg', 'go'),
    );
  });

  it('keeps using a cache at the earlier default location while the new one does not exist', () => {
    const old = '/home/u/.cache/mochi-go-bridge/modules';
    expect(defaultCacheRoot({}, 'linux', '/home/u', (p) => p === old)).toBe(old);
    expect(defaultCacheRoot({}, 'linux', '/home/u', () => true)).toBe('/home/u/.cache/mochi-pkg/go');
  });

  it('fingerprints bytes as lowercase sha256 hex', () => {
    expect(fingerprintBytes(Buffer.from('hello'))).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
    expect(fingerprintBytes('')).toBe(createHash('sha256').digest('hex'));
  });
});

describe('Cache stores', () => {
  it('stores a zip with its .ziphash sidecar and returns the h1: digest', async () => {
    const c = await fresh();
    const h1 = await c.storeZip(foo.path, foo.version, foo.zip);
    expect(h1).toBe(await hashZip(foo.zip, foo.path, foo.version));
    expect(await readFile(c.zipHashPath(foo.path, foo.version), 'utf8')).toBe(h1);
    expect((await readFile(c.zipPath(foo.path, foo.version))).equals(foo.zip)).toBe(true);
    expect((await walk(c.root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stores a zip streamed through a sink', async () => {
    const c = await fresh();
    const h1 = await c.storeZip(foo.path, foo.version, async (sink) => {
      for (let i = 0; i < foo.zip.length; i += 7) sink.write(foo.zip.subarray(i, i + 7));
    });
    expect(h1).toBe(await hashZip(foo.zip, foo.path, foo.version));
    expect((await readFile(c.zipPath(foo.path, foo.version))).equals(foo.zip)).toBe(true);
  });

  it('reports has only once info, mod, zip and ziphash all exist', async () => {
    const c = await fresh();
    expect(await c.has(foo.path, foo.version)).toBe(false);
    await c.storeInfo(foo.path, foo.version, JSON.parse(foo.info));
    expect(await c.has(foo.path, foo.version)).toBe(false);
    await c.storeMod(foo.path, foo.version, foo.mod);
    expect(await c.has(foo.path, foo.version)).toBe(false);
    await c.storeZip(foo.path, foo.version, foo.zip);
    expect(await c.has(foo.path, foo.version)).toBe(true);
    await writeFile(c.zipHashPath(foo.path, foo.version), '');
    await (await import('node:fs/promises')).unlink(c.zipHashPath(foo.path, foo.version));
    expect(await c.has(foo.path, foo.version)).toBe(false);
  });

  it('returns hashGoMod digest from storeMod', async () => {
    const c = await fresh();
    expect(await c.storeMod(foo.path, foo.version, foo.mod)).toBe(hashGoMod(foo.mod));
    expect((await readFile(c.modPath(foo.path, foo.version))).equals(foo.mod)).toBe(true);
  });

  it('writes files atomically without leftover temp files', async () => {
    const c = await fresh();
    const p = join(c.root, 'deep', 'er', 'file.txt');
    await c.writeFile(p, 'one');
    await c.writeFile(p, 'two');
    expect(await readFile(p, 'utf8')).toBe('two');
    expect(await readdir(join(c.root, 'deep', 'er'))).toEqual(['file.txt']);
  });

  it('keeps the stored zip byte for byte', async () => {
    const c = await fresh();
    await c.storeZip(foo.path, foo.version, foo.zip);
    const back = await readFile(c.zipPath(foo.path, foo.version));
    expect(back.equals(foo.zip)).toBe(true);
    expect(await hashZip(c.zipPath(foo.path, foo.version), foo.path, foo.version)).toBe(
      await c.verifyZip(foo.path, foo.version),
    );
  });

  it('refuses a zip for another module and leaves nothing behind', async () => {
    const c = await fresh();
    const other = fixtureModule('example.com/bar', 'v1.0.0');
    await expect(c.storeZip(foo.path, foo.version, other.zip)).rejects.toSatisfy((e) => isMochiPkgError(e));
    await expect(c.storeZip(foo.path, foo.version, Buffer.from('not a zip'))).rejects.toSatisfy((e) =>
      isMochiPkgError(e),
    );
    expect(await walk(c.root)).toEqual([]);
  });

  it('hashes the temp file before anything is published, and publishes nothing when that fails', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'cache-')), 'r');
    const seen: string[] = [];
    const c = await Cache.open(root, {
      hasher: {
        async checkAndHash(path, module, version) {
          seen.push(path);
          expect(path).toContain('.tmp-');
          expect(
            await stat(join(root, 'example.com/foo/@v/v1.0.0.zip')).catch(() => undefined),
          ).toBeUndefined();
          if (seen.length === 1) throw new Error('refused');
          return hashZip(path, module, version);
        },
      },
    });
    await expect(c.storeZip(foo.path, foo.version, foo.zip)).rejects.toThrow('refused');
    expect(await walk(root)).toEqual([]);
    await c.storeZip(foo.path, foo.version, foo.zip);
    expect(seen).toHaveLength(2);
    expect(await c.verifyZip(foo.path, foo.version)).toBe(await hashZip(foo.zip, foo.path, foo.version));
  });

  it('lets concurrent stores of the same zip all succeed', async () => {
    const c = await fresh();
    const all = await Promise.all(
      Array.from({ length: 8 }, () => c.storeZip(foo.path, foo.version, foo.zip)),
    );
    expect(new Set(all).size).toBe(1);
    expect(await c.verifyZip(foo.path, foo.version)).toBe(all[0]);
    expect((await walk(c.root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('keeps the first zip when a later download differs (cache-conflict)', async () => {
    const c = await fresh();
    const first = await c.storeZip(foo.path, foo.version, foo.zip);
    const changed = fixtureModule(foo.path, foo.version, { 'foo.go': 'package foo // changed\n' });
    const e = await c.storeZip(foo.path, foo.version, changed.zip).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheConflictError);
    expect((e as CacheConflictError).message).toContain('example.com/foo@v1.0.0');
    expect(await c.verifyZip(foo.path, foo.version)).toBe(first);
  });

  it('keeps @v/list to the versions fully stored, in semver order', async () => {
    const c = await fresh();
    for (const v of ['v1.10.0', 'v1.2.0', 'v1.9.0-rc.1']) await storeAll(c, fixtureModule(foo.path, v));
    await c.storeZip(foo.path, 'v2.0.0+incompatible', fixtureModule(foo.path, 'v2.0.0+incompatible').zip);
    expect(await readFile(c.listPath(foo.path), 'utf8')).toBe('v1.2.0\nv1.9.0-rc.1\nv1.10.0\n');
  });
});

describe('Cache verification', () => {
  it('detects a tampered zip as cache-corrupt', async () => {
    const c = await fresh();
    await storeAll(c);
    const p = c.zipPath(foo.path, foo.version);
    const bytes = await readFile(p);
    const tampered = buildZip([
      { name: `${foo.path}@${foo.version}/foo.go`, data: 'package foo // evil\n' },
      { name: `${foo.path}@${foo.version}/go.mod`, data: foo.mod },
      { name: `${foo.path}@${foo.version}/sub/bar.go`, data: 'package sub\n' },
    ]);
    await writeFile(p, tampered);
    const e = await c.verifyZip(foo.path, foo.version).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheCorruptError);
    expect((e as CacheCorruptError).code).toBe('cache-corrupt');
    // one flipped bit inside any entry's data is caught (by the CRC or by the hash)
    const prefix = `${foo.path}@${foo.version}/`;
    let at = 0;
    while (at + 30 < bytes.length && bytes.readUInt32LE(at) === 0x04034b50) {
      const nameLen = bytes.readUInt16LE(at + 26);
      const extraLen = bytes.readUInt16LE(at + 28);
      const size = bytes.readUInt32LE(at + 18);
      const name = bytes.subarray(at + 30, at + 30 + nameLen).toString();
      expect(name.startsWith(prefix)).toBe(true);
      const copy = Buffer.from(bytes);
      const mid = at + 30 + nameLen + extraLen + (size >> 1);
      copy[mid] = (copy[mid] ?? 0) ^ 0x01;
      await writeFile(p, copy);
      await expect(c.verifyZip(foo.path, foo.version), name).rejects.toBeInstanceOf(CacheCorruptError);
      at += 30 + nameLen + extraLen + size;
    }
    expect(at).toBeGreaterThan(0);
  });

  it('reports missing files as cache-corrupt', async () => {
    const c = await fresh();
    await expect(c.verifyZip(foo.path, foo.version)).rejects.toBeInstanceOf(CacheCorruptError);
    await storeAll(c);
    const { unlink } = await import('node:fs/promises');
    await unlink(c.zipPath(foo.path, foo.version));
    const e = await c.verifyZip(foo.path, foo.version).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CacheCorruptError);
    expect((e as CacheCorruptError).path).toBe(c.zipPath(foo.path, foo.version));
  });

  it('reports a .ziphash that is a FIFO, a directory or too long as cache-corrupt, without waiting', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdir, rm } = await import('node:fs/promises');
    const c = await fresh();
    await storeAll(c);
    const path = c.zipHashPath(foo.path, foo.version);
    const kinds: Array<[string, () => Promise<void>, RegExp]> = [
      [
        'FIFO',
        async () => void execFileSync('mkfifo', [path]),
        /\.ziphash is a named pipe \(FIFO\), not a regular file/,
      ],
      ['directory', () => mkdir(path).then(() => undefined), /\.ziphash is a directory, not a regular file/],
      ['long file', () => writeFile(path, `h1:${'A'.repeat(400)}=\n`), /larger than 256 bytes/],
    ];
    for (const [name, make, message] of kinds) {
      await rm(path, { recursive: true, force: true });
      await make();
      for (const read of [
        () => c.readZipHash(foo.path, foo.version),
        () => c.verifyZip(foo.path, foo.version),
      ]) {
        const e = await read().catch((x: unknown) => x);
        expect(e, name).toBeInstanceOf(CacheCorruptError);
        expect((e as CacheCorruptError).path, name).toBe(path);
        expect((e as Error).message, name).toMatch(message);
      }
    }
    await rm(path, { recursive: true, force: true });
    expect(await c.readZipHash(foo.path, foo.version)).toBeUndefined();
  });

  it('lists entries with their artifacts and removes them sidecar first', async () => {
    const c = await fresh();
    const upper = fixtureModule('github.com/Spf13/Cobra', 'v1.0.0-RC1');
    await storeAll(c);
    await storeAll(c, upper);
    await c.storeMod('example.com/half', 'v0.1.0', Buffer.from('module example.com/half\n'));
    const entries = await c.entries();
    expect(entries.map((e) => [e.module, e.version, e.complete])).toEqual([
      ['example.com/foo', 'v1.0.0', true],
      ['example.com/half', 'v0.1.0', false],
      ['github.com/Spf13/Cobra', 'v1.0.0-RC1', true],
    ]);
    await c.remove(foo.path, foo.version);
    expect(await c.has(foo.path, foo.version)).toBe(false);
    expect((await c.entries()).map((e) => e.module)).not.toContain(foo.path);
  });

  /** A cache holding foo, with two temp files beside it: one untouched for two hours, one fresh. */
  async function withTemps(): Promise<{ c: Cache; dir: string; old: string; recent: string }> {
    const c = await fresh();
    await storeAll(c);
    const dir = join(c.zipPath(foo.path, foo.version), '..');
    const old = '.tmp-v1.1.0.zip.1.aaaa';
    const recent = '.tmp-v1.1.0.zip.2.bbbb';
    await writeFile(join(dir, old), 'partial');
    await writeFile(join(dir, recent), 'partial');
    const past = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(dir, old), past, past);
    return { c, dir, old, recent };
  }

  it('cleans temp files left by dead writers, sparing recent ones', async () => {
    const { c, dir, old, recent } = await withTemps();
    expect(await c.cleanTemps()).toBe(1);
    const names = await readdir(dir);
    expect(names).toContain(recent);
    expect(names).not.toContain(old);
  });

  it('removes stale temp files of a version directory when it next stores into it', async () => {
    const { c, dir, old, recent } = await withTemps();
    await storeAll(c, fixtureModule(foo.path, 'v1.1.0'));
    const names = await readdir(dir);
    expect(names).toContain(recent);
    expect(names).not.toContain(old);
  });
});
