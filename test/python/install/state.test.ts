// readEnvState: the state file of a project's environment, which a repository could replace.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envPath, readEnvState, STATE_FILE } from '../../../src/python/install/env.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function project(): Promise<{ root: string; state: string }> {
  const root = await mkdtemp(join(tmpdir(), 'mochi-env-state-'));
  dirs.push(root);
  await mkdir(envPath(root, '3.11-linux'), { recursive: true });
  return { root, state: join(envPath(root, '3.11-linux'), STATE_FILE) };
}

describe('readEnvState', () => {
  it('reads a state file, and calls none, bad JSON, a FIFO and a /dev/zero link no state, at once', async () => {
    const ok = await project();
    await writeFile(ok.state, JSON.stringify({ format: 1, distributions: [] }));
    expect(await readEnvState(ok.root, '3.11-linux')).toMatchObject({ format: 1, distributions: [] });
    const none = await project();
    expect(await readEnvState(none.root, '3.11-linux')).toBeUndefined();
    const bad = await project();
    await writeFile(bad.state, '{ not json');
    expect(await readEnvState(bad.root, '3.11-linux')).toBeUndefined();
    const pipe = await project();
    execFileSync('mkfifo', [pipe.state]);
    expect(await readEnvState(pipe.root, '3.11-linux')).toBeUndefined();
    const zero = await project();
    await symlink('/dev/zero', zero.state);
    expect(await readEnvState(zero.root, '3.11-linux')).toBeUndefined();
  }, 10_000);
});
