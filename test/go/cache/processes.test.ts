// Several processes sharing one cache, and processes killed (SIGKILL) mid-download: the cache never
// shows a present-but-corrupt entry, concurrent stores never fail, and a rerun completes.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cache } from '../../../src/go/cache/store.js';
import { startTsChild } from '../../support/child.js';
import { type FixtureModule, fixtureModule, serveModules } from '../support/modules.js';
import type { TestServer } from '../support/server.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('../support/cli-child.ts', import.meta.url));

/** `mochi-pkg …args` in a child process (CI=1: no progress), with `env` added. */
function start(env: NodeJS.ProcessEnv, args: string[], killAfterMs?: number) {
  return startTsChild(child, args, {
    cwd: repo,
    env: { ...env, CI: '1' },
    ...(killAfterMs === undefined ? {} : { killAfterMs }),
  });
}

/** Modules with incompressible payloads, so that writes take long enough to be interrupted. */
function payloadModules(n: number, bytes: number): FixtureModule[] {
  return Array.from({ length: n }, (_, i) =>
    fixtureModule(`example.com/Mod${i}`, `v1.${i}.0`, {
      'a.go': `package mod${i}\n`,
      'blob.txt': randomBytes(bytes).toString('base64'),
    }),
  );
}

async function expectNothingCorruptPresent(cache: Cache): Promise<{ complete: number; incomplete: number }> {
  let complete = 0;
  let incomplete = 0;
  for (const e of await cache.entries()) {
    if (await cache.has(e.module, e.version)) {
      await cache.verifyZip(e.module, e.version); // throws CacheCorruptError if the invariant broke
      complete++;
    } else {
      incomplete++;
    }
  }
  return { complete, incomplete };
}

describe('one cache, many processes', () => {
  let server: TestServer;
  const mods = payloadModules(20, 60_000);
  const args = mods.map((m) => `${m.path}@${m.version}`);
  beforeAll(async () => {
    server = await serveModules(mods);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('8 processes downloading the same 20 modules: no error, no corruption', async () => {
    const root = await mkdtemp(join(tmpdir(), 'multi-'));
    const env = { GOPROXY: server.base, MOCHI_GO_BRIDGE_CACHE: root, GOSUMDB: 'off' };
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => start(env, ['go', 'download', '--json', '-j', '4', ...args]).done),
    );
    const sums = new Map<string, string>();
    for (const r of runs) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const lines = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(20);
      for (const l of lines) {
        expect(l.Error).toBeUndefined();
        const prev = sums.get(l.Path);
        if (prev !== undefined) expect(l.Sum).toBe(prev);
        sums.set(l.Path, l.Sum);
      }
    }
    const cache = await Cache.open(root);
    expect(await expectNothingCorruptPresent(cache)).toEqual({ complete: 20, incomplete: 0 });
    const leftovers = (await readdir(root, { recursive: true }))
      .map(String)
      .filter((f) => f.includes('.tmp-'));
    expect(leftovers).toEqual([]);
    const verify = await start(env, ['go', 'verify']).done;
    expect(verify.code).toBe(0);
    expect(verify.out.trim().split('\n')).toHaveLength(20);
  }, 120_000);

  it('SIGKILL at random points never leaves a present-but-corrupt entry, and a rerun completes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'crash-'));
    const env = { GOPROXY: server.base, MOCHI_GO_BRIDGE_CACHE: root, GOSUMDB: 'off' };
    // How long a full run takes here, to aim the kills inside it.
    const probeRoot = await mkdtemp(join(tmpdir(), 'crash-probe-'));
    const t0 = performance.now();
    const probe = await start({ ...env, MOCHI_GO_BRIDGE_CACHE: probeRoot, GOSUMDB: 'off' }, [
      'go',
      'download',
      '-j',
      '2',
      ...args,
    ]).done;
    const full = performance.now() - t0;
    expect(probe.code).toBe(0);
    const cache = await Cache.open(root);
    let killed = 0;
    for (let i = 0; i < 10; i++) {
      const r = await start(env, ['go', 'download', '-j', '2', ...args], Math.random() * full).done;
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code).toBe(0);
      await expectNothingCorruptPresent(cache);
    }
    expect(killed).toBeGreaterThan(0);
    const verify = await start(env, ['go', 'verify']).done;
    expect(verify.code).toBe(0);
    const rerun = await start(env, ['go', 'download', ...args]).done;
    expect(rerun.code).toBe(0);
    expect(await expectNothingCorruptPresent(cache)).toEqual({ complete: 20, incomplete: 0 });
  }, 180_000);
});
