// Publishing a finished temp file under its final name without ever replacing what is there.
import { linkSync, renameSync, unlinkSync } from 'node:fs';
import { link, rename, unlink } from 'node:fs/promises';
import { releaseTemp } from '../../util/atomic.js';
import { pathExists } from '../../util/read.js';

/** Error codes meaning "this filesystem cannot hard-link"; then we fall back to rename. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Moves `tmp` to `target` unless `target` already exists, atomically: `link(2)` fails with EEXIST
 * instead of overwriting, so a published file is never replaced by a racing writer — the property
 * the cache's crash and concurrency guarantees rest on. The temp file is gone afterwards either way.
 * On filesystems without hard links it falls back to check-then-rename (a race there can only
 * replace a file with one that was verified as well).
 *
 * @returns `'published'` when `tmp` became `target`, `'exists'` when `target` was already there.
 */
export async function publishNoReplace(tmp: string, target: string): Promise<'published' | 'exists'> {
  try {
    await link(tmp, target);
    return 'published';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return 'exists';
    if (!NO_LINKS.has(code)) throw e;
    if (pathExists(target)) return 'exists';
    await rename(tmp, target);
    return 'published';
  } finally {
    await unlink(tmp).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    releaseTemp(tmp);
  }
}

/**
 * {@link publishNoReplace} with synchronous calls (link, unlink; the cache's own publishing): two
 * metadata calls cost less on the calling thread than two thread-pool round trips.
 */
export function publishNoReplaceSync(tmp: string, target: string): 'published' | 'exists' {
  let outcome: 'published' | 'exists';
  try {
    outcome = linkOrRenameSync(tmp, target);
  } catch (e) {
    removeTempSync(tmp);
    throw e;
  }
  removeTempSync(tmp);
  return outcome;
}

function linkOrRenameSync(tmp: string, target: string): 'published' | 'exists' {
  try {
    linkSync(tmp, target);
    return 'published';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return 'exists';
    if (!NO_LINKS.has(code)) throw e;
    if (pathExists(target)) return 'exists';
    renameSync(tmp, target);
    return 'published';
  }
}

/** Removes the temp file (gone already after a rename). */
function removeTempSync(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  releaseTemp(tmp);
}
