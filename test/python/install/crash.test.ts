// kill -9 at many points of a sync, then check the environment is the old one or the new one, never a mix.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { envPath, readEnvState } from '../../../src/python/install/env.js';
import { startTsChild } from '../../support/child.js';
import { wheelFiles, wheelZip } from './wheels.js';

const CHILD = fileURLToPath(new URL('./fixtures/sync-child.ts', import.meta.url));

/** Runs the child sync; with `killAfterMs`, SIGKILLs it then. Resolves with its exit code (null when killed) and stdout. */
async function runChild(args: string[], killAfterMs?: number): Promise<{ code: number | null; out: string }> {
  const r = await startTsChild(CHILD, args, killAfterMs === undefined ? {} : { killAfterMs }).done;
  if (r.code !== 0 && r.code !== null) throw new Error(`child failed (${r.code}): ${r.err}`);
  return { code: r.code, out: r.out };
}

/** The environment is absent, or its state names exactly the distributions whose files are all there. */
function consistent(project: string): string[] | undefined {
  const env = envPath(project, '3.11-linux');
  if (!existsSync(env)) return undefined;
  const state = JSON.parse(readFileSync(join(env, '.mochi-env.json'), 'utf8')) as {
    distributions: { name: string; version: string }[];
  };
  for (const d of state.distributions) {
    expect(readFileSync(join(env, d.name, '__init__.py'), 'utf8')).toBe(`N = "${d.name}"\n`);
    expect(existsSync(join(env, `${d.name}-${d.version}.dist-info`, 'RECORD'))).toBe(true);
  }
  return state.distributions.map((d) => d.name);
}

describe('sync killed with SIGKILL at many points', () => {
  let wheels: string;
  beforeAll(() => {
    wheels = mkdtempSync(join(tmpdir(), 'crash-wheels-'));
    for (let i = 0; i < 40; i++) {
      const name = `pkg${String(i).padStart(2, '0')}`;
      const files = Array.from({ length: 20 }, (_, j) => ({
        name: `${name}/m${j}.py`,
        data: `X = ${j}\n`.repeat(50),
      }));
      files.push({ name: `${name}/__init__.py`, data: `N = "${name}"\n` });
      writeFileSync(join(wheels, `${name}-1.0-py3-none-any.whl`), wheelZip(wheelFiles(name, '1.0', files)));
    }
  });

  it('always leaves the old or the new environment, and the next sync completes', async () => {
    const project = mkdtempSync(join(tmpdir(), 'crash-project-'));
    const store = join(project, 'store');
    mkdirSync(store);
    const sets = { A: (await runChild([project, store, wheels, 'A'])).out, B: '' };
    const a = JSON.parse(sets.A) as string[];
    // Alternate between two locks; kill each run after a fixed, growing delay (no randomness: no flakes).
    const seen = new Set<string>();
    for (const [i, delay] of [30, 80, 150, 250, 400, 600, 900, 1300].entries()) {
      const set = i % 2 === 0 ? 'B' : 'A';
      await runChild([project, store, wheels, set], delay);
      const names = consistent(project);
      expect(names).toBeDefined();
      seen.add(JSON.stringify(names));
    }
    const final = JSON.parse((await runChild([project, store, wheels, 'B'])).out) as string[];
    expect(consistent(project)).toEqual(final);
    expect(final).not.toEqual(a);
    const state = await readEnvState(project, '3.11-linux');
    expect(state?.distributions.map((d) => d.name)).toEqual(final);
    // Trees of killed runs are collected by the next sync; the lock of a killed run was taken over.
    expect(readdirSync(join(project, '.mochi', 'python', '.envs'))).toHaveLength(1);
    expect(existsSync(join(project, '.mochi', 'python', '.sync.lock'))).toBe(false);
    // Every state seen was one of the two locks, never a mix.
    for (const s of seen) expect([JSON.stringify(a), JSON.stringify(final)]).toContain(s);
  }, 120_000);
});
