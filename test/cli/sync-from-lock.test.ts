// `sync` after `lock` with flags: it installs what the lock records and checks the lock with the
// index and targets it was made with, so `lock`'s flags need not be given again.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/cli/commands/sync.js';
import { main } from '../../src/cli/main.js';
import {
  type BuiltFile,
  type LocalIndex,
  startIndex,
  typeshedStubWheel,
} from '../python/registry/fixtures.js';
import { upstreamFixture } from '../python/registry/resolveSupport.js';
import { captureStreams, writeTree } from '../support/files.js';

const requests = typeshedStubWheel('requests');
const upstream = upstreamFixture(requests.metadataVersion);
let index: LocalIndex;
beforeAll(async () => {
  index = await startIndex(
    new Map<string, BuiltFile[]>([
      ['requests', upstream.files],
      ['types-requests', [requests.wheel]],
    ]),
  );
});
afterAll(() => index.close());

async function run(cwd: string, ...argv: string[]) {
  return runWith({}, cwd, ...argv);
}

async function runWith(extra: NodeJS.ProcessEnv, cwd: string, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  // No network but the local index: an index other than the lock's would fail to be reached.
  const env = { MOCHI_PYTHON_INDEX_URL: '', ...extra };
  const code =
    argv[0] === 'sync'
      ? await runSync(
          { argv: argv.slice(1), stdout, stderr, env, cwd },
          { probeInterpreter: async () => ({ executable: '/usr/bin/python3', version: '3.11' }) },
        )
      : await main({ argv, stdout, stderr, env, cwd });
  return { code, out: seen.out, err: seen.err };
}

describe('sync after lock --index-url --target', () => {
  it('checks and installs from what the lock records, not from the flags sync is not given', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-from-lock-'));
    const cache = await mkdtemp(join(tmpdir(), 'sync-from-lock-cache-'));
    await writeTree(root, { 'app.mochi': `import python "requests@${upstream.specifier}" as rq\n` });
    const lock = await run(
      root,
      'lock',
      '--index-url',
      index.url,
      '--cache-dir',
      cache,
      '--target',
      '3.11-linux',
    );
    expect([lock.code, lock.err]).toEqual([0, '']);

    // A plain sync: its check plans with the lock's index and target (no request leaves 127.0.0.1).
    const plain = await run(root, 'sync', '--cache-dir', cache);
    expect([plain.code, plain.err]).toEqual([0, '']);
    expect(plain.out).toContain(`install requests==${upstream.best}`);
    expect(plain.out).toContain('(1 distribution, target 3.11-linux)');

    // Installing needs no flag either: the wheel comes from the index URL and sha256 the lock
    // records (a new environment, from an empty cache).
    await rm(join(root, '.mochi'), { recursive: true });
    const asked = index.requests.length;
    const frozen = await run(
      root,
      'sync',
      '--frozen',
      '--cache-dir',
      await mkdtemp(join(tmpdir(), 'sync-from-lock-cache-')),
    );
    expect([frozen.code, frozen.err]).toEqual([0, '']);
    expect(index.requests.slice(asked)).toContain(`/files/requests-${upstream.best}-py3-none-any.whl`);

    // What the project's settings say wins over what the lock records: then the lock is out of date.
    await writeFile(
      join(root, 'mochi.toml'),
      `[python]\nindex-url = "${index.url}"\ntargets = ["3.12-linux"]\n`,
    );
    const stale = await run(root, 'sync', '--cache-dir', cache);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('error[sync-out-of-date]');
  }, 60_000);

  it("uses mochi.toml's python.cache-dir, so an offline sync finds the wheels lock cached there", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-cache-dir-'));
    // The default cache root, empty: a sync that looked there would miss the wheel.
    const env = { XDG_CACHE_HOME: await mkdtemp(join(tmpdir(), 'sync-cache-dir-xdg-')) };
    await writeTree(root, {
      'app.mochi': `import python "requests@${upstream.specifier}" as rq\n`,
      'mochi.toml': `[python]\nindex-url = "${index.url}"\ncache-dir = "pycache"\ntargets = ["3.11-linux"]\n`,
    });
    const lock = await runWith(env, root, 'lock');
    expect([lock.code, lock.err]).toEqual([0, '']);
    const sync = await runWith(env, root, 'sync', '--offline');
    expect([sync.code, sync.err]).toEqual([0, '']);
    expect(sync.out).toContain(`install requests==${upstream.best}`);
    expect(existsSync(join(root, 'pycache', 'installed'))).toBe(true);
    expect(existsSync(join(env.XDG_CACHE_HOME, 'mochi-pkg'))).toBe(false);
  }, 60_000);
});
