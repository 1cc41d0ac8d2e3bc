import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDirAtomic, writeFileAtomic } from '../../src/util/atomic.js';

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

describe('writeDirAtomic', () => {
  it('publishes the whole directory at once and leaves no temp directory behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'sub', 'out');
    const seen: string[] = [];
    expect(
      await writeDirAtomic(target, async (tmp) => {
        await writeFile(join(tmp, 'a'), '1');
        seen.push(...(await readdir(join(dir, 'sub'))));
      }),
    ).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^\.tmp-out\./);
    expect(await readFile(join(target, 'a'), 'utf8')).toBe('1');
    expect(await readdir(join(dir, 'sub'))).toEqual(['out']);
  });

  it('removes the temp directory and leaves no target when filling fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'out');
    await expect(
      writeDirAtomic(target, async (tmp) => {
        await writeFile(join(tmp, 'a'), 'partial');
        throw new Error('fill broke');
      }),
    ).rejects.toThrow('fill broke');
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps a target another writer published first with ifExists: 'keep'", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'out');
    const fill = async (tmp: string) => {
      await writeFile(join(tmp, 'mine'), 'x');
      await mkdir(target);
      await writeFile(join(target, 'theirs'), 'y');
    };
    expect(await writeDirAtomic(target, fill, { ifExists: 'keep' })).toBe(false);
    expect(await readdir(target)).toEqual(['theirs']);
    expect(await readdir(dir)).toEqual(['out']);
  });
});
