// The cross-process lock file: one section at a time, leftovers of killed processes taken over, a live holder waited for.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { acquireFileLock, withFileLock } from '../../src/util/fileLock.js';

const dir = mkdtempSync(join(tmpdir(), 'mochi-filelock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const onTimeout = (owner: string) => new Error(`held by ${owner}`);

it('runs one section at a time and leaves no lock behind', async () => {
  const lock = join(dir, 'count.lock');
  const file = join(dir, 'count');
  writeFileSync(file, '0');
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 12 }, () =>
      withFileLock(
        lock,
        async () => {
          inside++;
          most = Math.max(most, inside);
          const n = Number(await readFile(file, 'utf8'));
          await new Promise((r) => setImmediate(r));
          await writeFile(file, String(n + 1));
          inside--;
        },
        { onTimeout },
      ),
    ),
  );
  expect([readFileSync(file, 'utf8'), most]).toEqual(['12', 1]);
  expect(readdirSync(dir).filter((f) => f.includes('.lock'))).toEqual([]);
});

it('takes over the lock of a process that is gone, or one untouched for longer than staleMs', async () => {
  const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
  const lock = join(dir, 'stale.lock');
  writeFileSync(lock, `${gone} 0123456789abcdef\n`);
  expect(await withFileLock(lock, async () => 'ran', { onTimeout })).toBe('ran');
  writeFileSync(lock, `${process.pid} live-but-old\n`);
  utimesSync(lock, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  expect(await withFileLock(lock, async () => 'ran', { onTimeout, staleMs: 60_000 })).toBe('ran');
  expect(readdirSync(dir).filter((f) => f.startsWith('stale'))).toEqual([]);
});

it('waits for a live holder, then fails with the caller error, leaving its lock alone', async () => {
  const lock = join(dir, 'live.lock');
  writeFileSync(lock, `${process.pid} someone-else\n`);
  let ran = false;
  const err = await withFileLock(
    lock,
    async () => {
      ran = true;
    },
    { onTimeout, waitMs: 50 },
  ).catch((e: unknown) => e);
  expect([ran, (err as Error).message]).toEqual([false, `held by ${process.pid} someone-else`]);
  expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} someone-else\n`);
});

it('with staleMs Infinity keeps waiting for a live holder however old its lock (a long sync)', async () => {
  const lock = join(dir, 'long.lock');
  writeFileSync(lock, `${process.pid} long-sync\n`);
  utimesSync(lock, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
  const err = await acquireFileLock(lock, { onTimeout, waitMs: 50, staleMs: Number.POSITIVE_INFINITY }).catch(
    (e: unknown) => e,
  );
  expect((err as Error).message).toBe(`held by ${process.pid} long-sync`);
  rmSync(lock);
  const release = await acquireFileLock(lock, { onTimeout, staleMs: Number.POSITIVE_INFINITY });
  expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
  await release();
  expect(readdirSync(dir).filter((f) => f.startsWith('long'))).toEqual([]);
});

it('takes over at once a FIFO, a /dev/zero link, a directory or a link loop left at the lock path', async () => {
  const d = mkdtempSync(join(tmpdir(), 'mochi-lock-kinds-'));
  const kinds: Record<string, (p: string) => Promise<unknown> | unknown> = {
    fifo: (p) => execFileSync('mkfifo', [p]),
    zero: (p) => symlink('/dev/zero', p),
    folder: (p) => mkdir(p),
    loop: async (p) => {
      await symlink(`${p}.b`, p);
      await symlink(p, `${p}.b`);
    },
  };
  try {
    for (const [kind, make] of Object.entries(kinds)) {
      const path = join(d, `${kind}.lock`);
      await make(path);
      const release = await acquireFileLock(path, {
        waitMs: 2_000,
        onTimeout: () => new Error(`${kind}: timed out`),
      });
      await release();
    }
    // Each lock path is free again; only the loop's other half, which no lock path names, is left.
    expect(readdirSync(d).sort()).toEqual(['loop.lock.b']);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}, 10_000);
