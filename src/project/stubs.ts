import { basename } from 'node:path';
import { MochiPkgError } from '../errors.js';
import type { StubFiles } from '../python/build/types.js';
import { isStubDir, type StubTreeLimits, walkStubTree } from '../python/stubs/load.js';
import { statIfExists } from '../util/read.js';

/**
 * Codes: `stubs-not-found` (no source had stubs for an import), `stubs-ambiguous` (a stub tree
 * holds several top-level modules and none matches the distribution), `stubs-too-large`,
 * `stubs-git` (the git command failed), `stubs-unsupported` (no provider serves the source).
 */
export type StubSourceErrorCode =
  | 'stubs-not-found'
  | 'stubs-ambiguous'
  | 'stubs-too-large'
  | 'stubs-git'
  | 'stubs-unsupported';

/** A stub source could not supply stubs for an import. */
export class StubSourceError extends MochiPkgError {
  declare readonly code: StubSourceErrorCode;
  constructor(code: StubSourceErrorCode, message: string, hint?: string, cause?: unknown) {
    super(code, message, {
      ...(hint === undefined ? {} : { hint }),
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

export type { StubTreeLimits };

/**
 * True for a path (`a/b/c.pyi`) that a stub tree keeps: a .pyi file whose directories a stub tree
 * walks ({@link isStubDir}: the same rule as for trees read from disk).
 */
export function isStubPath(path: string): boolean {
  if (!path.endsWith('.pyi') || path.includes('\uFFFD')) return false;
  const parts = path.split('/');
  return parts.slice(0, -1).every((d, i) => isStubDir(d, i === 0));
}

/** Running totals that enforce {@link StubTreeLimits}. */
export class TreeBudget {
  private files = 0;
  private bytes = 0;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  constructor(
    private readonly where: string,
    limits: StubTreeLimits = {},
  ) {
    this.maxFiles = limits.maxFiles ?? 20_000;
    this.maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
  }
  /** Accounts for one more file of `size` bytes, or throws `stubs-too-large`. */
  add(size: number): void {
    this.files++;
    this.bytes += size;
    if (this.files > this.maxFiles)
      throw new StubSourceError(
        'stubs-too-large',
        `${this.where} holds more than ${this.maxFiles} .pyi files`,
      );
    if (this.bytes > this.maxBytes)
      throw new StubSourceError(
        'stubs-too-large',
        `${this.where} holds more than ${this.maxBytes} bytes of .pyi files`,
      );
  }
}

/**
 * Every `.pyi` file under `dir`, keyed by `/`-separated relative path, in sorted order, read as
 * `python inspect` reads a package ({@link walkStubTree}: same directories, strict UTF-8, same caps).
 *
 * @throws {StubSourceError} `stubs-not-found` when `dir` is not a directory, `stubs-too-large` past the caps.
 */
export async function readStubTree(dir: string, limits: StubTreeLimits = {}): Promise<Map<string, string>> {
  const isDir = (await statIfExists(dir))?.isDirectory() === true;
  if (!isDir)
    throw new StubSourceError(
      'stubs-not-found',
      `stub directory ${dir} does not exist or is not a directory`,
    );
  return walkStubTree(dir, {
    limits,
    tooLarge: (message) => new StubSourceError('stubs-too-large', `${dir}: ${message}`),
  });
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The import name a distribution most likely provides: `typing-extensions` → `typing_extensions`. */
export function importNameOf(distribution: string): string {
  return distribution.replace(/[-.]/g, '_').toLowerCase();
}

/**
 * Chooses the one Python package a stub tree provides, as {@link StubFiles}. A tree whose root has
 * `__init__.pyi` is itself the package (named after the directory when that is an identifier, else
 * after the distribution). Otherwise its top level offers modules (`m.pyi`), packages (`m/`, with or
 * without `__init__.pyi`) and PEP 561 stub packages (`m-stubs/`): exactly one, or the one named
 * after the distribution, is taken.
 *
 * @param files  .pyi files of the tree, relative `/`-separated paths
 * @param distribution  PEP 503-normalised distribution name
 * @param where  how to name the tree in errors (a path or URL)
 * @throws {StubSourceError} `stubs-not-found` (no .pyi at all), `stubs-ambiguous`.
 */
export function selectStubPackage(
  files: ReadonlyMap<string, string>,
  distribution: string,
  where: string,
  rootName: string = basename(where),
): StubFiles {
  if (files.size === 0) throw new StubSourceError('stubs-not-found', `${where} contains no .pyi files`);
  if (files.has('__init__.pyi')) {
    return {
      module: IDENT_RE.test(rootName) ? rootName : importNameOf(distribution),
      files: new Map([...files].sort()),
    };
  }
  const candidates = new Map<string, Map<string, string>>();
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      const module = path.slice(0, -'.pyi'.length);
      // A package directory of the same name wins over a single-file module.
      if (IDENT_RE.test(module) && !candidates.has(module)) candidates.set(module, new Map([[path, text]]));
      continue;
    }
    const top = path.slice(0, slash);
    const module = top.endsWith('-stubs') ? top.slice(0, -'-stubs'.length) : top;
    if (!IDENT_RE.test(module)) continue;
    let pkg = candidates.get(module);
    if (!pkg || pkg.has(`${module}.pyi`)) {
      pkg = new Map();
      candidates.set(module, pkg);
    }
    pkg.set(path.slice(slash + 1), text);
  }
  if (candidates.size === 0)
    throw new StubSourceError('stubs-not-found', `${where} has no importable module at its top level`);
  const wanted = importNameOf(distribution);
  const chosen =
    candidates.size === 1 ? [...candidates][0]! : [...candidates].find(([m]) => m.toLowerCase() === wanted);
  if (!chosen) {
    throw new StubSourceError(
      'stubs-ambiguous',
      `${where} provides several modules (${[...candidates.keys()].join(', ')}) and none is named ${wanted}`,
      'point a path source at the one module directory you want',
    );
  }
  const [module, pkgFiles] = chosen;
  return { module, files: pkgFiles };
}
