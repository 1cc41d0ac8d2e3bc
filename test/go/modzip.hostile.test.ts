// Hostile zips: every one ends in a typed error, in bounded time and memory, with nothing left on disk.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../src/errors.js';
import { hashZip } from '../../src/go/dirhash/index.js';
import { checkedFilesError, checkZip, extract, listZip } from '../../src/go/modzip/index.js';
import { buildZip, type TestEntry } from '../support/zipbuild.js';

const M = { path: 'example.com/m', version: 'v1.0.0' };
const P = 'example.com/m@v1.0.0/';

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e === undefined) return 'no error';
  if (!isMochiPkgError(e)) throw e;
  return e.code;
}

async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'hostile-')), 'out');
}

const good = (): TestEntry[] => [
  { name: `${P}go.mod`, data: 'module example.com/m\n' },
  { name: `${P}a.go`, data: 'package m\n' },
  { name: `${P}sub/b.go`, data: 'package sub\n' },
];

/** Every reader path: hash, check, extract. Returns their error codes. */
async function allCodes(zip: Buffer) {
  const dir = await freshDir();
  const codes = {
    hash: await codeOf(hashZip(zip, M.path, M.version)),
    check: await codeOf(
      checkZip(zip, M).then((cf) => {
        const err = checkedFilesError(cf, 'check');
        return err ? Promise.reject(err) : cf;
      }),
    ),
    extract: await codeOf(extract(zip, M, dir)),
  };
  expect(existsSync(dir), 'extract leaves nothing behind').toBe(false);
  return codes;
}

describe('hostile zips', () => {
  it('a truncated file (end record cut off) is not a zip', async () => {
    const zip = buildZip(good());
    expect(await codeOf(hashZip(zip.subarray(0, zip.length - 10), M.path, M.version))).toBe('zip-not-zip');
  });

  it('a truncated central directory is corrupt', async () => {
    const zip = buildZip(good());
    // Drop 20 bytes from the middle of the central directory; the end record still points at it.
    const cdStart = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const cut = Buffer.concat([zip.subarray(0, cdStart + 10), zip.subarray(cdStart + 30)]);
    expect(Object.values(await allCodes(cut)).every((c) => c === 'zip-corrupt')).toBe(true);
  });

  it('an end record announcing more entries than the directory holds is corrupt', async () => {
    const codes = await allCodes(buildZip(good(), { declaredCount: 4 }));
    expect(codes).toEqual({ hash: 'zip-corrupt', check: 'zip-corrupt', extract: 'zip-corrupt' });
  });

  it('lying zip64 sizes: huge uncompressed is too large, huge compressed overlaps', async () => {
    const huge = [...good(), { name: `${P}big`, data: 'x', zip64: true, declaredSize: 2 ** 40 }];
    const a = await allCodes(buildZip(huge));
    expect(a.hash).toBe('zip-too-large');
    expect(a.check).toBe('zip-too-large');
    expect(a.extract).toBe('zip-too-large');
    const far = [...good(), { name: `${P}big`, data: 'x', zip64: true, declaredCompressed: 2 ** 40 }];
    expect(await allCodes(buildZip(far))).toEqual({
      hash: 'zip-overlap',
      check: 'zip-overlap',
      extract: 'zip-overlap',
    });
    const absurd = [{ name: `${P}big`, data: 'x', zip64: true, declaredSize: Number.MAX_SAFE_INTEGER + 2 }];
    expect((await allCodes(buildZip(absurd))).hash).toBe('zip-corrupt');
  });

  it('overlapping entries (two directory records for one body) are refused', async () => {
    const zip = buildZip([
      { name: `${P}a.go`, data: 'package m\n' },
      { name: `${P}b.go`, data: 'package m\n', declaredOffset: 0 },
    ]);
    expect(await allCodes(zip)).toEqual({
      hash: 'zip-overlap',
      check: 'zip-overlap',
      extract: 'zip-overlap',
    });
  });

  it('a local header that names a different file is corrupt', async () => {
    const zip = buildZip([{ name: `${P}a.go`, data: 'x', localName: Buffer.from(`${P}b.go`) }]);
    expect((await allCodes(zip)).hash).toBe('zip-corrupt');
  });

  const badNames: [string, string][] = [
    ['../ escape', `${P}../../etc/passwd`],
    ['inner ..', `${P}a/../../b`],
    ['absolute', '/etc/passwd'],
    ['backslash', `${P}a\\..\\b`],
    ['NUL byte', `${P}a\0b`],
  ];
  for (const [what, name] of badNames) {
    it(`a ${what} name is refused by hash and invalid for check and extract`, async () => {
      const codes = await allCodes(buildZip([...good(), { name, data: 'evil' }]));
      expect(['zip-bad-name', 'dirhash-prefix']).toContain(codes.hash);
      expect(codes.check).toBe('zip-invalid');
      expect(codes.extract).toBe('zip-invalid');
    });
  }

  it('duplicate names are refused', async () => {
    const codes = await allCodes(buildZip([...good(), { name: `${P}a.go`, data: 'again' }]));
    expect(codes).toEqual({ hash: 'zip-duplicate', check: 'zip-invalid', extract: 'zip-invalid' });
  });

  it('invalid UTF-8 in a name is refused', async () => {
    const name = Buffer.concat([Buffer.from(P), Buffer.from([0xff, 0x2e, 0x67, 0x6f])]);
    const codes = await allCodes(buildZip([...good(), { name, data: 'x' }]));
    expect(codes).toEqual({ hash: 'zip-bad-name', check: 'zip-invalid', extract: 'zip-invalid' });
  });

  it('declared-small-inflates-huge stops at the declared size (whole and streamed bodies)', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    for (const declaredSize of [100, 5 * 1024 * 1024]) {
      const zip = buildZip([
        ...good(),
        { name: `${P}bomb`, rawBody: bomb, data: Buffer.alloc(declaredSize), declaredSize },
      ]);
      const before = process.memoryUsage().rss;
      const t0 = performance.now();
      expect(await allCodes(zip)).toEqual({
        hash: 'zip-size-mismatch',
        check: 'no error',
        extract: 'zip-size-mismatch',
      });
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    }
  });

  it('a body shorter than declared is a size mismatch', async () => {
    const codes = await allCodes(
      buildZip([...good(), { name: `${P}short`, data: 'abc', declaredSize: 10, crc: 0 }]),
    );
    expect(codes.hash).toBe('zip-size-mismatch');
  });

  it('a wrong CRC-32 is a checksum error, with or without a data descriptor', async () => {
    for (const descriptor of [false, true]) {
      const codes = await allCodes(
        buildZip([...good(), { name: `${P}x`, data: 'abc', crc: 12345, descriptor }]),
      );
      expect(codes.hash).toBe('zip-checksum');
      expect(codes.extract).toBe('zip-checksum');
    }
  });

  it('encryption and unknown compression methods are unsupported', async () => {
    const enc = await allCodes(buildZip([{ name: `${P}x`, data: 'abc', flags: 1 }]));
    expect(enc.hash).toBe('zip-unsupported');
    const bz = await allCodes(
      buildZip([{ name: `${P}x`, data: 'abc', method: 12, rawBody: Buffer.from('BZh') }]),
    );
    expect(bz.hash).toBe('zip-unsupported');
  });

  it('garbage deflate data is corrupt', async () => {
    const codes = await allCodes(
      buildZip([{ name: `${P}x`, data: 'abcdef', rawBody: Buffer.from([0xff, 0xff, 0xff, 0xff]) }]),
    );
    expect(codes.hash).toBe('zip-corrupt');
  });

  it('random corruption of a valid zip never escapes as an untyped error', async () => {
    const base = buildZip([...good(), { name: `${P}z`, data: 'z'.repeat(3000), descriptor: true }]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.nat(base.length),
        async (flips, cut) => {
          const z = Buffer.from(base.subarray(0, Math.max(cut, base.length - 40)));
          for (const [at, v] of flips) if (at < z.length) z[at] = v;
          for (const op of [hashZip(z, M.path, M.version), listZip(z), checkZip(z, M)]) {
            const e = await op.then(
              () => undefined,
              (err: unknown) => err,
            );
            if (e !== undefined && !isMochiPkgError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('extract', () => {
  it('writes read-only files and no directory entries, and refuses a non-empty target', async () => {
    const zip = buildZip([{ name: `${P}sub/`, data: '', method: 0 }, ...good()]);
    const dir = await freshDir();
    const r = await extract(zip, M, dir);
    expect(r.files).toEqual(['go.mod', 'a.go', 'sub/b.go']);
    expect((await readdir(dir)).sort()).toEqual(['a.go', 'go.mod', 'sub']);
    const { statSync } = await import('node:fs');
    expect(statSync(join(dir, 'a.go')).mode & 0o777).toBe(0o444);
    expect(await codeOf(extract(zip, M, dir))).toBe('zip-target-not-empty');
  });

  it('extracts into an existing empty directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hostile-empty-'));
    await extract(buildZip(good()), M, dir);
    expect((await readdir(dir)).sort()).toEqual(['a.go', 'go.mod', 'sub']);
  });
});

describe('unreadable inputs', () => {
  it('a missing file or a directory given as a zip is a zip-io error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hostile-io-'));
    expect(await codeOf(hashZip(join(dir, 'missing.zip'), M.path, M.version))).toBe('zip-io');
    expect(await codeOf(hashZip(dir, M.path, M.version))).toBe('zip-io');
    expect(await codeOf(listZip(dir))).toBe('zip-io');
  });
});
