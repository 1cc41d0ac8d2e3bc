// Issue 13 item 6: one path+ rule for Python and Go: relative, inside the project unless opted in.
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImportSpec } from '../../src/python/importspec/index.js';
import { writeTree } from '../support/files.js';
import { cleanup, goProject } from './support.js';

afterAll(cleanup);

const GO_LOCAL = {
  'go.mod': 'module example.com/local\n\ngo 1.19\n',
  'local.go': 'package local\n',
};
const PY_LOCAL = { 'mylib/__init__.pyi': 'def f(x: int) -> int: ...\n' };

/** Writes `files` under `<project>/../outside`. */
async function outside(root: string, files: Record<string, string>): Promise<void> {
  await writeTree(join(root, '..', 'outside'), files);
}

describe('path+ directories stay inside the project by default', () => {
  it('Python: an absolute path+ is an invalid spec, never written into the lock', async () => {
    expect(() => parseImportSpec('mylib@path+/abs/dir')).toThrow(/absolute/);
    const p = await goProject({ 'main.mochi': 'import python "mylib@path+/tmp" as mylib\n' });
    const r = await p.lock();
    expect(r.err).toMatch(/error\[project-import\].*absolute/);
    expect(r.code).toBe(2);
  });

  it('Python: path+../outside and path+../../../../../../ are refused (path-outside-project, exit 2)', async () => {
    for (const dir of ['../outside', '../../../../../../']) {
      const p = await goProject({ 'main.mochi': `import python "mylib@path+${dir}" as mylib\n` });
      await outside(p.root, PY_LOCAL);
      const r = await p.lock();
      expect(r.err).toMatch(/error\[path-outside-project\]: mylib@path\+/);
      expect(r.code).toBe(2);
    }
  });

  it('Go: path+../outside is refused (path-outside-project, exit 2)', async () => {
    const p = await goProject({ 'main.mochi': 'import go "example.com/local@path+../outside" as local\n' });
    await outside(p.root, GO_LOCAL);
    const r = await p.lock();
    expect(r.err).toMatch(/error\[path-outside-project\]: example\.com\/local@path\+\.\.\/outside/);
    expect(r.code).toBe(2);
  });

  it('a symbolic link inside the project that leads outside is refused too', async () => {
    const p = await goProject({
      'main.mochi': 'import go "example.com/local@path+./vendor/local" as local\n',
    });
    await outside(p.root, GO_LOCAL);
    await mkdir(join(p.root, 'vendor'));
    await symlink(join(p.root, '..', 'outside'), join(p.root, 'vendor/local'));
    const r = await p.lock();
    expect(r.err).toMatch(/error\[path-outside-project\]/);
    expect(r.code).toBe(2);
  });

  it('--allow-outside-project opts in, and the lock records the relative path as written', async () => {
    const p = await goProject({ 'main.mochi': 'import go "example.com/local@path+../outside" as local\n' });
    await outside(p.root, GO_LOCAL);
    const r = await p.lock('--allow-outside-project');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lock = await readFile(join(p.root, 'mochi.lock'), 'utf8');
    expect(lock).toMatch(/local-path = "\.\.\/outside"/);
    expect(lock).not.toContain(p.root);
  });

  it('a directory inside the project is accepted on both sides', async () => {
    const p = await goProject({
      'main.mochi': 'import go "example.com/local@path+./go/local" as local\n',
      ...Object.fromEntries(Object.entries(GO_LOCAL).map(([k, v]) => [`go/local/${k}`, v])),
    });
    const r = await p.lock();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
