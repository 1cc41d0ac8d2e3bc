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
