import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HASH_ERRORS, threadHasher } from '../../../src/go/cache/hasher.js';
import { DirhashError, hashZip } from '../../../src/go/dirhash/index.js';
import { ModZipError } from '../../../src/go/modzip/errors.js';
import { deserializeError, serializeError } from '../../../src/util/workers.js';
import { buildZip } from '../../support/zipbuild.js';
import { fixtureModule } from '../support/modules.js';

// The workers run these sources (through tsx), so a stale dist/ cannot make these tests pass.
async function tempZip(bytes: Uint8Array): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'threads-')), 'm.zip');
  await writeFile(path, bytes);
  return path;
}

describe('threadHasher', () => {
  it('hashes on worker threads exactly as hashZip does, many jobs at once', async () => {
    const hasher = threadHasher(2);
    try {
      expect(hasher.threads).toBe(2);
      const mods = Array.from({ length: 12 }, (_, i) =>
        fixtureModule(`example.com/m${i}`, 'v1.0.0', { [`f${i}.go`]: `package m${i}\n`.repeat(i + 1) }),
      );
      const paths = await Promise.all(mods.map((m) => tempZip(m.zip)));
      const got = await Promise.all(
        mods.map((m, i) => hasher.checkAndHash(paths[i] as string, m.path, m.version)),
      );
      const want = await Promise.all(mods.map((m) => hashZip(m.zip, m.path, m.version)));
      expect(got).toEqual(want);
      expect(new Set(got).size).toBe(mods.length);
    } finally {
      await hasher.close();
    }
  });

  it('brings typed errors back from the worker with their code, hint and files', async () => {
    const hasher = threadHasher(1);
    try {
      const notZip = await tempZip(Buffer.from('this is not a zip'));
      const e1 = await hasher.checkAndHash(notZip, 'example.com/foo', 'v1.0.0').catch((e: unknown) => e);
      expect(e1).toMatchObject({ name: 'ZipError', code: 'zip-not-zip' });
      // The file is a download's temporary one: the message names what it holds instead.
      expect((e1 as Error).message).toBe(
        'example.com/foo@v1.0.0: not a valid zip file (no end of central directory record)',
      );
      const invalid = await tempZip(
        buildZip([
          { name: 'example.com/foo@v1.0.0/go.mod', data: 'module example.com/foo\n' },
          { name: 'example.com/foo@v1.0.0/a.go', data: 'package foo\n' },
          { name: 'example.com/foo@v1.0.0/A.go', data: 'package foo\n' },
        ]),
      );
      const e2 = await hasher.checkAndHash(invalid, 'example.com/foo', 'v1.0.0').catch((e: unknown) => e);
      expect(e2).toMatchObject({ name: 'ModZipError', code: 'zip-invalid' });
      expect((e2 as ModZipError).files.map((f) => f.path)).toContain('example.com/foo@v1.0.0/A.go');
      const missing = join(tmpdir(), 'no-such-dir-for-threads-test', 'm.zip');
      const e3 = await hasher.checkAndHash(missing, 'example.com/foo', 'v1.0.0').catch((e: unknown) => e);
      expect(e3).toMatchObject({ code: 'zip-io' });
    } finally {
      await hasher.close();
    }
  });

  it('hashes on the calling thread when given no threads', async () => {
    const hasher = threadHasher(0);
    expect(hasher.threads).toBe(0);
    const m = fixtureModule('example.com/foo', 'v1.0.0');
    expect(await hasher.checkAndHash(await tempZip(m.zip), m.path, m.version)).toBe(
      await hashZip(m.zip, m.path, m.version),
    );
    await hasher.close();
  });
});

describe('errors across the thread boundary', () => {
  it('round-trip with class, code, hint and files', () => {
    const z = new ModZipError('zip-invalid', 'bad files', {
      hint: 'rename them',
      files: [{ path: 'a', reason: 'why' }],
    });
    const back = deserializeError(serializeError(z), HASH_ERRORS);
    expect(back).toBeInstanceOf(ModZipError);
    expect(back).toMatchObject({ code: 'zip-invalid', message: 'bad files', hint: 'rename them' });
    expect((back as ModZipError).files).toEqual([{ path: 'a', reason: 'why' }]);
    const d = deserializeError(
      serializeError(new DirhashError('dirhash-prefix', 'outside', 'check it')),
      HASH_ERRORS,
    );
    expect(d).toBeInstanceOf(DirhashError);
    expect(d).toMatchObject({ code: 'dirhash-prefix', hint: 'check it' });
    const io = deserializeError(
      serializeError(Object.assign(new Error('no such file'), { code: 'ENOENT' })),
      HASH_ERRORS,
    );
    expect(io).not.toBeInstanceOf(ModZipError);
    expect(io).toMatchObject({ code: 'ENOENT', message: 'no such file' });
  });
});
