// Which module provides a package path, as `go get <package>@<query>` looks it up: every prefix of the path tried as a module.
import { MochiPkgError } from '../../errors.js';
import { checkPath, InvalidPathError } from '../module/index.js';
import type { ModuleVersion } from '../mvs/index.js';
import { type FilesOpener, PackageLoadError } from './packages.js';

/**
 * What the module source says of one candidate module at the query: the version it resolves to;
 * `notFound` (the module or that version does not exist: cmd/go's `fs.ErrNotExist` class); or
 * `noMatch` (the module exists, no version answers the query). Other failures are thrown.
 */
export type PrefixAnswer =
  | { readonly version: string }
  | { readonly notFound: Error }
  | { readonly noMatch: Error };

/** Resolves a candidate module path at the query. */
export type ModuleQuery = (module: string) => Promise<PrefixAnswer>;

/** Options of {@link findPackageModule}. */
export interface FindPackageOptions {
  readonly query: ModuleQuery;
  readonly open: FilesOpener;
  /** The query as written (`latest`, `v1.5.2`, …), for go's `module m@<query> found (v…)` wording. */
  readonly queryText?: string;
  /**
   * When several modules provide the package, the first (longest) one this accepts is taken (go
   * get's `chooseArbitrarily`: modules already required win), else the longest. A real conflict
   * shows later, when both modules are in the build list, as go's ambiguous import.
   */
  readonly prefer?: (module: string, version: string) => boolean;
}

/** The module chosen for a package, and every module of the query that has the package. */
export interface PackageModule extends ModuleVersion {
  /** Every candidate providing the package, longest path first. */
  readonly providers: readonly ModuleVersion[];
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

/** True when the module's files have the package directory with a `.go` file (cmd/go's `dirInModule`). */
export async function moduleHasPackage(open: FilesOpener, m: ModuleVersion, path: string): Promise<boolean> {
  const dir = m.path === path ? '' : path.slice(m.path.length + 1);
  const files = await open(m);
  return (files.dirs.get(dir) ?? []).some((n) => n.endsWith('.go'));
}

/**
 * The module (and version) providing package `path`, as cmd/go's `QueryPackages` →
 * `queryPrefixModules` finds it: every prefix of the path that is a valid module path is queried
 * at once; the modules that resolve and have the package directory (with a `.go` file, whatever its
 * build constraints) provide it. When none does, the error is the most useful at the longest
 * path, in cmd/go's order: a module found without the package (`module m@q found (v), but does not
 * contain package p`), then no matching version, then not found.
 *
 * @throws {PackageLoadError} `go-import-missing` when no module provides the package.
 * @throws the query's errors other than not-found and no-match.
 */
export async function findPackageModule(path: string, o: FindPackageOptions): Promise<PackageModule> {
  const prefixes = modulePrefixes(path);
  const queryText = o.queryText ?? 'latest';
  const results = await Promise.all(
    prefixes.map(async (prefix) => {
      const answer = await o.query(prefix).then(
        (a) => a,
        (e: unknown) => ({ thrown: e }),
      );
      if (!('version' in answer)) return { prefix, answer };
      const m = { path: prefix, version: answer.version };
      return { prefix, answer, has: await moduleHasPackage(o.open, m, path) };
    }),
  );
  const providers: ModuleVersion[] = [];
  let noPackage: ModuleVersion | undefined;
  let noVersion: Error | undefined;
  let notExist: Error | undefined;
  let failure: { e: unknown } | undefined;
  for (const r of results) {
    const a = r.answer;
    if ('version' in a) {
      if (r.has) providers.push({ path: r.prefix, version: a.version });
      // The path itself is a module without the package (go's `modOnly`), or a shorter module lacks it.
      else noPackage ??= { path: r.prefix, version: a.version };
    } else if ('noMatch' in a) noVersion ??= a.noMatch;
    else if ('notFound' in a) notExist ??= a.notFound;
    else if (failure === undefined && providers.length === 0 && noPackage === undefined) {
      failure = { e: a.thrown };
    }
  }
  if (providers.length > 0) {
    const chosen = providers.find((p) => o.prefer?.(p.path, p.version)) ?? providers[0]!;
    return { ...chosen, providers };
  }
  if (failure) throw failure.e;
  if (noPackage) {
    const found = queryText === noPackage.version ? '' : ` (${noPackage.version})`;
    throw new PackageLoadError(
      'go-import-missing',
      `module ${noPackage.path}@${queryText} found${found}, but does not contain package ${path}`,
      { hint: `import a package of ${noPackage.path}, or the module that provides ${path}` },
    );
  }
  const cause = noVersion ?? notExist;
  // The proxy's or the query's hint (check the path and GOPROXY; list the versions) goes along.
  const hint = cause instanceof MochiPkgError ? cause.hint : undefined;
  throw new PackageLoadError(
    'go-import-missing',
    cause ? cause.message : `cannot find module providing package ${path}: no prefix is a valid module path`,
    { ...(cause ? { cause } : {}), ...(hint === undefined ? {} : { hint }) },
  );
}
