// Safe extraction of module zips (x/mod's Unzip): checked first, written to a temp folder, renamed into place.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
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

async function targetState(dir: string): Promise<'missing' | 'empty'> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') {
      throw new ModZipError('zip-target-not-empty', `target ${dir} exists and is not a directory`);
    }
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
): Promise<ExtractResult> {
  const target = resolve(dir);
  const state = await targetState(target);
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
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(
      dirname(target),
      `.tmp-${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}`,
    );
    await mkdir(tmp);
    try {
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
        const fh = await open(dst, 'wx', 0o444);
        try {
          if (body instanceof Uint8Array) await fh.writeFile(body);
          else for await (const chunk of body) await fh.write(chunk);
        } finally {
          await fh.close();
        }
      });
      if (state === 'empty') await rmdir(target);
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return { files: files.map((e) => e.nameBytes.subarray(prefixLen).toString('utf8')) };
  } finally {
    await archive.close();
  }
}
