// Safe extraction of module zips (x/mod's Unzip): checked first, written to a temp folder, renamed into place.
import type { Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, readlink, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { asWriteError, sweepStaleTempDirs, writeDirAtomic } from '../../util/atomic.js';
import { isAbsent, kindOf } from '../../util/read.js';
import { openZip, readEntries, type ZipEntry } from '../../util/zip.js';
import {
  checkArchive,
  checkedFilesError,
  checkModuleVersion,
  MAX_ZIP_FILE,
  type ModuleVersion,
} from './check.js';
import { ModZipError } from './errors.js';

/** What {@link extract} returns. */
export interface ExtractResult {
  /** Paths written, relative to the target directory, in zip order. */
  readonly files: readonly string[];
}

/**
 * The nearest ancestor of `path` that exists, with its stats after following links (a parent that
 * links to a directory is fine), or its own stats when it is a dangling link.
 */
async function existingAncestor(path: string): Promise<{ path: string; st: Stats }> {
  for (let p = dirname(path); ; p = dirname(p)) {
    const st = (await stat(p).catch(() => undefined)) ?? (await lstat(p).catch(() => undefined));
    if (st !== undefined || dirname(p) === p) return { path: p, st: st ?? (await stat(p)) };
  }
}

/**
 * Whether the extraction target is missing or an empty directory. A symbolic link (to a folder or
 * dangling) is refused — following it would write somewhere the user did not name — and so is a
 * path under a file, named with the file that is in the way.
 */
async function targetState(dir: string): Promise<'missing' | 'empty'> {
  let st: Stats;
  try {
    st = await lstat(dir);
  } catch (e) {
    if (!isAbsent(e)) {
      throw new ModZipError('zip-io', `cannot read target ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const up = await existingAncestor(dir);
    if (up.st.isDirectory()) return 'missing';
    const dangling = up.st.isSymbolicLink() ? ' to nothing' : '';
    throw new ModZipError(
      'zip-target-invalid',
      `cannot extract into ${dir}: ${up.path} is ${kindOf(up.st)}${dangling}, not a directory`,
      { hint: 'choose a target whose parent folders are directories', cause: e },
    );
  }
  if (st.isSymbolicLink()) {
    const to = await readlink(dir).catch(() => '?');
    throw new ModZipError(
      'zip-target-invalid',
      `target ${dir} is a symbolic link (to ${JSON.stringify(to)}); extraction does not write through links`,
      { hint: 'give the real directory path, or a new path' },
    );
  }
  if (!st.isDirectory()) {
    throw new ModZipError(
      'zip-target-not-empty',
      `target ${dir} exists and is ${kindOf(st)}, not a directory`,
      {
        hint: 'extract into a new or empty directory',
      },
    );
  }
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    throw new ModZipError('zip-io', `cannot read target directory ${dir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (entries.length > 0) {
    throw new ModZipError('zip-target-not-empty', `target directory ${dir} exists and is not empty`, {
      hint: 'extract into a new or empty directory',
    });
  }
  return 'empty';
}

/** The file system calls {@link extract} writes with; tests inject faults (a full disk) here. */
export interface ExtractFs {
  /** Creates a file exclusively (`open(path, 'wx', mode)`). */
  readonly createFile: (path: string, mode: number) => Promise<FileHandle>;
}

const realFs: ExtractFs = { createFile: (path, mode) => open(path, 'wx', mode) };

/**
 * x/mod's `Unzip`: extracts the module zip `zip` (a path or bytes) for module `m` into `dir`,
 * which must be missing or empty. The whole zip is checked first (`checkZip` rules: prefix, clean
 * and valid paths, no collisions, go.mod placement, size limits); then every body is checked while
 * it inflates (declared size, CRC-32), so a zip bomb stops at its declared size. Nothing escapes
 * `dir`, no symbolic link is ever created, and files are read-only (0444) as Go leaves them.
 * Unlike x/mod, a failure leaves nothing behind: files go to a temporary sibling folder that is
 * renamed to `dir` only when every file is written.
 */
export async function extract(
  zip: string | Uint8Array,
  m: ModuleVersion,
  dir: string,
  options: { fs?: ExtractFs } = {},
): Promise<ExtractResult> {
  const fs = options.fs ?? realFs;
  const target = resolve(dir);
  const state = await targetState(target);
  await sweepStaleTempDirs(target);
  checkModuleVersion(m);
  const label = typeof zip === 'string' ? zip : '<zip bytes>';
  const size = typeof zip === 'string' ? (await stat(zip).catch(() => ({ size: 0 }))).size : zip.byteLength;
  if (size > MAX_ZIP_FILE) {
    throw new ModZipError(
      'zip-too-large',
      `${label}: module zip file is too large (${size} bytes; limit is ${MAX_ZIP_FILE} bytes)`,
    );
  }
  const archive = await openZip(zip);
  try {
    const cf = checkArchive(m, archive);
    const err = checkedFilesError(cf, `unzip ${label}`);
    if (err) throw err;
    const prefixLen = Buffer.byteLength(`${m.path}@${m.version}/`);
    const files: ZipEntry[] = archive.entries.filter((e) => {
      const rest = e.nameBytes.length - prefixLen;
      return rest > 0 && e.nameBytes[e.nameBytes.length - 1] !== 0x2f;
    });
    const fill = async (tmp: string): Promise<void> => {
      const made = new Set<string>([tmp]);
      await readEntries(archive, files, async (e, body) => {
        const rel = e.nameBytes.subarray(prefixLen).toString('utf8');
        const dst = resolve(tmp, rel);
        // checkArchive already refused unclean and absolute paths; this guards the guard.
        if (!dst.startsWith(tmp + sep)) {
          throw new ModZipError(
            'zip-bad-name',
            `${label}: entry ${JSON.stringify(e.name)} escapes the target`,
          );
        }
        const parent = dirname(dst);
        if (!made.has(parent)) {
          await mkdir(parent, { recursive: true });
          made.add(parent);
        }
        const fh = await fs.createFile(dst, 0o444);
        try {
          if (body instanceof Uint8Array) await fh.writeFile(body);
          else for await (const chunk of body) await fh.write(chunk);
        } finally {
          await fh.close();
        }
      });
      if (state === 'empty') await rmdir(target);
    };
    try {
      await writeDirAtomic(target, fill);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        // Another process published the target between the check and the rename.
        throw new ModZipError(
          'zip-target-not-empty',
          `target directory ${dir} was filled by another process meanwhile`,
          {
            hint: 'extract into a new or empty directory',
            cause: e,
          },
        );
      }
      throw asWriteError(dir, e);
    }
    return { files: files.map((e) => e.nameBytes.subarray(prefixLen).toString('utf8')) };
  } finally {
    await archive.close();
  }
}
