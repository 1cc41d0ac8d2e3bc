// typeshedExternals: module lookup over a typeshed tree on disk, which may sit in a repository.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeshedExternals } from '../../../src/python/build/externals.js';
import { DEFAULT_TARGET } from '../../../src/python/stubs/condition.js';
import { loadStubParser } from '../../../src/python/stubs/parse.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mochi-externals-'));
  await mkdir(join(root, 'stdlib', 'pkg'), { recursive: true });
  await mkdir(join(root, 'stubs', 'dist', 'third'), { recursive: true });
  await writeFile(join(root, 'stdlib', 'good.pyi'), 'class Good:\n    x: int\n');
  await writeFile(join(root, 'stdlib', 'pkg', '__init__.pyi'), 'def f() -> int: ...\n');
  await writeFile(join(root, 'stdlib', 'broken.pyi'), 'def (:\n');
  await writeFile(join(root, 'stubs', 'dist', 'third', '__init__.pyi'), 'X: str\n');
  execFileSync('mkfifo', [join(root, 'stdlib', 'pipe.pyi')]);
  await symlink('/dev/zero', join(root, 'stdlib', 'zero.pyi'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('typeshedExternals', () => {
  it('finds stdlib modules, packages and third-party stubs, and treats broken or non-regular files as absent, at once', async () => {
    const ext = typeshedExternals(root, await loadStubParser(), DEFAULT_TARGET);
    expect(ext('good')?.classes.map((c) => c.name)).toEqual(['Good']);
    expect(ext('pkg')?.functions.map((f) => f.name)).toEqual(['f']);
    expect(ext('third')?.constants.map((c) => c.name)).toEqual(['X']);
    for (const name of ['broken', 'pipe', 'zero', 'missing']) expect(ext(name), name).toBeUndefined();
  }, 10_000);
});
