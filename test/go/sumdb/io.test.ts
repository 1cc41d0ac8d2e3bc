// The checksum database edges: HTTP caps and timeouts against a local server, and the atomic state file.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import { fileSumdbState, httpSumdbFetch } from '../../../src/go/sumdb/io.js';

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/huge') {
      res.write(Buffer.alloc(1 << 20, 0x41));
      res.end(Buffer.alloc(1 << 20, 0x41));
    } else if (req.url === '/stall') {
      res.write('go.sum database tree\n'); // then nothing, until the server closes
    } else if (req.url === '/ok') {
      res.end('hello');
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function failure(p: Promise<unknown>): Promise<SumdbError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SumdbError) return e;
    throw e;
  }
  throw new Error('expected a SumdbError');
}

describe('httpSumdbFetch', () => {
  it('returns a body within its cap', async () => {
    expect(Buffer.from(await httpSumdbFetch(url)('/ok', 5)).toString()).toBe('hello');
  });
  it('refuses a body over the cap', async () => {
    const e = await failure(httpSumdbFetch(url)('/huge', 1 << 16));
    expect([e.code, e.message]).toEqual([
      'sumdb-http',
      `${url}/huge: response body exceeds the 64 KiB limit`,
    ]);
  });
  it('gives up on a server that stalls', async () => {
    const e = await failure(httpSumdbFetch(url, { timeoutMs: 300 })('/stall', 1 << 16));
    expect(e.code).toBe('sumdb-timeout');
  });
  it('reports the status of a missing path', async () => {
    const e = await failure(httpSumdbFetch(url)('/lookup/x@v1.0.0', 1 << 16));
    expect([e.code, e.status]).toEqual(['sumdb-http', 404]);
  });
});

describe('fileSumdbState', () => {
  it('swaps only from what is stored, leaving no temp or lock files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mochi-sumdb-state-'));
    try {
      const st = fileSumdbState(join(dir, 'sub', 'sum.golang.org'));
      const text = async () => Buffer.from((await st.read()) as Uint8Array).toString();
      expect(await st.read()).toBeUndefined();
      expect(await st.swap(new Uint8Array(0), Buffer.from('one'))).toBe(true);
      expect(await st.swap(new Uint8Array(0), Buffer.from('lost'))).toBe(false);
      expect(await text()).toBe('one');
      expect(await st.swap(Buffer.from('one'), Buffer.from('two'))).toBe(true);
      expect(await text()).toBe('two');
      expect(readdirSync(join(dir, 'sub'))).toEqual(['sum.golang.org']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
