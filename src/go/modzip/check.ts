// Module-zip rules of golang.org/x/mod/zip: CheckFiles, CheckDir, CheckZip, with x/mod's messages.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isMochiPkgError } from '../../errors.js';
import { MAX_ZIP_FILE, openZip, type ZipArchive, type ZipLimits } from '../../util/zip.js';
import type { FileContent } from '../dirhash/index.js';
import { canonicalVersion, checkFilePath, check as checkModule } from '../module/index.js';
import { type FileError, ModZipError } from './errors.js';
import { foldKey } from './fold.js';

/** x/mod's MaxGoMod and MaxLICENSE: 16 MiB each. */
export const MAX_GO_MOD = 16 * 1024 * 1024;
export const MAX_LICENSE = 16 * 1024 * 1024;
export { MAX_ZIP_FILE };

/** A module path and version (x/mod's `module.Version`). */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/** A file offered for a module zip (x/mod's `zip.File`): its slash path, what it is, its size, its content. */
export interface ModuleFile {
  /** Slash-separated path relative to the module root. */
  readonly path: string;
  /** What lstat says it is: a symbolic link is never followed. */
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  /** Size in bytes as lstat reports it; the content must not be larger. */
  readonly size: number;
  /**
   * False for a file whose name on disk, or a parent folder's, is not UTF-8 (its `path` shows
   * U+FFFD for those bytes): x/mod's CheckFilePath refuses it. Absent means true.
   */
  readonly nameIsUtf8?: boolean;
  open(): FileContent | Promise<FileContent>;
}

/**
 * The result of a check (x/mod's `CheckedFiles`): every file lands in exactly one of `valid`,
 * `omitted` (left out of a zip on purpose: VCS folders, vendored packages, nested modules, links)
 * and `invalid` (breaks a rule). `sizeError` is set when a size limit is exceeded.
 */
export interface CheckedFiles {
  readonly valid: string[];
  readonly omitted: FileError[];
  readonly invalid: FileError[];
  readonly sizeError?: string;
}

/**
 * The error a CheckedFiles stands for, as x/mod's `CheckedFiles.Err`: `zip-too-large` for a size
 * error, `zip-invalid` (listing the files) for invalid files, `undefined` when the files are valid.
 */
export function checkedFilesError(cf: CheckedFiles, label: string): ModZipError | undefined {
  if (cf.sizeError !== undefined) return new ModZipError('zip-too-large', `${label}: ${cf.sizeError}`);
  if (cf.invalid.length > 0) {
    const list = cf.invalid.map((f) => `${f.path}: ${f.reason}`).join('\n');
    return new ModZipError('zip-invalid', `${label}: ${cf.invalid.length} invalid file(s):\n${list}`, {
      files: cf.invalid,
      hint: 'rename or remove the files listed; module zips hold only portable, clean file paths',
    });
  }
  return undefined;
}

const ERR = {
  notClean: 'file path is not clean',
  notRelative: 'file path is not relative',
  goModCase: 'go.mod files must have lowercase names',
  goModSize: `go.mod file too large (max size is ${MAX_GO_MOD} bytes)`,
  licenseSize: `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`,
  vcs: 'directory is a version control repository',
  vendored: 'file is in vendor directory',
  submoduleFile: 'file is in another module',
  submoduleDir: 'directory is in another module',
  hgArchival: "file is inserted by 'hg archive' and is always omitted",
  symlink: 'file is a symbolic link',
  notRegular: 'not a regular file',
} as const;

/** Go's path.Clean(p) === p. */
function isClean(p: string): boolean {
  if (p === '' || (p.length > 1 && p.endsWith('/'))) return false;
  return posix.normalize(p) === p;
}

/** Go's path.Split: directory (with trailing slash, or '') and last element. */
function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return [p.slice(0, i + 1), p.slice(i + 1)];
}

/**
 * x/mod's isVendoredPackage, including its documented off-by-offset bug (golang.org/issue/31562):
 * fixing it would change which files module zips contain, and so their hashes.
 */
export function isVendoredPackage(name: string): boolean {
  let i = 0;
  if (name.startsWith('vendor/')) i += 'vendor/'.length;
  else if (name.includes('/vendor/')) i += '/vendor/'.length;
  else return false;
  return name.slice(i).includes('/');
}

/** The file-path problem x/mod's CheckFilePath reports, in its words, or undefined. */
function filePathProblem(p: string): string | undefined {
  try {
    checkFilePath(p);
    return undefined;
  } catch (e) {
    if (!isMochiPkgError(e, 'module-path-invalid')) throw e;
    // Back to x/mod's wording: no list of allowed characters, and the character quoted as Go's %q.
    return e.message
      .replace(/; file paths allow .*$/, '')
      .replace(
        /invalid char U\+([0-9A-F]{4,6})$/,
        (_, hex: string) => `invalid char ${goQuoteRune(parseInt(hex, 16))}`,
      );
  }
}

/** Go's strconv.QuoteRune. */
function goQuoteRune(cp: number): string {
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    39: "'",
    92: '\\',
  };
  if (named[cp] !== undefined) return `'\\${named[cp]}'`;
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  const ch = String.fromCodePoint(cp);
  if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) return `'${ch}'`;
  return cp <= 0xffff
    ? `'\\u${cp.toString(16).padStart(4, '0')}'`
    : `'\\U${cp.toString(16).padStart(8, '0')}'`;
}

/** x/mod's collisionChecker: case-fold collisions and paths that are both file and directory. */
class Collisions {
  private readonly seen = new Map<string, { path: string; isDir: boolean }>();
  check(p: string, isDir: boolean): string | undefined {
    const key = foldKey(p);
    const other = this.seen.get(key);
    if (other) {
      if (p !== other.path) {
        return `case-insensitive file name collision: ${JSON.stringify(other.path)} and ${JSON.stringify(p)}`;
      }
      if (isDir !== other.isDir) return `entry ${JSON.stringify(p)} is both a file and a directory`;
      if (!isDir) return `multiple entries for file ${JSON.stringify(p)}`;
    } else {
      this.seen.set(key, { path: p, isDir });
    }
    const parent = posix.dirname(p);
    return parent !== '.' && parent !== '/' ? this.check(parent, true) : undefined;
  }
}

const isGoModName = (base: string) => foldKey(base) === 'go.mod';

/**
 * x/mod's `CheckFiles`: which of `files` belong in a module zip. Pure: opens nothing. Files in
 * nested modules and vendored packages, `.hg_archival.txt`, symbolic links and irregular files are
 * omitted; unclean, absolute, invalid, colliding, mis-cased `go.mod` and oversized `go.mod` /
 * `LICENSE` files are invalid.
 */
export function checkFiles(files: readonly ModuleFile[]): CheckedFiles {
  return checkFilesWithValid(files).cf;
}

/** {@link checkFiles} plus the valid files themselves, in order (what `create` writes). */
export function checkFilesWithValid(files: readonly ModuleFile[]): { cf: CheckedFiles; valid: ModuleFile[] } {
  const valid: string[] = [];
  const omitted: FileError[] = [];
  const invalid: FileError[] = [];
  const validFiles: ModuleFile[] = [];
  let sizeError: string | undefined;
  const errPaths = new Set<string>();
  const addError = (path: string, isOmitted: boolean, reason: string) => {
    if (errPaths.has(path)) return;
    errPaths.add(path);
    (isOmitted ? omitted : invalid).push({ path, reason });
  };

  const haveGoMod = new Set<string>();
  for (const f of files) {
    const [dir, base] = splitPath(f.path);
    if (isGoModName(base) && f.kind === 'file') haveGoMod.add(dir);
  }
  const inSubmodule = (p: string) => {
    for (;;) {
      const [dir] = splitPath(p);
      if (dir === '') return false;
      if (haveGoMod.has(dir)) return true;
      p = dir.slice(0, -1);
    }
  };

  const collisions = new Collisions();
  let maxSize = MAX_ZIP_FILE;
  for (const f of files) {
    const p = f.path;
    if (!isClean(p)) {
      addError(p, false, ERR.notClean);
      continue;
    }
    if (p.startsWith('/')) {
      addError(p, false, ERR.notRelative);
      continue;
    }
    if (isVendoredPackage(p)) {
      addError(p, true, ERR.vendored);
      continue;
    }
    if (inSubmodule(p)) {
      addError(p, true, ERR.submoduleFile);
      continue;
    }
    if (p === '.hg_archival.txt') {
      addError(p, true, ERR.hgArchival);
      continue;
    }
    if (f.nameIsUtf8 === false) {
      addError(p, false, `malformed file path ${JSON.stringify(p)}: invalid UTF-8`);
      continue;
    }
    const bad = filePathProblem(p);
    if (bad !== undefined) {
      addError(p, false, bad);
      continue;
    }
    if (p.toLowerCase() === 'go.mod' && p !== 'go.mod') {
      addError(p, false, ERR.goModCase);
      continue;
    }
    const collision = collisions.check(p, f.kind === 'dir');
    if (collision !== undefined) {
      addError(p, false, collision);
      continue;
    }
    if (f.kind === 'symlink') {
      addError(p, true, ERR.symlink);
      continue;
    }
    if (f.kind !== 'file') {
      addError(p, true, ERR.notRegular);
      continue;
    }
    if (f.size >= 0 && f.size <= maxSize) maxSize -= f.size;
    else sizeError ??= `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`;
    if (p === 'go.mod' && f.size > MAX_GO_MOD) {
      addError(p, false, ERR.goModSize);
      continue;
    }
    if (p === 'LICENSE' && f.size > MAX_LICENSE) {
      addError(p, false, ERR.licenseSize);
      continue;
    }
    valid.push(p);
    validFiles.push(f);
  }
  const cf: CheckedFiles =
    sizeError === undefined ? { valid, omitted, invalid } : { valid, omitted, invalid, sizeError };
  return { cf, valid: validFiles };
}

const SLASH = Buffer.from('/');
const GO_MOD = Buffer.from('go.mod');

/**
 * x/mod's `listFilesInDir`: walks `dir` in lexical order (never following links), skipping VCS
 * folders (`.bzr .git .hg .svn`) and nested modules (folders with their own `go.mod`), and
 * reporting vendored and irregular files as omitted.
 */
export async function listFilesInDir(dir: string): Promise<{ files: ModuleFile[]; omitted: FileError[] }> {
  const files: ModuleFile[] = [];
  const omitted: FileError[] = [];
  const io = (e: unknown, what: string) =>
    new ModZipError('zip-io', `${what}: ${(e as Error).message}`, { cause: e });
  // Names are read as bytes: a name that is not UTF-8 is reported invalid, as x/mod reports it,
  // instead of being decoded to a name that does not exist on disk.
  const walk = async (abs: Buffer, rel: string, utf8: boolean): Promise<void> => {
    let names: Buffer[];
    try {
      names = (await readdir(abs, { encoding: 'buffer' })).sort(Buffer.compare);
    } catch (e) {
      throw io(e, `cannot read directory ${abs.toString()}`);
    }
    for (const nameBytes of names) {
      const name = nameBytes.toString('utf8');
      const nameIsUtf8 = utf8 && isUtf8(nameBytes);
      const childAbs = Buffer.concat([abs, SLASH, nameBytes]);
      const slash = rel === '' ? name : `${rel}/${name}`;
      let info: Awaited<ReturnType<typeof lstat>>;
      try {
        info = await lstat(childAbs);
      } catch (e) {
        throw io(e, `cannot stat ${childAbs.toString()}`);
      }
      if (isVendoredPackage(slash)) {
        // As in x/mod, a vendored directory is reported but still walked: its files are reported too.
        omitted.push({ path: slash, reason: ERR.vendored });
        if (info.isDirectory()) await walk(childAbs, slash, nameIsUtf8);
        continue;
      }
      if (info.isDirectory()) {
        if (name === '.bzr' || name === '.git' || name === '.hg' || name === '.svn') {
          omitted.push({ path: slash, reason: ERR.vcs });
          continue;
        }
        const gm = await lstat(Buffer.concat([childAbs, SLASH, GO_MOD])).catch(() => undefined);
        if (gm && !gm.isDirectory()) {
          omitted.push({ path: slash, reason: ERR.submoduleDir });
          continue;
        }
        await walk(childAbs, slash, nameIsUtf8);
        continue;
      }
      if (!info.isFile()) {
        omitted.push({ path: slash, reason: ERR.notRegular });
        continue;
      }
      files.push({
        path: slash,
        kind: 'file',
        size: info.size,
        ...(nameIsUtf8 ? {} : { nameIsUtf8 }),
        open: () => createReadStream(childAbs),
      });
    }
  };
  await walk(Buffer.from(dir), '', true);
  return { files, omitted };
}

/**
 * x/mod's `CheckDir`: which files under `dir` a module zip made from it would hold. Paths in the
 * result are filesystem paths (`dir` joined with the relative path), as in x/mod.
 */
export async function checkDir(dir: string): Promise<CheckedFiles> {
  const { files, omitted } = await listFilesInDir(dir);
  const cf = checkFiles(files);
  const abs = (p: string) => join(dir, p);
  const out: CheckedFiles = {
    valid: cf.valid.map(abs),
    omitted: [...cf.omitted, ...omitted].map((f) => ({ path: abs(f.path), reason: f.reason })),
    invalid: cf.invalid.map((f) => ({ path: abs(f.path), reason: f.reason })),
  };
  return cf.sizeError === undefined ? out : { ...out, sizeError: cf.sizeError };
}

/**
 * x/mod's canonical-version and `module.Check` preconditions of every zip operation; throws
 * `zip-bad-module`.
 */
export function checkModuleVersion(m: ModuleVersion): void {
  const canon = canonicalVersion(m.version);
  if (canon === '') {
    // x/mod's module.Check words it so: "<path>@<version>: invalid version: not a semantic version".
    throw new ModZipError(
      'zip-bad-module',
      `${m.path}@${m.version}: invalid version: not a semantic version`,
      { hint: 'versions look like v1.2.3, v1.2.3-pre or a pseudo-version' },
    );
  }
  if (canon !== m.version) {
    throw new ModZipError(
      'zip-bad-module',
      `version ${JSON.stringify(m.version)} is not canonical (should be ${JSON.stringify(canon)})`,
      { hint: 'use the canonical form, e.g. v1.2.0 rather than v1.2' },
    );
  }
  try {
    checkModule(m.path, m.version);
  } catch (e) {
    if (!isMochiPkgError(e, 'module-path-invalid') && !isMochiPkgError(e, 'module-version-invalid')) throw e;
    throw new ModZipError('zip-bad-module', e.message, { cause: e, ...(e.hint ? { hint: e.hint } : {}) });
  }
}

/**
 * x/mod's `CheckZip` on an opened archive: which entries a valid module zip may hold. Throws for a
 * bad module path or version; a zip over the size limit is reported in `sizeError`.
 */
export function checkArchive(m: ModuleVersion, archive: ZipArchive): CheckedFiles {
  const valid: string[] = [];
  const invalid: FileError[] = [];
  let sizeError: string | undefined;
  const prefix = `${m.path}@${m.version}/`;
  const prefixBytes = Buffer.from(prefix);
  const collisions = new Collisions();
  let size = 0;
  for (const e of archive.entries) {
    const add = (reason: string) => invalid.push({ path: e.name, reason });
    if (!e.nameBytes.subarray(0, prefixBytes.length).equals(prefixBytes)) {
      add(`path does not have prefix ${JSON.stringify(prefix)}`);
      continue;
    }
    let name = e.name.slice(prefix.length);
    if (name === '') continue;
    const isDir = name.endsWith('/');
    if (isDir) name = name.slice(0, -1);
    if (!isClean(name)) {
      add(ERR.notClean);
      continue;
    }
    if (!e.nameIsUtf8) {
      add(`malformed file path ${JSON.stringify(name)}: invalid UTF-8`);
      continue;
    }
    const bad = filePathProblem(name);
    if (bad !== undefined) {
      add(bad);
      continue;
    }
    const collision = collisions.check(name, isDir);
    if (collision !== undefined) {
      add(collision);
      continue;
    }
    if (isDir) continue;
    const base = posix.basename(name);
    if (isGoModName(base)) {
      if (base !== name) {
        add('go.mod file not in module root directory');
        continue;
      }
      if (name !== 'go.mod') {
        add(ERR.goModCase);
        continue;
      }
    }
    const sz = e.uncompressedSize;
    if (MAX_ZIP_FILE - size >= sz) size += sz;
    else
      sizeError ??= `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
    if (name === 'go.mod' && sz > MAX_GO_MOD) {
      add(ERR.goModSize);
      continue;
    }
    if (name === 'LICENSE' && sz > MAX_LICENSE) {
      add(ERR.licenseSize);
      continue;
    }
    valid.push(e.name);
  }
  return sizeError === undefined
    ? { valid, omitted: [], invalid }
    : { valid, omitted: [], invalid, sizeError };
}

/**
 * x/mod's `CheckZip`: reads the central directory of `zip` (a path or bytes) and reports which
 * entries a valid module zip for `m` may hold. Entry bodies are not read (extraction checks them).
 * Throws `zip-bad-module` for a bad module path or version, and a {@link ModZipError} for an
 * unreadable or structurally hostile zip; a zip file over 500 MiB is reported in `sizeError`.
 */
export async function checkZip(zip: string | Uint8Array, m: ModuleVersion): Promise<CheckedFiles> {
  const { cf, archive } = await openCheckedZip(zip, m);
  await archive?.close();
  return cf;
}

/**
 * {@link checkZip}, leaving the archive open for a second look at it (hashing) without reading the
 * central directory again. `archive` is absent when the zip file is over the size limit; otherwise
 * the caller must close it.
 */
export async function openCheckedZip(
  zip: string | Uint8Array,
  m: ModuleVersion,
  limits: ZipLimits = {},
): Promise<{ cf: CheckedFiles; archive?: ZipArchive }> {
  checkModuleVersion(m);
  let size: number;
  try {
    size = typeof zip === 'string' ? (await stat(zip)).size : zip.byteLength;
  } catch (e) {
    throw new ModZipError('zip-io', `${zip}: cannot read zip file: ${(e as Error).message}`, { cause: e });
  }
  if (size > MAX_ZIP_FILE) {
    const sizeError = `module zip file is too large (${size} bytes; limit is ${MAX_ZIP_FILE} bytes)`;
    return { cf: { valid: [], omitted: [], invalid: [], sizeError } };
  }
  const archive = await openZip(zip, limits);
  try {
    return { cf: checkArchive(m, archive), archive };
  } catch (e) {
    await archive.close();
    throw e;
  }
}
