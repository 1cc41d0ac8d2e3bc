// Finds the module that provides each `import go` package path, as `go get <path>@<query>` does.
import type { FilesOpener } from '../load/packages.js';
import { findPackageModule, type ModuleQuery, moduleHasPackage, modulePrefixes } from '../load/query.js';
import { splitPathVersion, versionFitsPath } from '../module/index.js';
import { isNotFound, type ModuleSource } from '../proxy/index.js';
import { GoQueryError, type Querier } from '../query/index.js';
import * as semver from '../semver/index.js';
import type { GoLockEntry } from './entry.js';
import { type GoImportSpec, GoImportSpecError, matchesQuery } from './spec.js';

type ModuleSpec = Extract<GoImportSpec, { kind: 'module' }>;

/**
 * One candidate module at a query, through the querier (retracted versions skipped as in cmd/go),
 * classified as {@link findPackageModule} needs: not found (404/410), no matching version, or a version.
 */
export function prefixQuery(querier: Querier, query: string): ModuleQuery {
  return async (module) => {
    try {
      return { version: (await querier.query(module, query)).Version };
    } catch (e) {
      if (isNotFound(e)) return { notFound: e };
      if (e instanceof GoQueryError && e.code === 'go-query-no-match') return { noMatch: e };
      throw e;
    }
  };
}

/** What {@link providingModule} needs. */
export interface LookupContext {
  readonly querier: Querier;
  readonly source: ModuleSource;
  readonly open: FilesOpener;
  /** The previous lock's proxy modules: one that still answers the import and has the package is kept. */
  readonly previous: ReadonlyMap<string, GoLockEntry>;
  /** Paths other imports name: a module among them wins over a longer one (go get's disambiguation). */
  readonly named: ReadonlySet<string>;
  /** True when the module cache already holds the module version. */
  readonly cached?: (module: string, version: string) => Promise<boolean>;
}

/**
 * The spec with `module` set to the module providing its package path, and a `revision` resolved
 * to the version the proxy gives (`+incompatible` or a pseudo-version). A module of the previous
 * lock that answers the import and has the package is taken without asking the proxy, so an
 * unchanged project keeps its pins (and `--check` stays offline).
 *
 * @throws {GoImportSpecError} a v2+ revision of a path whose module has a go.mod at that major
 *   version, in go's words; {@link PackageLoadError} when no module provides the package.
 */
export async function providingModule(spec: ModuleSpec, c: LookupContext): Promise<ModuleSpec> {
  const path = spec.module;
  const text = spec.version ?? spec.revision ?? spec.query ?? 'latest';
  const answers = (v: string): boolean =>
    spec.version !== undefined
      ? v === spec.version
      : spec.query !== undefined
        ? matchesQuery(v, spec.query)
        : semver.canonical(v) === spec.revision && v.endsWith('+incompatible');
  // A pinned version of the path itself, already cached, with the package at its root: no prefix
  // can be longer, so it is go's choice; nothing is asked of the proxy.
  if (spec.version !== undefined && (await c.cached?.(path, spec.version))) {
    if (await moduleHasPackage(c.open, { path, version: spec.version }, path)) return spec;
  }
  for (const prefix of modulePrefixes(path)) {
    const kept = c.previous.get(prefix);
    if (kept?.source !== 'module-proxy' || kept.version === undefined || !answers(kept.version)) continue;
    if (await moduleHasPackage(c.open, { path: prefix, version: kept.version }, path)) {
      return withModule(spec, prefix, spec.revision === undefined ? undefined : kept.version);
    }
  }
  let found: { path: string; version: string };
  try {
    found = await findPackageModule(path, {
      query: prefixQuery(c.querier, text),
      open: c.open,
      queryText: text,
      prefer: (m, v) => c.named.has(m) || c.previous.get(m)?.version === v,
    });
  } catch (e) {
    if (spec.revision !== undefined) await refuseMajorMismatch(path, spec.revision, c.source);
    throw e;
  }
  if (spec.revision === undefined) return withModule(spec, found.path, undefined);
  if (!versionFitsPath(found.path, found.version)) {
    throw new GoImportSpecError(
      `${path}@${spec.revision}`,
      `the proxy resolves ${found.path}@${spec.revision} to ${found.version}, which is not a version of ${found.path}`,
    );
  }
  return withModule(spec, found.path, found.version);
}

function withModule(spec: ModuleSpec, module: string, resolved: string | undefined): ModuleSpec {
  if (resolved === undefined) return { ...spec, module };
  return { kind: 'module', module, version: resolved };
}

/**
 * cmd/go's words (modfetch's coderepo) for `m@vN.x.y` when the module has a go.mod at major N: its
 * path must end in `/vN`. Found by asking the proxy for `<prefix>/vN` at that version.
 */
async function refuseMajorMismatch(path: string, revision: string, source: ModuleSource): Promise<void> {
  const major = semver.major(revision);
  for (const prefix of modulePrefixes(path)) {
    if (splitPathVersion(prefix)?.pathMajor !== '') continue;
    const suffixed = `${prefix}/${major}`;
    try {
      await source.info(suffixed, revision);
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    const rest = path.slice(prefix.length);
    throw new GoImportSpecError(
      `${path}@${revision}`,
      `${prefix}@${revision}: invalid version: module contains a go.mod file, so module path must match major version (${JSON.stringify(suffixed)})`,
      `write import go "${suffixed}${rest}@${revision}"`,
    );
  }
}
