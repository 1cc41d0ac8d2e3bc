// Differential: project pages read by our parser and by pip 23's own link collector (parse_links).
import { beforeAll, expect, it } from 'vitest';
import { parseProjectPage } from '../../../src/python/registry/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';

const PAGE = 'https://idx.example/simple/demo/';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const HTML = 'text/html';
const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';

/** What both sides say of one link. */
interface SeenLink {
  readonly url: string;
  readonly filename: string;
  readonly hashes: Readonly<Record<string, string>>;
  readonly requiresPython: string | null;
  readonly yanked: string | null;
  readonly coreMetadata: Readonly<Record<string, string>> | null;
}

interface Case {
  readonly name: string;
  readonly contentType: string;
  readonly body: string;
}

const html = (name: string, links: string): Case => ({
  name,
  contentType: HTML,
  body: `<!DOCTYPE html><html><head><title>demo</title></head><body>${links}</body></html>`,
});
const json = (name: string, files: readonly object[]): Case => ({
  name,
  contentType: JSON_TYPE,
  body: JSON.stringify({ meta: { 'api-version': '1.0' }, name: 'demo', files }),
});

const CASES: readonly Case[] = [
  html(
    'hash fragments, entities, relative and absolute URLs',
    `<A HREF="Demo-1.0-py3-none-any.whl#sha256=${A}" data-requires-python="&gt;=3.8,&lt;4">x</A>
     <a href="/abs/demo-2.0.tar.gz#md5=abcdef">y</a>
     <a href="//other.example/demo-3.0.zip">z</a>
     <a href="demo%2B1-1.0.tar.gz">p</a><a href="d%20e-1.0.tar.gz">s</a>
     <a href="../../files/demo-4.0-py3-none-any.whl">r</a>`,
  ),
  html(
    'a hash after other fragment parts, and only the first hash of a URL',
    `<a href="demo-1.0-py3-none-any.whl#egg=demo&sha256=${A}">x</a>
     <a href="demo-1.1-py3-none-any.whl#md5=abcdef&sha256=${A}">y</a>
     <a href="demo-1.2-py3-none-any.whl#sha256=${A}&subdirectory=x">z</a>`,
  ),
  html(
    'anchors without an href or with an empty one',
    `<a name="top">t</a><a href="">e</a><a href="demo-1.0-py3-none-any.whl">x</a>`,
  ),
  html(
    'a <base href> after the links still applies to them',
    `<a href="demo-1.0-py3-none-any.whl#sha256=${A}">x</a><base href="https://files.example/a/">`,
  ),
  html(
    'only the first <base href> counts',
    `<base href="https://files.example/a/"><base href="https://files.example/b/">
     <a href="demo-1.0-py3-none-any.whl">x</a>`,
  ),
  html(
    'data-yanked with and without a reason',
    `<a href="demo-1.0-py3-none-any.whl" data-yanked="">x</a>
     <a href="demo-1.1-py3-none-any.whl" data-yanked="bad &amp; broken">y</a>`,
  ),
  html(
    'data-core-metadata before data-dist-info-metadata',
    `<a href="demo-1.0-py3-none-any.whl" data-core-metadata="sha256=${B}" data-dist-info-metadata="true">x</a>
     <a href="demo-1.1-py3-none-any.whl" data-dist-info-metadata="true">y</a>
     <a href="demo-1.2-py3-none-any.whl" data-dist-info-metadata="sha256=${B}">z</a>`,
  ),
  json('PEP 691 files, relative and absolute URLs', [
    { filename: 'demo-1.0-py3-none-any.whl', url: 'demo-1.0-py3-none-any.whl', hashes: { sha256: A } },
    {
      filename: 'demo-1.1-py3-none-any.whl',
      url: '/x/demo-1.1-py3-none-any.whl',
      hashes: { sha256: A },
      yanked: true,
      'requires-python': '>=3.9',
    },
    {
      filename: 'demo-1.2-py3-none-any.whl',
      url: 'https://f.example/demo-1.2-py3-none-any.whl',
      hashes: { sha256: A },
      yanked: 'broken',
      'dist-info-metadata': { sha256: B },
    },
    {
      filename: 'demo-1.3-py3-none-any.whl',
      url: 'demo-1.3-py3-none-any.whl',
      hashes: { sha256: A },
      'core-metadata': true,
      'dist-info-metadata': { sha256: B },
    },
  ]),
  json('PEP 691 yanked values: an empty reason does not yank, other true values do', [
    { filename: 'demo-1.0-py3-none-any.whl', url: 'demo-1.0-py3-none-any.whl', hashes: {}, yanked: '' },
    { filename: 'demo-1.1-py3-none-any.whl', url: 'demo-1.1-py3-none-any.whl', hashes: {}, yanked: false },
    { filename: 'demo-1.2-py3-none-any.whl', url: 'demo-1.2-py3-none-any.whl', hashes: {}, yanked: null },
    { filename: 'demo-1.3-py3-none-any.whl', url: 'demo-1.3-py3-none-any.whl', hashes: {}, yanked: 1 },
    { filename: 'demo-1.4-py3-none-any.whl', url: 'demo-1.4-py3-none-any.whl', hashes: {}, yanked: 0 },
    { filename: 'demo-1.5-py3-none-any.whl', url: 'demo-1.5-py3-none-any.whl', hashes: {}, yanked: ['x'] },
    { filename: 'demo-1.6-py3-none-any.whl', url: 'demo-1.6-py3-none-any.whl', hashes: {}, yanked: {} },
    { filename: 'demo-1.7-py3-none-any.whl', url: 'demo-1.7-py3-none-any.whl', hashes: {}, yanked: 'gone' },
  ]),
  json('a hash in a PEP 691 URL stands over the hashes object', [
    {
      filename: 'demo-1.0-py3-none-any.whl',
      url: `demo-1.0-py3-none-any.whl#sha256=${B}`,
      hashes: { sha256: A },
    },
    {
      filename: 'demo-1.1-py3-none-any.whl',
      url: `demo-1.1-py3-none-any.whl#md5=abcdef`,
      hashes: { sha256: A },
    },
  ]),
];

// Left out on purpose: a relative <base href> (pip joins links to it unresolved, which names no
// fetchable URL; we resolve it against the page, as HTML does).

// pip's collector, fed each page as its index fetch would hand it over (link-parse caching off, so
// pages that share a URL are parsed each on their own).
const PIP_LINKS = `
import json, sys
from pip._internal.index.collector import IndexContent, parse_links
out = []
for page in json.load(sys.stdin):
    content = IndexContent(page["body"].encode(), page["contentType"], "utf-8", page["url"], cache_link_parsing=False)
    out.append([
        {"url": l.url_without_fragment, "filename": l.filename, "hashes": l._hashes,
         "requiresPython": l.requires_python, "yanked": l.yanked_reason,
         "coreMetadata": None if l.metadata_file_data is None else (l.metadata_file_data.hashes or {})}
        for l in parse_links(content)
    ])
print(json.dumps(out))
`;

function ours(c: Case): SeenLink[] {
  return parseProjectPage(c.body, c.contentType, PAGE, 'demo').files.map((f) => ({
    url: f.url,
    filename: f.filename,
    hashes: f.hashes,
    requiresPython: f.requiresPython ?? null,
    yanked: f.yanked === false ? null : f.yanked,
    coreMetadata: f.coreMetadata ?? null,
  }));
}

describeWithOracle(pythonOracle(), "project pages against pip 23's link collector", () => {
  let pip: SeenLink[][];
  beforeAll(() => {
    const input = CASES.map((c) => ({ body: c.body, contentType: c.contentType, url: PAGE }));
    pip = JSON.parse(runPython(PIP_LINKS, [], JSON.stringify(input))) as SeenLink[][];
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_, i) => {
    const c = CASES[i]!;
    const theirs = pip[i]!;
    expect(theirs.length, 'pip finds links on the page').toBeGreaterThan(0);
    expect(ours(c)).toEqual(theirs);
  });
});
