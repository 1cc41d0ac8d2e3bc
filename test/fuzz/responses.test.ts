// Fuzz family "proxy and index responses": a 127.0.0.1 server answering with hostile statuses and bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../src/go/cache/download.js';
import { Cache } from '../../src/go/cache/index.js';
import { fromGoProxy } from '../../src/go/proxy/index.js';
import { IndexClient } from '../../src/python/registry/index.js';
import { parseProjectPage } from '../../src/python/registry/simple.js';
import { fixtureModule, proxyFiles } from '../go/support/modules.js';
import { startServer, type TestServer } from '../go/support/server.js';
import { cleanup, tempDir } from '../hardening/support.js';
import { codedOrCorrect, counts, leftovers, mutated, runs, tally } from './support.js';

/** What the server says to the next requests: one reply per URL suffix, else the honest file. */
interface Script {
  status: number;
  body: Uint8Array;
  contentType: string;
  /** Which request kind misbehaves. */
  target: 'list' | 'info' | 'mod' | 'zip' | 'page';
}

let script: Script | undefined;
const honest = proxyFiles([fixtureModule('example.com/m', 'v1.0.0')]);
let server: TestServer;

function reply(req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
  const kind = path.endsWith('/@v/list')
    ? 'list'
    : path.endsWith('.info')
      ? 'info'
      : path.endsWith('.mod')
        ? 'mod'
        : path.endsWith('.zip')
          ? 'zip'
          : 'page';
  if (script && script.target === kind) {
    res.writeHead(script.status, {
      'content-type': script.contentType,
      'content-length': String(script.body.length),
    });
    res.end(script.body);
    return;
  }
  const body = honest.get(path);
  if (body === undefined) res.writeHead(404).end('not found');
  else res.writeHead(200, { 'content-length': String(body.length) }).end(body);
}

beforeAll(async () => {
  server = await startServer(reply);
});
afterAll(async () => {
  console.log(`fuzz responses: ${JSON.stringify(Object.fromEntries(counts))}`);
  await server.close();
  await cleanup();
});

const honestBodies = fc.constantFrom(...[...honest.values()].map((b) => new Uint8Array(b)));
const body = fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(honestBodies), honestBodies);
const status = fc.constantFrom(200, 200, 200, 204, 301, 404, 410, 429, 500, 503);

describe('fuzz: proxy responses', () => {
  it('go download: a verified cache entry or a coded error; no temp file, no partial entry', async () => {
    const root = await tempDir();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          status,
          body,
          contentType: fc.constantFrom('application/octet-stream', 'text/plain', 'application/json'),
          target: fc.constantFrom('list' as const, 'info' as const, 'mod' as const, 'zip' as const),
        }),
        fc.constantFrom('v1.0.0', 'latest', 'v1'),
        async (s, query) => {
          tally('proxy');
          script = s;
          const cacheDir = join(root, `c${i++}`);
          const cache = await Cache.open(cacheDir);
          const source = fromGoProxy(server.base, { retries: 0 });
          const code = await codedOrCorrect(
            () => download(cache, source, 'example.com/m', query, { zipAttempts: 1 }),
            async (r) => {
              expect(r.Version).toBe('v1.0.0');
              expect(await cache.verifyZip('example.com/m', r.Version)).toBe(r.Sum);
            },
          );
          if (code !== 'ok') expect(await cache.has('example.com/m', 'v1.0.0')).toBe(false);
          expect(await leftovers(cacheDir)).toEqual([]);
        },
      ),
      runs(80),
    );
    script = undefined;
  });
});

describe('fuzz: index responses', () => {
  it('project pages (JSON and HTML) parse to files or end in a coded error', async () => {
    const page = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .record({
          v: fc.constantFrom('1.0', '1.1', '2.0', 'x'),
          name: fc.string(),
          url: fc.string(),
          sha: fc.string(),
        })
        .map(
          ({ v, name, url, sha }) =>
            `{"meta":{"api-version":${JSON.stringify(v)}},"name":${JSON.stringify(name)},"files":[{"filename":"a-1.0-py3-none-any.whl","url":${JSON.stringify(url)},"hashes":{"sha256":${JSON.stringify(sha)}}}]}`,
        ),
      fc
        .record({ href: fc.string(), text: fc.string() })
        .map(({ href, text }) => `<html><body><a href="${href}">${text}</a></body></html>`),
    );
    await fc.assert(
      fc.asyncProperty(
        page,
        fc.constantFrom('application/vnd.pypi.simple.v1+json', 'text/html', 'application/json', 'image/png'),
        async (text, ct) => {
          tally('index:page');
          await codedOrCorrect(
            () => parseProjectPage(text, ct, 'https://pypi.example/simple/a/', 'a'),
            (p) => {
              for (const f of p.files) expect(typeof f.filename).toBe('string');
            },
          );
        },
      ),
      runs(300),
    );
  });

  it('an index server answering hostile statuses and bodies: a page or a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          status,
          body,
          contentType: fc.constantFrom('application/vnd.pypi.simple.v1+json', 'text/html', 'text/plain'),
          target: fc.constant('page' as const),
        }),
        async (s) => {
          tally('index:server');
          script = s;
          const client = new IndexClient(`${server.base}/simple/`, { retries: 0, timeoutMs: 5_000 });
          await codedOrCorrect(() => client.getProject('a'));
        },
      ),
      runs(80),
    );
    script = undefined;
  });
});
