// The memo of `lock --check`: unchanged inputs give the last answer without a full check, and any
// change to an input (a .mochi import, a stub, mochi.toml, the lock, a wrapper file, a path+ Go
// module, the module cache, the environment) makes the next check a full one again.
import { execFileSync } from 'node:child_process';
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoFileOf } from '../../src/project/checkMemo.js';
import { captureStreams } from '../support/files.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = join(repo, 'examples/weather-report');
const RECALLED = 'no input changed since the last check';
const dirs: string[] = [];
let root: string;
let caches: string;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-memo-'));
  dirs.push(d);
  return d;
}

/** `lock --check -v` of the copy (its mochi.toml names its stubs, index and Go proxy). */
async function check(extraEnv: Record<string, string> = {}, ...flags: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const env = {
    MOCHI_PYTHON_CACHE: join(caches, 'python'),
    MOCHI_GO_BRIDGE_CACHE: join(caches, 'go'),
    ...extraEnv,
  };
  const code = await main({ argv: ['lock', '--check', '-v', ...flags], stdout, stderr, env, cwd: root });
  return { code, out: seen.out, recalled: seen.err.includes(RECALLED) };
}

/**
 * Waits out the memo's racy window: no memo is written while a project file changed within the last
 * 2 s (one timestamp tick on the coarsest file systems), so a check right after an edit is a full one
 * that keeps no memo. Waiting longer than the window is all the tests need (never shorter).
 */
function settle(): Promise<void> {
  return new Promise((done) => setTimeout(done, 2_100));
}

/** Runs `change`, expects the next check to be a full one with `expected` output, then undoes it. */
async function changed(
  path: string,
  edit: (text: string) => string,
  expected: { code: number; out: string | RegExp },
): Promise<void> {
  const file = join(root, path);
  const before = await readFile(file, 'utf8');
  await writeFile(file, edit(before));
  const r = await check();
  expect(r.recalled).toBe(false);
  expect(r.code).toBe(expected.code);
  expect(r.out).toMatch(expected.out);
  await writeFile(file, before);
  // Undone: a full check again (the stamps moved), then the memo once more.
  await settle();
  expect(await check()).toMatchObject({ code: 0, recalled: false });
  expect(await check()).toMatchObject({ code: 0, recalled: true });
}

const UP_TO_DATE = 'mochi.lock is up to date (9 entries)\n';

beforeAll(async () => {
  root = await tmp();
  caches = await tmp();
  await cp(example, root, { recursive: true });
  await settle();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('lock --check memo', () => {
  it('answers a second check with unchanged inputs from the memo, with the same output', async () => {
    const first = await check();
    expect(first).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: false });
    const second = await check();
    expect(second).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: true });
    const { stdout, seen } = captureStreams();
    const env = { MOCHI_PYTHON_CACHE: join(caches, 'python'), MOCHI_GO_BRIDGE_CACHE: join(caches, 'go') };
    const code = await main({ argv: ['lock', '--check', '--json'], stdout, stderr: stdout, env, cwd: root });
    expect(code).toBe(0);
    expect(JSON.parse(seen.out)).toEqual({ upToDate: true, diff: [] });
  });

  it('keeps answering from the memo in a synced project (.mochi/ holds environment links and the Go bridge)', async () => {
    expect(await check()).toMatchObject({ code: 0, recalled: true });
    // What sync leaves: an environment link, installed files, the bridge's go.mod. None is an input.
    await mkdir(join(root, '.mochi/python/.envs/3.12-linux.0/pkg'), { recursive: true });
    await writeFile(
      join(root, '.mochi/python/.envs/3.12-linux.0/pkg/x.mochi'),
      'import go "example.com/x" as x\n',
    );
    await symlink('.envs/3.12-linux.0', join(root, '.mochi/python/3.12-linux'));
    await mkdir(join(root, '.mochi/go'), { recursive: true });
    await writeFile(join(root, '.mochi/go/go.mod'), 'module mochi.local/bridge\n');
    try {
      expect(await check()).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: true });
    } finally {
      await rm(join(root, '.mochi'), { recursive: true, force: true });
    }
    expect(await check()).toMatchObject({ code: 0, recalled: true });
  });

  it('sees a changed import in a .mochi file', async () => {
    await changed('main.mochi', (t) => t.replace('import python "units@==1.4.0" as units\n', ''), {
      code: 1,
      out: /^removed units:units\n/,
    });
  });

  it('sees a changed stub', async () => {
    await changed(
      'typeshed/stubs/units/units/__init__.pyi',
      (t) => `${t}\ndef added_by_test(x: int) -> int: ...\n`,
      { code: 1, out: /^changed units:units \(wrapper-sha256/ },
    );
  });

  it('sees an edited stub of the same size whose mtime was put back (its ctime moved)', async () => {
    const file = join(root, 'typeshed/stubs/units/units/__init__.pyi');
    const text = await readFile(file, 'utf8');
    const st = await stat(file);
    // One identifier's letter swapped: same size, other content.
    const edited = text.replace(/def ([a-z])/, (_m, c: string) => `def ${c === 'z' ? 'y' : 'z'}`);
    expect(edited.length).toBe(text.length);
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    await utimes(file, st.atime, st.mtime);
    const r = await check();
    expect(r).toMatchObject({ code: 1, recalled: false });
    await writeFile(file, text);
    expect(await check()).toMatchObject({ code: 0, recalled: false });
  });

  it('sees a changed mochi.toml, even one that changes no answer', async () => {
    await changed('mochi.toml', (t) => `${t}\n# a comment\n`, { code: 0, out: UP_TO_DATE });
  });

  it('sees a changed lock', async () => {
    await changed('mochi.lock', (t) => t.replace('version = "1.4.0"', 'version = "1.3.0"'), {
      code: 1,
      out: /^changed units:units \(version\)/,
    });
  });

  it('sees an edited wrapper file', async () => {
    await changed('python_wrap/units/wrapper.mochi', (t) => `${t}// edited\n`, {
      code: 1,
      out: 'edited python_wrap/units/wrapper.mochi\n',
    });
  });

  it('sees a changed path+ Go module', async () => {
    await changed('go/local/stations.go', (t) => `${t}\n// edited\n`, {
      code: 1,
      out: /^changed example\.com\/stations \(zip-h1\)\n/,
    });
  });

  it('sees a changed environment and a changed module cache', async () => {
    await settle();
    expect(await check({ GOFLAGS: '-mod=mod' })).toMatchObject({ code: 0, recalled: false });
    expect(await check()).toMatchObject({ code: 0, recalled: false });
    expect(await check()).toMatchObject({ code: 0, recalled: true });
    await rm(join(caches, 'go'), { recursive: true });
    expect(await check()).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: false });
    expect(await check()).toMatchObject({ code: 0, recalled: true });
  });

  it('keeps no memo where a check reads a network (an https index or Go proxy, online)', async () => {
    const settings = { cwd: root, env: { MOCHI_PYTHON_CACHE: join(caches, 'python') } };
    expect(await memoFileOf(settings)).toMatch(/checks/);
    expect(await memoFileOf({ ...settings, indexUrl: 'https://pypi.org/simple/' })).toBeUndefined();
    expect(await memoFileOf({ ...settings, goProxy: 'https://proxy.golang.org' })).toBeUndefined();
    expect(await memoFileOf({ ...settings, goProxy: 'https://proxy.golang.org', offline: true })).toMatch(
      /checks/,
    );
    expect(
      await memoFileOf({ ...settings, indexes: ['extra=https://pypi.example/simple/'] }),
    ).toBeUndefined();
  });

  it('sees a named index: its setting, and a change in its local directory', async () => {
    const extra = await tmp();
    const flag = ['--index', `extra=${extra}`];
    await settle();
    expect(await check({}, ...flag)).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: false });
    expect(await check({}, ...flag)).toMatchObject({ code: 0, recalled: true });
    // The same index under another name is another setting.
    expect(await check({}, '--index', `other=${extra}`)).toMatchObject({ code: 0, recalled: false });
    await writeFile(join(extra, 'index.html'), '<!DOCTYPE html>\n');
    await settle();
    expect(await check({}, ...flag)).toMatchObject({ code: 0, recalled: false });
  });

  it('stamps a FIFO named *.mochi without reading it (the scan skips it): the check ends, and so does the next', async () => {
    const fifo = join(root, 'pipe.mochi');
    execFileSync('mkfifo', [fifo]);
    try {
      await settle();
      expect(await check()).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: false });
      expect(await check()).toMatchObject({ code: 0, out: UP_TO_DATE, recalled: true });
    } finally {
      await rm(fifo);
    }
  });

  it('leaves a .mochi file larger than the scan reads to the check, which refuses it by name (no memo read of 3 GiB)', async () => {
    const big = join(root, 'big.mochi');
    // Sparse: 3 GiB of size, no disk blocks. Reading it whole was a RangeError out of the memo.
    await writeFile(big, '');
    await truncate(big, 3 * 1024 ** 3);
    try {
      const { stdout, stderr, seen } = captureStreams();
      const env = { MOCHI_PYTHON_CACHE: join(caches, 'python'), MOCHI_GO_BRIDGE_CACHE: join(caches, 'go') };
      const code = await main({ argv: ['lock', '--check'], stdout, stderr, env, cwd: root });
      expect(code).toBe(2);
      expect(seen.err).toContain('error[project-too-large]: big.mochi is larger than');
    } finally {
      await rm(big);
    }
  });
});
