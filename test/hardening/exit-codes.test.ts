// Issue 13 item 13 (and the index-link case of item 9): exit codes and wording of go hash, go download, go verify, and hashes on index pages.
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHtmlPage, parseJsonPage } from '../../src/python/registry/simple.js';
import { fixtureModule, writeProxyTree } from '../go/support/modules.js';
import { cleanup, cli, tempDir } from './support.js';

afterAll(cleanup);

const mod = fixtureModule('example.com/m', 'v1.0.0', { 'm.go': 'package m\n' });
const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

describe('go hash and go zip with a bad --module or --version', () => {
  it("go hash <zip> --module 'Bad Path' exits 2 (bad usage), as its help promises", async () => {
    const d = await tempDir();
    await writeFile(join(d, 'm.zip'), mod.zip);
    for (const cmd of [
      ['go', 'hash'],
      ['go', 'zip', 'check'],
    ]) {
      const r = await cli(d, [...cmd, join(d, 'm.zip'), '--module', 'Bad Path', '--version', 'v1.0.0']);
      expect(r.err).toMatch(/error\[zip-bad-module\]: malformed module path "Bad Path"/);
      expect(r.code).toBe(2);
    }
  });

  it('a version that is not semver is "invalid version: not a semantic version" (x/mod module.Check)', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'm.zip'), mod.zip);
    for (const cmd of [
      ['go', 'hash'],
      ['go', 'zip', 'check'],
    ]) {
      const r = await cli(d, [
        ...cmd,
        join(d, 'm.zip'),
        '--module',
        'example.com/m',
        '--version',
        'v1.0.0.0',
      ]);
      expect(r.err).toContain(
        'error[zip-bad-module]: example.com/m@v1.0.0.0: invalid version: not a semantic version',
      );
      expect(r.code).toBe(2);
    }
  });
});

describe('go download of a version that is not semver', () => {
  it('says "invalid version" (module-version-invalid), not "version not found"; a missing semver stays not found', async () => {
    const d = await tempDir();
    await writeProxyTree(join(d, 'proxy'), [mod]);
    const proxy = pathToFileURL(join(d, 'proxy')).href;
    const r = await cli(d, [
      'go',
      'download',
      'example.com/m@v1.0.0.0',
      'example.com/m@v1.9.9',
      '--proxy',
      proxy,
      '--cache-dir',
      join(d, 'cache'),
    ]);
    expect(r.err).toMatch(
      /error\[module-version-invalid\]: example\.com\/m@v1\.0\.0\.0: invalid version: not a semantic version/,
    );
    expect(r.err).not.toMatch(/v1\.0\.0\.0: version not found/);
    expect(r.err).toMatch(/error\[version-not-found\]: example\.com\/m@v1\.9\.9: version not found/);
    expect(r.code).toBe(1);
  });
});

describe('go verify on a missing cache or a missing entry', () => {
  it('a missing cache is verified as empty and is not created', async () => {
    const d = await tempDir();
    const r = await cli(d, ['go', 'verify', '--cache-dir', join(d, 'nocache')]);
    expect(r.code).toBe(0);
    expect(await exists(join(d, 'nocache'))).toBe(false);
  });

  it('a named entry the cache does not hold is "not in cache" (exit 1), never "corrupt"', async () => {
    const d = await tempDir();
    await mkdir(join(d, 'cache'));
    for (const cache of ['cache', 'nocache']) {
      const r = await cli(d, ['go', 'verify', 'example.com/missing@v1.0.0', '--cache-dir', join(d, cache)]);
      expect(r.out).toBe('missing example.com/missing@v1.0.0: not in cache\n');
      expect(r.out + r.err).not.toMatch(/corrupt/);
      expect(r.code).toBe(1);
      const j = await cli(d, [
        'go',
        'verify',
        '--json',
        'example.com/missing@v1.0.0',
        '--cache-dir',
        join(d, cache),
      ]);
      expect(JSON.parse(j.out)).toEqual({
        Path: 'example.com/missing',
        Version: 'v1.0.0',
        Error: 'not in cache',
      });
    }
    expect(await exists(join(d, 'nocache'))).toBe(false);
  });

  it('a partial entry (a .zip without its .ziphash) is still reported corrupt', async () => {
    const d = await tempDir();
    await mkdir(join(d, 'cache/example.com/m/@v'), { recursive: true });
    await writeFile(join(d, 'cache/example.com/m/@v/v1.0.0.zip'), mod.zip);
    const r = await cli(d, ['go', 'verify', 'example.com/m@v1.0.0', '--cache-dir', join(d, 'cache')]);
    expect(r.out).toMatch(/^corrupt example\.com\/m@v1\.0\.0: .*\.ziphash is missing/);
    expect(r.code).toBe(1);
  });
});

describe('an index link whose sha256 is malformed', () => {
  const base = 'https://idx.test/simple/a/';
  it('#sha256=abc on a PEP 503 page is registry-bad-page naming the link', () => {
    expect(() => parseHtmlPage('<a href="a-1-py3-none-any.whl#sha256=abc">a</a>', base, 'a')).toThrow(
      expect.objectContaining({
        code: 'registry-bad-page',
        message: expect.stringContaining(
          'link "a-1-py3-none-any.whl#sha256=abc" gives sha256="abc", not 64 hex digits',
        ),
      }),
    );
    expect(() => parseHtmlPage(`<a href="a.whl#sha256=${'z'.repeat(64)}">a</a>`, base, 'a')).toThrow(
      expect.objectContaining({ code: 'registry-bad-page' }),
    );
  });

  it('the same in a PEP 691 JSON page; a well-formed one is read', () => {
    const page = (sha256: string) =>
      JSON.stringify({
        meta: { 'api-version': '1.1' },
        files: [{ filename: 'a-1-py3-none-any.whl', url: 'a1.whl', hashes: { sha256 } }],
      });
    expect(() => parseJsonPage(page('abc'), base, 'a')).toThrow(
      expect.objectContaining({
        code: 'registry-bad-page',
        message: expect.stringContaining('link "a1.whl"'),
      }),
    );
    const good = 'AB'.repeat(32);
    expect(parseJsonPage(page(good), base, 'a').files[0]?.hashes).toEqual({ sha256: good.toLowerCase() });
    expect(parseHtmlPage(`<a href="a.whl#sha256=${good}">a</a>`, base, 'a').files[0]?.hashes).toEqual({
      sha256: good.toLowerCase(),
    });
  });
});
