// Reads stub files from disk into StubFiles (the I/O edge of the stub parser); decoding is strict UTF-8.
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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

async function readOne(abs: string, rel: string): Promise<string> {
  const info = await stat(abs);
  if (info.size > MAX_STUB_BYTES) {
    throw new StubParseError(
      'stub-too-large',
      { file: rel, line: 1, column: 1 },
      `stub file is ${info.size} bytes; at most ${MAX_STUB_BYTES} are accepted`,
    );
  }
  return decodeStub(await readFile(abs), rel);
}

/**
 * Reads a stub file or a package directory. A file becomes a one-module package (`<module>.pyi`).
 * A directory is the package root: every `.pyi` below it, and its `.py` files when the root holds
 * `py.typed` (PEP 561: the package ships inline types). Hidden folders, `__pycache__` and folders
 * that are not importable names (`@tests`) are skipped, symlinks are not followed, and keys are the
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
    files.set(key, await readOne(path, path));
    return { module, files };
  }
  const entries = await readdir(path);
  const withPy = entries.includes('py.typed');
  const found: string[] = [];
  const queue: string[] = [''];
  while (queue.length > 0) {
    const rel = queue.shift()!;
    let list: Dirent[];
    try {
      list = await readdir(rel === '' ? path : join(path, rel), { withFileTypes: true });
    } catch (e) {
      throw new StubLoadError('stub-not-found', join(path, rel), 'cannot list this folder', { cause: e });
    }
    for (const d of list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const child = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (
          !d.name.startsWith('.') &&
          d.name !== '__pycache__' &&
          !d.name.includes('@') &&
          !d.name.includes('-')
        ) {
          queue.push(child);
        }
      } else if (d.isFile() && (d.name.endsWith('.pyi') || (withPy && d.name.endsWith('.py')))) {
        found.push(child);
        if (found.length > MAX_PACKAGE_FILES) {
          throw new StubLoadError(
            'stub-too-many-files',
            path,
            `more than ${MAX_PACKAGE_FILES} source files`,
            {
              hint: 'Point at the package directory itself, not a folder that holds many packages.',
            },
          );
        }
      }
    }
  }
  if (found.length === 0) {
    throw new StubLoadError('stub-not-found', path, `no .pyi${withPy ? ' or .py' : ''} files in this folder`);
  }
  for (const rel of found.sort()) files.set(rel, await readOne(join(path, rel), join(path, rel)));
  return { module, files };
}
