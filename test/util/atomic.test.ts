import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/util/atomic.js';

describe('writeFileAtomic', () => {
  it('writes bytes and leaves no temp file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    await writeFileAtomic(join(dir, 'a.txt'), 'hello');
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('hello');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('streams chunks from an async iterable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    async function* chunks() {
      yield Buffer.from('ab');
      yield Buffer.from('cd');
    }
    await writeFileAtomic(join(dir, 'b'), chunks());
    expect(await readFile(join(dir, 'b'), 'utf8')).toBe('abcd');
  });

  it('keeps the old file and removes the temp file when the source fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'c');
    await writeFile(target, 'old');
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('source broke');
    }
    await expect(writeFileAtomic(target, failing())).rejects.toThrow('source broke');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['c']);
  });
});
