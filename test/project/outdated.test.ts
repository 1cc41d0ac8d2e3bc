import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ModuleSource, type VersionInfo, VersionNotFoundError } from '../../src/go/proxy/index.js';
import { Querier } from '../../src/go/query/index.js';
import * as semver from '../../src/go/semver/index.js';
import { goOutdated, pythonOutdated, renderOutdated } from '../../src/project/outdated.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../go/support/cmdgoproxy.js';
import { cliWithEnv } from '../support/cli.js';
import { buildProxyTree } from '../support/goproxy.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../support/oracles.js';

const M = 'example.com/m';

/**
 * A module source for `M` listing `versions`; `.info` names each version itself unless `info` maps
 * it (a proxy resolving a tag to a pseudo-version), and every go.mod carries `retract`.
 */
function source(
  versions: readonly string[],
  options: { retract?: string; info?: Record<string, string> } = {},
): ModuleSource {
  return {
    list: async () => semver.sort(versions.filter((v) => !semver.isPseudoVersion(v))),
    info: async (_m, v): Promise<VersionInfo> => ({ Version: options.info?.[v] ?? v }),
    latest: async (m) => {
      throw new VersionNotFoundError({ module: m, version: 'latest' });
    },
    mod: async () => new TextEncoder().encode(`module ${M}\n${options.retract ?? ''}`),
    zip: async () => {
      throw new Error('not used');
    },
  };
}

const row = (versions: readonly string[], locked: string, queries: readonly string[], retract?: string) =>
  goOutdated(new Querier(source(versions, retract === undefined ? {} : { retract })), M, locked, queries);

describe('outdated choices', () => {
  const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1', 'v1.10.0', 'v1.20.0'];
  it('bounds a Go module by its import queries, releases first', async () => {
    expect(await row(versions, 'v1.0.0', ['v1.1'])).toMatchObject({ allowed: 'v1.1.0', newest: 'v1.20.0' });
    expect((await row(versions, 'v1.0.0', ['v1.0.0'])).allowed).toBe('v1.0.0');
    expect((await row(versions, 'v1.0.0', [])).allowed).toBe('v1.20.0');
    expect((await row(['v0.1.0-pre'], 'v0.1.0-pre', [])).newest).toBe('v0.1.0-pre');
  });

  it('bounds a Go module by a range query', async () => {
    expect((await row(versions, 'v1.0.0', ['<v1.10.0'])).allowed).toBe('v1.1.0');
    expect((await row(versions, 'v1.0.0', ['>=v1.1.0'])).allowed).toBe('v1.20.0');
    expect((await row(versions, 'v1.0.0', ['>=v1.1.0', '<v1.20.0'])).allowed).toBe('v1.10.0');
    // The imports no longer allow the locked version: the newest they allow, below it.
    expect((await row(versions, 'v1.10.0', ['<v1.10.0'])).allowed).toBe('v1.1.0');
  });

  it("offers what go list -m -u's upgrade query offers: nothing below the locked version", async () => {
    // A retracted locked version does not hide a newer prerelease: go list -m -u shows
    // `example.com/m v1.1.0 (retracted) [v1.3.0-pre]` (see the CLI test below).
    const retract = 'retract v1.1.0\n';
    expect(await row(['v1.0.0', 'v1.1.0', 'v1.3.0-pre'], 'v1.1.0', [], retract)).toMatchObject({
      allowed: 'v1.3.0-pre',
      newest: 'v1.3.0-pre',
    });
    // A prerelease lock is not offered an older release; with nothing newer it stays.
    expect((await row(versions, 'v1.2.0-rc.1', [])).newest).toBe('v1.20.0');
    expect((await row(['v1.1.0', 'v1.2.0-rc.1'], 'v1.2.0-rc.2', [])).newest).toBe('v1.2.0-rc.2');
    // An exact import of a retracted version allows only it.
    expect((await row(['v1.0.0', 'v1.1.0', 'v1.3.0-pre'], 'v1.1.0', ['v1.1.0'], retract)).allowed).toBe(
      'v1.1.0',
    );
  });

  it('offers no listed version whose .info is not an update, as a v2.0.0 of a path without /v2', async () => {
    // cmd/go's test proxy lists rsc.io/quote v2.0.0, whose .info is a v0.0.0 pseudo-version.
    const q = new Querier(
      source(['v1.5.2', 'v2.0.0'], { info: { 'v2.0.0': 'v0.0.0-20180709153244-fd906ed3b100' } }),
    );
    expect(await goOutdated(q, M, 'v1.5.2', [])).toMatchObject({ allowed: 'v1.5.2', newest: 'v1.5.2' });
  });

  it('bounds a Python distribution by every specifier on it', () => {
    const r = pythonOutdated('p', '1.0', ['>=1', '<2', ''], ['0.9', '1.0', '1.5', '2.0', '3.0rc1']);
    expect(r).toMatchObject({ allowed: '1.5', newest: '2.0' });
    expect(renderOutdated([r])).toBe(
      '        NAME  LOCKED  ALLOWED  NEWEST\npython  p     1.0     1.5      2.0\n',
    );
  });
});

describe('mochi-pkg outdated', () => {
  it('reads the project proxy: an @v1 import moves within v1, an exact one stays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-'));
    await cp('examples/weather-report', dir, { recursive: true });
    for (const [m, v] of [
      ['example.com/geo', 'v1.3.0'],
      ['example.com/fmtx/v2', 'v2.2.0'],
    ] as const) {
      const at = join(dir, 'go/proxy', m, '@v');
      await appendFile(join(at, 'list'), `${v}\n`);
      await writeFile(join(at, `${v}.info`), `{"Version":"${v}"}`);
      await writeFile(join(at, `${v}.mod`), `module ${m}\n`);
    }
    const r = await cliWithEnv({}, 'outdated', '--cwd', dir, '--json', '--cache-dir', join(dir, '.cache'));
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).rows as { name: string }[];
    expect(rows.find((x) => x.name === 'example.com/geo')).toEqual({
      ecosystem: 'go',
      name: 'example.com/geo',
      locked: 'v1.1.0',
      allowed: 'v1.3.0',
      newest: 'v1.3.0',
    });
    expect(rows.find((x) => x.name === 'example.com/fmtx/v2')).toMatchObject({
      allowed: 'v2.1.0',
      newest: 'v2.2.0',
    });
    expect(rows.find((x) => x.name === 'toposort')).toMatchObject({ ecosystem: 'python', locked: '1.10' });
  });

  it.each([
    ['--target', '3.11-linux', 'each distribution is compared on the first target mochi.lock locks it for'],
    ['--index-url', 'https://mirror.example/simple/', 'on the index mochi.lock records for it'],
    ['--index', 'corp=https://corp.example/simple/', 'on the index mochi.lock records for it'],
    ['--stubs-dir', 'typeshed', 'stubs play no part'],
    ['--go-cache-dir', '.gocache', 'not the module cache'],
  ])('refuses %s, which would change nothing, instead of ignoring it', async (flag, value, why) => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-'));
    await cp('examples/weather-report', dir, { recursive: true });
    const r = await cliWithEnv({}, 'outdated', '--cwd', dir, flag, value);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toContain(`error[usage]: outdated: ${flag} is not used: `);
    expect(r.err).toContain(why);
  });

  it('leaves out versions the latest go.mod retracts, as go list -m -u does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-'));
    await cp('examples/weather-report', dir, { recursive: true });
    // geo v1.3.0 retracts itself (a release published by mistake); v1.2.0 is the newest left.
    const at = join(dir, 'go/proxy/example.com/geo/@v');
    await appendFile(join(at, 'list'), 'v1.2.0\nv1.3.0\n');
    for (const v of ['v1.2.0', 'v1.3.0']) {
      await writeFile(join(at, `${v}.info`), `{"Version":"${v}"}`);
    }
    await writeFile(join(at, 'v1.2.0.mod'), 'module example.com/geo\n');
    await writeFile(
      join(at, 'v1.3.0.mod'),
      'module example.com/geo\n\nretract v1.3.0 // published by mistake\n',
    );
    const r = await cliWithEnv({}, 'outdated', '--cwd', dir, '--json', '--cache-dir', join(dir, '.cache'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).rows as { name: string }[];
    expect(rows.find((x) => x.name === 'example.com/geo')).toMatchObject({
      locked: 'v1.1.0',
      allowed: 'v1.2.0',
      newest: 'v1.2.0',
    });
  });

  it('offers a newer prerelease over a retracted locked version, as go list -m -u does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-'));
    const src = join(dir, 'src');
    // v1.2.0, the latest release, retracts itself and the locked v1.1.0; v1.3.0-pre is left.
    for (const v of ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0-pre']) {
      const retract = v === 'v1.2.0' ? '\nretract [v1.1.0, v1.2.0] // broken\n' : '';
      await mkdir(join(src, `example.com/m@${v}`), { recursive: true });
      await writeFile(
        join(src, `example.com/m@${v}`, 'go.mod'),
        `module example.com/m\n\ngo 1.19\n${retract}`,
      );
      await writeFile(join(src, `example.com/m@${v}`, 'm.go'), 'package m\n');
    }
    await buildProxyTree(src, join(dir, 'proxy'));
    await writeFile(join(dir, 'main.mochi'), 'import go "example.com/m@v1.1.0" as m\n');
    const env = { MOCHI_GO_BRIDGE_CACHE: join(dir, '.gocache'), GOSUMDB: 'off', GOPROXY: join(dir, 'proxy') };
    const cli = (...argv: string[]) =>
      cliWithEnv(env, ...argv, '--cwd', dir, '--cache-dir', join(dir, '.cache'));
    expect((await cli('lock')).code).toBe(0);
    const r = await cli('outdated', '--json');
    expect(r.err).toBe('');
    // go list -m -u all, given require example.com/m v1.1.0: `example.com/m v1.1.0 (retracted) [v1.3.0-pre]`.
    expect(JSON.parse(r.out).rows).toEqual([
      { ecosystem: 'go', name: 'example.com/m', locked: 'v1.1.0', allowed: 'v1.1.0', newest: 'v1.3.0-pre' },
    ]);
  });

  it('offers nothing newer for an indirect module no built package comes from, which lock cannot move', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-'));
    const src = join(dir, 'src');
    // a imports nothing of b, but its go.mod requires b: b is in the build list only.
    const files: [string, string, string][] = [
      [
        'example.com/a@v1.0.0',
        'module example.com/a\n\ngo 1.19\n\nrequire example.com/b v1.0.0\n',
        'package a\n',
      ],
      ['example.com/b@v1.0.0', 'module example.com/b\n\ngo 1.19\n', 'package b\n'],
      ['example.com/b@v1.1.0', 'module example.com/b\n\ngo 1.19\n', 'package b\n'],
    ];
    for (const [at, mod, code] of files) {
      await mkdir(join(src, at), { recursive: true });
      await writeFile(join(src, at, 'go.mod'), mod);
      await writeFile(join(src, at, 'x.go'), code);
    }
    await buildProxyTree(src, join(dir, 'proxy'));
    await writeFile(join(dir, 'main.mochi'), 'import go "example.com/a@v1.0.0" as a\n');
    const env = { MOCHI_GO_BRIDGE_CACHE: join(dir, '.gocache'), GOSUMDB: 'off', GOPROXY: join(dir, 'proxy') };
    const cli = (...argv: string[]) =>
      cliWithEnv(env, ...argv, '--cwd', dir, '--cache-dir', join(dir, '.cache'));
    expect(await cli('lock')).toMatchObject({ code: 0, err: '' });
    const r = await cli('outdated', '--json');
    expect(r.err).toBe('');
    const rows = JSON.parse(r.out).rows as { name: string }[];
    expect(rows.find((x) => x.name === 'example.com/b')).toEqual({
      ecosystem: 'go',
      name: 'example.com/b',
      locked: 'v1.0.0',
      allowed: 'v1.0.0',
      newest: 'v1.1.0',
    });
    // go mod tidy drops a requirement on b again, so lock refuses to move it.
    const up = await cli('lock', '--upgrade-package', 'example.com/b@v1.1.0');
    expect([up.code, up.err]).toEqual([2, expect.stringContaining('error[lock-upgrade-unsatisfiable]')]);
  });
});

const cmdGo: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

describeWithOracle(cmdGo, 'mochi-pkg outdated beside go list -m -u, on cmd/go test proxy', () => {
  it('offers as NEWEST what go list -m -u all offers (no v2.0.0 for rsc.io/quote)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outdated-go-'));
    await writeCmdGoProxy(join(dir, 'proxy'));
    const proxy = pathToFileURL(join(dir, 'proxy')).href;
    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'main.mochi'), 'import go "rsc.io/quote@v1" as quote\n');
    const env = { MOCHI_GO_BRIDGE_CACHE: join(dir, '.gocache'), GOSUMDB: 'off', GOPROXY: proxy };
    const cli = (...argv: string[]) =>
      cliWithEnv(env, ...argv, '--cwd', project, '--cache-dir', join(dir, '.cache'));
    expect(await cli('lock')).toMatchObject({ code: 0, err: '' });
    const r = await cli('outdated', '--json');
    expect([r.code, r.err]).toEqual([0, '']);
    const rows = JSON.parse(r.out).rows as { name: string; locked: string; newest: string }[];
    expect(rows.find((x) => x.name === 'rsc.io/quote')).toMatchObject({ locked: 'v1.5.2', newest: 'v1.5.2' });

    // The same requirements in a go.mod: go list -m -u all offers Update.Version, or nothing.
    const main = join(dir, 'main');
    await mkdir(main);
    const require = rows.map((x) => `\t${x.name} ${x.locked}\n`).join('');
    await writeFile(join(main, 'go.mod'), `module example.com/main\n\ngo 1.19\n\nrequire (\n${require})\n`);
    const go = await promisify(execFile)('go', ['list', '-m', '-u', '-json', 'all'], {
      cwd: main,
      env: { ...goCommandEnv(join(dir, 'gohome'), proxy), GOFLAGS: '-mod=mod' },
    });
    const mods = JSON.parse(`[${go.stdout.replace(/}\n{/g, '},{')}]`) as {
      Path: string;
      Version?: string;
      Update?: { Version: string };
    }[];
    const offered = mods
      .filter((m) => m.Version !== undefined)
      .map((m) => ({ name: m.Path, newest: m.Update?.Version ?? m.Version }));
    expect(rows.map((x) => ({ name: x.name, newest: x.newest }))).toEqual(offered);
  }, 120_000);
});
