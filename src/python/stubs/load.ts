// Reads stub files and stub trees from disk (the I/O edge of the stub parser); decoding is strict UTF-8.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isMochiPkgError } from '../../errors.js';
import { readRegularFile } from '../../util/read.js';
import type { StubFiles } from '../build/types.js';
import { MAX_PACKAGE_FILES, MAX_STUB_BYTES, StubLoadError, StubParseError } from './errors.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes stub bytes as UTF-8 (a leading BOM is dropped). Invalid UTF-8 is a `stub-encoding`
 * StubParseError at the line and column of the first bad byte, as CPython refuses such files too.
 */
export function decodeStub(bytes: Uint8Array, file: string): string {
  try {
    const text = strict.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const where = firstBadByte(bytes);
    throw new StubParseError('stub-encoding', { file, ...where }, 'source is not valid UTF-8', {
      hint: 'Stub files must be UTF-8 text; this looks like a binary or differently encoded file.',
      cause: e,
    });
  }
}

/**
 * Line and column (in characters) of the first byte that is not valid UTF-8. A newline byte is
 * never part of a multi-byte character, so whole lines are checked first; inside the bad line a
 * streaming decoder fed one byte at a time throws exactly at the offending byte.
 */
function firstBadByte(bytes: Uint8Array): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl + 1;
    const slice = bytes.subarray(start, end);
    try {
      strict.decode(slice);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      const stream = new TextDecoder('utf-8', { fatal: true });
      let column = 1;
      for (let i = 0; i < slice.length; i++) {
        try {
          column += stream.decode(slice.subarray(i, i + 1), { stream: true }).length;
        } catch (inner) {
          if (!(inner instanceof TypeError)) throw inner;
          return { line, column };
        }
      }
      return { line, column };
    }
    if (nl === -1) return { line, column: 1 };
    line++;
    start = end;
  }
}

/** Options of {@link readStubFiles}. */
export interface ReadStubOptions {
  /** The top-level module name; default from the path (`foo-stubs` → `foo`, `foo.pyi` → `foo`). */
  readonly module?: string;
}

function moduleFromPath(path: string, isDir: boolean): string {
  const base = basename(path);
  if (isDir) return base.endsWith('-stubs') ? base.slice(0, -'-stubs'.length) : base;
  const stem = base.endsWith('.pyi') ? base.slice(0, -4) : base.slice(0, -3);
  return stem === '__init__' ? basename(dirname(path)) : stem;
}

/**
 * One stub file from disk, decoded ({@link decodeStub}): only a regular file is read, at most
 * {@link MAX_STUB_BYTES} bytes (a `stub-too-large` StubParseError naming `rel` past that).
 */
export async function readStubFile(abs: string, rel: string): Promise<string> {
  const bytes = await readRegularFile(abs, { maxBytes: MAX_STUB_BYTES, what: 'stub file' }).catch(
    (e: unknown) => {
      if (!isMochiPkgError(e, 'file-too-large')) throw e;
      throw new StubParseError(
        'stub-too-large',
        { file: rel, line: 1, column: 1 },
        `stub file is larger than ${MAX_STUB_BYTES} bytes; at most ${MAX_STUB_BYTES} are accepted`,
      );
    },
  );
  return decodeStub(bytes, rel);
}

/**
 * Whether a stub tree's directory `name` is walked: not hidden, not `__pycache__` or
 * `node_modules`, and an importable name (so `@tests` and `some-data` are skipped) — except that a
 * PEP 561 stub package `<name>-stubs` is walked at the top of the tree.
 */
export function isStubDir(name: string, top: boolean): boolean {
  if (name.startsWith('.') || name === '__pycache__' || name === 'node_modules') return false;
  if (!isImportableName(name)) return false;
  const importable = top && name.endsWith('-stubs') ? name.slice(0, -'-stubs'.length) : name;
  return !importable.includes('-') && !importable.includes('@') && importable !== '';
}

/**
 * Whether a file or folder name can be part of a module path: not when it holds U+FFFD, which is
 * what a name that is not UTF-8 reads as (and which no Python identifier holds). Such a file is
 * left out like a folder `import` cannot reach, instead of being opened under a name that does
 * not exist on disk.
 */
function isImportableName(name: string): boolean {
  return !name.includes('\uFFFD');
}

/** Caps on one stub tree. */
export interface StubTreeLimits {
  /** Most source files (default {@link MAX_PACKAGE_FILES}). */
  readonly maxFiles?: number;
  /** Most bytes over all files (default 64 MiB). */
  readonly maxBytes?: number;
}

/** Options of {@link walkStubTree}. */
export interface StubWalkOptions {
  /** Also keep `.py` files (a PEP 561 `py.typed` package). Default false: `.pyi` only. */
  readonly py?: boolean;
  readonly limits?: StubTreeLimits;
  /** The error for a tree over its caps; default a `stub-too-many-files` StubLoadError. */
  readonly tooLarge?: (message: string) => Error;
}

/**
 * Every stub file below `root`, keyed by `/`-separated relative path, in sorted order: the one way
 * stub trees are read from disk (`python inspect` and `lock`'s path sources). Directories pass
 * {@link isStubDir}; symbolic links are not followed; each file is decoded by {@link decodeStub}
 * (strict UTF-8, `stub-encoding` with line and column) and capped at {@link MAX_STUB_BYTES}; the
 * tree is capped in files, bytes and depth (32).
 */
export async function walkStubTree(
  root: string,
  options: StubWalkOptions = {},
): Promise<Map<string, string>> {
  const maxFiles = options.limits?.maxFiles ?? MAX_PACKAGE_FILES;
  const maxBytes = options.limits?.maxBytes ?? 64 * 1024 * 1024;
  const tooLarge =
    options.tooLarge ??
    ((message: string) =>
      new StubLoadError('stub-too-many-files', root, message, {
        hint: 'Point at the package directory itself, not a folder that holds many packages.',
      }));
  const found: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 32) throw tooLarge(`${rel} is nested deeper than 32 directories`);
    let list: Dirent[];
    try {
      list = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (e) {
      throw new StubLoadError('stub-not-found', join(root, rel), 'cannot list this folder', { cause: e });
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of list) {
      const child = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (isStubDir(d.name, rel === '')) await walk(child, depth + 1);
      } else if (
        d.isFile() &&
        isImportableName(d.name) &&
        (d.name.endsWith('.pyi') || (options.py === true && d.name.endsWith('.py')))
      ) {
        found.push(child);
        if (found.length > maxFiles) throw tooLarge(`more than ${maxFiles} source files`);
      }
    }
  };
  await walk('', 0);
  const files = new Map<string, string>();
  let bytes = 0;
  for (const rel of found.sort()) {
    const text = await readStubFile(join(root, rel), join(root, rel));
    bytes += Buffer.byteLength(text);
    if (bytes > maxBytes) throw tooLarge(`more than ${maxBytes} bytes of stub files`);
    files.set(rel, text);
  }
  return files;
}

/**
 * Reads a stub file or a package directory. A file becomes a one-module package (`<module>.pyi`).
 * A directory is the package root: every `.pyi` below it, and its `.py` files when the root holds
 * `py.typed` (PEP 561: the package ships inline types), read by {@link walkStubTree}; keys are the
 * `/`-separated paths relative to the root.
 */
export async function readStubFiles(path: string, options: ReadStubOptions = {}): Promise<StubFiles> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    throw new StubLoadError('stub-not-found', path, 'no such stub file or package directory', { cause: e });
  }
  const module = options.module ?? moduleFromPath(path, info.isDirectory());
  const files = new Map<string, string>();
  if (!info.isDirectory()) {
    if (!path.endsWith('.pyi') && !path.endsWith('.py')) {
      throw new StubLoadError('stub-not-found', path, 'expected a .pyi or .py file or a package directory');
    }
    const key = `${module}${path.endsWith('.pyi') ? '.pyi' : '.py'}`;
    files.set(key, await readStubFile(path, path));
    return { module, files };
  }
  const withPy = (await readdir(path)).includes('py.typed');
  for (const [rel, text] of await walkStubTree(path, { py: withPy })) files.set(rel, text);
  if (files.size === 0) {
    throw new StubLoadError('stub-not-found', path, `no .pyi${withPy ? ' or .py' : ''} files in this folder`);
  }
  return { module, files };
}
