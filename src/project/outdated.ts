// `outdated`: for a locked Go module or Python distribution, the newest version the imports allow
// and the newest overall (releases first, as `go list -m -u` and pip do unless a prerelease is
// asked for). Go versions are chosen by the querier `lock` resolves queries with (its `upgrade`
// query, as `go list -m -u`); the Python choice is pure over the versions the index lists.
import { isGoQuery, matchesQuery } from '../go/lockfile/spec.js';
import { compareVersions, GoQueryError, type Querier } from '../go/query/index.js';
import { bestVersion } from '../python/pep440/index.js';

/** One row of `outdated`. */
export interface OutdatedRow {
  readonly ecosystem: 'go' | 'python';
  /** Module path or distribution name. */
  readonly name: string;
  readonly locked: string;
  /** The newest version the imports allow (undefined: none listed). */
  readonly allowed: string | undefined;
  /** The newest version listed. */
  readonly newest: string | undefined;
}

/** The query's answer, or undefined when no version answers it. */
async function answer(
  querier: Querier,
  module: string,
  query: string,
  options: Parameters<Querier['query']>[2],
): Promise<string | undefined> {
  try {
    return (await querier.query(module, query, options)).Version;
  } catch (e) {
    if (e instanceof GoQueryError && e.code === 'go-query-no-match') return undefined;
    throw e;
  }
}

/**
 * What `go list -m -u` offers a module at `locked` among the versions for which `allows` holds:
 * the querier's `upgrade` query (the newest release not below `locked`, else the newest prerelease
 * not below it; no version the module's latest go.mod retracts; each candidate as the proxy's
 * `.info` names it, so a listed `v2.0.0` of a path without `/v2` is no update), offered only when
 * newer than `locked`, else `locked` itself. When the imports no longer allow `locked`, the newest
 * version they allow (the querier's `latest` under the same bound).
 */
async function newestGo(
  querier: Querier,
  module: string,
  locked: string,
  allows: (v: string) => boolean,
): Promise<string | undefined> {
  const allowed = async (path: string, v: string) =>
    allows(v) && (await querier.retracted(path, v)) === undefined;
  const up = await answer(querier, module, 'upgrade', { current: locked, allowed });
  if (up !== undefined && compareVersions(up, locked) > 0) return up;
  if (allows(locked)) return locked;
  return answer(querier, module, 'latest', { allowed });
}

/**
 * A Go module's row. `queries` are the version queries of its `import go` declarations (`v1`,
 * `v1.2`, `v1.2.3`, `latest`, a range such as `<v1.5.0`, or empty); an indirect module has none,
 * and any version of its path is allowed.
 */
export async function goOutdated(
  querier: Querier,
  module: string,
  locked: string,
  queries: readonly string[],
): Promise<OutdatedRow> {
  const allows = (v: string) =>
    queries.every((q) => {
      if (q === '') return true;
      return isGoQuery(q) ? matchesQuery(v, q) : v === q;
    });
  return {
    ecosystem: 'go',
    name: module,
    locked,
    allowed: await newestGo(querier, module, locked, allows),
    newest: await newestGo(querier, module, locked, () => true),
  };
}

/**
 * A Python distribution's row: `specifiers` are every PEP 440 specifier that constrains it (its
 * import's and those of the locked distributions that depend on it).
 */
export function pythonOutdated(
  name: string,
  locked: string,
  specifiers: readonly string[],
  versions: readonly string[],
): OutdatedRow {
  const spec = specifiers.filter((s) => s.trim() !== '').join(',');
  return {
    ecosystem: 'python',
    name,
    locked,
    allowed: bestVersion(spec, versions),
    newest: bestVersion('', versions),
  };
}

/** The rows as an aligned table (`-` for a version the source does not list). */
export function renderOutdated(rows: readonly OutdatedRow[]): string {
  const head = ['', 'NAME', 'LOCKED', 'ALLOWED', 'NEWEST'];
  const cells = [
    head,
    ...rows.map((r) => [r.ecosystem, r.name, r.locked, r.allowed ?? '-', r.newest ?? '-']),
  ];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return (
    cells.map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ')).join('\n') +
    '\n'
  );
}
