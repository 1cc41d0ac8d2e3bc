// The project's `python_wrap/<alias>/` folders: written by `lock` (atomically, only when bytes change), verified by `lock --check`.
import { readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isMochiAlias } from '../lock/identifier.js';
import { MANIFEST_FILE, SHIM_FILE } from '../python/wrapper/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { compareFile, isSymlink, pathExists } from '../util/read.js';
import { ProjectError } from './errors.js';

/** The folder, under the project root, that holds one sub-folder per Python import alias. */
export const WRAP_DIR = 'python_wrap';

/** One alias's wrapper folder: its files by name. */
export interface WrapperFolder {
  readonly alias: string;
  readonly files: ReadonlyMap<string, string>;
}

/** What `lock --check` found wrong with one wrapper file or folder. */
export interface WrapperFileProblem {
  readonly alias: string;
  /**
   * Path relative to the project root, `/`-separated: `python_wrap/<alias>/<file>`, or the folder
   * `python_wrap/<alias>` when the problem is `unused`.
   */
  readonly path: string;
  /**
   * `missing`: not on disk; `edited`: its bytes differ from what `lock` would write;
   * `line-endings`: they differ only in ending every line with CRLF (a checkout with git's
   * `core.autocrlf`), which is not drift: the declarations are the same; `unused`: the wrapper
   * folder of an alias no import binds any more, which `lock` removes.
   */
  readonly problem: 'missing' | 'edited' | 'line-endings' | 'unused';
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
  // Real folders only: a python_wrap or alias folder committed as a link could point anywhere, so
  // the link (only) is replaced, as `go mod vendor` does with `vendor`.
  if (await isSymlink(join(root, WRAP_DIR))) await unlink(join(root, WRAP_DIR));
  for (const f of folders) {
    const dir = folderOf(root, f.alias);
    if (await isSymlink(dir)) await unlink(dir);
    for (const [name, text] of f.files) {
      const bytes = Buffer.from(text, 'utf8');
      if ((await compareFile(join(dir, name), bytes)) === 'same') continue;
      await writeFileAtomic(join(dir, name), bytes, { mkdirs: true });
      written.push(`${WRAP_DIR}/${f.alias}/${name}`);
    }
  }
  for (const name of await unusedFolders(root, new Set(folders.map((f) => f.alias)))) {
    await rm(join(root, WRAP_DIR, name), { recursive: true, force: true });
    removed.push(`${WRAP_DIR}/${name}`);
  }
  return { written: written.sort(), removed };
}

/**
 * The folders under python_wrap/ of aliases not in `live` that are wrapper folders (they hold a
 * shim or a manifest; anything else is not ours), sorted: what `lock` removes.
 */
async function unusedFolders(root: string, live: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await subfolders(join(root, WRAP_DIR))).sort()) {
    if (live.has(name)) continue;
    const dir = join(root, WRAP_DIR, name);
    if (pathExists(join(dir, SHIM_FILE)) || pathExists(join(dir, MANIFEST_FILE))) out.push(name);
  }
  return out;
}

/**
 * Compares the wrapper files on disk with what `lock` would write: every file of every alias must
 * exist with exactly these bytes, or with these lines ended by CRLF (`line-endings`, not drift),
 * and no wrapper folder of an alias outside `imported` (default: the aliases of `folders`) may be
 * left, since `lock` would remove it (`unused`). Returns the problems sorted by path (empty when
 * all match).
 */
export async function checkWrapperFolders(
  root: string,
  folders: readonly WrapperFolder[],
  imported: ReadonlySet<string> = new Set(folders.map((f) => f.alias)),
): Promise<WrapperFileProblem[]> {
  const out: WrapperFileProblem[] = [];
  // What is below a linked folder is not what lock writes, whatever its bytes.
  const linked = await isSymlink(join(root, WRAP_DIR));
  for (const f of folders) {
    const dir = folderOf(root, f.alias);
    const elsewhere = linked || (await isSymlink(dir));
    for (const [name, text] of f.files) {
      const file = join(dir, name);
      const found = elsewhere ? 'different' : await compareFile(file, Buffer.from(text, 'utf8'));
      const path = `${WRAP_DIR}/${f.alias}/${name}`;
      if (found === 'absent') out.push({ alias: f.alias, path, problem: 'missing' });
      else if (found === 'different') {
        const crlf =
          text.includes('\n') &&
          (await compareFile(file, Buffer.from(text.replaceAll('\n', '\r\n'), 'utf8')));
        out.push({ alias: f.alias, path, problem: crlf === 'same' ? 'line-endings' : 'edited' });
      }
    }
  }
  // Below a linked python_wrap/ nothing is lock's: every file was reported above, and lock replaces the link.
  if (!linked) {
    for (const alias of await unusedFolders(root, imported))
      out.push({ alias, path: `${WRAP_DIR}/${alias}`, problem: 'unused' });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
