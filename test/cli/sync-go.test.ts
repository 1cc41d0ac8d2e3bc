// `sync` and the Go module cache: every locked module is fetched, verified against mochi.lock's h1:
// sums and cached so that the real go builds the bridge with GOPROXY=off; tampered entries are refused.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { Cache } from '../../src/go/cache/index.js';
import { fillCache, GoChecksumError } from '../../src/go/lockfile/index.js';
import { openGoSource } from '../../src/project/goSource.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../go/support/cmdgoproxy.js';
import { goOnly } from '../support/cli.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../support/oracles.js';

const run = promisify(execFile);
const oracle: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

describeWithOracle(oracle, 'sync: locked Go modules in the cache, buildable offline by the real go', () => {
  let proxy: string;
  let work: string;
  let root: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sync-go-'));
    const proxyDir = join(work, 'proxy');
    await writeCmdGoProxy(proxyDir);
    proxy = pathToFileURL(proxyDir).href;
    root = join(work, 'project');
    await mkdir(root);
    await writeFile(
      join(root, 'main.mochi'),
      'import go "rsc.io/quote@v1.5.2" as quote\n\nprint(quote.Hello())\n',
    );
    // The lock is made with a cache of its own: sync starts from an empty one.
    const l = await goOnly('lock', root, [
      '--go-proxy',
      proxy,
      '--go-cache-dir',
      join(work, 'lockcache'),
      '--cache-dir',
      join(work, 'py'),
    ]);
    expect(l).toMatchObject({ code: 0, err: '' });
  }, 60_000);

  it('fetches and verifies every locked module; go build -mod=readonly works with GOPROXY=off', async () => {
    const modcache = join(work, 'gomodcache');
    const goCache = join(modcache, 'cache', 'download');
    const args = [
      '--frozen',
      '--target',
      '3.11-linux',
      '--cache-dir',
      join(work, 'py'),
      '--go-cache-dir',
      goCache,
    ];
    // Offline with an empty cache: a clear error naming the module. (A local file:// proxy would
    // still be read offline: the proxy given here is a remote one, never asked.)
    const bridge = join(root, '.mochi', 'go');
    await rm(bridge, { recursive: true, force: true });
    const off = await goOnly('sync', root, [...args, '--offline', '--go-proxy', 'http://127.0.0.1:9']);
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/sync-missing-module.*@v/s);
    // The failed sync wrote no go.mod or go.sum naming modules it could not fetch.
    expect(existsSync(join(bridge, 'go.mod')) || existsSync(join(bridge, 'go.sum'))).toBe(false);

    const s = await goOnly('sync', root, [...args, '--go-proxy', proxy, '--json']);
    expect(s).toMatchObject({ code: 0, err: '' });
    const go = JSON.parse(s.out).go;
    expect(go).toMatchObject({ cache: goCache });
    expect(go.downloaded).toBeGreaterThanOrEqual(3);

    await writeFile(join(bridge, 'main.go'), 'package main\n\nimport _ "rsc.io/quote"\n\nfunc main() {}\n');
    const env = { ...goCommandEnv(work, 'off'), GOFLAGS: '-mod=readonly -modcacherw' };
    await run('go', ['build', '-o', join(work, 'bridge.bin'), '.'], { cwd: bridge, env });
    expect((await run('go', ['mod', 'verify'], { cwd: bridge, env })).stdout).toBe('all modules verified\n');

    // A second sync offline finds everything cached and verified.
    const again = await goOnly('sync', root, [...args, '--offline', '--json']);
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(again.out).go).toMatchObject({ upToDate: true, downloaded: 0 });
  }, 120_000);

  it('refuses a tampered cache entry, removes it and fetches it again', async () => {
    const goCache = join(work, 'tamper', 'cache', 'download');
    const args = [
      '--frozen',
      '--target',
      '3.11-linux',
      '--cache-dir',
      join(work, 'py'),
      '--go-cache-dir',
      goCache,
    ];
    expect((await goOnly('sync', root, [...args, '--go-proxy', proxy])).code).toBe(0);
    const cache = await Cache.open(goCache);
    const zip = cache.zipPath('rsc.io/quote', 'v1.5.2');
    const good = await readFile(zip);
    // Another module's zip in its place: refused even though the sidecar is unchanged.
    const other = await readFile(cache.zipPath('rsc.io/sampler', 'v1.3.0'));
    await rm(zip);
    await writeFile(zip, other);
    const off = await goOnly('sync', root, [...args, '--offline']);
    expect(off.code).toBe(1);
    expect(off.err).toContain('rsc.io/quote@v1.5.2');
    expect(off.err).toContain('sync-missing-module');
    // The refused entry was reported and removed, never left for go to use.
    expect(off.err).toMatch(/warning: rsc\.io\/quote@v1\.5\.2: .*(corrupt|hashes)/);
    expect(await cache.has('rsc.io/quote', 'v1.5.2')).toBe(false);
    const fixed = await goOnly('sync', root, [...args, '--go-proxy', proxy, '--json']);
    expect(fixed).toMatchObject({ code: 0, err: '' });
    expect(await readFile(zip)).toEqual(good);
  }, 120_000);
});

describeWithOracle(oracle, 'fillCache: served bytes must match the lock', () => {
  it('a zip or go.mod the proxy serves with other hashes than the lock pins is a go-checksum-mismatch, and not kept', async () => {
    const work = await mkdtemp(join(tmpdir(), 'fill-'));
    await writeCmdGoProxy(join(work, 'proxy'));
    const source = await openGoSource(pathToFileURL(join(work, 'proxy')).href, {});
    const cache = await Cache.open(join(work, 'cache'));
    const fake = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const manifest = {
      entries: [
        {
          module: 'rsc.io/sampler',
          version: 'v1.3.0',
          source: 'module-proxy' as const,
          zipH1: fake,
          graphModH1: [`v1.2.1 ${fake}`],
          aliases: [],
        },
      ],
    };
    const e = await fillCache(cache, source, manifest).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GoChecksumError);
    expect((e as GoChecksumError).mismatches.map((m) => [m.version, m.key, m.locked])).toEqual([
      ['v1.3.0', 'zip-h1', fake],
      ['v1.2.1', 'mod-h1', fake],
    ]);
    expect(await cache.has('rsc.io/sampler', 'v1.3.0')).toBe(false);
    expect(await readFile(cache.modPath('rsc.io/sampler', 'v1.2.1')).catch(() => undefined)).toBeUndefined();
  }, 60_000);
});
