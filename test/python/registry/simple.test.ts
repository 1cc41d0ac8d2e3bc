import { describe, expect, it } from 'vitest';
import { parseHtmlPage, parseJsonPage, parseProjectPage } from '../../../src/python/registry/index.js';

const PAGE = 'https://idx.example/simple/httpx/';
const SHA = 'a'.repeat(64);

describe('PEP 691 JSON pages', () => {
  it('reads files, resolves relative URLs, and ignores unknown keys', () => {
    const page = parseJsonPage(
      JSON.stringify({
        meta: { 'api-version': '1.1', 'x-new': true },
        name: 'httpx',
        'x-status': 'active',
        files: [
          {
            filename: 'httpx-0.27.0-py3-none-any.whl',
            url: '../../files/httpx-0.27.0-py3-none-any.whl',
            hashes: { sha256: SHA.toUpperCase(), blake2b: 'zz-not-hex' },
            'requires-python': '>=3.8',
            yanked: false,
            size: 75590,
            'core-metadata': { sha256: SHA },
            'x-future': [1],
          },
          {
            filename: 'httpx-0.1.tar.gz',
            url: 'https://files.example/httpx-0.1.tar.gz',
            hashes: {},
            yanked: 'broken build',
          },
          {
            filename: 'httpx-0.2.tar.gz',
            url: 'https://files.example/httpx-0.2.tar.gz',
            hashes: {},
            yanked: true,
          },
        ],
      }),
      PAGE,
      'httpx',
    );
    expect(page.apiVersion).toBe('1.1');
    expect(page.warnings).toEqual([]);
    expect(page.files[0]).toEqual({
      filename: 'httpx-0.27.0-py3-none-any.whl',
      url: 'https://idx.example/files/httpx-0.27.0-py3-none-any.whl',
      hashes: { sha256: SHA },
      requiresPython: '>=3.8',
      yanked: false,
      size: 75590,
      coreMetadata: { sha256: SHA },
    });
    expect(page.files[1]!.yanked).toBe('broken build');
    expect(page.files[2]!.yanked).toBe('');
  });

  it('refuses a greater major api-version and warns on a greater minor', () => {
    const body = (v: string) => JSON.stringify({ meta: { 'api-version': v }, name: 'x', files: [] });
    expect(() => parseJsonPage(body('2.0'), PAGE, 'x')).toThrow(
      expect.objectContaining({ code: 'registry-api-version' }),
    );
    expect(parseJsonPage(body('1.7'), PAGE, 'x').warnings[0]).toMatch(/Simple API 1\.7, newer than 1\.1/);
    expect(parseJsonPage(body('1.0'), PAGE, 'x').warnings).toEqual([]);
  });

  it.each([
    ['not json', '{'],
    ['no meta', JSON.stringify({ files: [] })],
    ['no files', JSON.stringify({ meta: { 'api-version': '1.0' } })],
    [
      'a file without url',
      JSON.stringify({ meta: { 'api-version': '1.0' }, files: [{ filename: 'a.whl', hashes: {} }] }),
    ],
    ['an api-version that is not MAJOR.MINOR', JSON.stringify({ meta: { 'api-version': 'one' }, files: [] })],
  ])('calls a page with %s malformed', (_, body) => {
    expect(() => parseJsonPage(body, PAGE, 'x')).toThrow(
      expect.objectContaining({ code: 'registry-bad-page' }),
    );
  });

  it('refuses file URLs that are not http, https or file', () => {
    const body = JSON.stringify({
      meta: { 'api-version': '1.0' },
      files: [{ filename: 'a.whl', url: 'javascript:alert(1)', hashes: {} }],
    });
    expect(() => parseJsonPage(body, PAGE, 'x')).toThrow(
      expect.objectContaining({ code: 'registry-bad-url' }),
    );
  });
});

describe('file:// links', () => {
  const sha = 'a'.repeat(64);
  const html = (href: string, base = '') =>
    `<html><head>${base}</head><body><a href="${href}#sha256=${sha}">a-1-py3-none-any.whl</a></body></html>`;
  const json = (url: string) =>
    JSON.stringify({
      meta: { 'api-version': '1.0' },
      files: [{ filename: 'a-1-py3-none-any.whl', url, hashes: { sha256: sha } }],
    });

  it.each([
    ['an HTML link', () => parseHtmlPage(html('file:///etc/passwd'), PAGE, 'a')],
    ['an HTML <base href>', () => parseHtmlPage(html('a.whl', '<base href="file:///home/u/">'), PAGE, 'a')],
    ['a JSON url', () => parseJsonPage(json('file:///etc/passwd'), PAGE, 'a')],
  ])('are left off a page from the network, with a warning (%s)', (_, parse) => {
    const page = parse();
    expect(page.files).toEqual([]);
    expect(page.warnings).toEqual([
      expect.stringMatching(
        /links the local file file:\/\/\/.* from a page served over the network; left off$/,
      ),
    ]);
  });

  it('keep the http(s) links of the same page', () => {
    const body = `${html('file:///etc/passwd')}<a href="https://files.example/b-1-py3-none-any.whl#sha256=${sha}">b</a>`;
    expect(parseHtmlPage(body, PAGE, 'a').files.map((f) => f.url)).toEqual([
      'https://files.example/b-1-py3-none-any.whl',
    ]);
  });

  it('are read on a page of a local index', () => {
    const local = 'file:///srv/simple/a/index.html';
    expect(parseHtmlPage(html('../files/a.whl'), local, 'a').files[0]!.url).toBe(
      'file:///srv/simple/files/a.whl',
    );
    expect(parseJsonPage(json('file:///srv/files/a.whl'), local, 'a').files[0]!.url).toBe(
      'file:///srv/files/a.whl',
    );
  });
});

describe('PEP 503 HTML pages', () => {
  it('reads hashes from fragments, decodes entities, honours <base> and data-yanked', () => {
    const html = `<!DOCTYPE html><html><head><base href="https://mirror.example/pkgs/">
      <meta name="pypi:repository-version" content="1.0"></head><body>
      <A HREF="httpx-0.27.0-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.8,&lt;4">httpx-0.27.0-py3-none-any.whl</A>
      <a href="httpx%2B1-0.1.tar.gz" data-yanked="">x</a>
      <a href="httpx-0.2.tar.gz#md5=abcdef" data-yanked="bad &amp; broken">y</a>
      <!-- <a href="ghost.whl">commented out</a> -->
      </body></html>`;
    const page = parseHtmlPage(html, PAGE, 'httpx');
    expect(page.apiVersion).toBe('1.0');
    expect(page.files).toEqual([
      {
        filename: 'httpx-0.27.0-py3-none-any.whl',
        url: 'https://mirror.example/pkgs/httpx-0.27.0-py3-none-any.whl',
        hashes: { sha256: SHA },
        requiresPython: '>=3.8,<4',
        yanked: false,
      },
      {
        filename: 'httpx+1-0.1.tar.gz',
        url: 'https://mirror.example/pkgs/httpx%2B1-0.1.tar.gz',
        hashes: {},
        yanked: '',
      },
      {
        filename: 'httpx-0.2.tar.gz',
        url: 'https://mirror.example/pkgs/httpx-0.2.tar.gz',
        hashes: { md5: 'abcdef' },
        yanked: 'bad & broken',
      },
    ]);
  });

  it('treats a page without a version meta tag as API 1.0 and refuses major 2', () => {
    expect(parseHtmlPage('<a href="a-1.0.tar.gz">a</a>', PAGE, 'a').apiVersion).toBe('1.0');
    expect(() =>
      parseHtmlPage(
        '<meta name="pypi:repository-version" content="2.0"><a href="a-1.0.tar.gz">a</a>',
        PAGE,
        'a',
      ),
    ).toThrow(expect.objectContaining({ code: 'registry-api-version' }));
  });

  it('dispatches on the content type', () => {
    const json = JSON.stringify({ meta: { 'api-version': '1.0' }, files: [] });
    expect(parseProjectPage(json, 'application/vnd.pypi.simple.v1+json', PAGE, 'x').files).toEqual([]);
    expect(
      parseProjectPage('<a href="x-1.tar.gz">x</a>', 'text/html; charset=utf-8', PAGE, 'x').files,
    ).toHaveLength(1);
    expect(() => parseProjectPage('x', 'image/png', PAGE, 'x')).toThrow(
      expect.objectContaining({ code: 'registry-bad-page' }),
    );
  });
});
