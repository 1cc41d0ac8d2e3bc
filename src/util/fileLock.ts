// A cross-process lock on a path, held for a short critical section (read, compare, replace a small file).
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { processRuns } from './atomic.js';
import { FileReadError, readRegularFileIfExists } from './read.js';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Longest wait for the lock before `onTimeout` is thrown (ms). Default 60 s. */
  readonly waitMs?: number;
  /**
   * A lock file untouched this long is a leftover even when its pid runs (the pid was reused):
   * the section it guards takes milliseconds. Default 30 s; `Infinity` for a lock held through a
   * long operation, which only a dead owner gives up.
   */
  readonly staleMs?: number;
  /** Longest pause between two attempts (ms): polling starts at 2 ms and backs off to this. Default 25. */
  readonly maxPollMs?: number;
  /** The error thrown when the lock cannot be taken within `waitMs`. */
  readonly onTimeout: (owner: string) => Error;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What {@link readLock} answers for something at the lock path that no holder wrote: a FIFO, a
 * device or a link to one, a directory, a link loop, a file too long to be a lock or that cannot
 * be read. It names no live process, so the lock is taken over at once.
 */
const NOT_A_LOCK = '\0not a lock';

/**
 * The content of the lock file at `path`, or undefined when none is there. Only a small regular
 * file is read: the path may be in a project a repository supplies, and a FIFO there would
 * otherwise hang every sync.
 */
async function readLock(path: string): Promise<string | undefined> {
  try {
    return (await readRegularFileIfExists(path, { maxBytes: 4096, what: 'lock file' }))?.toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError) return NOT_A_LOCK;
    throw e;
  }
}

/**
 * Runs `fn` while holding the lock file `path`, so that no other process using the same lock runs
 * its section at the same time (see {@link acquireFileLock}).
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, o: FileLockOptions): Promise<T> {
  const release = await acquireFileLock(path, o);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * Takes the lock file `path` (created exclusively, holding `<pid> <random>`) and returns the
 * function that releases it. Node has no `flock`; a lock left by a killed process is recognised by
 * its pid no longer running, or by its age, and taken over (by renaming it aside and checking it
 * was the one seen, so a live lock that replaced it in between is put back). Release removes the
 * lock only if it is still ours.
 */
export async function acquireFileLock(path: string, o: FileLockOptions): Promise<() => Promise<void>> {
  const waitMs = o.waitMs ?? 60_000;
  const staleMs = o.staleMs ?? 30_000;
  const maxPollMs = o.maxPollMs ?? 25;
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + waitMs;
  await mkdir(dirname(path), { recursive: true });
  for (let spin = 0; ; spin++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(token);
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The folder was removed meanwhile (a failed first sync takes back the folders it made).
      if (code === 'ENOENT') {
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw e;
    }
    const owner = await readLock(path);
    if (owner === undefined) continue; // released between our attempt and the read
    const pid = Number.parseInt(owner, 10);
    const age = await stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // An empty file is a lock being written (open, then write): only its age makes it stale.
    const dead = owner !== '' && (!Number.isInteger(pid) || pid <= 0 || !processRuns(pid));
    if (dead || age > staleMs) {
      await takeOver(path, owner);
      continue;
    }
    if (Date.now() >= deadline) throw o.onTimeout(owner.trim());
    // Poll fast at first, then back off.
    await sleep(Math.min(2 + spin, maxPollMs));
  }
  return async () => {
    if ((await readLock(path)) === token) await unlink(path).catch(() => {});
  };
}

/** Removes the stale lock `path` whose content was `seen`; a different (live) lock found there is put back. */
async function takeOver(path: string, seen: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const got = (await readLock(aside)) ?? seen;
  if (got !== seen) {
    // Someone took the lock after we looked: restore it unless yet another lock is there now.
    await link(aside, path).catch(() => {});
  }
  // A directory someone left at the lock path goes too (unlink cannot remove it).
  await rm(aside, { recursive: true, force: true }).catch(() => {});
}
