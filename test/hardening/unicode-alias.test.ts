// Issue 13 item 11: the lexer, the lock writer and the lock reader share one identifier rule.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MochiPkgError } from '../../src/errors.js';
import { isMochiAlias } from '../../src/lock/identifier.js';
import { findImports } from '../../src/project/imports.js';
import { parseLock } from '../../src/project/index.js';
import { cleanup, goProject } from './support.js';

afterAll(cleanup);

describe('Unicode aliases round-trip through lock and lock --check', () => {
  it('import go … as 東京 and import python … as 😀: lock writes them, --check reads them back', async () => {
    const p = await goProject({
      'main.mochi': [
        'import go "example.com/foo@v1.0.0" as 東京',
        'import python "mylib@path+./stubs/mylib" as 😀',
        '',
      ].join('\n'),
      'stubs/mylib/__init__.pyi': 'def f(x: int) -> int: ...\n',
    });
    const w = await p.lock();
    expect(w.err).toBe('');
    expect(w.code).toBe(0);
    const text = await readFile(join(p.root, 'mochi.lock'), 'utf8');
    expect(text).toContain('"東京"');
    expect(text).toContain('"😀"');
    const c = await p.lock('--check');
    expect(c).toMatchObject({ code: 0, err: '' });
  }, 60_000);

  it('what the lexer reads as an alias, the lock reader accepts, and the other way round', () => {
    // The last four: the length limit is 128 UTF-8 bytes (東 is three).
    const names = ['東京', '😀', 'café', '_x1', 'Ωmega', 'a٣', 'x', '1x', 'type', 'a-b', 'a b', ''].concat([
      'a'.repeat(128),
      'a'.repeat(129),
      '東'.repeat(42),
      '東'.repeat(43),
    ]);
    for (const name of names) {
      let lexed: boolean;
      try {
        lexed = findImports(`import go "example.com/m" as ${name}\n`, 'm.mochi')[0]?.alias === name;
      } catch (e) {
        if (!(e instanceof MochiPkgError)) throw e;
        lexed = false;
      }
      expect([name, lexed]).toEqual([name, isMochiAlias(name)]);
      const lock = `schema-version = 1\n\n[[go-package]]\nmodule = "example.com/m"\nversion = "v1.0.0"\nsource = "module-proxy"\nzip-h1 = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="\nmod-h1 = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="\naliases = [${JSON.stringify(name)}]\n`;
      let read: boolean;
      try {
        read = parseLock(lock).go.entries[0]?.aliases[0] === name;
      } catch (e) {
        if (!(e instanceof MochiPkgError)) throw e;
        read = false;
      }
      expect([name, read]).toEqual([name, isMochiAlias(name)]);
    }
  });

  it('an alias too long to name a folder is a project-import error at its position, not a crash', () => {
    const long = 'a'.repeat(300);
    const err = (() => {
      try {
        findImports(`import go "example.com/m" as ${long}\n`, 'm.mochi');
      } catch (e) {
        return e as MochiPkgError;
      }
      return undefined;
    })();
    expect([err?.code, err?.message]).toEqual([
      'project-import',
      'm.mochi:1:30: the alias after `as` is 300 bytes long; at most 128 are allowed (it names the folder python_wrap/<alias>)',
    ]);
  });
});
