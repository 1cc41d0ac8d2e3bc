// `python inspect` (readStubFiles) and `lock`'s path sources (readStubTree) read one stub folder the same way.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStubPath, readStubTree } from '../../src/project/stubs.js';
import { readStubFiles } from '../../src/python/stubs/load.js';
import { writeTree } from '../support/files.js';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'stubtree-'));
  await writeTree(root, files);
  return root;
}

describe('one stub reader', () => {
  it('keeps the same files: .pyi outside hidden, cache, test and non-importable folders', async () => {
    const root = await tree({
      '__init__.pyi': '\ufeffx: int\n',
      'a.pyi': 'def f() -> int: ...\n',
      'sub/b.pyi': 'y: str\n',
      'sub/notes.txt': 'not a stub',
      '@tests/t.pyi': 'z: int\n',
      '.hidden/h.pyi': 'z: int\n',
      '__pycache__/c.pyi': 'z: int\n',
      'node_modules/m.pyi': 'z: int\n',
      'some-data/d.pyi': 'z: int\n',
    });
    const inspect = await readStubFiles(root, { module: 'pkg' });
    const lock = await readStubTree(root);
    expect([...lock.keys()]).toEqual(['__init__.pyi', 'a.pyi', 'sub/b.pyi']);
    expect([...inspect.files]).toEqual([...lock]);
    // A leading BOM is dropped by both.
    expect(lock.get('__init__.pyi')).toBe('x: int\n');
    for (const path of ['a.pyi', 'sub/b.pyi']) expect(isStubPath(path)).toBe(true);
    for (const path of ['@tests/t.pyi', '.hidden/h.pyi', 'some-data/d.pyi', 'sub/notes.txt']) {
      expect(isStubPath(path)).toBe(false);
    }
    expect(isStubPath('pkg-stubs/x.pyi')).toBe(true);
  });

  it('leaves out a file or folder whose name is not UTF-8, as a name no import can reach', async () => {
    const root = await tree({ '__init__.pyi': 'x: int\n', 'sub/b.pyi': 'y: str\n' });
    const raw = (...parts: (string | number)[]) =>
      Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p))));
    await writeFile(raw(root, '/b', 0xff, 'ad.pyi'), 'z: int\n');
    await mkdir(raw(root, '/d', 0xfe));
    await writeFile(raw(root, '/d', 0xfe, '/e.pyi'), 'z: int\n');
    await writeFile(raw(root, '/sub/c', 0x80, '.pyi'), 'z: int\n');
    const inspect = await readStubFiles(root, { module: 'pkg' });
    const lock = await readStubTree(root);
    expect([...lock.keys()]).toEqual(['__init__.pyi', 'sub/b.pyi']);
    expect([...inspect.files]).toEqual([...lock]);
    expect(isStubPath('sub/c\uFFFD.pyi')).toBe(false);
  });

  it('refuses a file that is not UTF-8 the same way, with its line and column', async () => {
    const root = await tree({ 'ok.pyi': 'x: int\n' });
    await writeFile(join(root, 'bad.pyi'), Buffer.from([0x78, 0x0a, 0x79, 0xff, 0x0a]));
    const inspect = await readStubFiles(root).catch((e: unknown) => e);
    const lock = await readStubTree(root).catch((e: unknown) => e);
    expect(inspect).toMatchObject({ code: 'stub-encoding', line: 2, column: 2 });
    expect(lock).toMatchObject({ code: 'stub-encoding', line: 2, column: 2 });
    expect((lock as Error).message).toBe((inspect as Error).message);
  });

  it('caps a tree in files and bytes, with each caller its own code', async () => {
    const root = await tree({ 'a.pyi': 'x: int\n', 'b.pyi': 'y: int\n' });
    await expect(readStubTree(root, { maxFiles: 1 })).rejects.toMatchObject({ code: 'stubs-too-large' });
    await expect(readStubTree(root, { maxBytes: 8 })).rejects.toMatchObject({ code: 'stubs-too-large' });
  });
});
