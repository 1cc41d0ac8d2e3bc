// Atomic files and directories: temp beside the target, fsync, rename — readers see all or nothing.
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Prefix of every temp file this module creates; cleaners may remove stale ones by it. */
export const TEMP_PREFIX = '.tmp-';

/** A temp path beside `target`, unique per process and call. */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${TEMP_PREFIX}${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}`,
  );
}

/**
 * Creates `path` exclusively (`wx`) for writing. With `mkdirs`, missing parent directories are
 * created — only after the open found them missing, so the common case costs one system call
 * instead of a recursive mkdir per file.
 */
export async function openExclusive(path: string, mode: number, mkdirs = false): Promise<FileHandle> {
  try {
    return await open(path, 'wx', mode);
  } catch (e) {
    if (!mkdirs || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(dirname(path), { recursive: true });
    return open(path, 'wx', mode);
  }
}

/**
 * Writes `data` to `target` atomically: the bytes go to a temp file in the same directory, are
 * fsynced, and the temp file is renamed over `target`. On any failure the temp file is removed and
 * `target` is untouched. `data` may be bytes, a string (utf-8) or an async iterable of chunks.
 * `fsync: false` skips the fsync (for files that can be regenerated); `mkdirs` creates missing
 * parent directories.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | AsyncIterable<Uint8Array>,
  options: { mode?: number; fsync?: boolean; mkdirs?: boolean } = {},
): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await openExclusive(tmp, options.mode ?? 0o644, options.mkdirs);
  try {
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) {
        await fh.writeFile(data);
      } else {
        for await (const chunk of data) await fh.write(chunk);
      }
      // Without fsync the rename is still atomic for readers and crashes of the process; only a
      // power loss may leave an empty file. Callers opt out only for data they can regenerate.
      if (options.fsync !== false) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Builds a directory atomically: `fill(tmp)` writes into a fresh, empty temp directory beside
 * `target` (named like {@link tempPathFor}), which is then renamed to `target`, so readers see the
 * whole directory or nothing. On any failure the temp directory is removed and `target` is
 * untouched. When `target` exists by then (another process published it first), `ifExists: 'keep'`
 * keeps theirs and returns false; the default fails with the rename's error.
 */
export async function writeDirAtomic(
  target: string,
  fill: (tmp: string) => Promise<void>,
  options: { ifExists?: 'fail' | 'keep' } = {},
): Promise<boolean> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  await mkdir(tmp);
  try {
    await fill(tmp);
    try {
      await rename(tmp, target);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (options.ifExists === 'keep' && (code === 'EEXIST' || code === 'ENOTEMPTY')) return false;
      throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
