// The checksum database wired into `go download`, `go verify` and `lock`: x/mod's server, the real `go` beside ours, and a hostile front.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cache } from '../../../src/go/cache/index.js';
import { hashGoMod, hashZip } from '../../../src/go/dirhash/index.js';
import { generateKey, newVerifier, openNote, SumdbError, verifierList } from '../../../src/go/sumdb/index.js';
import { type BuildFn, checkLock, loadPythonBuild, lockProject } from '../../../src/project/index.js';
import { cliWithEnv as cli } from '../../support/cli.js';
import { describeWithOracle, goCommandEnv, goOracle } from '../../support/oracles.js';
import { type FixtureModule, fixtureModule, serveModules } from '../support/modules.js';
import type { TestServer } from '../support/server.js';
import { type SumdbServer, startSumdbServer } from './server.js';

const run = promisify(execFile);
const NAME = 'sumdb.wired.test';
const { skey, vkey } = generateKey(NAME, new Uint8Array(32).fill(7));
const other = generateKey(NAME, new Uint8Array(32).fill(8));

const good = [
  fixtureModule('example.com/a', 'v1.0.0'),
  fixtureModule('example.com/b', 'v1.2.0', { 'b.go': 'package b\n' }),
  fixtureModule('example.com/Upper', 'v0.1.0', { 'u.go': 'package upper\n' }),
];
/** The database holds another zip hash for it: the proxy serves bytes nobody else sees. */
const evil = fixtureModule('example.com/evil', 'v1.0.0', { 'e.go': 'package evil\n' });
/** Not in the database at all. */
const priv = fixtureModule('corp.example/priv', 'v1.0.0', { 'p.go': 'package priv\n' });
/** Records that exist but lack a line, or hold extra ones (cmd/go's checkSumDB reads them in order). */
const half = fixtureModule('example.com/half', 'v1.0.0', { 'h.go': 'package half\n' });
const alg = fixtureModule('example.com/alg', 'v1.0.0', { 'a.go': 'package alg\n' });
const dup = fixtureModule('example.com/dup', 'v1.0.0', { 'd.go': 'package dup\n' });
const wrongHash = `h1:${Buffer.alloc(32, 1).toString('base64')}`;

async function sumLines(m: FixtureModule): Promise<string[]> {
  return [
    `${m.path} ${m.version} ${await hashZip(m.zip, m.path, m.version)}`,
    `${m.path} ${m.version}/go.mod ${hashGoMod(m.mod)}`,
  ];
}

/** How the proxy's `/sumdb/<name>/…` front treats the database's answers. */
type Mode = 'pass' | 'bad-signature' | 'other-key' | 'huge' | 'short-tile' | 'tampered' | 'auth' | 'stall';
let mode: Mode = 'pass';
/** In `stall` mode, the answers to paths starting with this stop halfway. */
let stallOn = '/lookup/';
const BASIC = `Basic ${Buffer.from('gopher:s3cret').toString('base64')}`;
let sumdbRequests: string[] = [];

let work = '';
let build: BuildFn;
let db: SumdbServer;
let proxy: TestServer;

async function front(path: string): Promise<{ status: number; body: Buffer }> {
  sumdbRequests.push(path);
  if (path === '/supported') return { status: 200, body: Buffer.alloc(0) };
  const r = await fetch(`${db.url}${path}`);
  let body = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) return { status: r.status, body };
  const text = body.toString('latin1');
  if (mode === 'huge' && path.startsWith('/lookup/')) body = Buffer.alloc(4 << 20, 0x41);
  if (mode === 'short-tile' && path.startsWith('/tile/')) body = body.subarray(0, body.length - 1);
  if (mode === 'tampered' && path.startsWith('/lookup/'))
    body = Buffer.from(
      text.replace(/ h1:(.)/, (_, c: string) => ` h1:${c === 'A' ? 'B' : 'A'}`),
      'latin1',
    );
  if (mode === 'bad-signature' && path.startsWith('/lookup/')) {
    // Flip one base64 character of the signature: same key hash, wrong signature.
    const i = text.lastIndexOf('\n', text.length - 2) + `— ${NAME} `.length + 12;
    body = Buffer.from(text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1), 'latin1');
  }
  if (mode === 'other-key' && path.startsWith('/lookup/')) {
    const alt = await fetch(`${db.otherUrl}${path}`);
    body = Buffer.from(await alt.arrayBuffer());
  }
  return { status: 200, body };
}

describeWithOracle(goOracle(), 'checksum database in go download, go verify and lock', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-sumdb-wired-'));
    build = await loadPythonBuild();
    const records: Record<string, string> = {};
    for (const m of good) records[`${m.path}@${m.version}`] = `${(await sumLines(m)).join('\n')}\n`;
    const [, evilMod] = await sumLines(evil);
    records[`${evil.path}@${evil.version}`] = `${evil.path} ${evil.version} ${wrongHash}\n${evilMod}\n`;
    const [halfZip] = await sumLines(half);
    records[`${half.path}@${half.version}`] = `${halfZip}\n`;
    const [algZip, algMod] = await sumLines(alg);
    records[`${alg.path}@${alg.version}`] = `${algZip!.replace(' h1:', ' h2:')}\n${algMod}\n`;
    const [dupZip, dupMod] = await sumLines(dup);
    records[`${dup.path}@${dup.version}`] = `${dup.path} ${dup.version} ${wrongHash}\n${dupZip}\n${dupMod}\n`;
    db = await startSumdbServer(work, skey, records, other.skey);
    proxy = await serveModules([...good, evil, priv, half, alg, dup], (req, res) => {
      const prefix = `/sumdb/${NAME}`;
      if (!req.url?.startsWith(`${prefix}/`)) return false;
      const path = req.url.slice(prefix.length);
      if (mode === 'auth' && req.headers.authorization !== BASIC) {
        sumdbRequests.push(`401 ${path}`);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="sumdb"' }).end();
        return true;
      }
      front(path).then(
        ({ status, body }) => {
          const stalls = mode === 'stall' && status === 200 && path.startsWith(stallOn);
          if (!stalls) return res.writeHead(status, { 'content-length': String(body.length) }).end(body);
          // Headers and half the body, then silence; the socket is dropped after 10 s in any case.
          res.writeHead(200, { 'content-length': String(body.length) });
          res.write(body.subarray(0, body.length >> 1));
          setTimeout(() => res.destroy(), 10_000).unref();
        },
        () => res.writeHead(502).end(),
      );
      return true;
    });
  });
  afterAll(async () => {
    await proxy?.close();
    db?.close();
    await rm(work, { recursive: true, force: true });
  });

  const envFor = async (extra: NodeJS.ProcessEnv = {}) => ({
    GOPROXY: proxy.base,
    GOSUMDB: vkey,
    MOCHI_GO_BRIDGE_CACHE: await mkdtemp(join(work, 'cache-')),
    ...extra,
  });
  const args = (ms: readonly FixtureModule[]) => ms.map((m) => `${m.path}@${m.version}`);

  it('downloads what the database vouches for, through the proxy, and names the database per module', async () => {
    mode = 'pass';
    const env = await envFor();
    const r = await cli(env, 'go', 'download', '--json', ...args(good));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const got = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(got.map((g) => g.SumDB)).toEqual(good.map(() => NAME));
    const lines = got.flatMap((g) => [
      `${g.Path} ${g.Version} ${g.Sum}`,
      `${g.Path} ${g.Version}/go.mod ${g.GoModSum}`,
    ]);
    expect(lines).toEqual((await Promise.all(good.map(sumLines))).flat());
    // The latest tree is kept in the cache's config area; go verify re-checks against it.
    const root = env.MOCHI_GO_BRIDGE_CACHE!;
    expect(existsSync(join(root, 'config', 'sumdb', NAME, 'latest'))).toBe(true);
    const v = await cli(env, 'go', 'verify', '--json');
    expect(v.code).toBe(0);
    expect(
      v.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).SumDB),
    ).toEqual(good.map(() => NAME));
  });

  it('refuses a module the database disagrees with (SECURITY ERROR, exit 1) and caches nothing of its zip', async () => {
    mode = 'pass';
    const env = await envFor({ GOINSECURE: '*' }); // GOINSECURE never turns the check off
    const r = await cli(env, 'go', 'download', ...args([good[0]!, evil]));
    expect(r.code).toBe(1);
    const [zipLine] = await sumLines(evil);
    expect(r.out).toBe(`${(await sumLines(good[0]!))[0]}\n`);
    expect(r.err).toContain(
      'error[sumdb-security]: example.com/evil@v1.0.0: verifying module: checksum mismatch',
    );
    expect(r.err).toContain(`\tdownloaded: ${zipLine!.split(' ')[2]}`);
    expect(r.err).toContain(`\t${NAME}: h1:${Buffer.alloc(32, 1).toString('base64')}`);
    expect(r.err).toContain('SECURITY ERROR');
    expect(r.err).toContain('This download does NOT match the one reported by the checksum server.');
    const cache = await Cache.open(env.MOCHI_GO_BRIDGE_CACHE!);
    expect(existsSync(cache.zipPath(evil.path, evil.version))).toBe(false);
    expect(await cache.has(evil.path, evil.version)).toBe(false);
  });

  it('skips the modules GONOSUMDB or GOPRIVATE name, and everything under GOSUMDB=off', async () => {
    mode = 'pass';
    const notFound = await cli(await envFor(), 'go', 'download', ...args([priv]));
    expect(notFound.code).toBe(1);
    expect(notFound.err).toContain('error[sumdb-http]');
    for (const extra of [
      { GONOSUMDB: 'corp.example' },
      { GOPRIVATE: 'corp.example/*' },
      { GOSUMDB: 'off' },
    ]) {
      const r = await cli(await envFor(extra), 'go', 'download', '--json', ...args([priv]));
      expect(r.code, JSON.stringify(extra)).toBe(0);
      expect(JSON.parse(r.out).SumDB).toBeUndefined();
    }
  });

  it('refuses a hostile database front with the right code, leaving no zip in the cache', async () => {
    const cases: [Mode, string][] = [
      ['tampered', 'sumdb-security'],
      ['bad-signature', 'sumdb-bad-signature'],
      ['other-key', 'sumdb-unknown-key'],
      ['huge', 'sumdb-http'],
    ];
    for (const [m, code] of cases) {
      mode = m;
      const env = await envFor();
      const r = await cli(env, 'go', 'download', ...args([good[1]!]));
      expect([m, r.code], r.err).toEqual([m, 1]);
      expect(r.err, m).toContain(`error[${code}]`);
      const cache = await Cache.open(env.MOCHI_GO_BRIDGE_CACHE!);
      expect(existsSync(cache.zipPath(good[1]!.path, good[1]!.version)), m).toBe(false);
    }
    // A tile one byte short, on a cold tile cache.
    mode = 'short-tile';
    const r = await cli(await envFor(), 'go', 'download', ...args([good[2]!]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[sumdb-(malformed|security)\]/);
    mode = 'pass';
  });

  it('a warm run asks the database nothing: lookups and tiles come from the cache', async () => {
    mode = 'pass';
    const env = await envFor();
    expect((await cli(env, 'go', 'download', ...args(good))).code).toBe(0);
    sumdbRequests = [];
    expect((await cli(env, 'go', 'download', ...args(good))).code).toBe(0);
    expect(sumdbRequests.filter((p) => p !== '/supported')).toEqual([]);
  });

  it('agrees with go mod download: same go.sum lines, same accept and refuse', async () => {
    mode = 'pass';
    const goWork = await mkdtemp(join(work, 'go-'));
    const mainDir = join(goWork, 'main');
    await mkdir(mainDir);
    await writeFile(join(mainDir, 'go.mod'), 'module example.com/main\n\ngo 1.19\n');
    const goEnv = { ...goCommandEnv(goWork, proxy.base), GOSUMDB: vkey };
    await run('go', ['get', ...args(good)], { cwd: mainDir, env: goEnv });
    const goSum = (await readFile(join(mainDir, 'go.sum'), 'utf8')).trim().split('\n').sort();
    const ours = await cli(await envFor(), 'go', 'download', '--json', ...args(good));
    const oursLines = ours.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .flatMap((g) => [`${g.Path} ${g.Version} ${g.Sum}`, `${g.Path} ${g.Version}/go.mod ${g.GoModSum}`])
      .sort();
    expect(oursLines).toEqual(goSum);
    const refused = await run('go', ['get', ...args([evil])], { cwd: mainDir, env: goEnv }).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    expect(refused).toContain('SECURITY ERROR');
    expect(refused).toContain('example.com/evil@v1.0.0: verifying module: checksum mismatch');
    const oursRefused = await cli(await envFor(), 'go', 'download', ...args([evil]));
    expect(oursRefused.code).toBe(1);
    expect(oursRefused.err).toContain('example.com/evil@v1.0.0: verifying module: checksum mismatch');
  });

  it('lock checks new modules before they enter the lock, trusts the hashes it holds, and --check asks nothing', async () => {
    mode = 'pass';
    const root = await mkdtemp(join(work, 'project-'));
    const env = await envFor();
    const settings = { cwd: root, env, makeBuild: async () => build };
    await writeFile(join(root, 'main.mochi'), 'import go "example.com/a@v1.0.0" as a\n');
    const first = await lockProject(settings);
    expect(first.sumdb).toEqual([{ module: 'example.com/a', version: 'v1.0.0', sumdb: NAME }]);
    const locked = await readFile(join(root, 'mochi.lock'), 'utf8');
    sumdbRequests = [];
    const again = await lockProject({
      ...settings,
      env: { ...env, MOCHI_GO_BRIDGE_CACHE: await mkdtemp(join(work, 'c-')) },
    });
    expect(again.sumdb).toEqual([]);
    expect((await checkLock(settings)).upToDate).toBe(true);
    expect(sumdbRequests).toEqual([]);
    await writeFile(
      join(root, 'main.mochi'),
      'import go "example.com/a@v1.0.0" as a\nimport go "example.com/evil@v1.0.0" as e\n',
    );
    const refused = await lockProject(settings).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SumdbError);
    expect((refused as SumdbError).code).toBe('sumdb-security');
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toBe(locked);
  });
  it("lock takes GOSUMDB from mochi.toml's [go] sumdb when the environment does not set it", async () => {
    mode = 'pass';
    const root = await mkdtemp(join(work, 'project-'));
    const { GOSUMDB: _unset, ...env } = await envFor();
    const settings = { cwd: root, env, makeBuild: async () => build };
    await writeFile(join(root, 'main.mochi'), 'import go "example.com/evil@v1.0.0" as e\n');
    await writeFile(join(root, 'mochi.toml'), `[go]\nsumdb = "${vkey}"\n`);
    const refused = await lockProject(settings).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as SumdbError).code).toBe('sumdb-security');
    expect(existsSync(join(root, 'mochi.lock'))).toBe(false);
    await writeFile(join(root, 'mochi.toml'), '[go]\nsumdb = "off"\n');
    const off = await lockProject(settings);
    expect(off.sumdb).toEqual([]);
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toContain('example.com/evil');
  });
  it('sends netrc credentials on checksum database requests, as cmd/go does', async () => {
    mode = 'auth';
    const netrc = join(work, 'netrc');
    await writeFile(netrc, `machine ${new URL(proxy.base).host} login gopher password s3cret\n`);
    sumdbRequests = [];
    const ok = await cli(await envFor({ NETRC: netrc }), 'go', 'download', '--json', ...args([good[0]!]));
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect(JSON.parse(ok.out).SumDB).toBe(NAME);
    expect(sumdbRequests.some((p) => p.startsWith('/lookup/'))).toBe(true);
    expect(sumdbRequests.filter((p) => p.startsWith('401'))).toEqual([]);
    const none = await cli(
      await envFor({ NETRC: join(work, 'absent') }),
      'go',
      'download',
      ...args([good[0]!]),
    );
    expect(none.code).toBe(1);
    expect(none.err).toContain('error[sumdb-http]');
    expect(none.err).toContain('401');
    expect(none.err).not.toContain('s3cret');
    mode = 'pass';
  });

  it('reads a lookup record line by line as go does: no line for a hash accepts, a wrong h1 line first refuses', async () => {
    mode = 'pass';
    const goWork = await mkdtemp(join(work, 'go-records-'));
    const mainDir = join(goWork, 'main');
    await mkdir(mainDir);
    await writeFile(join(mainDir, 'go.mod'), 'module example.com/main\n\ngo 1.19\n');
    const goEnv = { ...goCommandEnv(goWork, proxy.base), GOSUMDB: vkey };
    const goGet = (m: FixtureModule) =>
      run('go', ['get', ...args([m])], { cwd: mainDir, env: goEnv }).then(
        () => '',
        (e: { stderr: string }) => e.stderr,
      );
    expect(await goGet(half)).toBe('');
    expect(await goGet(alg)).toBe('');
    const goRefusal = await goGet(dup);
    const goSum = (await readFile(join(mainDir, 'go.sum'), 'utf8')).trim().split('\n').sort();
    const ours = await cli(await envFor(), 'go', 'download', '--json', ...args([half, alg]));
    expect([ours.code, ours.err]).toEqual([0, '']);
    const oursLines = ours.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .flatMap((g) => [`${g.Path} ${g.Version} ${g.Sum}`, `${g.Path} ${g.Version}/go.mod ${g.GoModSum}`])
      .sort();
    expect(oursLines).toEqual(goSum);
    // The same evidence as go prints: the record's first h1 line disagrees, though a later one matches.
    const evidence = goRefusal
      .split('\n')
      .filter((l) => l.includes('checksum mismatch') || l.startsWith('\t'))
      .map((l) => l.replace(/^go: /, ''));
    expect(evidence).toEqual([
      'example.com/dup@v1.0.0: verifying module: checksum mismatch',
      `\tdownloaded: ${(await sumLines(dup))[0]!.split(' ')[2]}`,
      `\t${NAME}: ${wrongHash}`,
    ]);
    const refused = await cli(await envFor(), 'go', 'download', ...args([dup]));
    expect(refused.code).toBe(1);
    for (const line of evidence) expect(refused.err).toContain(line);
  });

  it('stops with sumdb-timeout when the database stalls mid-answer, leaving no partial state, zip or lock', async () => {
    mode = 'stall';
    stallOn = '/lookup/';
    const env = await envFor({ MOCHI_SUMDB_TIMEOUT_MS: '300' });
    const r = await cli(env, 'go', 'download', ...args([good[1]!]));
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[sumdb-timeout]');
    const cache = await Cache.open(env.MOCHI_GO_BRIDGE_CACHE!);
    expect(existsSync(cache.zipPath(good[1]!.path, good[1]!.version))).toBe(false);
    expect(existsSync(join(env.MOCHI_GO_BRIDGE_CACHE!, 'config', 'sumdb', NAME))).toBe(false);
    // lock, stalled on a tile after the lookup: the tree it verified is on disk whole, or not at all.
    stallOn = '/tile/';
    const root = await mkdtemp(join(work, 'project-'));
    await writeFile(join(root, 'main.mochi'), `import go "${good[2]!.path}@${good[2]!.version}" as u\n`);
    const lenv = await envFor({ MOCHI_SUMDB_TIMEOUT_MS: '300' });
    const failed = await lockProject({ cwd: root, env: lenv, makeBuild: async () => build }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(SumdbError);
    expect((failed as SumdbError).code).toBe('sumdb-timeout');
    expect(existsSync(join(root, 'mochi.lock'))).toBe(false);
    const stateDir = join(lenv.MOCHI_GO_BRIDGE_CACHE!, 'config', 'sumdb', NAME);
    for (const f of existsSync(stateDir) ? await readdir(stateDir) : []) {
      expect(f).toBe('latest');
      expect(() => openNote(readFileSync(join(stateDir, f)), verifierList(newVerifier(vkey)))).not.toThrow();
    }
    mode = 'pass';
    stallOn = '/lookup/';
  });
});
