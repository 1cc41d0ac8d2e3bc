// The project's `python_wrap/<alias>/` folders: written by `lock` (atomically, only when bytes change), verified by `lock --check`.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isMochiAlias } from '../lock/identifier.js';
import { MANIFEST_FILE, SHIM_FILE } from '../python/wrapper/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { FileReadError, readRegularFileIfExists } from '../util/read.js';
import { ProjectError } from './errors.js';

/** The folder, under the project root, that holds one sub-folder per Python import alias. */
export const WRAP_DIR = 'python_wrap';

/** One alias's wrapper folder: its files by name. */
export interface WrapperFolder {
  readonly alias: string;
  readonly files: ReadonlyMap<string, string>;
}

/** What `lock --check` found wrong with one wrapper file. */
export interface WrapperFileProblem {
  readonly alias: string;
  /** Path relative to the project root, `/`-separated: `python_wrap/<alias>/<file>`. */
  readonly path: string;
  /** `missing`: not on disk; `edited`: its bytes differ from what `lock` would write. */
  readonly problem: 'missing' | 'edited';
}

/** What {@link writeWrapperFolders} changed, as project-relative paths, sorted. */
export interface WrapperWriteResult {
  readonly written: readonly string[];
  readonly removed: readonly string[];
}

// Aliases come from the scanner as Mochi identifiers (letters, digits and `_`, Unicode included:
// never a `/`, `.` or NUL); the check keeps a folder name from ever leaving python_wrap/ whatever a
// caller passes.
function folderOf(root: string, alias: string): string {
  if (!isMochiAlias(alias)) {
    throw new ProjectError('project-import', `alias ${JSON.stringify(alias)} cannot name a wrapper folder`);
  }
  return join(root, WRAP_DIR, alias);
}

/**
 * The bytes at `path` when it is a regular file of at most `limit` bytes; undefined when it is
 * absent; `'other'` for anything else there (a FIFO, a device or a link to one, a directory, a
 * longer file), which is never what `lock` writes and is not read: a repository cannot make
 * `lock --check` wait on a pipe or read `/dev/zero` for ever.
 */
async function readIfExists(path: string, limit: number): Promise<Buffer | 'other' | undefined> {
  try {
    return await readRegularFileIfExists(path, { maxBytes: limit, what: 'wrapper file' });
  } catch (e) {
    if (e instanceof FileReadError && e.code !== 'file-unreadable') return 'other';
    throw e;
  }
}

/** Size cap of a file read only to see whether it is a wrapper folder's (a shim can be large). */
const ANY_WRAPPER_FILE = 256 << 20;

async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Writes every alias's wrapper files under `<root>/python_wrap/<alias>/`, each atomically and only
 * when its bytes change, then removes the folders of aliases that are no longer imported (a folder
 * counts as a wrapper folder when it holds a shim or a manifest; anything else is left alone).
 */
export async function writeWrapperFolders(
  root: string,
  folders: readonly WrapperFolder[],
): Promise<WrapperWriteResult> {
  const written: string[] = [];
  const removed: string[] = [];
  for (const f of folders) {
    const dir = folderOf(root, f.alias);
    for (const [name, text] of f.files) {
      const bytes = Buffer.from(text, 'utf8');
      const current = await readIfExists(join(dir, name), bytes.length);
      if (current !== undefined && current !== 'other' && current.equals(bytes)) continue;
      await writeFileAtomic(join(dir, name), bytes, { mkdirs: true });
      written.push(`${WRAP_DIR}/${f.alias}/${name}`);
    }
  }
  const live = new Set(folders.map((f) => f.alias));
  for (const name of (await subfolders(join(root, WRAP_DIR))).sort()) {
    if (live.has(name)) continue;
    const dir = join(root, WRAP_DIR, name);
    const ours =
      (await readIfExists(join(dir, SHIM_FILE), ANY_WRAPPER_FILE)) !== undefined ||
      (await readIfExists(join(dir, MANIFEST_FILE), ANY_WRAPPER_FILE)) !== undefined;
    if (!ours) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(`${WRAP_DIR}/${name}`);
  }
  return { written: written.sort(), removed };
}

/**
 * Compares the wrapper files on disk with what `lock` would write: every file of every alias must
 * exist with exactly these bytes. Returns the problems sorted by path (empty when all match).
 */
export async function checkWrapperFolders(
  root: string,
  folders: readonly WrapperFolder[],
): Promise<WrapperFileProblem[]> {
  const out: WrapperFileProblem[] = [];
  for (const f of folders) {
    const dir = folderOf(root, f.alias);
    for (const [name, text] of f.files) {
      const bytes = Buffer.from(text, 'utf8');
      const current = await readIfExists(join(dir, name), bytes.length);
      const path = `${WRAP_DIR}/${f.alias}/${name}`;
      if (current === undefined) out.push({ alias: f.alias, path, problem: 'missing' });
      else if (current === 'other' || !current.equals(bytes))
        out.push({ alias: f.alias, path, problem: 'edited' });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
