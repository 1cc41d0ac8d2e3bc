// Fuzz family "lock files": random bytes and mutations of valid locks, through the reader and through `lock`.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { renderLockHeader } from '../../src/lock/render.js';
import { compareLocks, parseLock, renderLock } from '../../src/project/index.js';
import { arbGoManifest } from '../go/lockfile/arbitraries.js';
import { cleanup, goProject } from '../hardening/support.js';
import { manifest as arbPythonManifest } from '../python/lockfile/arbitraries.js';
import { codedOrCorrect, counts, leftovers, mutated, runs, tally } from './support.js';

afterAll(async () => {
  console.log(`fuzz lock files: ${JSON.stringify(Object.fromEntries(counts))}`);
  await cleanup();
});

const validLock = fc
  .tuple(arbPythonManifest, arbGoManifest)
  .filter(([py, go]) => {
    const a = new Set(py.entries.map((e) => e.alias));
    return go.entries.every((e) => e.aliases.every((x) => !a.has(x)));
  })
  .map(([python, go]) => new Uint8Array(Buffer.from(renderLock({ python, go }), 'utf8')));

const hostileLock = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 4, arbitrary: mutated(validLock) },
);

/** A parse either fails with a coded error, or gives a lock that renders and re-reads to itself. */
function roundTrips(bytes: Uint8Array) {
  return codedOrCorrect(
    () => parseLock(bytes),
    (lock) => {
      const again = parseLock(renderLock(lock));
      expect(compareLocks(lock, again)).toEqual([]);
    },
  );
}

describe('fuzz: lock files', () => {
  it('valid locks read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(validLock, async (bytes) => {
        tally('lock:valid');
        expect(await roundTrips(bytes)).toBe('ok');
      }),
      runs(100),
    );
  });

  it('random bytes and mutations: a coded error or a lock that round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(hostileLock, async (bytes) => {
        tally('lock:hostile');
        await roundTrips(bytes);
      }),
      runs(400),
    );
  });

  it('`lock` and `lock --check` over a hostile mochi.lock: exit 1 or 2 with error[code], the lock unchanged, no temp file', async () => {
    const p = await goProject({ 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' });
    const lockPath = join(p.root, 'mochi.lock');
    expect((await p.lock()).code).toBe(0);
    const good = new Uint8Array(await readFile(lockPath));
    await fc.assert(
      fc.asyncProperty(mutated(fc.constant(good)), fc.boolean(), async (bytes, check) => {
        tally('lock:cli');
        await writeFile(lockPath, bytes);
        const r = await p.lock(...(check ? ['--check'] : []));
        expect(r.err).not.toMatch(/internal error|error\[internal\]/);
        if (r.code !== 0) {
          expect([1, 2]).toContain(r.code);
          expect(r.err).toMatch(/error\[[a-z0-9-]+\]/);
          expect(Buffer.compare(await readFile(lockPath), bytes)).toBe(0);
        }
        expect(await leftovers(p.root)).toEqual([]);
      }),
      runs(25),
    );
  });
  it('a lock emptied to its header: `lock --check` exits 1 with error[lockfile-drift] and leaves it as it was', async () => {
    const p = await goProject({ 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' });
    const lockPath = join(p.root, 'mochi.lock');
    expect((await p.lock()).code).toBe(0);
    const header = renderLockHeader();
    await writeFile(lockPath, header);
    const r = await p.lock('--check');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[lockfile-drift\]: mochi\.lock is out of date$/m);
    expect(await readFile(lockPath, 'utf8')).toBe(header);
  });
});
