// Safe reads of files named by a project or a user: regular files only, a size cap enforced while reading.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, lstat, open, stat } from 'node:fs/promises';
import { MochiPkgError } from '../errors.js';

/**
 * Codes of {@link FileReadError}:
 * - `file-not-regular`: the path (after following links) is a directory, FIFO, socket or device.
 * - `file-too-large`: more bytes than the caller's cap (checked while reading, not only by stat,
 *   so a file that grows or lies about its size cannot exhaust memory).
 * - `file-unreadable`: the file exists but cannot be opened or read (permissions, a symbolic-link
 *   loop, an I/O error).
 */
export type FileReadErrorCode = 'file-not-regular' | 'file-too-large' | 'file-unreadable';

/** A file the tool was told to read is not one it can read safely. */
export class FileReadError extends MochiPkgError {
  declare readonly code: FileReadErrorCode;
  /** The path as given. */
  readonly path: string;
  constructor(code: FileReadErrorCode, path: string, message: string, hint?: string, cause?: unknown) {
    super(code, message, {
      ...(hint === undefined ? {} : { hint }),
      ...(cause === undefined ? {} : { cause }),
    });
    this.path = path;
  }
}

/**
 * True when a file-system error says the path is not there: `ENOENT`, or `ENOTDIR` (a parent on
 * the path is a file, so nothing can exist below it). Every "does it exist" probe uses this one rule.
 */
export function isAbsent(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * True when `path` exists (any kind of file, links followed); false when it is absent by
 * {@link isAbsent}; other errors (`EACCES`, `ELOOP`…) are thrown. Synchronous: one stat costs less
 * than a thread-pool round trip.
 */
export function pathExists(path: string): boolean {
  return statIfExistsSync(path) !== undefined;
}

/**
 * The stats of `path` (links followed), or undefined when it is absent by {@link isAbsent}; other
 * errors (`EACCES`, `ELOOP`…) are thrown. For "is it a directory" checks of paths a user names.
 */
export async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

/** {@link statIfExists}, synchronously. */
export function statIfExistsSync(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

/**
 * True when `path` itself is a symbolic link (not followed); false when it is absent by
 * {@link isAbsent} or anything else. Folders a command writes are checked with it, since a link
 * committed in their place would have the writes land wherever it points.
 */
export async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch (e) {
    if (isAbsent(e)) return false;
    throw e;
  }
}

/** Options of {@link readRegularFile}. */
export interface SafeReadOptions {
  /** Largest accepted content, in bytes. */
  readonly maxBytes: number;
  /** What the file is, for messages (`mochi.lock`, `go.mod`, `netrc file`). Default `file`. */
  readonly what?: string;
}

/** What kind of file `st` describes, for messages: `a regular file`, `a named pipe (FIFO)`, … */
export function kindOf(st: {
  isFile(): boolean;
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isFile()) return 'a regular file';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function openFailure(path: string, what: string, e: NodeJS.ErrnoException): FileReadError {
  const why =
    e.code === 'ELOOP'
      ? 'a symbolic-link loop'
      : e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'ENOTDIR'
          ? 'a parent is not a directory'
          : e.code === 'ENOENT'
            ? 'no such file'
            : (e.code ?? e.message);
  return new FileReadError(
    'file-unreadable',
    path,
    `${path}: cannot read the ${what} (${why})`,
    undefined,
    e,
  );
}

/**
 * Opens `path` for reading and checks that it is a regular file after following links. The open
 * is non-blocking, so a FIFO cannot hang the process waiting for a writer; a FIFO, socket, device
 * or directory is refused before any byte is read.
 *
 * @throws {FileReadError} `file-not-regular` / `file-unreadable`; an `ENOENT` or `ENOTDIR` open
 *   error is rethrown as is (callers decide whether a missing file is normal).
 */
export async function openRegularFile(
  path: string,
  what = 'file',
): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (isAbsent(err)) throw e;
    throw openFailure(path, what, err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new FileReadError(
        'file-not-regular',
        path,
        `${path}: the ${what} is ${kindOf(st)}, not a regular file`,
        'point the tool at a regular file',
      );
    }
    return { handle, size: st.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Reads a whole regular file, refusing it as soon as it holds more than `maxBytes` bytes (whatever
 * stat said). A missing file rejects with the original `ENOENT` error.
 *
 * @example
 * ```ts
 * const bytes = await readRegularFile('mochi.lock', { maxBytes: 32 << 20, what: 'lock file' });
 * ```
 * @throws {FileReadError} `file-not-regular`, `file-too-large`, `file-unreadable`.
 */
export async function readRegularFile(path: string, options: SafeReadOptions): Promise<Buffer> {
  const what = options.what ?? 'file';
  const { handle, size } = await openRegularFile(path, what);
  const tooLarge = () =>
    new FileReadError(
      'file-too-large',
      path,
      `${path}: the ${what} is larger than ${options.maxBytes} bytes`,
      `a ${what} of this size is not expected; check what the path points to`,
    );
  try {
    if (size > options.maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    // Read one byte past the cap at most: a file that grew after stat is still refused.
    for (;;) {
      const want = Math.min(1 << 20, options.maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(Math.max(want, 1));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buf, 0, buf.length, null));
      } catch (e) {
        throw openFailure(path, what, e as NodeJS.ErrnoException);
      }
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) throw tooLarge();
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** {@link readRegularFile}, or undefined when `path` does not exist (`ENOENT`, `ENOTDIR`). */
export async function readRegularFileIfExists(
  path: string,
  options: SafeReadOptions,
): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(path, options);
  } catch (e) {
    if (isAbsent(e)) return undefined;
    throw e;
  }
}

/**
 * Whether the file at `path` holds exactly `expected`, for a tool that writes the file and checks
 * it: `same`, `absent`, or `different` — other bytes, or something that is not a regular file (a
 * FIFO, a device or a link to one, a directory), which is not read: a repository cannot make a
 * check wait on a pipe or read `/dev/zero` for ever. At most `expected.length + 1` bytes are read.
 *
 * @throws {FileReadError} `file-unreadable` (permissions, a symbolic-link loop).
 */
export async function compareFile(
  path: string,
  expected: Uint8Array,
): Promise<'same' | 'absent' | 'different'> {
  try {
    return verdict(expected, await readRegularFileIfExists(path, { maxBytes: expected.length }));
  } catch (e) {
    if (notComparable(e)) return 'different';
    throw e;
  }
}

/** {@link compareFile} with synchronous calls (for many small files compared in a row). */
export function compareFileSync(path: string, expected: Uint8Array): 'same' | 'absent' | 'different' {
  try {
    return verdict(expected, readRegularFileIfExistsSync(path, { maxBytes: expected.length }));
  } catch (e) {
    if (notComparable(e)) return 'different';
    throw e;
  }
}

function verdict(expected: Uint8Array, have: Buffer | undefined): 'same' | 'absent' | 'different' {
  if (have === undefined) return 'absent';
  return have.equals(expected) ? 'same' : 'different';
}

/** A read refused because of what is there (not a regular file, too long): it differs. */
function notComparable(e: unknown): boolean {
  return e instanceof FileReadError && e.code !== 'file-unreadable';
}

/**
 * {@link readRegularFileIfExists} with synchronous calls, for small local files read in bulk (a
 * cache's sidecars): on the calling thread they cost less than the thread-pool round trips of
 * fs/promises. Same checks: opened non-blocking, regular files only, at most `maxBytes` bytes.
 */
export function readRegularFileIfExistsSync(path: string, options: SafeReadOptions): Buffer | undefined {
  const what = options.what ?? 'file';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (isAbsent(err)) return undefined;
    throw openFailure(path, what, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new FileReadError(
        'file-not-regular',
        path,
        `${path}: the ${what} is ${kindOf(st)}, not a regular file`,
        'point the tool at a regular file',
      );
    }
    const tooLarge = () =>
      new FileReadError(
        'file-too-large',
        path,
        `${path}: the ${what} is larger than ${options.maxBytes} bytes`,
        `a ${what} of this size is not expected; check what the path points to`,
      );
    if (st.size > options.maxBytes) throw tooLarge();
    // Read one byte past the cap at most: a file that grew after stat is still refused.
    const buf = Buffer.allocUnsafe(options.maxBytes + 1);
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, total, buf.length - total, null);
      } catch (e) {
        throw openFailure(path, what, e as NodeJS.ErrnoException);
      }
      if (n === 0) break;
      total += n;
      if (total > options.maxBytes) throw tooLarge();
    }
    return buf.subarray(0, total);
  } finally {
    closeSync(fd);
  }
}
