import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findImports, ProjectError, scanProject, tokenize, uniqueImports } from '../../src/project/index.js';

function projectError(fn: () => unknown): ProjectError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProjectError) return e;
    throw e;
  }
  throw new Error('expected a ProjectError');
}

describe('tokenize', () => {
  it('produces Mochi tokens with 1-based line and code-point columns', () => {
    const toks = [...tokenize('let 🍡 = "a\\"b" // c\n  x >= 1.5 /* d\n */ y..2n', 'f.mochi')];
    expect(toks.map((t) => [t.kind, t.text, t.line, t.column])).toEqual([
      ['ident', 'let', 1, 1],
      ['ident', '🍡', 1, 5],
      ['punct', '=', 1, 7],
      ['string', '"a\\"b"', 1, 9],
      ['ident', 'x', 2, 3],
      ['punct', '>=', 2, 5],
      ['number', '1.5', 2, 8],
      ['ident', 'y', 3, 5],
      ['punct', '..', 3, 6],
      ['number', '2n', 3, 8],
    ]);
  });

  it('reports unterminated strings and block comments at their start', () => {
    expect(projectError(() => [...tokenize('x\n  "abc', 'a.mochi')]).message).toBe(
      'a.mochi:2:3: unterminated string literal',
    );
    expect(projectError(() => [...tokenize('/* x', 'a.mochi')]).code).toBe('project-syntax');
  });
});

describe('findImports', () => {
  it('finds import python and import go declarations, typed, with their locations', () => {
    const src = [
      'import python "httpx@==0.27.0" as http',
      'import go "github.com/google/uuid" as uuid auto',
      '  import python "math"',
      'import "./local.mochi" as local',
      'import typescript "./x.ts" as ts',
    ].join('\n');
    expect(findImports(src, 'main.mochi')).toEqual([
      {
        language: 'python',
        spec: 'httpx@==0.27.0',
        alias: 'http',
        auto: false,
        location: { file: 'main.mochi', line: 1, column: 1 },
      },
      {
        language: 'go',
        spec: 'github.com/google/uuid',
        alias: 'uuid',
        auto: true,
        location: { file: 'main.mochi', line: 2, column: 1 },
      },
      {
        language: 'python',
        spec: 'math',
        alias: 'math',
        auto: false,
        location: { file: 'main.mochi', line: 3, column: 3 },
      },
    ]);
  });

  it('ignores imports inside comments and string literals', () => {
    const src = [
      '// import python "commented" as c',
      '/* import python "block" as b',
      '   still a comment */',
      'let s = "import python \\"in-string\\" as s"',
      'let t = "multi',
      'import python \\"line\\" as t"',
      'import python "real" as r // import python "trailing" as x',
    ].join('\n');
    expect(findImports(src, 'a.mochi').map((i) => i.spec)).toEqual(['real']);
  });

  it('decodes escapes in the spec string', () => {
    expect(findImports('import python "a\\u0040==1" as a', 'f')[0]?.spec).toBe('a@==1');
    expect(projectError(() => findImports('import python "a\\q" as a', 'f')).message).toContain(
      'unsupported escape',
    );
  });

  it('points at file:line:column for malformed declarations', () => {
    expect(projectError(() => findImports('\n\nimport python as x', 'src/a.mochi')).message).toBe(
      'src/a.mochi:3:15: expected a string after `import python`',
    );
    expect(projectError(() => findImports('import python "x" as 1', 'a')).message).toBe(
      'a:1:22: expected an identifier after `as`',
    );
    expect(projectError(() => findImports('import python "x" as let', 'a')).message).toContain(
      'expected an identifier',
    );
    expect(projectError(() => findImports('  import python "typing-extensions"', 'a')).message).toMatch(
      /^a:1:3: .*needs `as <alias>`/,
    );
  });
});

describe('uniqueImports', () => {
  const imp = (spec: string, alias: string, line: number, language: 'python' | 'go' = 'python') => ({
    language,
    spec,
    alias,
    auto: false,
    location: { file: `f${line}.mochi`, line, column: 1 },
  });

  it('counts the same declaration in several files once, sorted by language and alias', () => {
    const out = uniqueImports([imp('b', 'b', 1), imp('a', 'a', 2), imp('b', 'b', 3), imp('m', 'g', 4, 'go')]);
    expect(out.map((i) => `${i.language}:${i.alias}`)).toEqual(['go:g', 'python:a', 'python:b']);
    expect(out.find((i) => i.alias === 'b')?.location.line).toBe(1);
  });

  it('refuses one alias bound to two different specs, naming both places', () => {
    const e = projectError(() => uniqueImports([imp('httpx@==1', 'h', 1), imp('httpx@==2', 'h', 7)]));
    expect(e.code).toBe('project-import');
    expect(e.message).toBe(
      'f7.mochi:7:1: alias h is bound to import python "httpx@==2" here but to import python "httpx@==1" at f1.mochi:1:1',
    );
    expect(() => uniqueImports([imp('x', 'h', 1), imp('x', 'h', 2, 'go')])).toThrow(ProjectError);
  });

  it('allows one spec under two aliases', () => {
    expect(uniqueImports([imp('x', 'a', 1), imp('x', 'b', 2)])).toHaveLength(2);
  });
});

describe('findImports on arbitrary text', () => {
  it('returns imports or throws a ProjectError, nothing else', () => {
    const pieces = fc.constantFrom(
      'import',
      ' ',
      '\n',
      'python',
      'go',
      '"',
      '\\',
      'as',
      'x',
      '//',
      '/*',
      '*/',
      '1',
      '🍡',
      '@',
      '=',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { maxLength: 30 }), (parts) => {
        try {
          findImports(parts.join(''), 'f');
        } catch (e) {
          if (!(e instanceof ProjectError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scanProject', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('refuses a .mochi file whose name is not UTF-8, saying so rather than "ENOENT"', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mochi-scan-'));
    dirs.push(root);
    await writeFile(join(root, 'main.mochi'), 'import python "b" as b\n');
    await writeFile(
      Buffer.concat([Buffer.from(`${root}/b`), Buffer.from([0xff]), Buffer.from('.mochi')]),
      '',
    );
    const e = await scanProject(root).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ProjectError);
    expect((e as ProjectError).code).toBe('project-unreadable');
    expect((e as ProjectError).message).toBe('cannot read b\uFFFD.mochi: its file name is not UTF-8');
    expect((e as ProjectError).hint).toMatch(/rename the file/);
  });

  it('reads every *.mochi file in sorted order and skips node_modules, .git and symlinks', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mochi-scan-'));
    dirs.push(root);
    await mkdir(join(root, 'src/sub'), { recursive: true });
    await mkdir(join(root, 'node_modules/dep'), { recursive: true });
    await mkdir(join(root, '.git'), { recursive: true });
    await writeFile(join(root, 'main.mochi'), 'import python "b" as b\n');
    await writeFile(join(root, 'src/sub/z.mochi'), 'import python "a" as a\n');
    await writeFile(join(root, 'src/notes.txt'), 'import python "no" as no\n');
    await writeFile(join(root, 'node_modules/dep/x.mochi'), 'import python "dep" as dep\n');
    await writeFile(join(root, '.git/y.mochi'), 'import python "git" as git\n');
    await symlink(join(root, 'src'), join(root, 'link'));
    const scan = await scanProject(root);
    expect(scan.files).toEqual(['main.mochi', 'src/sub/z.mochi']);
    expect(scan.imports.map((i) => `${i.location.file}:${i.spec}`)).toEqual([
      'main.mochi:b',
      'src/sub/z.mochi:a',
    ]);
  });

  it('skips the generated python_wrap/ and .mochi/ at the root only (sync installs third-party files there)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mochi-scan-'));
    dirs.push(root);
    const env = join(root, '.mochi/python/.envs/3.12-linux.0/pkg');
    await mkdir(env, { recursive: true });
    await mkdir(join(root, '.mochi/go/vendor/example.com/m'), { recursive: true });
    await mkdir(join(root, 'python_wrap/x'), { recursive: true });
    await mkdir(join(root, 'src/.mochi'), { recursive: true });
    await writeFile(join(env, 'evil.mochi'), 'import go "example.com/evil" as evil\n');
    await writeFile(join(root, '.mochi/go/vendor/example.com/m/m.mochi'), 'import python "vendored" as v\n');
    await writeFile(join(root, 'python_wrap/x/wrapper.mochi'), 'extern python fun f(): int\n');
    await writeFile(join(root, 'src/.mochi/inner.mochi'), 'import python "inner" as inner\n');
    await writeFile(join(root, 'main.mochi'), 'import python "b" as b\n');
    const scan = await scanProject(root);
    // Only at the root: a folder of that name deeper down is the project's own.
    expect(scan.files).toEqual(['main.mochi', 'src/.mochi/inner.mochi']);
  });

  it('refuses a missing project directory and files above the size cap', async () => {
    await expect(scanProject('/nonexistent/mochi-project')).rejects.toMatchObject({
      code: 'project-not-found',
    });
    const root = await mkdtemp(join(tmpdir(), 'mochi-scan-'));
    dirs.push(root);
    await writeFile(join(root, 'big.mochi'), 'x'.repeat(100));
    await expect(scanProject(root, { maxFileBytes: 10 })).rejects.toMatchObject({
      code: 'project-too-large',
    });
  });
});
