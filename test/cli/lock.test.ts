import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLock } from '../../src/cli/commands/lock.js';
import { main } from '../../src/cli/main.js';
import { type BuildFn, loadPythonBuild } from '../../src/project/index.js';
import { captureStreams, writeTree } from '../support/files.js';
import { TWO_IMPORT_PROJECT } from '../support/projects.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
let build: BuildFn;
let cache: string;

beforeAll(async () => {
  build = await loadPythonBuild();
  cache = await tmp();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-lock-'));
  dirs.push(d);
  return d;
}

/** Runs `mochi-pkg lock …` in-process through the CLI shell, capturing output. */
async function lock(cwd: string, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const env = { MOCHI_GO_BRIDGE_CACHE: join(cache, 'go'), GOSUMDB: 'off' };
  const code = await main({ argv: ['lock', ...argv, '--cache-dir', cache], stdout, stderr, env, cwd });
  return { code, ...seen };
}

/** A project with one path-sourced stub package and one typeshed-style stub directory. */
async function project(): Promise<string> {
  const root = await tmp();
  await writeTree(root, TWO_IMPORT_PROJECT);
  return root;
}
const TS = ['--stubs-dir', 'typeshed'];

describe('bundled example (examples/weather-report)', () => {
  const example = join(repo, 'examples/weather-report');
  const stubsDir = join(example, 'typeshed');

  it('has a committed mochi.lock that lock --check accepts (refresh it with the Quick start command)', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const r = await lock(
      repo,
      'lock',
      '--check',
      '--cwd',
      copy,
      '--stubs-dir',
      stubsDir,
      '--index-url',
      join(copy, 'index'),
      '--go-proxy',
      join(example, 'go/proxy'),
    );
    expect(r.err).toBe('');
    expect(r.out).toBe('mochi.lock is up to date (9 entries)\n');
    expect(r.code).toBe(0);
  });

  /** `lock [--check]` of a copy of the example, offline. */
  async function exampleLock(copy: string, ...flags: string[]) {
    return lock(
      repo,
      ...flags,
      '--cwd',
      copy,
      '--stubs-dir',
      stubsDir,
      '--index-url',
      join(copy, 'index'),
      '--go-proxy',
      join(example, 'go/proxy'),
    );
  }

  it('reports a lock written before class members and named parameters as changed (wrapper-sha256, capabilities) per entry', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    await cp(
      join(repo, 'test/cli/fixtures/weather-report.before-wrappers.mochi.lock'),
      join(copy, 'mochi.lock'),
    );
    const r = await exampleLock(copy, '--check');
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        'changed tabulate-lite:table (wrapper-sha256, capabilities)',
        'changed textwrap:textwrap (wrapper-sha256, capabilities)',
        'changed toposort:topo (wrapper-sha256, capabilities)',
        'changed units:units (wrapper-sha256, capabilities)',
        'changed weatherapi:weather (wrapper-sha256, capabilities)',
        // The old lock also predates the closure table of index imports.
        'added [[python-distribution]] toposort',
        '',
      ].join('\n'),
    );
  });

  it("commits python_wrap/<alias>/ whose shim hashes to the entry's wrapper-sha256", async () => {
    const lockText = await readFile(join(example, 'mochi.lock'), 'utf8');
    for (const alias of ['table', 'textwrap', 'topo', 'units', 'weather']) {
      const shim = await readFile(join(example, 'python_wrap', alias, 'wrapper.mochi'));
      const sha = createHash('sha256').update(shim).digest('hex');
      expect(lockText).toContain(`alias = "${alias}"`);
      expect(lockText).toContain(`wrapper-sha256 = "${sha}"`);
      const manifest = JSON.parse(
        await readFile(join(example, 'python_wrap', alias, 'manifest.json'), 'utf8'),
      );
      expect(manifest).toMatchObject({ alias, shim: 'wrapper.mochi', 'wrapper-sha256': sha });
    }
    expect(await readFile(join(example, 'python_wrap/weather/SKIPPED.txt'), 'utf8')).toBe(
      'weatherapi._private_helper: private-name: _private_helper is private\n',
    );
  });

  it('lock --check names each wrapper file that was edited or is missing; lock restores them', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    await writeFile(join(copy, 'python_wrap/weather/wrapper.mochi'), 'extern python fun edited(): int\n');
    await rm(join(copy, 'python_wrap/units/SKIPPED.txt'));
    const r = await exampleLock(copy, '--check');
    expect(r.code).toBe(1);
    expect(r.out).toBe('missing python_wrap/units/SKIPPED.txt\nedited python_wrap/weather/wrapper.mochi\n');
    expect(r.err).toContain('the wrapper files are out of date');
    const j = JSON.parse((await exampleLock(copy, '--check', '--json')).out);
    expect(j).toMatchObject({ upToDate: false, diff: [] });
    expect(j.wrappers).toEqual([
      { alias: 'units', path: 'python_wrap/units/SKIPPED.txt', problem: 'missing' },
      { alias: 'weather', path: 'python_wrap/weather/wrapper.mochi', problem: 'edited' },
    ]);
    const w = await exampleLock(copy);
    expect(w.out).toContain('python_wrap: wrote 2 files, removed 0 folders\n');
    expect(await readFile(join(copy, 'python_wrap/weather/wrapper.mochi'))).toEqual(
      await readFile(join(example, 'python_wrap/weather/wrapper.mochi')),
    );
    expect((await exampleLock(copy, '--check')).code).toBe(0);
  });

  it('lock --check names the wrapper folder of an alias no import binds (a merge left it); lock removes it', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    await cp(join(copy, 'python_wrap/units'), join(copy, 'python_wrap/old_units'), { recursive: true });
    // A folder that holds neither a shim nor a manifest is not lock's: neither reported nor removed.
    await mkdir(join(copy, 'python_wrap/notes'));
    const r = await exampleLock(copy, '--check');
    expect([r.code, r.out]).toEqual([1, 'unused python_wrap/old_units\n']);
    expect(r.err).toContain('the wrapper files are out of date');
    const j = JSON.parse((await exampleLock(copy, '--check', '--json')).out);
    expect(j).toEqual({
      upToDate: false,
      diff: [],
      wrappers: [{ alias: 'old_units', path: 'python_wrap/old_units', problem: 'unused' }],
    });
    expect((await exampleLock(copy)).out).toContain('python_wrap: wrote 0 files, removed 1 folder\n');
    expect((await exampleLock(copy, '--check')).code).toBe(0);
  });

  it('wrapper files checked out with CRLF line endings (git core.autocrlf) are not drift: a note, and lock rewrites them', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const file = join(copy, 'python_wrap/weather/wrapper.mochi');
    const lf = await readFile(file, 'utf8');
    expect(lf).toContain('\n');
    await writeFile(file, lf.replaceAll('\n', '\r\n'));
    const r = await exampleLock(copy, '--check', '--json');
    expect([r.code, JSON.parse(r.out)]).toEqual([
      0,
      {
        upToDate: true,
        diff: [],
        wrappers: [{ alias: 'weather', path: 'python_wrap/weather/wrapper.mochi', problem: 'line-endings' }],
      },
    ]);
    const text = await exampleLock(copy, '--check');
    expect([text.code, text.out]).toEqual([0, 'mochi.lock is up to date (9 entries)\n']);
    expect(text.err).toContain('note: python_wrap/weather/wrapper.mochi ends its lines with CRLF');
    // CRLF and an edit: drift, as any edit.
    await writeFile(file, `${lf.replaceAll('\n', '\r\n')}extern python fun extra(): int\r\n`);
    expect((await exampleLock(copy, '--check')).out).toBe('edited python_wrap/weather/wrapper.mochi\n');
    expect((await exampleLock(copy)).out).toContain('python_wrap: wrote 1 file, removed 0 folders\n');
    expect(await readFile(file, 'utf8')).toBe(lf);
  });

  it('a FIFO, a link to /dev/zero or a directory in place of a wrapper file is edited, never read; lock replaces the first two', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const fifo = join(copy, 'python_wrap/weather/wrapper.mochi');
    await rm(fifo);
    execFileSync('mkfifo', [fifo]);
    const zero = join(copy, 'python_wrap/units/SKIPPED.txt');
    await rm(zero);
    await symlink('/dev/zero', zero);
    const r = await exampleLock(copy, '--check');
    expect(r.code).toBe(1);
    expect(r.out).toBe('edited python_wrap/units/SKIPPED.txt\nedited python_wrap/weather/wrapper.mochi\n');
    const w = await exampleLock(copy);
    expect(w.code).toBe(0);
    expect(w.out).toContain('python_wrap: wrote 2 files, removed 0 folders\n');
    expect((await lstat(fifo)).isFile()).toBe(true);
    expect((await lstat(zero)).isFile()).toBe(true);
    expect((await exampleLock(copy, '--check')).code).toBe(0);
    // A directory where the shim goes is reported as edited, and lock says it cannot write there.
    const shim = join(copy, 'python_wrap/topo/wrapper.mochi');
    await rm(shim);
    await mkdir(shim);
    expect((await exampleLock(copy, '--check')).out).toBe('edited python_wrap/topo/wrapper.mochi\n');
    const d = await exampleLock(copy);
    expect(d.code).not.toBe(0);
    expect(d.err).toMatch(/error\[file-write\]: .*python_wrap\/topo\/wrapper\.mochi/);
  });

  it('a python_wrap or alias folder that is a symbolic link is edited for --check; lock replaces the link, never writing or removing through it', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const outside = await tmp();
    // The whole folder, identical files, behind a link: still not what lock writes.
    await rename(join(copy, 'python_wrap'), join(outside, 'wrap'));
    await mkdir(join(outside, 'wrap', 'stale'));
    await writeFile(join(outside, 'wrap', 'stale', 'wrapper.mochi'), 'kept\n');
    await symlink(join(outside, 'wrap'), join(copy, 'python_wrap'));
    const r = await exampleLock(copy, '--check');
    expect(r.code).toBe(1);
    expect(
      r.out
        .split('\n')
        .filter((l) => l !== '')
        .every((l) => l.startsWith('edited python_wrap/')),
    ).toBe(true);
    expect(r.out).toContain('edited python_wrap/weather/wrapper.mochi\n');
    const w = await exampleLock(copy);
    expect(w.code).toBe(0);
    expect((await lstat(join(copy, 'python_wrap'))).isDirectory()).toBe(true);
    expect(await readFile(join(outside, 'wrap', 'stale', 'wrapper.mochi'), 'utf8')).toBe('kept\n');
    expect((await exampleLock(copy, '--check')).code).toBe(0);
    // One alias folder behind a link.
    await rename(join(copy, 'python_wrap', 'weather'), join(outside, 'weather'));
    await symlink(join(outside, 'weather'), join(copy, 'python_wrap', 'weather'));
    expect((await exampleLock(copy, '--check')).out).toContain('edited python_wrap/weather/wrapper.mochi\n');
    expect((await exampleLock(copy)).code).toBe(0);
    expect((await lstat(join(copy, 'python_wrap', 'weather'))).isDirectory()).toBe(true);
    expect((await exampleLock(copy, '--check')).code).toBe(0);
  });

  it('lock writes wrapper files only when their bytes change, and removes folders of aliases no longer imported', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const shim = join(copy, 'python_wrap/textwrap/wrapper.mochi');
    const before = await stat(shim);
    const main = join(copy, 'main.mochi');
    await writeFile(
      main,
      (await readFile(main, 'utf8')).replace('import python "units@==1.4.0" as units\n', ''),
    );
    await writeTree(copy, { 'python_wrap/notes/README.txt': 'not a wrapper folder\n' });
    const r = await exampleLock(copy);
    expect(r.code).toBe(0);
    expect(r.out).toContain('python_wrap: wrote 0 files, removed 1 folder\n');
    await expect(stat(join(copy, 'python_wrap/units'))).rejects.toThrow();
    expect(await readFile(join(copy, 'python_wrap/notes/README.txt'), 'utf8')).toBe('not a wrapper folder\n');
    const after = await stat(shim);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('finds the project from a folder inside it, as go finds go.mod: the nearest mochi.toml or mochi.lock up', async () => {
    const copy = await tmp();
    await cp(example, copy, { recursive: true });
    const inside = join(copy, 'src');
    const check = await lock(inside, '--check');
    expect([check.code, check.out, check.err]).toEqual([0, 'mochi.lock is up to date (9 entries)\n', '']);
    const { stdout, stderr, seen } = captureStreams();
    const env = { MOCHI_GO_BRIDGE_CACHE: join(cache, 'go') };
    expect(await main({ argv: ['config'], stdout, stderr, env, cwd: inside })).toBe(0);
    expect(seen.out.split('\n')[0]).toBe(`# ${join(copy, 'mochi.toml')}`);
    // `--cwd` is the project as given: a folder without either file is a project of its own.
    const given = await lock(inside, '--check', '--cwd', '.');
    expect([given.code, given.err]).toEqual([
      2,
      expect.stringContaining(`${join(inside, 'mochi.lock')} does not exist`),
    ]);
    // The nearest marker wins: a nested project with its own mochi.toml is that project.
    const nested = join(inside, 'tool');
    await mkdir(nested);
    await writeFile(join(nested, 'mochi.toml'), '');
    const own = await lock(nested, '--check');
    expect([own.code, own.err]).toEqual([
      2,
      expect.stringContaining(`${join(nested, 'mochi.lock')} does not exist`),
    ]);
    // A directory named mochi.lock marks nothing.
    await rm(join(nested, 'mochi.toml'));
    await mkdir(join(nested, 'mochi.lock'));
    expect((await lock(nested, '--check')).code).toBe(0);
  });

  it('runs the README Quick start pair, word for word: lock, then lock --check, with the built bin', async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const block = /The main job[\s\S]*?```sh\n(.*)\n```/.exec(readme)?.[1];
    expect(block).toMatch(/^npm install && npm run build && node bin\/mochi-pkg\.js lock /);
    const runs = block!.split(' && ').filter((c) => c.startsWith('node bin/mochi-pkg.js '));
    expect(runs.map((c) => c.split(' ')[2] === 'lock' && c.includes('--check'))).toEqual([false, true]);
    // GOSUMDB as the user has it (unset: sum.golang.org): the committed lock's hashes are trusted as
    // go.sum lines, so the main job asks no checksum database and runs offline.
    const { GOSUMDB: _, ...userEnv } = process.env;
    const env = { ...userEnv, MOCHI_PYTHON_CACHE: cache, MOCHI_GO_BRIDGE_CACHE: await tmp() };
    const [first, second] = runs.map((c) =>
      execFileSync(process.execPath, c.split(' ').slice(1), { cwd: repo, env, encoding: 'utf8' }),
    );
    expect(first).toMatch(
      /^mochi\.lock: (wrote|up to date,) 9 entries \(\d+ items, \d+ skips?; 4 Go modules\) from 2 files\n$/,
    );
    expect(second).toBe('mochi.lock is up to date (9 entries)\n');
  });
});

describe('mochi-pkg lock', () => {
  it('writes the lock, then leaves it untouched (same bytes, same inode and mtime) when nothing changed', async () => {
    const root = await project();
    const a = await lock(root, ...TS);
    expect(a).toMatchObject({ code: 0, err: '' });
    expect(a.out).toBe(
      'mochi.lock: wrote 2 entries (3 items, 0 skips) from 1 file\npython_wrap: wrote 6 files, removed 0 folders\n',
    );
    const bytes = await readFile(join(root, 'mochi.lock'));
    const before = await stat(join(root, 'mochi.lock'));
    const b = await lock(root, ...TS);
    expect(b.out).toBe('mochi.lock: up to date, 2 entries (3 items, 0 skips) from 1 file\n');
    const after = await stat(join(root, 'mochi.lock'));
    expect(await readFile(join(root, 'mochi.lock'))).toEqual(bytes);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(bytes.toString()).toContain('version = "1.2"\nspecifier = ">=1.0"\n');
    expect((await lock(root, '--check', ...TS)).code).toBe(0);
  });

  it('prints skip reports with --skipped and a JSON summary with --json', async () => {
    const root = await project();
    await writeTree(root, {
      'stubs/geo/__init__.pyi':
        'def distance(a: float, b: float) -> float: ...\ndef _hidden() -> None: ...\ndef loose(x: Nowhere) -> int: ...\n',
    });
    const r = await lock(root, '--skipped', ...TS);
    expect(r.out.split('\n').slice(1)).toEqual([
      'python_wrap: wrote 6 files, removed 0 folders',
      '  geo: geo._hidden: private-name: _hidden is private',
      expect.stringMatching(/^ {2}geo: geo\.loose: unresolved-name: /),
      '',
    ]);
    const j = await lock(root, '--json', '--skipped', ...TS);
    const parsed = JSON.parse(j.out);
    expect(parsed).toMatchObject({ written: false, entries: 2, skipped: 2 });
    expect(parsed.skips.map((s: { itemPath: string }) => s.itemPath)).toEqual(['geo._hidden', 'geo.loose']);
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).not.toContain('_hidden');
  });

  it('refuses one alias bound to two specs, pointing at file:line:column (exit 2)', async () => {
    const root = await project();
    await writeTree(root, { 'b.mochi': '\n  import python "colors@>=2" as geo\n' });
    const r = await lock(root, ...TS);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'error[project-import]: b.mochi:2:3: alias geo is bound to import python "colors@>=2" here',
    );
  });

  it('refuses a malformed spec with its location (exit 2)', async () => {
    const root = await project();
    await writeTree(root, { 'b.mochi': 'import python "bad@>=>1" as bad\n' });
    const r = await lock(root, ...TS);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error\[project-import\]: b\.mochi:1:1: import python "bad@>=>1": invalid PEP 440 specifier/,
    );
  });

  it('refuses a stub directory that is not there, naming the setting and where it came from (exit 2)', async () => {
    const root = await project();
    // A typo: without the check, the import went to the index ("has no project colors").
    await writeTree(root, { 'mochi.toml': '[python]\nstubs-dirs = ["typeshd"]\n', 'empty-index/.keep': '' });
    const r = await lock(root, '--index-url', 'empty-index');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `error[stub-not-found]: python.stubs-dirs (mochi.toml:2): ${join(root, 'typeshd')} does not exist; a typeshed-style stub directory was expected`,
    );
    expect(r.err).toContain('hint: correct the path or take it out of the list');
    const flag = await lock(root, '--stubs-dir', 'app.mochi');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain(
      `python.stubs-dirs (--stubs-dir): ${join(root, 'app.mochi')} is a regular file;`,
    );
    await expect(readFile(join(root, 'mochi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says a local index folder that does not exist is the problem, not the project it lacks', async () => {
    const root = await project();
    const r = await lock(root, '--index-url', 'no-such-index');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `error[registry-unreachable]: app.mochi:2:1: import python "colors@>=1.0": the local index ${join(root, 'no-such-index')} does not exist`,
    );
    expect(r.err).toContain('hint: check the index URL (python.index-url, python.index, --index-url)');
    await expect(readFile(join(root, 'mochi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with exit 1 when no source has the stubs, naming the import', async () => {
    const root = await project();
    // No stub directory: the import goes to the package index (here an empty local one).
    await writeTree(root, { 'empty-index/.keep': '' });
    const r = await lock(root, '--index-url', 'empty-index');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error[registry-not-found]: app.mochi:2:1: import python "colors@>=1.0": the index file://',
    );
    expect(r.err).toContain('has no project colors');
    expect(r.err).toContain('hint: check the distribution name in the import, and the index URL');
  });

  it('resolves names a package imports from the stdlib through the stub directories, and only those', async () => {
    const root = await tmp();
    await writeTree(root, {
      'app.mochi': 'import python "clock@path+./stubs/clock" as clock\n',
      'stubs/clock/__init__.pyi': 'from datetime import datetime\ndef now() -> datetime: ...\n',
      'typeshed/stdlib/datetime.pyi': 'class datetime:\n    year: int\n',
    });
    const without = await lock(root, '--skipped');
    expect(without.out).toContain('clock.now: unresolved-name');
    const withStdlib = await lock(root, '--skipped', ...TS);
    expect(withStdlib.out).toBe(
      'mochi.lock: wrote 1 entry (1 item, 0 skips) from 1 file\npython_wrap: wrote 3 files, removed 0 folders\n',
    );
  });

  it('takes the stub directories from MOCHI_PYTHON_STUBS when --stubs-dir is absent', async () => {
    const root = await project();
    const { stdout, stderr, seen } = captureStreams();
    const code = await runLock(
      {
        argv: ['--cache-dir', cache],
        stdout,
        stderr,
        env: { MOCHI_PYTHON_STUBS: join(root, 'typeshed') },
        cwd: root,
      },
      { makeBuild: async () => build },
    );
    expect([code, seen.out]).toEqual([
      0,
      'mochi.lock: wrote 2 entries (3 items, 0 skips) from 1 file\npython_wrap: wrote 6 files, removed 0 folders\n',
    ]);
  });
  it('warns that the extras of an import the stub directory answers select nothing, and records none', async () => {
    const root = await project();
    await writeFile(
      join(root, 'app.mochi'),
      'import python "geo@path+./stubs/geo" as geo\nimport python "colors[fast,cli]@>=1.0" as colors\n',
    );
    const warning = `python: warning: colors[fast,cli]@>=1.0 (app.mochi:2:1) is answered by the stubs in ${join(root, 'typeshed', 'stubs', 'colors')}, not by an index: its extras (cli, fast) select nothing and are not recorded in mochi.lock\n`;
    const r = await lock(root, ...TS);
    expect([r.code, r.err]).toEqual([0, warning]);
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).not.toMatch(/extras|fast/);
    // The check says so too, and finds the lock it wrote up to date.
    const check = await lock(root, '--check', ...TS);
    expect([check.code, check.err]).toEqual([0, warning]);
  });
});

describe('mochi-pkg lock --check', () => {
  it('exits 2 with a clear message when mochi.lock is missing or unparsable', async () => {
    const root = await project();
    const missing = await lock(root, '--check', ...TS);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`${join(root, 'mochi.lock')} does not exist`);
    expect(missing.err).toContain('run `mochi-pkg lock`');
    await writeFile(join(root, 'mochi.lock'), 'schema-version = 1\n[[python-package]]\nname = "x"\n');
    const broken = await lock(root, '--check', ...TS);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain(
      '(line 2, [[python-package]] entry 0, key "alias"): missing required key "alias"',
    );
    await writeFile(join(root, 'mochi.lock'), 'schema-version = 9\n');
    expect((await lock(root, '--check', ...TS)).err).toContain('error[lockfile-schema-version]');
    await writeFile(join(root, 'mochi.lock'), 'schema-version = [\n');
    expect((await lock(root, '--check', ...TS)).err).toContain('error[lockfile-syntax]');
  });

  it('never writes the lock', async () => {
    const root = await project();
    await lock(root, ...TS);
    await writeTree(root, { 'stubs/geo/__init__.pyi': 'def distance(a: int, b: int) -> int: ...\n' });
    const before = await readFile(join(root, 'mochi.lock'));
    expect((await lock(root, '--check', ...TS)).code).toBe(1);
    expect(await readFile(join(root, 'mochi.lock'))).toEqual(before);
  });
});

describe('drift matrix', () => {
  const g = (cwd: string, ...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd,
        encoding: 'utf8',
      },
    ).trim();

  // Each case: a change to a locked project, and the diff lines `lock --check` must print.
  const cases: { name: string; change: (root: string) => Promise<void>; lines: string[] }[] = [
    {
      name: 'the stubs change the Mochi surface (wrapper-sha256)',
      change: (r) =>
        writeTree(r, {
          'stubs/geo/__init__.pyi': 'def distance(a: float, b: float, c: float) -> float: ...\n',
        }),
      lines: ['changed geo:geo (wrapper-sha256)'],
    },
    {
      name: 'the surface gains async functions and records (wrapper-sha256, capabilities)',
      change: (r) =>
        writeTree(r, {
          'stubs/geo/__init__.pyi':
            'from dataclasses import dataclass\n@dataclass(frozen=True)\nclass P:\n    x: float\nasync def distance(a: float, b: float) -> float: ...\n',
        }),
      lines: ['changed geo:geo (wrapper-sha256, capabilities)'],
    },
    {
      name: 'the provider resolves another version (version)',
      change: (r) => writeTree(r, { 'typeshed/stubs/colors/METADATA.toml': 'version = "1.3.*"\n' }),
      lines: ['changed colors:colors (version)'],
    },
    {
      name: 'the import specifier is edited (specifier)',
      change: (r) =>
        writeTree(r, {
          'app.mochi':
            'import python "geo@path+./stubs/geo" as geo\nimport python "colors@>=1.1" as colors\n',
        }),
      lines: ['changed colors:colors (specifier)'],
    },
    {
      name: 'the import is pinned (version, specifier)',
      change: (r) =>
        writeTree(r, {
          'app.mochi':
            'import python "geo@path+./stubs/geo" as geo\nimport python "colors@==1.2.0" as colors\n',
        }),
      lines: ['changed colors:colors (version, specifier)'],
    },
    {
      name: 'the path moves (local-path)',
      change: async (r) => {
        await cp(join(r, 'stubs/geo'), join(r, 'vendor/geo'), { recursive: true });
        await writeTree(r, {
          'app.mochi':
            'import python "geo@path+./vendor/geo" as geo\nimport python "colors@>=1.0" as colors\n',
        });
      },
      lines: ['changed geo:geo (local-path)'],
    },
    {
      name: 'the source changes from path to registry (source, local-path)',
      change: async (r) => {
        await cp(join(r, 'stubs/geo'), join(r, 'typeshed/stubs/geo/geo'), { recursive: true });
        await writeTree(r, {
          'app.mochi': 'import python "geo" as geo\nimport python "colors@>=1.0" as colors\n',
        });
      },
      lines: ['changed geo:geo (source, local-path)'],
    },
    {
      name: 'an import is added',
      change: (r) =>
        writeTree(r, {
          'more.mochi': 'import python "extra@path+./stubs/geo" as extra\n// import python "x" as not_this\n',
        }),
      lines: ['added extra:extra'],
    },
    {
      name: 'an import is removed',
      change: (r) => writeTree(r, { 'app.mochi': 'import python "geo@path+./stubs/geo" as geo\n' }),
      lines: ['removed colors:colors'],
    },
    {
      name: 'an import is renamed (a new alias is a new entry)',
      change: (r) =>
        writeTree(r, {
          'app.mochi':
            'import python "geo@path+./stubs/geo" as earth\nimport python "colors@>=1.0" as colors\n',
        }),
      lines: ['added geo:earth', 'removed geo:geo'],
    },
    {
      name: 'the lock is hand-edited (wrapper-sha256 flipped)',
      change: async (r) => {
        const text = await readFile(join(r, 'mochi.lock'), 'utf8');
        await writeFile(
          join(r, 'mochi.lock'),
          text.replace(/wrapper-sha256 = "(.)/, (_, c) => `wrapper-sha256 = "${c === '0' ? '1' : '0'}`),
        );
      },
      lines: ['changed colors:colors (wrapper-sha256)'],
    },
  ];

  for (const c of cases) {
    it(`detects: ${c.name}`, async () => {
      const root = await project();
      expect((await lock(root, ...TS)).code).toBe(0);
      await c.change(root);
      const r = await lock(root, '--check', ...TS);
      expect(r.out).toBe(c.lines.map((l) => `${l}\n`).join(''));
      expect(r.err).toContain('hint: run `mochi-pkg lock` to update it');
      expect(r.code).toBe(1);
      const j = await lock(root, '--check', '--json', ...TS);
      const parsed = JSON.parse(j.out) as {
        upToDate: boolean;
        diff: { kind: string; key: string; fields: string[] }[];
      };
      expect(parsed.upToDate).toBe(false);
      expect(
        parsed.diff.map((d) =>
          d.kind === 'changed' ? `changed ${d.key} (${d.fields.join(', ')})` : `${d.kind} ${d.key}`,
        ),
      ).toEqual(c.lines);
      // and `lock` brings it back in line
      expect((await lock(root, ...TS)).code).toBe(0);
      expect(await lock(root, '--check', '--json', ...TS)).toMatchObject({
        code: 0,
        out: '{"upToDate":true,"diff":[]}\n',
      });
    });
  }

  it('detects git rev and git url changes (git-rev, git-url) with local repositories', async () => {
    const origin = await tmp();
    g(origin, 'init', '--quiet', '--initial-branch=main');
    await writeTree(origin, { 'gitlib/__init__.pyi': 'def v() -> int: ...\n' });
    g(origin, 'add', '.');
    g(origin, 'commit', '--quiet', '-m', 'one');
    g(origin, 'tag', 'v1');
    await writeTree(origin, { 'gitlib/extra.pyi': 'X: int\n' });
    g(origin, 'add', '.');
    g(origin, 'commit', '--quiet', '-m', 'two');
    g(origin, 'tag', 'v2');
    const mirror = await tmp();
    g(mirror, 'clone', '--quiet', '--bare', origin, join(mirror, 'copy.git'));

    const root = await tmp();
    await writeTree(root, { 'app.mochi': `import python "gitlib@git+file://${origin}#v1" as gl\n` });
    expect((await lock(root)).code).toBe(0);
    const text = await readFile(join(root, 'mochi.lock'), 'utf8');
    expect(text).toContain(`git-url = "file://${origin}"\ngit-rev = "${g(origin, 'rev-parse', 'v1')}"\n`);

    await writeTree(root, { 'app.mochi': `import python "gitlib@git+file://${origin}#v2" as gl\n` });
    expect((await lock(root, '--check')).out).toBe('changed gitlib:gl (git-rev)\n');

    await writeTree(root, {
      'app.mochi': `import python "gitlib@git+file://${join(mirror, 'copy.git')}#v1" as gl\n`,
    });
    expect((await lock(root, '--check')).out).toBe('changed gitlib:gl (git-url)\n');
  });
});
