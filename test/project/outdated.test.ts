import { appendFile, cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goOutdated, pythonOutdated, renderOutdated } from '../../src/project/outdated.js';
import { cliWithEnv } from '../support/cli.js';
import { buildProxyTree } from '../support/goproxy.js';

describe('outdated choices', () => {
  const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1', 'v1.10.0', 'v2.0.0'];
  it('bounds a Go module by its import queries, releases first', () => {
    expect(goOutdated('m', 'v1.0.0', ['v1'], versions)).toMatchObject({
      allowed: 'v1.10.0',
      newest: 'v2.0.0',
    });
    expect(goOutdated('m', 'v1.0.0', ['v1.1'], versions).allowed).toBe('v1.1.0');
    expect(goOutdated('m', 'v1.0.0', ['v1.0.0'], versions).allowed).toBe('v1.0.0');
    expect(goOutdated('m', 'v1.0.0', [], versions).allowed).toBe('v2.0.0');
    expect(goOutdated('m', 'v0.1.0-pre', [], ['v0.1.0-pre']).newest).toBe('v0.1.0-pre');
  });

  it('bounds a Go module by a range query', () => {
    expect(goOutdated('m', 'v1.0.0', ['<v1.10.0'], versions).allowed).toBe('v1.1.0');
    expect(goOutdated('m', 'v1.0.0', ['>=v1.1.0'], versions).allowed).toBe('v2.0.0');
    expect(goOutdated('m', 'v1.0.0', ['>=v1.1.0', 'v1'], versions).allowed).toBe('v1.10.0');
  });

  it("offers what go list -m -u's upgrade query offers: nothing below the locked version", () => {
    // A retracted locked version (not among the versions listed) does not hide a newer prerelease:
    // go list -m -u shows `example.com/m v1.1.0 (retracted) [v1.3.0-pre]` (see the CLI test below).
    expect(goOutdated('m', 'v1.1.0', [], ['v1.0.0', 'v1.3.0-pre'])).toMatchObject({
      allowed: 'v1.3.0-pre',
      newest: 'v1.3.0-pre',
    });
    // A prerelease lock is not offered an older release; with nothing newer it stays.
    expect(goOutdated('m', 'v1.2.0-rc.1', [], versions).newest).toBe('v2.0.0');
    expect(goOutdated('m', 'v1.2.0-rc.2', [], ['v1.1.0', 'v1.2.0-rc.1']).newest).toBe('v1.2.0-rc.2');
    // An exact import of a retracted version allows only it.
    expect(goOutdated('m', 'v1.1.0', ['v1.1.0'], ['v1.0.0', 'v1.3.0-pre']).allowed).toBe('v1.1.0');
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
    await appendFile(join(dir, 'go/proxy/example.com/geo/@v/list'), 'v1.3.0\n');
    await appendFile(join(dir, 'go/proxy/example.com/fmtx/v2/@v/list'), 'v2.2.0\n');
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
