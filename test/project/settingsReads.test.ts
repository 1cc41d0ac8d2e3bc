// How often commands read the project's mochi.toml: once per sync (its check of the lock, the Go
// bridge and the target rule share it) and once per `lock -v` (the listing and the lock share it).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runLock } from '../../src/cli/commands/lock.js';
import * as settingsFile from '../../src/project/settingsFile.js';
import { goOnly } from '../support/cli.js';
import { captureStreams } from '../support/files.js';

vi.mock('../../src/project/settingsFile.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/project/settingsFile.js')>();
  return { ...original, loadSettings: vi.fn(original.loadSettings) };
});

const proxy = pathToFileURL(
  fileURLToPath(new URL('../../examples/weather-report/go/proxy', import.meta.url)),
).href;

describe('sync and the settings', () => {
  it('loads mochi.toml once per sync, for the check of the lock and the Go bridge', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sync-settings-'));
    const work = await mkdtemp(join(tmpdir(), 'sync-settings-cache-'));
    await writeFile(join(root, 'main.mochi'), 'import go "example.com/geo@v1.1.0" as geo\n');
    await writeFile(join(root, 'mochi.toml'), `[go]\nproxy = "${proxy}"\nsumdb = "off"\n`);
    const caches = ['--go-cache-dir', join(work, 'go'), '--cache-dir', join(work, 'py')];
    expect(await goOnly('lock', root, caches)).toMatchObject({ code: 0, err: '' });
    const load = vi.mocked(settingsFile.loadSettings);
    for (const frozen of [[], ['--frozen']]) {
      load.mockClear();
      const r = await goOnly('sync', root, [...frozen, '--target', '3.11-linux', ...caches]);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('go.mod and go.sum');
      expect(load).toHaveBeenCalledTimes(1);
    }
  }, 60_000);
});

describe('lock -v and the settings', () => {
  it('loads mochi.toml once for the listing and the lock, with or without --check', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lock-settings-'));
    const work = await mkdtemp(join(tmpdir(), 'lock-settings-cache-'));
    await writeFile(join(root, 'main.mochi'), 'import go "example.com/geo@v1.1.0" as geo\n');
    await writeFile(join(root, 'mochi.toml'), `[go]\nproxy = "${proxy}"\nsumdb = "off"\n`);
    const load = vi.mocked(settingsFile.loadSettings);
    for (const check of [[], ['--check']]) {
      load.mockClear();
      const { stdout, stderr, seen } = captureStreams();
      const argv = [
        ...check,
        '--cwd',
        root,
        '--go-cache-dir',
        join(work, 'go'),
        '--cache-dir',
        join(work, 'py'),
      ];
      const code = await runLock(
        { argv, stdout, stderr, env: {}, cwd: root, verbosity: 'verbose' },
        {
          makeBuild: async () => () => {
            throw new Error('no Python imports here');
          },
        },
      );
      expect([code, seen.err]).toEqual([0, expect.stringContaining(`go.proxy = ${proxy}  (mochi.toml:2)`)]);
      expect(load).toHaveBeenCalledTimes(1);
    }
  }, 60_000);
});
