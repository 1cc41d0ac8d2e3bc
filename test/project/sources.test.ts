import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchGitStubTree,
  metadataVersion,
  readStubTree,
  resolveStubs,
  StubSourceError,
  selectStubPackage,
  typeshedProvider,
} from '../../src/project/index.js';
import { parseImportSpec } from '../../src/python/importspec/index.js';
import { writeTree } from '../support/files.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const TYPESHED = join(repo, 'node_modules/pyright/dist/typeshed-fallback');
const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-stubs-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const m = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('selectStubPackage', () => {
  it('takes a root with __init__.pyi as the package, named after its directory', () => {
    const s = selectStubPackage(m({ '__init__.pyi': 'x: int', 'sub/a.pyi': '' }), 'my-lib', '/p/mylib');
    expect(s.module).toBe('mylib');
    expect([...s.files.keys()]).toEqual(['__init__.pyi', 'sub/a.pyi']);
    expect(selectStubPackage(m({ '__init__.pyi': '' }), 'my-lib', '/p/my-lib').module).toBe('my_lib');
  });

  it('takes the one top-level module, package or -stubs package, re-rooted', () => {
    expect(selectStubPackage(m({ 'six.pyi': 's' }), 'six', 'd')).toEqual({
      module: 'six',
      files: m({ 'six.pyi': 's' }),
    });
    expect(selectStubPackage(m({ 'req/__init__.pyi': 'a', 'req/x.pyi': 'b' }), 'requests', 'd')).toEqual({
      module: 'req',
      files: m({ '__init__.pyi': 'a', 'x.pyi': 'b' }),
    });
    expect(selectStubPackage(m({ 'foo-stubs/__init__.pyi': 'a' }), 'foo', 'd').module).toBe('foo');
    // a namespace package (no __init__.pyi at its top) still counts
    expect(selectStubPackage(m({ 'google/protobuf/__init__.pyi': '' }), 'protobuf', 'd').module).toBe(
      'google',
    );
  });

  it('prefers a package directory over a same-named module file', () => {
    const s = selectStubPackage(m({ 'a.pyi': 'file', 'a/__init__.pyi': 'pkg' }), 'a', 'd');
    expect(s.files).toEqual(m({ '__init__.pyi': 'pkg' }));
  });

  it('picks the module named after the distribution among several, else refuses', () => {
    expect(
      selectStubPackage(m({ 'typing_extensions.pyi': '', 'other.pyi': '' }), 'typing-extensions', 'd').module,
    ).toBe('typing_extensions');
    expect(() => selectStubPackage(m({ 'a.pyi': '', 'b.pyi': '' }), 'c', 'd')).toThrow(
      /several modules \(a, b\) and none is named c/,
    );
    expect(() => selectStubPackage(new Map(), 'c', 'd')).toThrow(StubSourceError);
  });
});

describe('readStubTree', () => {
  it('reads .pyi files only, sorted, skipping @tests and hidden directories', async () => {
    const root = await tmp();
    await writeTree(root, {
      'pkg/__init__.pyi': 'a',
      'pkg/z.pyi': 'z',
      'pkg/b.py': 'no',
      '@tests/test_cases/check.pyi': 'no',
      '.hidden/x.pyi': 'no',
      'METADATA.toml': 'version = "1.0"',
    });
    const files = await readStubTree(root);
    expect([...files.keys()]).toEqual(['pkg/__init__.pyi', 'pkg/z.pyi']);
  });

  it('enforces the file and byte caps, and refuses a missing directory', async () => {
    const root = await tmp();
    await writeTree(root, { 'a.pyi': 'x'.repeat(100), 'b.pyi': '' });
    await expect(readStubTree(root, { maxFiles: 1 })).rejects.toMatchObject({ code: 'stubs-too-large' });
    await expect(readStubTree(root, { maxBytes: 50 })).rejects.toMatchObject({ code: 'stubs-too-large' });
    await expect(readStubTree(join(root, 'nope'))).rejects.toMatchObject({ code: 'stubs-not-found' });
  });
});

describe('typeshedProvider over pyright’s bundled typeshed', () => {
  const ctx = { projectRoot: repo, cacheDir: join(tmpdir(), 'unused') };
  const provider = typeshedProvider(TYPESHED);

  it('resolves a third-party distribution by normalised name, with its METADATA.toml version', async () => {
    const six = await provider.resolve(parseImportSpec('Six') as never, ctx);
    expect(six?.stubs.module).toBe('six');
    expect(six?.stubs.files.has('__init__.pyi')).toBe(true);
    expect(six?.version).toMatch(/^\d+\.\d+$/);
    const yaml = await provider.resolve(parseImportSpec('pyyaml@>=6') as never, ctx);
    expect(yaml?.stubs.module).toBe('yaml');
  });

  it('resolves standard-library modules for bare names only', async () => {
    const bisect = await provider.resolve(parseImportSpec('bisect') as never, ctx);
    expect(bisect?.stubs).toMatchObject({ module: 'bisect' });
    expect([...(bisect?.stubs.files.keys() ?? [])]).toEqual(['bisect.pyi']);
    expect(bisect?.version).toBeUndefined();
    const asyncio = await provider.resolve(parseImportSpec('asyncio') as never, ctx);
    expect(asyncio?.stubs.files.has('__init__.pyi')).toBe(true);
    expect(await provider.resolve(parseImportSpec('bisect@>=1') as never, ctx)).toBeUndefined();
    expect(await provider.resolve(parseImportSpec('no-such-dist-xyz') as never, ctx)).toBeUndefined();
  });

  it('reads METADATA.toml versions, dropping a trailing .*', () => {
    expect(metadataVersion('version = "2.32.*"\nupstream = "x"')).toBe('2.32');
    expect(metadataVersion('version = 3')).toBeUndefined();
    expect(metadataVersion('not toml =')).toBeUndefined();
    // TOML 1.1 and dates that do not exist: tomllib refuses the file, so there is no version.
    expect(metadataVersion('version = "1.0"\nrequires = { a = 1, }')).toBeUndefined();
    expect(metadataVersion('version = "1.0"\nupstream = "\\x41"')).toBeUndefined();
    expect(metadataVersion('version = "1.0"\nreleased = 2023-02-29')).toBeUndefined();
  });
});

describe('resolveStubs', () => {
  it('reads path sources relative to the project', async () => {
    const root = await tmp();
    await writeTree(root, { 'stubs/mylib/__init__.pyi': 'def f() -> int: ...' });
    const r = await resolveStubs(
      parseImportSpec('mylib@path+stubs/mylib'),
      { projectRoot: root, cacheDir: root },
      [],
    );
    expect(r.stubs).toEqual({ module: 'mylib', files: m({ '__init__.pyi': 'def f() -> int: ...' }) });
    expect(r.origin).toBe(join(root, 'stubs/mylib'));
  });

  it('asks providers in order and names them when none has the stubs', async () => {
    const calls: string[] = [];
    const none = {
      name: 'none',
      resolve: async () => {
        calls.push('none');
        return undefined;
      },
    };
    const some = {
      name: 'some',
      resolve: async () => {
        calls.push('some');
        return { stubs: { module: 'x', files: m({ 'x.pyi': '' }) }, version: '1.0', origin: 'mem' };
      },
    };
    const ctx = { projectRoot: '/', cacheDir: '/' };
    expect((await resolveStubs(parseImportSpec('x'), ctx, [none, some])).version).toBe('1.0');
    expect(calls).toEqual(['none', 'some']);
    await expect(resolveStubs(parseImportSpec('x'), ctx, [none])).rejects.toThrow(/no stubs for x in none/);
    await expect(resolveStubs(parseImportSpec('x@corp+https://i/simple'), ctx, [none])).rejects.toMatchObject(
      {
        code: 'stubs-unsupported',
      },
    );
  });
});

describe('git stub sources (a local repository made here)', () => {
  let origin: string;
  let cache: string;
  let first: string;
  const g = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: origin,
        encoding: 'utf8',
      },
    ).trim();

  beforeAll(async () => {
    origin = await tmp();
    cache = await tmp();
    g('init', '--quiet', '--initial-branch=main');
    await writeTree(origin, { 'gitlib/__init__.pyi': 'def v1() -> int: ...\n', 'README.md': 'x' });
    g('add', '.');
    g('commit', '--quiet', '-m', 'v1');
    g('tag', 'v1');
    first = g('rev-parse', 'HEAD');
    await writeTree(origin, { 'gitlib/__init__.pyi': 'def v2() -> str: ...\n', 'gitlib/extra.pyi': '' });
    g('add', '.');
    g('commit', '--quiet', '-m', 'v2');
  });

  it('clones into the cache and reads the .pyi files at a tag, a commit and HEAD', async () => {
    const atTag = await fetchGitStubTree(origin, 'v1', cache);
    expect(atTag.commit).toBe(first);
    expect([...atTag.files]).toEqual([['gitlib/__init__.pyi', 'def v1() -> int: ...\n']]);
    const atHead = await fetchGitStubTree(origin, undefined, cache);
    expect(atHead.commit).not.toBe(first);
    expect([...atHead.files.keys()]).toEqual(['gitlib/__init__.pyi', 'gitlib/extra.pyi']);
    expect((await fetchGitStubTree(origin, first, cache)).commit).toBe(first);
    expect((await readdir(join(cache, 'git'))).filter((n) => n.endsWith('.git'))).toHaveLength(1);
  });

  it('sees new commits on the next fetch of a branch', async () => {
    const before = await fetchGitStubTree(origin, 'main', cache);
    await writeTree(origin, { 'gitlib/more.pyi': '' });
    g('add', '.');
    g('commit', '--quiet', '-m', 'v3');
    const after = await fetchGitStubTree(origin, 'main', cache);
    expect(after.commit).not.toBe(before.commit);
    expect(after.files.has('gitlib/more.pyi')).toBe(true);
  });

  it('resolves a git+ spec to the package and the commit', async () => {
    const r = await resolveStubs(
      parseImportSpec(`gitlib@git+file://${origin}#v1`),
      { projectRoot: '/', cacheDir: cache },
      [],
    );
    expect(r.stubs.module).toBe('gitlib');
    expect(r.gitCommit).toBe(first);
  });

  it('never runs an ext:: or other remote-helper URL, even where git is configured to allow any protocol', async () => {
    const marker = join(await tmp(), 'ran');
    const saved = { ...process.env };
    // A user's configuration that would let `ext::` through (git's own default refuses it).
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'protocol.allow',
      GIT_CONFIG_VALUE_0: 'always',
    });
    delete process.env.GIT_ALLOW_PROTOCOL;
    try {
      for (const url of [`ext::touch ${marker}`, `fd::3`]) {
        await expect(fetchGitStubTree(url, undefined, await tmp())).rejects.toMatchObject({
          code: 'stubs-git',
        });
      }
      expect(existsSync(marker)).toBe(false);
      // The allowed transports still work under the same configuration.
      expect((await fetchGitStubTree(origin, 'v1', await tmp())).commit).toBe(first);
    } finally {
      for (const k of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('reports an unknown rev and an unreachable repository as stubs-git errors', async () => {
    await expect(fetchGitStubTree(origin, 'no-such-tag', cache)).rejects.toMatchObject({ code: 'stubs-git' });
    await expect(fetchGitStubTree(join(origin, 'missing'), undefined, cache)).rejects.toMatchObject({
      code: 'stubs-git',
    });
  });
});

describe('typeshedProvider and specifiers', () => {
  it('takes no version from a METADATA.toml that is not UTF-8, which tomllib refuses', async () => {
    const root = await tmp();
    await writeTree(root, { 'stubs/colors/colors/__init__.pyi': 'RED: int\n' });
    const meta = Buffer.concat([
      Buffer.from('version = "1.2.*"\nupstream_repository = "'),
      Buffer.from([0xff]),
      Buffer.from('"\n'),
    ]);
    await writeFile(join(root, 'stubs/colors/METADATA.toml'), meta);
    const ctx = { projectRoot: root, cacheDir: root };
    const got = await typeshedProvider(root).resolve(parseImportSpec('colors') as never, ctx);
    expect(got?.origin).toBe(join(root, 'stubs/colors'));
    expect(got?.version).toBeUndefined();
    expect(metadataVersion(meta)).toBeUndefined();
    expect(metadataVersion(Buffer.from('version = "1.2.*"\n'))).toBe('1.2');
  });

  it('passes on stubs whose METADATA version the specifier does not admit', async () => {
    const root = await tmp();
    await writeTree(root, {
      'stubs/colors/METADATA.toml': 'version = "1.2.*"\n',
      'stubs/colors/colors/__init__.pyi': 'RED: int\n',
    });
    const provider = typeshedProvider(root);
    const ctx = { projectRoot: root, cacheDir: root };
    const ask = (spec: string) => provider.resolve(parseImportSpec(spec) as never, ctx);
    for (const ok of ['colors', 'colors@>=1.0', 'colors@==1.2.7', 'colors@~=1.2', 'colors@<2']) {
      expect((await ask(ok))?.version, ok).toBe('1.2');
    }
    for (const bad of ['colors@>=2', 'colors@==1.3.0', 'colors@<1.2']) {
      expect(await ask(bad), bad).toBeUndefined();
    }
  });
});
