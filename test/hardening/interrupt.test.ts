// An interrupted command (SIGINT, SIGTERM) leaves no temp file in the cache or the project, and dies of the signal.
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { leftovers } from '../fuzz/support.js';
import { fixtureModule, proxyFiles } from '../go/support/modules.js';
import { startServer, type TestServer } from '../go/support/server.js';
import { startTsChild } from '../support/child.js';
import { writeTree } from '../support/files.js';
import { cleanup, tempDir } from './support.js';

const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));
const foo = fixtureModule('example.com/foo', 'v1.0.0', { 'foo.go': 'package foo\n' });
const files = proxyFiles([foo]);

let server: TestServer | undefined;
/** Zip answers held open (half sent) until the test ends. */
const held: ServerResponse[] = [];
afterEach(async () => {
  for (const res of held.splice(0)) res.destroy();
  await server?.close();
  server = undefined;
});
afterAll(cleanup);

/** A proxy that sends the first bytes of every .zip and then nothing: a download in progress. */
async function stallingProxy(): Promise<string> {
  server = await startServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const body = files.get(path);
    if (body === undefined) return res.writeHead(404).end();
    if (!path.endsWith('.zip')) return res.writeHead(200).end(body);
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, 64));
    held.push(res);
  });
  return server.base;
}

/** Polls `dir` until the temp file of a module zip shows there (the download is writing it), at most 10 s. */
async function tempAppears(dir: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await leftovers(dir)).some((p) => p.includes('.zip.'))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no temp file appeared under ${dir}`);
}

describe('an interrupted command leaves no temp file', () => {
  it('go download stopped by SIGINT mid-zip: the cache holds no .tmp- file and no zip', async () => {
    const base = await stallingProxy();
    const cache = await tempDir();
    const { proc, done } = startTsChild(
      child,
      ['go', 'download', '--proxy', base, 'example.com/foo@v1.0.0'],
      {
        env: { MOCHI_GO_BRIDGE_CACHE: cache, GOSUMDB: 'off' },
      },
    );
    await tempAppears(cache);
    proc.kill('SIGINT');
    const r = await done;
    expect(r.signal).toBe('SIGINT');
    expect(await leftovers(cache)).toEqual([]);
    expect(existsSync(join(cache, 'example.com/foo/@v/v1.0.0.zip'))).toBe(false);
    expect(r.err).not.toMatch(/internal error|error\[internal\]/);
  }, 20_000);

  it('lock stopped by SIGTERM while it fetches a Go module: no .tmp- file in the cache, no mochi.lock', async () => {
    const base = await stallingProxy();
    const dir = await tempDir();
    const root = join(dir, 'project');
    const cache = join(dir, 'cache');
    await writeTree(root, { 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' });
    const { proc, done } = startTsChild(
      child,
      ['lock', '--cwd', root, '--cache-dir', join(dir, 'py'), '--go-proxy', base],
      { env: { MOCHI_GO_BRIDGE_CACHE: cache, GOSUMDB: 'off' } },
    );
    await tempAppears(cache);
    proc.kill('SIGTERM');
    const r = await done;
    expect(r.signal).toBe('SIGTERM');
    expect(await leftovers(dir)).toEqual([]);
    expect(existsSync(join(root, 'mochi.lock'))).toBe(false);
  }, 20_000);
});
