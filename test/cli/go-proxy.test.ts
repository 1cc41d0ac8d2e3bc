import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashGoMod, hashZip } from '../../src/go/dirhash/index.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../go/support/cmdgoproxy.js';
import { fixtureModule, serveModules } from '../go/support/modules.js';
import type { TestServer } from '../go/support/server.js';
import { cliWithEnv as cli } from '../support/cli.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../support/oracles.js';
import { buildZip } from '../support/zipbuild.js';

const foo1 = fixtureModule('example.com/foo', 'v1.0.0');
const foo2 = fixtureModule('example.com/foo', 'v1.1.0');
const cobra = fixtureModule('github.com/Spf13/Cobra', 'v1.2.3');
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup() {
  server = await serveModules([foo1, foo2, cobra]);
  const cacheDir = await mkdtemp(join(tmpdir(), 'cli-cache-'));
  return { env: { GOPROXY: server.base, MOCHI_GO_BRIDGE_CACHE: cacheDir, GOSUMDB: 'off' }, cacheDir };
}

describe('mochi-pkg go list|info|mod', () => {
  it('lists versions, one per line or as JSON', async () => {
    const { env } = await setup();
    expect(await cli(env, 'go', 'list', 'example.com/foo')).toEqual({
      code: 0,
      out: 'v1.0.0\nv1.1.0\n',
      err: '',
    });
    const j = await cli(env, 'go', 'list', '--json', 'example.com/foo');
    expect(JSON.parse(j.out)).toEqual({ Path: 'example.com/foo', Versions: ['v1.0.0', 'v1.1.0'] });
  });

  it('refuses a --proxy or $GOPROXY that go would refuse, naming it, before anything is fetched (exit 2)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'cli-cache-'));
    const env = { MOCHI_GO_BRIDGE_CACHE: cache, GOSUMDB: 'off' };
    const accepted = 'a GOPROXY list: http(s) or file URLs, off or direct, separated by , or |';
    for (const argv of [
      ['go', 'list', 'example.com/foo'],
      ['go', 'info', 'example.com/foo@latest'],
      ['go', 'mod', 'example.com/foo@v1.0.0'],
      ['go', 'download', 'example.com/foo@v1.0.0'],
    ]) {
      const viaFlag = await cli(env, ...argv, '--proxy', 'ftp://q');
      expect([argv, viaFlag.code, viaFlag.err]).toEqual([
        argv,
        2,
        'mochi-pkg: error[proxy-config]: --proxy: invalid proxy URL scheme (must be https, http, file): ftp://q\n' +
          `  hint: --proxy is ${accepted}\n`,
      ]);
      const viaEnv = await cli({ ...env, GOPROXY: 'ftp://q' }, ...argv);
      expect([argv, viaEnv.code, viaEnv.err]).toEqual([
        argv,
        2,
        expect.stringContaining('error[proxy-config]: $GOPROXY: invalid proxy URL scheme'),
      ]);
    }
    const verify = await cli({ ...env, GOPROXY: 'ftp://q', GOSUMDB: 'sum.golang.org' }, 'go', 'verify');
    expect([verify.code, verify.err]).toEqual([
      2,
      expect.stringContaining('error[proxy-config]: $GOPROXY: '),
    ]);
  });

  it('refuses a $GOSUMDB that go would refuse, naming it, before anything is fetched (exit 2)', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'cli-cache-'));
    const env = { MOCHI_GO_BRIDGE_CACHE: cache, GOSUMDB: 'a b c', GOPROXY: 'off' };
    for (const argv of [
      ['go', 'download', 'example.com/foo@v1.0.0'],
      ['go', 'verify'],
    ]) {
      const r = await cli(env, ...argv);
      expect([argv, r.code, r.err]).toEqual([
        argv,
        2,
        'mochi-pkg: error[sumdb-config]: $GOSUMDB: invalid GOSUMDB "a b c": too many fields\n' +
          '  hint: $GOSUMDB is a GOSUMDB value: off, sum.golang.org, <name>+<hash>+<key>, or "<name>+<hash>+<key> <url>"\n',
      ]);
    }
  });

  it('names a zip it refuses by module@version and the URL it came from, not by its temp file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cli-badzip-'));
    const at = join(root, 'proxy/example.com/bad/@v');
    await mkdir(at, { recursive: true });
    const good = buildZip([{ name: 'example.com/bad@v1.1.0/a.go', data: 'package bad\n'.repeat(40) }]);
    // v1.0.0 is not a zip at all; v1.1.0's central directory records a wrong CRC-32.
    const crc = Buffer.from(good);
    crc[crc.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 16]! ^= 0xff;
    for (const [v, zip] of [
      ['v1.0.0', Buffer.from('not a zip')],
      ['v1.1.0', crc],
    ] as const) {
      await writeFile(join(at, `${v}.info`), `{"Version":"${v}"}`);
      await writeFile(join(at, `${v}.mod`), 'module example.com/bad\n');
      await writeFile(join(at, `${v}.zip`), zip);
    }
    await writeFile(join(at, 'list'), 'v1.0.0\nv1.1.0\n');
    const cache = join(root, 'cache');
    const env = {
      GOPROXY: pathToFileURL(join(root, 'proxy')).href,
      GOSUMDB: 'off',
      MOCHI_GO_BRIDGE_CACHE: cache,
    };
    // Two at once: the zips are checked on a worker thread.
    const r = await cli(env, 'go', 'download', 'example.com/bad@v1.0.0', 'example.com/bad@v1.1.0');
    expect(r.code).toBe(1);
    const url = (v: string) => `${pathToFileURL(at).href}/${v}.zip`;
    expect(r.err).toContain(
      `error[proxy-bad-response]: example.com/bad@v1.0.0: zip rejected: not a valid zip file (no end of central directory record) (${url('v1.0.0')})`,
    );
    expect(r.err).toContain(
      `error[proxy-bad-response]: example.com/bad@v1.1.0: zip rejected: entry "example.com/bad@v1.1.0/a.go" fails its CRC-32 check (${url('v1.1.0')})`,
    );
    expect(r.err).not.toContain(cache);
  });

  it('reports an unknown module with exit 1 and names it', async () => {
    const { env } = await setup();
    const r = await cli(env, 'go', 'list', 'example.com/none');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[module-not-found]');
    expect(r.err).toContain('example.com/none');
  });

  it('shows info for a version and for latest', async () => {
    const { env } = await setup();
    expect((await cli(env, 'go', 'info', 'example.com/foo@v1.0.0')).out).toBe(
      'v1.0.0 2023-01-02T03:04:05Z\n',
    );
    const j = await cli(env, 'go', 'info', '--json', 'example.com/foo@latest');
    expect(JSON.parse(j.out)).toEqual({
      Path: 'example.com/foo',
      Version: 'v1.1.0',
      Time: '2023-01-02T03:04:05Z',
    });
  });

  it('prints a go.mod unchanged, or with its sum as JSON', async () => {
    const { env } = await setup();
    expect((await cli(env, 'go', 'mod', 'github.com/Spf13/Cobra@v1.2.3')).out).toBe(cobra.mod.toString());
    const j = JSON.parse((await cli(env, 'go', 'mod', '--json', 'example.com/foo@v1.0.0')).out);
    expect(j.GoModSum).toBe(hashGoMod(foo1.mod));
  });

  it('refuses bad arguments with exit 2', async () => {
    const { env } = await setup();
    for (const argv of [
      ['go', 'info', 'example.com/foo'],
      ['go', 'mod', 'Bad Path@v1.0.0'],
      ['go', 'list'],
      ['go', 'download', '--jobs', '0', 'example.com/foo@v1.0.0'],
      ['go', 'download'],
      ['go', 'verify', 'example.com/foo@v1/0'],
    ]) {
      const r = await cli(env, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('error[usage]');
    }
  });

  it('never prints credentials from the proxy URL', async () => {
    const r = await cli({ GOPROXY: 'http://alice:hunter2@127.0.0.1:1' }, 'go', 'list', 'example.com/foo');
    expect(r.code).toBe(1);
    expect(r.err).toContain('127.0.0.1:1');
    expect(r.err).not.toContain('hunter2');
    expect(r.err).not.toContain('alice');
  });

  it('has help with usage, examples and exit codes', async () => {
    for (const c of ['list', 'info', 'mod', 'download', 'verify']) {
      const r = await cli({}, 'go', c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: mochi-pkg go ${c}`);
      expect(r.out).toContain('Examples:');
      expect(r.out).toContain('Exit codes:');
    }
  });
});

describe('mochi-pkg go download|verify', () => {
  it('downloads in argument order with go mod download -json fields, exit 1 when one fails', async () => {
    const { env, cacheDir } = await setup();
    const r = await cli(
      env,
      'go',
      'download',
      '--json',
      'github.com/Spf13/Cobra@v1.2.3',
      'example.com/foo@v9.9.9',
      'example.com/foo@latest',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      Path: 'github.com/Spf13/Cobra',
      Version: 'v1.2.3',
      Info: join(cacheDir, 'github.com/!spf13/!cobra/@v/v1.2.3.info'),
      GoMod: join(cacheDir, 'github.com/!spf13/!cobra/@v/v1.2.3.mod'),
      Zip: join(cacheDir, 'github.com/!spf13/!cobra/@v/v1.2.3.zip'),
      Sum: await hashZip(cobra.zip, cobra.path, cobra.version),
      GoModSum: hashGoMod(cobra.mod),
    });
    expect(lines[1]).toMatchObject({ Path: 'example.com/foo', Version: 'v9.9.9' });
    expect(lines[1].Error).toContain('version not found');
    expect(lines[2]).toMatchObject({ Path: 'example.com/foo', Version: 'v1.1.0' });
    expect((await readFile(lines[0].Zip)).equals(cobra.zip)).toBe(true);

    const ok = await cli(env, 'go', 'download', 'example.com/foo@v1.0.0');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`example.com/foo v1.0.0 ${await hashZip(foo1.zip, foo1.path, foo1.version)}\n`);
  });

  it('verifies the cache, reports a tampered entry with exit 1, and removes it with --fix', async () => {
    const { env, cacheDir } = await setup();
    expect((await cli(env, 'go', 'download', 'example.com/foo@v1.0.0', 'example.com/foo@v1.1.0')).code).toBe(
      0,
    );
    const good = await cli(env, 'go', 'verify');
    expect(good.code).toBe(0);
    expect(good.out.trim().split('\n')).toHaveLength(2);
    expect(good.out).toContain('ok example.com/foo@v1.0.0 h1:');

    const evil = buildZip([
      { name: 'example.com/foo@v1.1.0/go.mod', data: foo2.mod },
      { name: 'example.com/foo@v1.1.0/foo.go', data: 'package foo; var Evil = 1\n' },
    ]);
    await writeFile(join(cacheDir, 'example.com/foo/@v/v1.1.0.zip'), evil);
    const bad = await cli(env, 'go', 'verify', '--json');
    expect(bad.code).toBe(1);
    const verdicts = bad.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(verdicts[0]).toMatchObject({ Path: 'example.com/foo', Version: 'v1.0.0' });
    expect(verdicts[1].Error).toContain('cache entry is corrupt');

    const fixed = await cli(env, 'go', 'verify', '--fix', 'example.com/foo@v1.1.0');
    expect(fixed.code).toBe(1);
    expect(fixed.out).toContain('(removed)');
    expect((await cli(env, 'go', 'verify')).code).toBe(0);
    expect((await cli(env, 'go', 'download', 'example.com/foo@v1.1.0')).code).toBe(0);
    expect((await cli(env, 'go', 'verify', 'example.com/foo@v1.1.0')).code).toBe(0);
  });

  it('reports a named entry missing from the cache as exit 1', async () => {
    const { env } = await setup();
    const r = await cli(env, 'go', 'verify', 'example.com/foo@v1.0.0');
    expect(r.code).toBe(1);
    expect(r.out).toContain('missing example.com/foo@v1.0.0: not in cache');
  });
});

const cmdGo: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

describeWithOracle(cmdGo, 'mochi-pkg go download <module>@<query>, beside go mod download', () => {
  let proxy = '';
  let work = '';
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cli-download-query-'));
    await writeCmdGoProxy(join(work, 'proxy'));
    proxy = pathToFileURL(join(work, 'proxy')).href;
  }, 60_000);

  it('resolves latest, prefixes and ranges to the version go resolves, and fails where go fails', async () => {
    const queries = [
      'latest',
      'v1',
      'v1.5',
      '<v1.5.0',
      '>=v1.2.0',
      '<=v1.3.0',
      '>v1.5.2',
      'v1.5.2',
      'v1.99',
      '<=v1.2',
    ];
    const goEnv = goCommandEnv(join(work, 'gohome'), proxy);
    const env = { GOPROXY: proxy, GOSUMDB: 'off', MOCHI_GO_BRIDGE_CACHE: join(work, 'cache') };
    for (const q of queries) {
      const go = await promisify(execFile)('go', ['mod', 'download', '-json', `rsc.io/quote@${q}`], {
        cwd: work,
        env: goEnv,
      }).then(
        (r) => JSON.parse(r.stdout) as { Version: string; Error?: string },
        (e: { stdout: string }) => JSON.parse(e.stdout) as { Version: string; Error?: string },
      );
      const ours = await cli(env, 'go', 'download', '--json', `rsc.io/quote@${q}`);
      const r = JSON.parse(ours.out) as { Version: string; Error?: string };
      expect([q, r.Version, r.Error === undefined]).toEqual([q, go.Version, go.Error === undefined]);
      expect([q, ours.code]).toEqual([q, go.Error === undefined ? 0 : 1]);
    }
  }, 120_000);

  it('go info and go mod resolve a query to the version go list -m resolves, never a retracted @latest', async () => {
    const goEnv = { ...goCommandEnv(join(work, 'gohome'), proxy), GOFLAGS: '-mod=mod' };
    const main = await mkdtemp(join(work, 'main-'));
    await writeFile(join(main, 'go.mod'), 'module example.com/main\n\ngo 1.19\n');
    const env = { GOPROXY: proxy, GOSUMDB: 'off', MOCHI_GO_BRIDGE_CACHE: join(work, 'cache') };
    // v1.9.0, the newest listed, retracts itself: go list -m @latest gives v1.1.0.
    const cases = [
      'example.com/retract/self/prev@latest',
      'rsc.io/quote@v1',
      'rsc.io/quote@<v1.5.0',
      'rsc.io/quote@>=v1.2.0',
      'rsc.io/quote@v1.99',
    ];
    for (const arg of cases) {
      const go = await promisify(execFile)('go', ['list', '-m', '-json', '-e', arg], {
        cwd: main,
        env: goEnv,
      });
      const want = JSON.parse(go.stdout) as { Version: string; Error?: { Err: string } };
      const info = await cli(env, 'go', 'info', '--json', arg);
      const mod = await cli(env, 'go', 'mod', '--json', arg);
      if (want.Error === undefined) {
        expect([arg, info.code, JSON.parse(info.out).Version]).toEqual([arg, 0, want.Version]);
        expect([arg, mod.code, JSON.parse(mod.out).Version]).toEqual([arg, 0, want.Version]);
      } else {
        expect([arg, info.code, info.err]).toEqual([arg, 1, expect.stringContaining(want.Error.Err)]);
        expect([arg, mod.code, mod.err]).toEqual([arg, 1, expect.stringContaining(want.Error.Err)]);
      }
    }
  }, 120_000);
});
