// The fast entry (src/cli/fast.ts, what bin/mochi-pkg.js asks first): `--version` and a `lock --check`
// its memo answers give exactly what main.ts gives for the same argv (output, errors, exit code), and
// every other argv, or a check with drift, is left to main.ts.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quick, quickCheckArgs } from '../../src/cli/fast.js';
import { main } from '../../src/cli/main.js';
import { captureStreams } from '../support/files.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
let root: string;
let env: Record<string, string>;

/** main.ts alone (`fresh` adds a variable the memo's key covers, so that the check is planned in full). */
async function viaMain(argv: string[], cwd = root, fresh = false) {
  const { stdout, stderr, seen } = captureStreams();
  const code = await main({
    argv,
    stdout,
    stderr,
    env: fresh ? { ...env, MOCHI_TEST_FRESH: `${Math.random()}` } : env,
    cwd,
  });
  return { code, out: seen.out, err: seen.err };
}

/** What the bin does: the fast entry, then main.ts when it gives no answer. */
async function viaBin(argv: string[], cwd = root) {
  const { stdout, stderr, seen } = captureStreams();
  const ctx = { argv, stdout, stderr, env, cwd };
  const answered = await quick(ctx);
  const code = answered ?? (await main(ctx));
  return { code, out: seen.out, err: seen.err, fast: answered !== undefined };
}

/** Waits out the memo's 2 s racy window (see lock-check-memo.test.ts). */
function settle(): Promise<void> {
  return new Promise((done) => setTimeout(done, 2_100));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mochi-fast-'));
  const caches = await mkdtemp(join(tmpdir(), 'mochi-fast-caches-'));
  dirs.push(root, caches);
  env = { MOCHI_PYTHON_CACHE: join(caches, 'python'), MOCHI_GO_BRIDGE_CACHE: join(caches, 'go') };
  await cp(join(repo, 'examples/weather-report'), root, { recursive: true });
  await settle();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the fast entry', () => {
  it('prints the version as main.ts does, and leaves --version --json to main.ts', async () => {
    for (const argv of [['--version'], ['-V']]) {
      const r = await viaBin(argv);
      expect(r.fast).toBe(true);
      expect({ ...r, fast: undefined }).toEqual({ ...(await viaMain(argv)), fast: undefined });
    }
    expect((await viaBin(['--version', '--json'])).fast).toBe(false);
  });

  it('answers a memoised check exactly as main.ts does, and as a check planned in full does', async () => {
    const argvs = [
      ['lock', '--check'],
      ['lock', '--check', '--json'],
      ['-q', 'lock', '--check'],
      ['lock', '--quiet', '--check', '--offline'],
      ['lock', '--cwd', root, '--check'],
      ['lock', `--cwd=${root}`, '--check', '--json'],
    ];
    for (const argv of argvs) {
      const full = await viaMain(argv, root, true);
      expect(full.code).toBe(0);
      // A check whose memo holds other settings is planned in full (and keeps its memo: the project
      // has been still for 2 s); the next one is answered here.
      const first = await viaBin(argv);
      expect({ code: first.code, out: first.out, err: first.err }).toEqual(full);
      expect(await viaBin(argv)).toEqual({ ...full, fast: true });
      expect(await viaMain(argv)).toEqual(full);
    }
    // --cwd relative to the working directory.
    const rel = ['lock', '--check', '--cwd', root.split('/').at(-1)!];
    const full = await viaMain(rel, dirname(root), true);
    expect(full).toEqual(await viaMain(['lock', '--check'], root, true));
    await viaBin(rel, dirname(root));
    expect(await viaBin(rel, dirname(root))).toEqual({ ...full, fast: true });
  });

  it('leaves a check with drift to main.ts: the same output and exit code 1', async () => {
    const lock = join(root, 'mochi.lock');
    const text = await readFile(lock, 'utf8');
    await viaBin(['lock', '--check']);
    expect((await viaBin(['lock', '--check'])).fast).toBe(true);
    await writeFile(lock, text.replace('version = "1.4.0"', 'version = "1.3.0"'));
    for (const argv of [
      ['lock', '--check'],
      ['lock', '--check', '--json'],
    ]) {
      const r = await viaBin(argv);
      expect(r.fast).toBe(false);
      expect(r.code).toBe(1);
      expect({ code: r.code, out: r.out, err: r.err }).toEqual(await viaMain(argv));
    }
    await writeFile(lock, text);
    const mochi = join(root, 'main.mochi');
    const source = await readFile(mochi, 'utf8');
    await writeFile(mochi, source.replace('import python "units@==1.4.0" as units\n', ''));
    const r = await viaBin(['lock', '--check']);
    expect(r).toMatchObject({ fast: false, code: 1, out: expect.stringMatching(/^removed units:units\n/) });
    await writeFile(mochi, source);
  });

  it('recognises only the argv it can answer', () => {
    expect(quickCheckArgs(['lock', '--check'])).toEqual({ offline: false, json: false, quiet: false });
    expect(quickCheckArgs(['--quiet', 'lock', '--check', '--cwd=p', '--offline'])).toEqual({
      cwd: 'p',
      offline: true,
      json: false,
      quiet: true,
    });
    for (const argv of [
      ['lock'],
      ['lock', '--check', '-v'],
      ['lock', '--check', '--verbose'],
      ['lock', '--check', '--help'],
      ['lock', '--check', '--check'],
      ['lock', '--check=true'],
      ['lock', '--check', '--cwd'],
      ['lock', '--check', '--cwd', '--offline'],
      ['lock', '--check', '--cwd='],
      ['lock', '--check', '--cwd', 'a', '--cwd', 'b'],
      ['lock', '--check', '--color', 'never'],
      ['lock', '--check', '--index-url', 'x'],
      ['lock', '--check', '--python', '3.11'],
      ['lock', '--check', 'extra'],
      ['lock', '--check', '--'],
      ['tree', '--check'],
      ['--check', 'lock'],
    ]) {
      expect(quickCheckArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
