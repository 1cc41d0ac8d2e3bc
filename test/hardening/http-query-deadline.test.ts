// Issue 13 items 4 and 5, in the shared HTTP layer: query tokens kept on requests and hidden in output;
// one total deadline per request, for the module proxy and the package index alike.
import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { redactUrls } from '../../src/errors.js';
import { Client } from '../../src/go/proxy/index.js';
import { IndexClient } from '../../src/python/registry/index.js';
import { Http, totalDeadline } from '../../src/util/http.js';
import { joinUrlPath } from '../../src/util/url.js';
import { fixtureModule, serveModules } from '../go/support/modules.js';
import { startServer } from '../go/support/server.js';
import { cleanup, cli, tempDir } from './support.js';

afterAll(cleanup);

describe('query-string secrets (item 4)', () => {
  it('joinUrlPath keeps the query after the path', () => {
    expect(joinUrlPath('https://p.example/go?token=X', 'example.com/geo/@v/list')).toBe(
      'https://p.example/go/example.com/geo/@v/list?token=X',
    );
    expect(joinUrlPath('https://p.example/simple/?t=1#f', 'a/')).toBe('https://p.example/simple/a/?t=1');
  });

  it('redactUrls hides query values and user info, keeps the rest', () => {
    expect(redactUrls('get https://u:p@h.example/x?token=abc&v=1 failed')).toBe(
      'get https://***@h.example/x?token=***&v=*** failed',
    );
  });

  it('a GOPROXY with ?token= works: the token is on every request, after the module path', async () => {
    const server = await serveModules([fixtureModule('example.com/m', 'v1.0.0')]);
    try {
      const client = new Client({ baseUrl: `${server.base}/?token=SECRET` });
      expect(await client.list('example.com/m')).toEqual(['v1.0.0']);
      expect(server.log.map((l) => l.url)).toEqual(['/example.com/m/@v/list?token=SECRET']);
    } finally {
      await server.close();
    }
  });

  it('an index URL keeps its query on page requests', async () => {
    const seen: string[] = [];
    const server = await startServer((req, res: ServerResponse) => {
      seen.push(req.url ?? '');
      res
        .writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' })
        .end('{"meta":{"api-version":"1.0"},"name":"a","files":[]}');
    });
    try {
      const client = new IndexClient(`${server.base}/simple/?token=SECRET`, { retries: 0 });
      await client.getProject('a');
      expect(seen).toEqual(['/simple/a/?token=SECRET']);
    } finally {
      await server.close();
    }
  });

  it('errors on stderr and in --json never show the token', async () => {
    const server = await serveModules([]);
    try {
      const d = await tempDir();
      for (const json of [[], ['--json']]) {
        const r = await cli(d, [
          'go',
          'list',
          'example.com/none',
          '--proxy',
          `${server.base}?token=SECRET`,
          ...json,
        ]);
        expect(r.code).toBe(1);
        expect(r.out + r.err).not.toContain('SECRET');
        expect(r.err).toContain('token=***');
      }
    } finally {
      await server.close();
    }
  });
});

describe('total deadline per request (item 5)', () => {
  /**
   * A server that drips one byte every 100 ms (at most 300 bytes, then it stops by itself), with a
   * Content-Length of 1,000 unless `chunked`; `seen.requests` counts what it was asked.
   */
  async function dripping(chunked = false, seen = { requests: 0 }) {
    return startServer((_req, res: ServerResponse) => {
      seen.requests++;
      const type = { 'content-type': 'application/vnd.pypi.simple.v1+json' };
      res.writeHead(200, chunked ? type : { ...type, 'content-length': '1000' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ >= 300 || res.destroyed) {
          clearInterval(timer);
          res.destroy();
          return;
        }
        res.write('v');
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
  }

  it('the module proxy: a drip that resets the read timeout still ends in proxy-timeout', async () => {
    const server = await dripping();
    try {
      const client = new Client({
        baseUrl: server.base,
        readTimeoutMs: 2_000,
        totalTimeoutMs: 600,
        retries: 0,
      });
      await expect(client.list('example.com/m')).rejects.toMatchObject({ code: 'proxy-timeout' });
    } finally {
      await server.close();
    }
  });

  it('the package index: the same drip ends in a coded error naming the total time', async () => {
    const server = await dripping();
    try {
      const client = new IndexClient(`${server.base}/simple/`, {
        timeoutMs: 2_000,
        totalTimeoutMs: 600,
        retries: 0,
      });
      await expect(client.getProject('a')).rejects.toMatchObject({
        code: 'registry-unreachable',
        message: expect.stringMatching(/longer than \d+ ms in all/),
      });
    } finally {
      await server.close();
    }
  });

  it('a body of known size gets the connect and read timeouts plus its time at the slowest rate, not 10 minutes', () => {
    const d = {
      totalTimeoutMs: 600_000,
      connectTimeoutMs: 30_000,
      readTimeoutMs: 30_000,
      minBytesPerSecond: 16_384,
    };
    // A capped small body (a .info, a list): about a minute.
    expect(totalDeadline(d, undefined, 65_536)).toBe(64_000);
    expect(totalDeadline(d, 1_000, 65_536)).toBe(60_062);
    // Nothing known: the configured deadline.
    expect(totalDeadline(d, undefined, undefined)).toBe(600_000);
    // A large cap is held to the configured deadline; a large declared body gets its time in full.
    expect(totalDeadline(d, undefined, 500 * 1024 * 1024)).toBe(600_000);
    expect(totalDeadline(d, 100 * 1024 * 1024, 500 * 1024 * 1024)).toBe(6_400_000);
    // A configured deadline shorter than all that still wins.
    expect(totalDeadline({ ...d, totalTimeoutMs: 600 }, 1_000, undefined)).toBe(600);
  });

  const quick = () =>
    new Http<undefined>((kind, message) => Object.assign(new Error(message), { kind }), {
      connectTimeoutMs: 500,
      readTimeoutMs: 1_000,
      totalTimeoutMs: 60_000,
      minBytesPerSecond: 1_000,
      retries: 2,
      backoffMs: 1,
    });

  it('a drip without a length ends soon after the connect and read timeouts, whatever the cap, and is not asked again', async () => {
    for (const cap of [1_000, 500 * 1024 * 1024]) {
      const seen = { requests: 0 };
      const server = await dripping(true, seen);
      try {
        const t0 = Date.now();
        // 10 bytes a second against 1,000 accepted: refused once 0.5 + 1 s have passed (was 60 s, then twice more).
        await expect(quick().getBytes(`${server.base}/x.zip`, undefined, cap)).rejects.toMatchObject({
          kind: 'timeout',
          message: expect.stringMatching(/slower than 1000 bytes\/s|longer than \d+ ms in all/),
        });
        expect(Date.now() - t0).toBeLessThan(10_000);
        expect(seen.requests).toBe(1);
      } finally {
        await server.close();
      }
    }
  });
});
