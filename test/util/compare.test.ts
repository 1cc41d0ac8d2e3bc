// compareFile: does a file hold exactly the bytes a tool would write, without reading what is not a regular file.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFile, compareFileSync } from '../../src/util/read.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mochi-compare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compareFile', () => {
  const want = Buffer.from('module example.com/m\n');

  it('tells same, absent and different bytes apart', async () => {
    await writeFile(join(dir, 'same'), want);
    await writeFile(join(dir, 'shorter'), want.subarray(0, 5));
    await writeFile(join(dir, 'longer'), Buffer.concat([want, Buffer.from('x')]));
    await writeFile(join(dir, 'edited'), Buffer.from('module example.com/M\n'));
    expect(await compareFile(join(dir, 'same'), want)).toBe('same');
    expect(await compareFile(join(dir, 'missing'), want)).toBe('absent');
    expect(await compareFile(join(dir, 'same', 'below-a-file'), want)).toBe('absent');
    for (const f of ['shorter', 'longer', 'edited'])
      expect(await compareFile(join(dir, f), want)).toBe('different');
    expect(await compareFile(join(dir, 'same'), Buffer.alloc(0))).toBe('different');
  });

  it('calls a FIFO, a link to /dev/zero and a directory different without reading them', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await symlink('/dev/zero', join(dir, 'zero'));
    await mkdir(join(dir, 'folder'));
    for (const f of ['fifo', 'zero', 'folder'])
      expect(await compareFile(join(dir, f), want)).toBe('different');
  }, 10_000);

  it('throws a coded error for a symbolic-link loop', async () => {
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    await expect(compareFile(join(dir, 'loop-a'), want)).rejects.toMatchObject({ code: 'file-unreadable' });
  });

  it('compareFileSync answers as compareFile does, and reads no more than the expected bytes of a huge file', async () => {
    const { truncateSync } = await import('node:fs');
    await writeFile(join(dir, 'sparse'), '');
    // 3 GiB, sparse: reading it whole would fail (over Node's buffer limit) or take seconds.
    truncateSync(join(dir, 'sparse'), 3 * 2 ** 30);
    for (const f of ['same', 'missing', 'longer', 'edited', 'fifo', 'zero', 'folder', 'sparse']) {
      const async = await compareFile(join(dir, f), want);
      expect(compareFileSync(join(dir, f), want), f).toBe(async);
    }
    expect(compareFileSync(join(dir, 'sparse'), want)).toBe('different');
    expect(() => compareFileSync(join(dir, 'loop-a'), want)).toThrow(/symbolic-link loop/);
  }, 10_000);
});
