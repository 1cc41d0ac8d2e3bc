// The checksum database client against a real log: x/mod's sumdb.NewServer over NewTestServer, on 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SumdbClient, type SumdbFetch } from '../../../src/go/sumdb/client.js';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import { fileSumdbState, httpSumdbFetch } from '../../../src/go/sumdb/io.js';
import { generateKey, newVerifier, openNote, verifierList } from '../../../src/go/sumdb/note.js';
import { parseTree } from '../../../src/go/sumdb/tlog.js';
import { describeWithOracle, goOracle } from '../../support/oracles.js';
import { startLog } from './server.js';

const run = promisify(execFile);
const NAME = 'sumdb.test';
const { skey, vkey } = generateKey(NAME, new Uint8Array(32).fill(42));
const other = generateKey(NAME, new Uint8Array(32).fill(43));

const h1 = (s: string) => `h1:${Buffer.from(s.padEnd(32, '.')).toString('base64')}`;
const MODS = ['example.com/a', 'example.com/b', 'example.com/Upper', 'example.com/c', 'example.com/d'];
const RECORDS: Record<string, string> = Object.fromEntries(
  MODS.map((m) => [`${m}@v1.0.0`, `${m} v1.0.0 ${h1(`${m} zip`)}\n${m} v1.0.0/go.mod ${h1(`${m} mod`)}\n`]),
);

const stops: (() => void)[] = [];
let work = '';

async function startServer(key: string): Promise<string> {
  const log = await startLog(work, key, RECORDS);
  stops.push(log.stop);
  return log.url;
}

const CHILD = join(import.meta.dirname, 'state-child.ts');

/** Runs one lookup process (state-child.ts) and returns what it printed. */
async function runChild(
  url: string,
  stateFile: string,
  mods: string[],
): Promise<{ n?: number; code?: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, vkey, url, stateFile, ...mods], {
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

async function codeOf(f: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SumdbError) return [e.code, e.message];
    throw e;
  }
  return ['ok', ''];
}

describeWithOracle(goOracle(), 'sumdb client against x/mod test server', () => {
  let url = '';
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mochi-sumdb-'));
    url = await startServer(skey);
  });
  afterAll(() => {
    for (const stop of stops) stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('looks up, verifies and remembers the tree across runs; a newer tree is proven consistent', async () => {
    const stateFile = join(work, 'state', NAME);
    const c1 = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url), state: fileSumdbState(stateFile) });
    expect(await c1.lookup('example.com/a', 'v1.0.0')).toEqual([
      `example.com/a v1.0.0 ${h1('example.com/a zip')}`,
    ]);
    expect(await c1.lookup('example.com/a', 'v1.0.0/go.mod')).toEqual([
      `example.com/a v1.0.0/go.mod ${h1('example.com/a mod')}`,
    ]);
    await c1.verify('example.com/Upper', 'v1.0.0', {
      zip: h1('example.com/Upper zip'),
      mod: h1('example.com/Upper mod'),
    });
    const n1 = parseTree(openNote(readFileSync(stateFile), verifierList(newVerifier(vkey))).text).n;
    expect(n1).toBe(2);

    const c2 = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url), state: fileSumdbState(stateFile) });
    await c2.verify('example.com/b', 'v1.0.0', { zip: h1('example.com/b zip') });
    expect(c2.latestTree.n).toBe(3);
    expect((await c2.refresh()).n).toBe(3);
  });

  it('serves concurrent lookups on one client and keeps the newest tree', async () => {
    const c = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url) });
    const lines = await Promise.all(MODS.map((m) => c.lookup(m, 'v1.0.0')));
    expect(lines.map((l) => l.length)).toEqual(MODS.map(() => 1));
    expect(c.latestTree.n).toBe((await c.refresh()).n);
    expect(c.latestTree.n).toBeGreaterThanOrEqual(MODS.length);
  });

  it('reports a download that disagrees with the database as a SECURITY ERROR in cmd/go words', async () => {
    const c = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url) });
    const [code, msg] = await codeOf(() => c.verify('example.com/a', 'v1.0.0', { zip: h1('evil') }));
    expect(code).toBe('sumdb-security');
    expect(msg).toContain('example.com/a@v1.0.0: verifying module: checksum mismatch');
    expect(msg).toContain(`\tdownloaded: ${h1('evil')}\n\t${NAME}: ${h1('example.com/a zip')}`);
    expect(msg).toContain(
      'SECURITY ERROR\nThis download does NOT match the one reported by the checksum server.',
    );
  });

  it('refuses a tampered record, a truncated or overlong tile, and a note signed by an unknown key', async () => {
    const real = httpSumdbFetch(url);
    const tamper =
      (f: (path: string, b: Uint8Array) => Uint8Array): SumdbFetch =>
      async (path, max) =>
        f(path, await real(path, max));
    const tampered = tamper((p, b) =>
      p.startsWith('/lookup/') ? Buffer.from(Buffer.from(b).toString().replace('h1:ZX', 'h1:ZY')) : b,
    );
    expect(
      (
        await codeOf(() => new SumdbClient({ key: vkey, fetch: tampered }).lookup('example.com/a', 'v1.0.0'))
      )[0],
    ).toBe('sumdb-security');
    const short = tamper((p, b) => (p.startsWith('/tile/') ? b.subarray(0, b.length - 1) : b));
    expect(
      (await codeOf(() => new SumdbClient({ key: vkey, fetch: short }).lookup('example.com/a', 'v1.0.0')))[0],
    ).toBe('sumdb-security');
    const long = tamper((p, b) => (p.startsWith('/tile/') ? new Uint8Array([...b, 0]) : b));
    expect(
      (await codeOf(() => new SumdbClient({ key: vkey, fetch: long }).lookup('example.com/a', 'v1.0.0')))[0],
    ).toBe('sumdb-security');
    const wrongKey = new SumdbClient({ key: other.vkey, fetch: real });
    expect((await codeOf(() => wrongKey.lookup('example.com/a', 'v1.0.0')))[0]).toBe('sumdb-unknown-key');
  });

  it('detects a forked log: a second server with the same key and another history', async () => {
    const stateFile = join(work, 'fork-state');
    const c1 = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url), state: fileSumdbState(stateFile) });
    await c1.lookup('example.com/c', 'v1.0.0');
    const forkUrl = await startServer(skey);
    // The fork logs d first: its tree of the same size holds other records.
    for (const m of [
      'example.com/d',
      'example.com/c',
      'example.com/b',
      'example.com/a',
      'example.com/Upper',
    ]) {
      await new SumdbClient({ key: vkey, fetch: httpSumdbFetch(forkUrl) }).lookup(m, 'v1.0.0');
    }
    const c2 = new SumdbClient({
      key: vkey,
      fetch: httpSumdbFetch(forkUrl),
      state: fileSumdbState(stateFile),
    });
    const [code] = await codeOf(() => c2.lookup('example.com/a', 'v1.0.0'));
    expect(code).toBe('sumdb-security');
  });

  it('refuses a stored tree that the server log does not contain (rolled back or forked)', async () => {
    const stateFile = join(work, 'rollback-state');
    const big = new SumdbClient({ key: vkey, fetch: httpSumdbFetch(url), state: fileSumdbState(stateFile) });
    await big.lookup('example.com/d', 'v1.0.0');
    const freshUrl = await startServer(skey);
    const c = new SumdbClient({
      key: vkey,
      fetch: httpSumdbFetch(freshUrl),
      state: fileSumdbState(stateFile),
    });
    const [code, msg] = await codeOf(() => c.lookup('example.com/a', 'v1.0.0'));
    expect(code).toBe('sumdb-security');
    expect(msg).toMatch(/cannot prove that tree #\d+ is part of tree #|downloaded inconsistent tile/);
  });
  it('keeps the newest tree, and always detects a fork, when processes share the state file', async () => {
    const many = (tag: string) =>
      Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => {
          const m = `example.com/m${i}`;
          return [`${m}@v1.0.0`, `${m} v1.0.0 ${h1(`${m} ${tag}`)}\n`];
        }),
      );
    const logA = await startLog(work, skey, many('a'));
    const logB = await startLog(work, skey, many('b')); // same key, other history: a fork
    stops.push(logA.stop, logB.stop);
    const mods = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `example.com/m${from + i}@v1.0.0`);
    // Three processes grow log A at once: the file ends with the log's newest tree, whoever wrote last.
    const shared = join(work, 'shared-state');
    const grown = await Promise.all([0, 1, 2].map((k) => runChild(logA.url, shared, mods(k * 4, 4))));
    expect(grown).toEqual([0, 1, 2].map(() => ({ n: expect.any(Number) })));
    const top = (await new SumdbClient({ key: vkey, fetch: httpSumdbFetch(logA.url) }).refresh()).n;
    expect(top).toBe(12);
    expect(parseTree(openNote(readFileSync(shared), verifierList(newVerifier(vkey))).text).n).toBe(top);
    // Two processes on each log, one state file: never do processes of both logs all succeed.
    const forked = join(work, 'forked-state');
    const runs = await Promise.all([
      runChild(logA.url, forked, mods(0, 3)),
      runChild(logB.url, forked, mods(0, 3)),
      runChild(logA.url, forked, mods(3, 3)),
      runChild(logB.url, forked, mods(3, 3)),
    ]);
    for (const r of runs)
      expect(r).toEqual(r.code === undefined ? { n: expect.any(Number) } : { code: 'sumdb-security' });
    const okA = runs[0]?.code === undefined || runs[2]?.code === undefined;
    const okB = runs[1]?.code === undefined || runs[3]?.code === undefined;
    expect([okA, okB]).not.toEqual([true, true]);
  });
});
