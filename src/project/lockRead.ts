// Reading mochi.lock from a project folder: one reader for every command, light to import (no lock flow, no stub builds).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LockfileError, MAX_LOCK_BYTES } from '../lock/errors.js';
import { FileReadError, readRegularFileIfExists } from '../util/read.js';
import { LockMissingError } from './errors.js';
import { type Lock, parseLock } from './lockdoc.js';
import { LOCK_FILE } from './lockFile.js';

export { LOCK_FILE };

/**
 * The bytes of `<root>/mochi.lock`, or undefined when there is none. The lock must be a regular
 * file (after following links) of at most {@link MAX_LOCK_BYTES} bytes, enforced while reading.
 *
 * @throws {LockfileError} `lockfile-too-large`; {@link FileReadError} `file-not-regular` /
 *   `file-unreadable` for a directory, FIFO, device, link loop or unreadable file.
 */
export async function readLock(root: string): Promise<Buffer | undefined> {
  const path = join(root, LOCK_FILE);
  try {
    return await readRegularFileIfExists(path, { maxBytes: MAX_LOCK_BYTES, what: 'lock file' });
  } catch (e) {
    if (e instanceof FileReadError && e.code === 'file-too-large') {
      throw new LockfileError(
        'lockfile-too-large',
        `${path}: larger than ${MAX_LOCK_BYTES} bytes`,
        {},
        {
          hint: 'a lock of this size is not one mochi-pkg wrote; delete it and run `mochi-pkg lock`',
          cause: e,
        },
      );
    }
    throw e;
  }
}

/**
 * The project's `mochi.lock`, read with {@link readLock} and parsed: what the commands that start
 * from the lock alone (`tree`, `outdated`, `sync`) read first.
 *
 * @throws {LockMissingError} (`lock-missing`) when there is none; {@link LockfileError} when it
 *   cannot be read or parsed.
 */
export async function readProjectLock(root: string): Promise<Lock> {
  const path = join(root, LOCK_FILE);
  const bytes = await readLock(root);
  if (bytes === undefined) throw new LockMissingError(path);
  return parseLock(bytes, { fileName: path });
}

/** The inverse of `projectIndexUrl` (lock.ts): `./dir/` back to a `file://` URL under `root`. */
export function absoluteIndexUrl(indexUrl: string, root: string): string {
  return indexUrl.startsWith('./')
    ? new URL(indexUrl.slice(2), pathToFileURL(join(root, '/'))).href
    : indexUrl;
}

/**
 * The index and targets a lock was made with, as far as it records them: the targets of its
 * `[[python-distribution]]` tables (sorted), and the one index its `registry` imports came from
 * (those `pinned` to a named index left out; none when they came from several). `lock` flags are
 * not kept anywhere else, so `sync` checks the lock with these where the settings say nothing.
 */
export function lockDefaults(
  lock: Lock,
  root: string,
  pinned: ReadonlyMap<string, string>,
): { indexUrl?: string; targets?: string[] } {
  const dists = lock.distributions ?? [];
  const targets = [...new Set(dists.flatMap((d) => d.targets))].sort();
  const byName = new Map(dists.map((d) => [d.name, d]));
  const indexes = new Set<string>();
  for (const e of lock.python.entries) {
    if (e.source !== 'registry' || pinned.has(e.name)) continue;
    const d = byName.get(e.name);
    if (d !== undefined) indexes.add(absoluteIndexUrl(d.indexUrl, root));
  }
  return {
    ...(indexes.size === 1 ? { indexUrl: [...indexes][0]! } : {}),
    ...(targets.length > 0 ? { targets } : {}),
  };
}
