// Which module provides a package path, as `go get <package>@<query>` looks it up: every prefix of the path tried as a module.
import { checkPath, InvalidPathError } from '../module/index.js';
import type { ModuleVersion } from '../mvs/index.js';
import { type FilesOpener, PackageLoadError } from './packages.js';

/** Resolves a module path at a query to a version, or undefined when the module does not exist. */
export type ModuleQuery = (module: string) => Promise<string | undefined>;

/** Options of {@link findPackageModule}. */
export interface FindPackageOptions {
  readonly query: ModuleQuery;
  readonly open: FilesOpener;
  /**
   * `error` (as `go get`): several modules providing the package is an ambiguous import;
   * `longest` (as `go mod tidy` adding a missing import): the longest module path wins.
   */
  readonly ambiguity: 'error' | 'longest';
}

/** The prefixes of `path` that are valid module paths, longest first. */
export function modulePrefixes(path: string): string[] {
  const out: string[] = [];
  for (let p = path; p !== '' && p !== '.'; ) {
    try {
      checkPath(p);
      out.push(p);
    } catch (e) {
      if (!(e instanceof InvalidPathError)) throw e;
    }
    const i = p.lastIndexOf('/');
    p = i < 0 ? '' : p.slice(0, i);
  }
  return out;
}

/**
 * The module (and version) providing package `path`: each prefix of the path that is a valid
 * module path is queried at once; of those that exist, the ones whose files have the package's
 * directory with `.go` files provide it.
 *
 * @throws {PackageLoadError} `go-import-missing` when no module provides it (a module that exists
 *   but lacks the package is named, as cmd/go does), `go-import-ambiguous` for several with
 *   `ambiguity: 'error'`.
 */
export async function findPackageModule(path: string, o: FindPackageOptions): Promise<ModuleVersion> {
  const prefixes = modulePrefixes(path);
  const found = await Promise.all(
    prefixes.map(async (prefix) => {
      const version = await o.query(prefix);
      if (version === undefined) return { prefix, version, has: false };
      const files = await o.open({ path: prefix, version });
      const dir = prefix === path ? '' : path.slice(prefix.length + 1);
      return { prefix, version, has: (files.dirs.get(dir) ?? []).some((n) => n.endsWith('.go')) };
    }),
  );
  const providers = found.filter((f) => f.has);
  if (providers.length > 1 && o.ambiguity === 'error') {
    throw new PackageLoadError(
      'go-import-ambiguous',
      `ambiguous import: found package ${path} in multiple modules:${providers
        .map((f) => `\n\t${f.prefix} ${f.version}`)
        .join('')}`,
      {
        hint: 'import the package through one module: pin the module whose path you mean, or exclude the other',
      },
    );
  }
  const p = providers[0];
  if (p) return { path: p.prefix, version: p.version! };
  const existing = found.find((f) => f.version !== undefined);
  if (existing) {
    throw new PackageLoadError(
      'go-import-missing',
      `module ${existing.prefix}@${existing.version} found, but does not contain package ${path}`,
    );
  }
  throw new PackageLoadError(
    'go-import-missing',
    `cannot find module providing package ${path}: no module path prefix of it exists`,
  );
}
