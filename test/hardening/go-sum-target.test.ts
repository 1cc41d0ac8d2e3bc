// Issue 13 item 12: --go-sum never overwrites the lock or a .mochi source.
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, goProject } from './support.js';

afterAll(cleanup);

const SOURCE = { 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' };

describe('lock --go-sum refuses the project’s own files', () => {
  it('the lock itself, a .mochi source, and a link to the lock: exit 2, files intact', async () => {
    const p = await goProject(SOURCE);
    expect((await p.lock()).code).toBe(0);
    const lockPath = join(p.root, 'mochi.lock');
    const lock = await readFile(lockPath, 'utf8');
    await symlink(lockPath, join(p.root, 'sum-link'));
    for (const target of [lockPath, join(p.root, 'main.mochi'), join(p.root, 'sum-link')]) {
      const r = await p.lock('--go-sum', target);
      expect(r.err).toMatch(/error\[usage\]: lock: --go-sum .* is (the lock file|a Mochi source)/);
      expect(r.code).toBe(2);
    }
    expect(await readFile(lockPath, 'utf8')).toBe(lock);
    expect(await readFile(join(p.root, 'main.mochi'), 'utf8')).toBe(SOURCE['main.mochi']);
  });

  it('lock --go-mod refuses them too, and --go-sum and --go-mod naming one file: exit 2, files intact', async () => {
    const p = await goProject(SOURCE);
    expect((await p.lock()).code).toBe(0);
    const lockPath = join(p.root, 'mochi.lock');
    const lock = await readFile(lockPath, 'utf8');
    for (const target of [lockPath, join(p.root, 'main.mochi')]) {
      const r = await p.lock('--go-mod', target);
      expect(r.err).toMatch(
        /error\[usage\]: lock: --go-mod .* is (the lock file|a Mochi source); a go\.mod would overwrite it/,
      );
      expect(r.code).toBe(2);
    }
    const both = await p.lock('--go-mod', join(p.root, 'x'), '--go-sum', join(p.root, 'x'));
    expect(both.err).toMatch(/error\[usage\]: lock: --go-sum and --go-mod name one file/);
    expect(both.code).toBe(2);
    expect(await readFile(lockPath, 'utf8')).toBe(lock);
    expect(await readFile(join(p.root, 'main.mochi'), 'utf8')).toBe(SOURCE['main.mochi']);
  });

  it('an ordinary go.sum path still works', async () => {
    const p = await goProject(SOURCE);
    const r = await p.lock('--go-sum', join(p.root, 'go.sum'));
    expect(r.code).toBe(0);
    expect(await readFile(join(p.root, 'go.sum'), 'utf8')).toMatch(/^example\.com\/foo v1\.0\.0 h1:/);
  });
});
