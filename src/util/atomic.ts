// Atomic files and directories: temp beside the target, fsync, rename — readers see all or nothing.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MochiPkgError } from '../errors.js';

/** System error codes of a write that failed because of the target, the disk or permissions. */
const WRITE_ERRNO: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a directory is in the way',
  ENOTDIR: 'a parent is not a directory',
  EEXIST: 'a file is in the way',
  ELOOP: 'a symbolic-link loop',
  EFBIG: 'the file is too large for the file system',
  EIO: 'an I/O error',
};

/**
 * A file could not be written (code `file-write`): the disk is full, the directory is read-only,
 * something of the wrong kind is in the way. Whatever was half-written has been removed.
 */
export class FileWriteError extends MochiPkgError {
  /** The system error code, e.g. `ENOSPC`. */
  readonly errno: string;
  readonly path: string;
  constructor(path: string, errno: string, cause?: unknown) {
    super('file-write', `cannot write ${path}: ${WRITE_ERRNO[errno] ?? errno} (${errno})`, {
      hint:
        errno === 'ENOSPC' || errno === 'EDQUOT'
          ? 'free some disk space (or choose another directory) and run the command again'
          : 'check the path and its permissions, then run the command again',
      cause,
    });
    this.errno = errno;
    this.path = path;
  }
}

/**
 * `e` as a {@link FileWriteError} when it is a system error of writing `path` (disk full, read-only,
 * permissions, wrong kind of file); any other error is returned unchanged.
 */
export function asWriteError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in WRITE_ERRNO && !(e instanceof MochiPkgError)
    ? new FileWriteError(path, code, e)
    : e;
}

/** Prefix of every temp file this module creates; cleaners may remove stale ones by it. */
export const TEMP_PREFIX = '.tmp-';

/**
 * Every temp path this process has named and may still hold (files and folders being written):
 * what {@link removeOwnTempsSync} removes when the process is interrupted. A path leaves the set
 * when it is renamed into place or removed ({@link releaseTemp}; the writers here and the removal
 * helpers do it), so a download of thousands of files pays no extra system call per file. A path
 * a caller forgets to release is gone from the disk anyway: past {@link PRUNE_AT} entries the set
 * is pruned of such paths, so a long-running process keeps only live ones.
 */
const ownTemps = new Set<string>();
const PRUNE_AT = 65_536;

/** A temp path beside `target`, unique per process and call. */
export function tempPathFor(target: string): string {
  const tmp = join(dirname(target), `${TEMP_PREFIX}${basename(target)}.${process.pid}.${nextTempSuffix()}`);
  if (ownTemps.size >= PRUNE_AT) {
    for (const p of ownTemps) if (!lstatSync(p, { throwIfNoEntry: false })) ownTemps.delete(p);
  }
  ownTemps.add(tmp);
  return tmp;
}

/** How many temp paths this process holds for {@link removeOwnTempsSync} (diagnostics, tests). */
export function tempsHeld(): number {
  return ownTemps.size;
}

/** `tmp` (from {@link tempPathFor}) was renamed into place or removed: nothing to clean up on a signal. */
export function releaseTemp(tmp: string): void {
  ownTemps.delete(tmp);
}

/**
 * Removes, synchronously, every temp file and folder this process is still writing: what a
 * command interrupted by SIGINT or SIGTERM does before it ends, so that no `.tmp-` file is left in
 * a cache or a project (targets are only ever replaced by a rename, so they hold
 * their old content or the new one). Returns how many were there.
 */
export function removeOwnTempsSync(): number {
  let removed = 0;
  for (const p of ownTemps) {
    if (lstatSync(p, { throwIfNoEntry: false })) {
      rmSync(p, { recursive: true, force: true });
      removed++;
    }
  }
  ownTemps.clear();
  return removed;
}

/** 48 bits: the random start of this process's temp suffixes (12 hex digits each). */
const TEMP_SUFFIX_SPACE = 2 ** 48;
let tempSuffixBase: number | undefined;
let tempSuffixCount = 0;

/**
 * The next 12-hex-digit temp suffix: a random start drawn once per process, then counted up, so
 * names never repeat within the process (and the process id tells processes apart) without
 * asking the random source on every write.
 */
function nextTempSuffix(): string {
  tempSuffixBase ??= randomBytes(6).readUIntBE(0, 6);
  const n = (tempSuffixBase + tempSuffixCount++) % TEMP_SUFFIX_SPACE;
  return n.toString(16).padStart(12, '0');
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
  let fh: FileHandle;
  try {
    fh = await openExclusive(tmp, options.mode ?? 0o644, options.mkdirs);
  } catch (e) {
    releaseTemp(tmp); // never created
    throw asWriteError(target, e);
  }
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
    releaseTemp(tmp);
  } catch (e) {
    await removeQuietly(tmp);
    throw asWriteError(target, e);
  }
}

/**
 * {@link writeFileAtomic} for small data, with synchronous system calls: the same temp file in the
 * same directory, the same rename, the same clean-up. A few small writes on the calling thread
 * cost less than handing each of open, write, close and rename to the thread pool and back.
 */
export function writeFileAtomicSync(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number; fsync?: boolean; mkdirs?: boolean } = {},
): void {
  const tmp = tempPathFor(target);
  writeTempFileSync(tmp, data, options, target);
  try {
    renameSync(tmp, target);
    releaseTemp(tmp);
  } catch (e) {
    removeQuietlySync(tmp);
    throw asWriteError(target, e);
  }
}

/**
 * The first half of {@link writeFileAtomicSync}: writes `data` to the new file `tmp` (created
 * exclusively, fsynced unless `fsync: false`), for a caller that publishes it its own way (e.g.
 * without replacing an existing target). On failure `tmp` is removed and a write error naming
 * `target` (default `tmp`) is thrown.
 */
export function writeTempFileSync(
  tmp: string,
  data: string | Uint8Array,
  options: { mode?: number; fsync?: boolean; mkdirs?: boolean } = {},
  target = tmp,
): void {
  let fd: number;
  try {
    fd = openExclusiveSync(tmp, options.mode ?? 0o644, options.mkdirs);
  } catch (e) {
    releaseTemp(tmp); // never created
    throw asWriteError(target, e);
  }
  try {
    try {
      writeFileSync(fd, data);
      if (options.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietlySync(tmp);
    throw asWriteError(target, e);
  }
}

function openExclusiveSync(path: string, mode: number, mkdirs = false): number {
  try {
    return openSync(path, 'wx', mode);
  } catch (e) {
    if (!mkdirs || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'wx', mode);
  }
}

/** Removes a temp file on an error path: the error being reported is the first one, not this. */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).then(
    () => releaseTemp(path),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') releaseTemp(path);
    },
  );
}

/** {@link removeQuietly} with a synchronous call. */
export function removeQuietlySync(path: string): void {
  try {
    unlinkSync(path);
    releaseTemp(path);
  } catch (e) {
    // the error being reported is the first one
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') releaseTemp(path);
  }
}

/**
 * Builds a directory atomically: `fill(tmp)` writes into a fresh, empty temp directory beside
 * `target` (named like {@link tempPathFor}), which is then renamed to `target`, so readers see the
 * whole directory or nothing. On any failure the temp directory is removed, `target` is untouched,
 * and the parent folders this call created for `target` are removed again (each only while empty,
 * so a folder another process filled in the meantime stays). When `target` exists by then (another
 * process published it first), `ifExists: 'keep'` keeps theirs and returns false; the default fails
 * with the rename's error.
 */
export async function writeDirAtomic(
  target: string,
  fill: (tmp: string) => Promise<void>,
  options: { ifExists?: 'fail' | 'keep' } = {},
): Promise<boolean> {
  const firstMade = await mkdir(dirname(target), { recursive: true });
  let published = false;
  try {
    const tmp = tempPathFor(target);
    await mkdir(tmp);
    try {
      await fill(tmp);
      try {
        await rename(tmp, target);
        published = true;
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (options.ifExists === 'keep' && (code === 'EEXIST' || code === 'ENOTEMPTY')) {
          published = true;
          return false;
        }
        throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
      releaseTemp(tmp);
    }
  } finally {
    if (!published && firstMade !== undefined) await removeEmptyParents(dirname(target), firstMade);
  }
}

/** Removes `dir` and its parents up to and including `top` while they are empty; stops at the first that is not. */
async function removeEmptyParents(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty (someone else's files) or already gone: leave it
    }
    if (d === top || dirname(d) === d) return;
  }
}

/**
 * How long a temp folder whose writer cannot be checked (its process id was reused) stays before
 * {@link sweepStaleTempDirs} takes it for a leftover: a day, far longer than any extraction.
 */
export const STALE_TEMP_DIR_MS = 24 * 60 * 60 * 1000;

/** Whether process `pid` runs on this machine (signal 0 probes it; EPERM means it runs as another user). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp folders {@link writeDirAtomic} left beside `target` when its process was killed
 * (`.tmp-<name>.<pid>.<random>`). A folder is stale when the process named in it no longer runs on
 * this machine, or when it was not modified for {@link STALE_TEMP_DIR_MS} (the id was reused); the
 * folder of a live writer is never touched. Returns how many were removed.
 */
export async function sweepStaleTempDirs(target: string, now: number = Date.now()): Promise<number> {
  const dir = dirname(target);
  const prefix = `${TEMP_PREFIX}${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no parent yet: nothing to sweep
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d{1,10})\.[0-9a-f]{12}$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const path = join(dir, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    const pid = Number(m[1]);
    if (processRuns(pid) && now - st.mtimeMs < STALE_TEMP_DIR_MS) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
