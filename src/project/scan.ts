// Walks a Mochi project's directory for *.mochi files and collects their foreign imports.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FileReadError, readRegularFile, statIfExists } from '../util/read.js';
import { ProjectError } from './errors.js';
import { type ForeignImport, findImports } from './imports.js';

/** Caps of a project scan. */
export interface ScanOptions {
  /** Most `*.mochi` files read (default 20,000). */
  readonly maxFiles?: number;
  /** Largest `*.mochi` file read, in bytes (default 8 MiB). */
  readonly maxFileBytes?: number;
  /** Deepest directory nesting walked (default 64). */
  readonly maxDepth?: number;
}

/** What a scan found. */
export interface ProjectScan {
  /** `*.mochi` files read, `/`-separated and relative to the project root, sorted. */
  readonly files: readonly string[];
  /** Every foreign import, file by file in `files` order, in source order within a file. */
  readonly imports: readonly ForeignImport[];
}

/** A file or folder of the project that cannot be read, as a coded error (never a raw errno). */
function unreadable(rel: string, e: unknown): ProjectError {
  const err = e as NodeJS.ErrnoException;
  const why =
    e instanceof FileReadError
      ? e.message
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : (err.code ?? String(e));
  return new ProjectError(
    'project-unreadable',
    `cannot read ${rel}: ${why}`,
    undefined,
    'make the project readable, or move the file out of it',
  );
}

/** Directories never searched: dependencies and version control. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/**
 * Generated folders at the project root, never scanned: `python_wrap/` (wrapper shims, see
 * wrapfiles.ts) and `.mochi/` (what `sync` installs: Python environments and the Go bridge with
 * its vendor/, third-party files that are no project source whatever their names).
 */
export const GENERATED_DIRS: ReadonlySet<string> = new Set(['python_wrap', '.mochi']);

/**
 * Finds every `*.mochi` file under `root` (skipping `node_modules`, `.git` and the generated
 * `python_wrap/` and `.mochi/` at the root, not following
 * symbolic links) and the foreign imports in each. Locations in errors and results are relative
 * to `root`.
 *
 * @throws {ProjectError} `project-not-found` when `root` is not a directory, `project-too-large`
 *   past the caps, and the lexer's `project-syntax` / `project-import` errors.
 */
export async function scanProject(root: string, options: ScanOptions = {}): Promise<ProjectScan> {
  const maxFiles = options.maxFiles ?? 20_000;
  const maxFileBytes = options.maxFileBytes ?? 8 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 64;
  const isDir = (await statIfExists(root))?.isDirectory() === true;
  if (!isDir)
    throw new ProjectError(
      'project-not-found',
      `${root} is not a directory`,
      undefined,
      'pass the project directory with --cwd',
    );

  const files: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > maxDepth)
      throw new ProjectError('project-too-large', `${rel} is nested deeper than ${maxDepth} directories`);
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      throw unreadable(rel === '' ? '.' : rel, e);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        // The project's own python_wrap/ and .mochi/ hold generated and installed files, not sources.
        if (!SKIPPED_DIRS.has(e.name) && !(rel === '' && GENERATED_DIRS.has(e.name)))
          await walk(path, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.mochi')) {
        // A name that is not UTF-8 reads as U+FFFD: opening that name would fail as "missing".
        if (e.name.includes('\uFFFD'))
          throw new ProjectError(
            'project-unreadable',
            `cannot read ${path}: its file name is not UTF-8`,
            undefined,
            'rename the file (mochi.lock names sources by their UTF-8 paths)',
          );
        if (files.length >= maxFiles)
          throw new ProjectError('project-too-large', `more than ${maxFiles} .mochi files under ${root}`);
        files.push(path);
      }
    }
  };
  await walk('', 0);
  files.sort();

  const imports: ForeignImport[] = [];
  for (const file of files) {
    const full = join(root, file);
    let bytes: Buffer;
    try {
      bytes = await readRegularFile(full, { maxBytes: maxFileBytes, what: 'Mochi source' });
    } catch (e) {
      if (e instanceof FileReadError && e.code === 'file-too-large')
        throw new ProjectError('project-too-large', `${file} is larger than ${maxFileBytes} bytes`);
      throw unreadable(file, e);
    }
    // One push per import: spreading 100,000 imports as arguments overflows the stack.
    for (const imp of findImports(bytes.toString('utf8'), file)) imports.push(imp);
  }
  return { files, imports };
}
