// Issue 13 item 3: two different zips must never share one h1: (names with a newline are refused).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hash1Files, hashZip } from '../../src/go/dirhash/index.js';
import { buildZip } from '../support/zipbuild.js';
import { cleanup, cli, tempDir } from './support.js';

afterAll(cleanup);

const prefix = 'example.com/m@v1.0.0';
const a = 'package m\n';
const b = 'package m // b\n';
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
/** Two files, as any module zip holds them. */
const honest = buildZip([
  { name: `${prefix}/a.go`, data: a },
  { name: `${prefix}/b.go`, data: b },
]);
/** One file whose name forges the second summary line of `honest`. */
const forged = buildZip([{ name: `${prefix}/a.go\n${hex(b)}  ${prefix}/b.go`, data: a }]);

describe('Hash1 refuses file names with a newline (dirhash-bad-name), as x/mod does', () => {
  it('hashZip on bytes: the honest zip hashes, the forged one is refused', async () => {
    expect(await hashZip(honest, 'example.com/m', 'v1.0.0')).toMatch(/^h1:/);
    await expect(hashZip(forged, 'example.com/m', 'v1.0.0')).rejects.toMatchObject({
      code: 'dirhash-bad-name',
    });
  });

  it('hashZip on a path and `go hash` refuse the forged zip', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'forged.zip'), forged);
    await expect(hashZip(join(d, 'forged.zip'), 'example.com/m', 'v1.0.0')).rejects.toMatchObject({
      code: 'dirhash-bad-name',
    });
    const r = await cli(d, [
      'go',
      'hash',
      join(d, 'forged.zip'),
      '--module',
      'example.com/m',
      '--version',
      'v1.0.0',
    ]);
    expect(r.err).toMatch(/error\[dirhash-bad-name\]/);
    expect(r.out).toBe('');
    expect(r.code).not.toBe(0);
  });

  it('a forged name ending in / is not skipped as a directory entry', async () => {
    const dirForged = buildZip([
      { name: `${prefix}/a.go`, data: a },
      { name: `${prefix}/x\n${hex(b)}  ${prefix}/b.go/`, data: '' },
    ]);
    await expect(hashZip(dirForged, 'example.com/m', 'v1.0.0')).rejects.toMatchObject({
      code: 'dirhash-bad-name',
    });
  });

  it('hash1Files refuses a newline name before opening any file', async () => {
    let opened = 0;
    await expect(
      hash1Files(['x/a\nb'], () => {
        opened++;
        return '';
      }),
    ).rejects.toMatchObject({ code: 'dirhash-bad-name' });
    expect(opened).toBe(0);
  });
});
