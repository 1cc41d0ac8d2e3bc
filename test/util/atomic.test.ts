import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishNoReplaceSync } from '../../src/go/cache/publish.js';
import {
  FileWriteError,
  removeOwnTempsSync,
  removeQuietly,
  tempPathFor,
  tempsHeld,
  writeDirAtomic,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../src/util/atomic.js';

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

describe('writeFileAtomicSync', () => {
  it('writes like writeFileAtomic: parents made, target replaced whole, no temp file left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'deep', 'er', 'a.txt');
    writeFileAtomicSync(target, 'first', { mkdirs: true, fsync: false });
    writeFileAtomicSync(target, Buffer.from('second'), { fsync: false });
    expect(await readFile(target, 'utf8')).toBe('second');
    expect(await readdir(join(dir, 'deep', 'er'))).toEqual(['a.txt']);
  });

  it('fails with a file-write error, keeps nothing half-written and no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true });
    // Renaming a file over a non-empty directory fails after the temp file was written.
    expect(() => writeFileAtomicSync(target, 'x')).toThrow(FileWriteError);
    expect(await readdir(dir)).toEqual(['taken']);
    expect(() => writeFileAtomicSync(join(dir, 'missing', 'f'), 'x')).toThrow(/ENOENT/);
  });
});

describe('publishNoReplaceSync', () => {
  it('publishes a temp file once and never replaces what is there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'v1.zip');
    await writeFile(join(dir, 't1'), 'one');
    expect(publishNoReplaceSync(join(dir, 't1'), target)).toBe('published');
    await writeFile(join(dir, 't2'), 'two');
    expect(publishNoReplaceSync(join(dir, 't2'), target)).toBe('exists');
    expect(await readFile(target, 'utf8')).toBe('one');
    expect(await readdir(dir)).toEqual(['v1.zip']);
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

describe('temp paths held for an interrupt', () => {
  it('lets go of each temp file once it is published or removed, so many writes cost no extra call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-held-'));
    const before = tempsHeld();
    for (let i = 0; i < 20; i++) {
      writeFileAtomicSync(join(dir, `s${i}`), 'x');
      await writeFileAtomic(join(dir, `a${i}`), 'x');
      await writeDirAtomic(join(dir, `d${i}`), async (tmp) => writeFile(join(tmp, 'f'), 'x'));
      const tmp = tempPathFor(join(dir, `p${i}`));
      await writeFile(tmp, 'x');
      expect(publishNoReplaceSync(tmp, join(dir, `p${i}`))).toBe('published');
      const gone = tempPathFor(join(dir, `r${i}`));
      await writeFile(gone, 'x');
      await removeQuietly(gone);
    }
    // A failed write removes its temp file and lets go of it too.
    await mkdir(join(dir, 'taken'));
    expect(() => writeFileAtomicSync(join(dir, 'taken'), 'x')).toThrow(FileWriteError);
    expect(tempsHeld()).toBe(before);
    // One still being written is held, and an interrupt removes it.
    const open = tempPathFor(join(dir, 'open'));
    await writeFile(open, 'partial');
    expect(tempsHeld()).toBe(before + 1);
    expect(removeOwnTempsSync()).toBe(1);
    expect((await readdir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
