import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/cli/commands/sync.js';
import { main } from '../../src/cli/main.js';
import { MochiPkgError } from '../../src/errors.js';
import type { SyncSettings } from '../../src/project/index.js';
import { parseLock, renderLock } from '../../src/project/lockdoc.js';
import type { LockedDistribution } from '../../src/python/lockfile/index.js';
import { RegistryCache } from '../../src/python/registry/cache.js';
import { wheelFiles, wheelZip } from '../python/install/wheels.js';
import { captureStreams } from '../support/files.js';

const TARGET = '3.11-linux';
const interp = { executable: '/usr/bin/python3', version: '3.11' };

interface Built {
  readonly file: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly dist: LockedDistribution;
}

function build(name: string, version: string, body = `V = "${version}"\n`): Built {
  const bytes = wheelZip(
    wheelFiles(name, version, [{ name: `${name}/__init__.py`, data: body }], {
      extraMeta: [
        {
          name: `${name}-${version}.dist-info/entry_points.txt`,
          data: `[console_scripts]\n${name} = ${name}:main\n`,
        },
      ],
    }),
  );
  const file = `${name}-${version}-py3-none-any.whl`;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    file,
    bytes,
    sha256,
    dist: {
      name,
      version,
      indexUrl: 'https://index.invalid/simple/',
      extras: [],
      targets: [TARGET],
      dependencies: [],
      wheels: [{ file, sha256, targets: [TARGET] }],
    },
  };
}

async function writeLock(root: string, built: readonly Built[]): Promise<void> {
  const empty = parseLock('schema-version = 1\n');
  await writeFile(
    join(root, 'mochi.lock'),
    renderLock({ ...empty, distributions: built.map((b) => b.dist) }),
  );
}

async function syncWith(root: string, cache: string, extra: Partial<SyncSettings>, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const code = await runSync(
    { argv: ['--cwd', root, '--cache-dir', cache, ...argv], stdout, stderr, env: {}, cwd: root },
    { probeInterpreter: async () => interp, ...extra },
  );
  return { code, out: seen.out, err: seen.err };
}
const sync = syncWith;

const alpha = build('alpha', '1.0');
const beta = build('beta', '2.0');
const beta3 = build('beta', '3.0');
const gamma = build('gamma', '0.1');
let cache: string;

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'sync-cache-'));
  const rc = new RegistryCache(cache);
  for (const b of [alpha, beta, beta3, gamma]) await rc.putContent(b.sha256, b.bytes);
});

describe('mochi-pkg sync', () => {
  it('installs the locked wheels, then reports up to date; --check tells drift with exit 1', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha, beta]);
    const first = await sync(root, cache, {}, '--frozen', '--offline', '--json');
    expect([first.code, first.err]).toEqual([0, '']);
    const j = JSON.parse(first.out);
    expect(j).toMatchObject({ target: TARGET, upToDate: false, removed: [], changed: [], unchanged: 0 });
    expect(j.added.map((d: { name: string }) => d.name)).toEqual(['alpha', 'beta']);
    const env = join(root, '.mochi', 'python', TARGET);
    expect(await readFile(join(env, 'beta', '__init__.py'), 'utf8')).toBe('V = "2.0"\n');
    expect(await readFile(join(env, 'bin', 'alpha'), 'utf8')).toMatch(/^#!\/usr\/bin\/python3\n/);
    expect(await readlink(env)).toMatch(/^\.envs\/3\.11-linux\./);

    const again = await sync(root, cache, {}, '--frozen', '--offline');
    expect([again.code, again.out]).toEqual([0, `${env}: up to date (2 distributions, target ${TARGET})\n`]);

    await writeLock(root, [beta3, gamma]);
    const check = await sync(root, cache, {}, '--frozen', '--offline', '--check');
    expect(check.code).toBe(1);
    expect(check.out).toBe(
      `would install gamma==0.1\nwould replace beta==3.0\nwould remove alpha==1.0\n${env}: differs from mochi.lock (2 distributions, target ${TARGET})\n`,
    );
    expect(check.err).toContain('error[sync-drift]');
    expect(await readFile(join(env, 'beta', '__init__.py'), 'utf8')).toBe('V = "2.0"\n');

    const done = await sync(root, cache, {}, '--frozen', '--offline');
    expect(done.code).toBe(0);
    expect(await readFile(join(env, 'beta', '__init__.py'), 'utf8')).toBe('V = "3.0"\n');
    await expect(readFile(join(env, 'alpha', '__init__.py'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await sync(root, cache, {}, '--frozen', '--offline', '--dry-run')).code).toBe(0);
  });

  it("takes the Python cache from mochi.toml's python.cache-dir, under --cache-dir and $MOCHI_PYTHON_CACHE", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha]);
    await writeFile(join(root, 'mochi.toml'), `[python]\ncache-dir = ${JSON.stringify(cache)}\n`);
    const run = async (env: NodeJS.ProcessEnv, ...argv: string[]) => {
      const { stdout, stderr, seen } = captureStreams();
      const code = await runSync(
        { argv: ['--cwd', root, '--frozen', '--offline', ...argv], stdout, stderr, env, cwd: root },
        { probeInterpreter: async () => interp },
      );
      return { code, err: seen.err };
    };
    const empty = await mkdtemp(join(tmpdir(), 'sync-cache-'));
    // The environment variable and the flag still come first.
    for (const [env, argv] of [
      [{ MOCHI_PYTHON_CACHE: empty }, []],
      [{}, ['--cache-dir', empty]],
    ] as const) {
      const r = await run(env, ...argv);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`is not in the cache ${empty}`);
    }
    // The wheel is only in the cache mochi.toml names: found there offline.
    expect(await run({})).toMatchObject({ code: 0, err: '' });
  });

  it('refuses a lock out of date with the sources unless --frozen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha]);
    const r = await sync(root, cache, {}, '--offline');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[sync-out-of-date\]: .*mochi\.lock is out of date/);
    expect(r.err).toContain('--frozen');
  });

  it('fails clearly without a lock, and offline when a wheel is not cached', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    const none = await sync(root, cache, {}, '--frozen');
    expect([none.code, none.err]).toEqual([2, expect.stringMatching(/error\[lock-missing\]/)]);
    await writeLock(root, [build('delta', '1.0')]);
    const r = await sync(root, cache, {}, '--frozen', '--offline');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[sync-missing-wheel\]: delta-1\.0-py3-none-any\.whl .* is not in the cache/);
  });

  it('needs no Python for a lock that pins no Python distribution (a Go-only project)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, []);
    // What probePython throws when no python3 runs.
    const noPython = async () => {
      throw new MochiPkgError('usage', 'sync: cannot run the Python interpreter "python3"');
    };
    const r = await sync(root, cache, { probeInterpreter: noPython }, '--frozen', '--offline');
    expect([r.code, r.out, r.err]).toEqual([
      0,
      'no Python environment: mochi.lock pins no Python distribution\n',
      '',
    ]);
    expect(existsSync(join(root, '.mochi', 'python'))).toBe(false);
    const j = await sync(root, cache, { probeInterpreter: noPython }, '--frozen', '--json');
    expect(JSON.parse(j.out)).toEqual({
      target: null,
      env: null,
      upToDate: true,
      added: [],
      removed: [],
      changed: [],
      unchanged: 0,
    });
    // Named, the interpreter must run; and a lock with distributions needs one.
    const named = await sync(
      root,
      cache,
      { probeInterpreter: noPython },
      '--frozen',
      '--interpreter',
      'python3.13',
    );
    expect(named.code).toBe(2);
    await writeLock(root, [alpha]);
    const needed = await sync(root, cache, { probeInterpreter: noPython }, '--frozen', '--offline');
    expect([needed.code, needed.err]).toEqual([
      2,
      expect.stringContaining('cannot run the Python interpreter'),
    ]);
  });

  it('refuses a target the lock has no distribution for, unless python.targets names it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha, beta]);
    // This machine's python3 is 3.12; the lock was made for 3.11-linux only.
    const newer = { executable: '/usr/bin/python3.12', version: '3.12' };
    const r = await sync(root, cache, { probeInterpreter: async () => newer }, '--frozen', '--offline');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'error[sync-target-not-locked]: mochi.lock pins no Python distribution for 3.12-linux (the target of /usr/bin/python3.12, Python 3.12); it is locked for 3.11-linux',
    );
    expect(r.err).toContain('mochi-pkg sync --target 3.11-linux');
    const explicit = await sync(root, cache, {}, '--frozen', '--offline', '--target', '3.10-linux');
    expect([explicit.code, explicit.err]).toEqual([
      2,
      expect.stringContaining('pins no Python distribution for 3.10-linux; it is locked for 3.11-linux'),
    ]);
    // A target is the environment's folder name: only <X.Y>-<platform>, never a path.
    for (const bad of ['3.x', '../../escaped', '3.12-linux/../..']) {
      const r = await sync(root, cache, {}, '--frozen', '--offline', '--target', bad);
      expect([r.code, r.err]).toEqual([
        2,
        expect.stringContaining(`error[registry-bad-target]: sync: --target ${JSON.stringify(bad)} is not`),
      ]);
    }
    expect(existsSync(join(root, '..', 'escaped'))).toBe(false);
    // A target the project locks for, whose every distribution its markers leave out: an empty environment.
    await writeFile(join(root, 'mochi.toml'), '[python]\ntargets = ["3.11-linux", "3.12-linux"]\n');
    const empty = await sync(root, cache, { probeInterpreter: async () => newer }, '--frozen', '--offline');
    expect([empty.code, empty.err]).toEqual([0, '']);
    expect(empty.out).toContain('(0 distributions, target 3.12-linux)');
  });

  it('never installs a tampered cached wheel', async () => {
    const own = await mkdtemp(join(tmpdir(), 'sync-cache-'));
    const rc = new RegistryCache(own);
    await rc.putContent(alpha.sha256, alpha.bytes);
    const path = join(own, 'registry', 'sha256', alpha.sha256.slice(0, 2), alpha.sha256);
    const bad = Buffer.from(alpha.bytes);
    bad.writeUInt8((bad.readUInt8(bad.length - 30) ^ 1) & 0xff, bad.length - 30);
    await writeFile(path, bad);
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha]);
    const r = await sync(root, own, {}, '--frozen', '--offline');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sync-missing-wheel/);
    await expect(readlink(join(root, '.mochi', 'python', TARGET))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves a project as it was when its first sync fails (a wheel that fails its hash)', async () => {
    const own = await mkdtemp(join(tmpdir(), 'sync-cache-'));
    const index = await mkdtemp(join(tmpdir(), 'sync-index-'));
    // The index serves other bytes than the lock pins.
    const other = build('alpha', '1.0', 'V = "tampered"\n');
    await mkdir(join(index, 'alpha'));
    await writeFile(join(index, 'alpha', other.file), other.bytes);
    await writeFile(
      join(index, 'alpha', 'index.html'),
      `<a href="${other.file}#sha256=${alpha.sha256}">${other.file}</a>\n`,
    );
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [{ ...alpha, dist: { ...alpha.dist, indexUrl: pathToFileURL(`${index}/`).href } }]);
    const r = await sync(root, own, {}, '--frozen');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[install-bad-wheel]');
    expect(existsSync(join(root, '.mochi'))).toBe(false);
  });

  it("re-unpacks a store entry edited through an environment, and installs the wheel's bytes", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha]);
    expect((await sync(root, cache, {}, '--frozen', '--offline')).code).toBe(0);
    const env = join(root, '.mochi', 'python', TARGET);
    // Environments hard-link the store: editing the file in place edits the store entry.
    await writeFile(join(env, 'alpha', '__init__.py'), 'EVIL = 1\n');
    await writeLock(root, [alpha, gamma]);
    const r = await sync(root, cache, {}, '--frozen', '--offline');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /warning: alpha-1\.0-py3-none-any\.whl: alpha\/__init__\.py was changed in the store; unpacking it again/,
    );
    expect(await readFile(join(env, 'alpha', '__init__.py'), 'utf8')).toBe('V = "1.0"\n');
  });

  it('waits for, then refuses, a live concurrent sync; takes over the lock of a dead one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    await writeLock(root, [alpha]);
    const lockFile = join(root, '.mochi', 'python', '.sync.lock');
    await sync(root, cache, {}, '--frozen', '--offline');
    await writeLock(root, [gamma]);
    await writeFile(lockFile, `${process.pid} other\n`);
    const busy = await sync(root, cache, { lockWaitMs: 0 }, '--frozen', '--offline');
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(new RegExp(`error\\[sync-locked\\]: .*another sync \\(pid ${process.pid}\\)`));
    // No live process has pid 2^22 + 1 (above Linux's pid_max default of 2^22).
    await writeFile(lockFile, `${2 ** 22 + 1} dead\n`);
    const taken = await sync(root, cache, { lockWaitMs: 0 }, '--frozen', '--offline');
    expect([taken.code, taken.err]).toEqual([0, '']);
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("writes the Go bridge's go.mod and go.sum from the [[go-package]] tables; --check reports their drift", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-project-'));
    const goTable =
      '[[go-package]]\nmodule = "example.com/geo"\nversion = "v1.1.0"\nsource = "module-proxy"\nzip-h1 = "h1:wIPMzy8Jk+JEh29wXHpFwV0QLeoq7MXdQopCGurJfYo="\nmod-h1 = "h1:fx8PjC5cY0NI+bYv3PP/E+2PsT936wFpFD0YtIVRTNY="\naliases = ["geo"]\n';
    await writeFile(join(root, 'mochi.lock'), `schema-version = 1\n\n${goTable}`);
    // The module in a Go cache of this test's own (an offline sync finds it there, never in ~/.cache).
    const goCacheDir = await mkdtemp(join(tmpdir(), 'sync-go-cache-'));
    const fill = captureStreams();
    const proxy = `file://${fileURLToPath(new URL('../../examples/weather-report/go/proxy', import.meta.url))}`;
    const filled = await main({
      argv: ['go', 'download', '--proxy', proxy, '--cache-dir', goCacheDir, 'example.com/geo@v1.1.0'],
      stdout: fill.stdout,
      stderr: fill.stderr,
      env: { GOSUMDB: 'off' },
      cwd: root,
    });
    expect([filled, fill.seen.err]).toEqual([0, '']);
    const sync = (r: string, c: string, extra: Partial<SyncSettings>, ...argv: string[]) =>
      syncWith(r, c, { goCacheDir, ...extra }, ...argv);
    const check = await sync(root, cache, {}, '--frozen', '--offline', '--check');
    expect(check.code).toBe(1);
    expect(check.out).toContain('go.mod and go.sum differ from mochi.lock (1 Go module)');
    const r = await sync(root, cache, {}, '--frozen', '--offline');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const dir = join(root, '.mochi', 'go');
    expect(await readFile(join(dir, 'go.sum'), 'utf8')).toBe(
      'example.com/geo v1.1.0 h1:wIPMzy8Jk+JEh29wXHpFwV0QLeoq7MXdQopCGurJfYo=\nexample.com/geo v1.1.0/go.mod h1:fx8PjC5cY0NI+bYv3PP/E+2PsT936wFpFD0YtIVRTNY=\n',
    );
    expect(await readFile(join(dir, 'go.mod'), 'utf8')).toMatch(/require example\.com\/geo v1\.1\.0/);
    const again = await sync(root, cache, {}, '--frozen', '--offline', '--check');
    expect([again.code, again.out]).toContain(0);
    expect(again.out).toContain('go.mod and go.sum up to date');
  });
});
