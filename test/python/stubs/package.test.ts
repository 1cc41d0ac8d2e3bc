import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  moduleForPath,
  readStubFiles,
  StubLoadError,
  StubParseError,
} from '../../../src/python/stubs/index.js';
import { useParser } from './support.js';

const parser = useParser();

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'stubs-pkg-'));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), body);
  }
  return root;
}

describe('moduleForPath', () => {
  it.each([
    ['__init__.pyi', { module: 'pkg', isPackage: true, isStub: true }],
    ['sub/__init__.pyi', { module: 'pkg.sub', isPackage: true, isStub: true }],
    ['sub/mod.pyi', { module: 'pkg.sub.mod', isPackage: false, isStub: true }],
    ['pkg.pyi', { module: 'pkg', isPackage: false, isStub: true }],
    ['mod.py', { module: 'pkg.mod', isPackage: false, isStub: false }],
    ['METADATA.toml', undefined],
    ['@tests/test_cases/check.py', undefined],
    ['py.typed', undefined],
  ])('%s', (path, expected) => {
    expect(moduleForPath('pkg', path)).toEqual(expected);
  });

  it('maps pkg.pyi inside a package directory to the submodule pkg.pkg (fpdf/fpdf.pyi)', () => {
    expect(moduleForPath('pkg', 'pkg.pyi', true)).toEqual({
      module: 'pkg.pkg',
      isPackage: false,
      isStub: true,
    });
  });
});

describe('parsePackage of a package with a submodule named like the package', () => {
  it('keeps both the package and its same-named submodule', () => {
    const pkg = parser().parsePackage({
      module: 'fpdf',
      files: new Map([
        ['__init__.pyi', 'from .fpdf import FPDF as FPDF\n'],
        ['fpdf.pyi', 'class FPDF: ...\n'],
      ]),
    });
    expect([...pkg.modules.keys()]).toEqual(['fpdf', 'fpdf.fpdf']);
    expect(pkg.modules.get('fpdf.fpdf')?.classes.map((c) => c.name)).toEqual(['FPDF']);
  });
});

describe('parsePackage', () => {
  it('parses every module, keyed and ordered by name, preferring .pyi over .py', () => {
    const pkg = parser().parsePackage({
      module: 'pkg',
      files: new Map([
        ['sub/b.pyi', 'def b() -> int: ...\n'],
        ['__init__.pyi', 'from .sub.b import b as b\n'],
        ['sub/b.py', 'def b_impl(): pass\n'],
        ['sub/__init__.pyi', ''],
        ['README.md', '# not python'],
      ]),
    });
    expect([...pkg.modules.keys()]).toEqual(['pkg', 'pkg.sub', 'pkg.sub.b']);
    expect(pkg.modules.get('pkg.sub.b')!.functions.map((f) => f.name)).toEqual(['b']);
    expect(pkg.modules.get('pkg')!.isPackage).toBe(true);
    expect(pkg.modules.get('pkg.sub.b')!.file).toBe('sub/b.pyi');
    expect(pkg.errors).toBeUndefined();
  });

  it('throws the first parse error, or collects them with keepGoing', () => {
    const files = {
      module: 'pkg',
      files: new Map([
        ['__init__.pyi', 'x: int\n'],
        ['bad.pyi', 'def (:\n'],
      ]),
    };
    expect(() => parser().parsePackage(files)).toThrow(StubParseError);
    const pkg = parser().parsePackage(files, undefined, { keepGoing: true });
    expect([...pkg.modules.keys()]).toEqual(['pkg']);
    expect(pkg.errors!.map((e) => [e.code, e.file, e.line])).toEqual([['stub-syntax', 'bad.pyi', 1]]);
  });

  it('evaluates branches for the given target in every module', () => {
    const files = {
      module: 'p',
      files: new Map([
        ['__init__.pyi', 'import sys\nif sys.platform == "darwin":\n    def mac() -> None: ...\n'],
      ]),
    };
    expect(parser().parsePackage(files).modules.get('p')!.functions).toEqual([]);
    expect(
      parser()
        .parsePackage(files, { version: [3, 12], platform: 'darwin' })
        .modules.get('p')!
        .functions.map((f) => f.name),
    ).toEqual(['mac']);
  });
});

describe('readStubFiles', () => {
  it('reads a package directory: .pyi below the root, -stubs suffix dropped, tests and caches skipped', async () => {
    const root = tree({
      'foo-stubs/__init__.pyi': 'x: int\n',
      'foo-stubs/sub/mod.pyi': 'y: int\n',
      'foo-stubs/sub/impl.py': 'z = 1\n',
      'foo-stubs/@tests/t.pyi': 'bad: int\n',
      'foo-stubs/__pycache__/c.pyi': 'bad: int\n',
      'foo-stubs/METADATA.toml': 'version = "1"\n',
    });
    const files = await readStubFiles(join(root, 'foo-stubs'));
    expect(files.module).toBe('foo');
    expect([...files.files.keys()]).toEqual(['__init__.pyi', 'sub/mod.pyi']);
  });

  it('includes .py sources of a py.typed package', async () => {
    const root = tree({
      'bar/py.typed': '',
      'bar/__init__.py': 'def f(a: int) -> int:\n    return a\n',
      'bar/m.pyi': '',
    });
    const files = await readStubFiles(join(root, 'bar'));
    expect([...files.files.keys()]).toEqual(['__init__.py', 'm.pyi']);
    const pkg = parser().parsePackage(files);
    expect(pkg.modules.get('bar')!.functions.map((f) => f.name)).toEqual(['f']);
  });

  it('reads a single file as a one-module package', async () => {
    const root = tree({ 'baz.pyi': '\ufeffdef f() -> None: ...\n' });
    const files = await readStubFiles(join(root, 'baz.pyi'));
    expect(files.module).toBe('baz');
    expect([...files.files.keys()]).toEqual(['baz.pyi']);
    expect(
      parser()
        .parsePackage(files)
        .modules.get('baz')!
        .functions.map((f) => f.name),
    ).toEqual(['f']);
  });

  it('refuses a missing path and a folder without stubs', async () => {
    await expect(readStubFiles('/nonexistent/stubs/here')).rejects.toMatchObject({ code: 'stub-not-found' });
    const root = tree({ 'empty/README': 'x' });
    await expect(readStubFiles(join(root, 'empty'))).rejects.toBeInstanceOf(StubLoadError);
  });
});
