// `outdated` as pure choices: for a locked Go module or Python distribution and the versions its
// source lists, the newest the imports allow and the newest overall (releases only, as
// `go list -m -u` and pip do unless a prerelease is asked for). The one step that reads anything,
// which Go versions are retracted, asks the querier it is given.
import { isGoQuery, matchesQuery } from '../go/lockfile/spec.js';
import type { Querier } from '../go/query/index.js';
import { compareStrings, isPrerelease, isValid } from '../go/semver/index.js';
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

/**
 * What `go list -m -u` offers a module at `locked`, among `versions` (already without retracted
 * ones) for which `allows` holds: cmd/go's `upgrade` query — the newest release not below `locked`,
 * else the newest prerelease not below it, else `locked` itself. `locked` is not a candidate, so a
 * retracted one does not hide a newer prerelease. When the imports no longer allow `locked`, the
 * newest allowed release (else prerelease) below it.
 */
function newestGo(
  versions: readonly string[],
  locked: string,
  allows: (v: string) => boolean,
): string | undefined {
  const newest = (vs: readonly string[]) => {
    const ok = vs.filter((v) => isValid(v) && allows(v)).sort(compareStrings);
    const releases = ok.filter((v) => !isPrerelease(v));
    return (releases.length > 0 ? releases : ok).at(-1);
  };
  const up = isValid(locked) ? newest(versions.filter((v) => compareStrings(v, locked) >= 0)) : undefined;
  return up ?? (allows(locked) ? locked : newest(versions));
}

/**
 * A Go module's row. `queries` are the version queries of its `import go` declarations (`v1`,
 * `v1.2`, `v1.2.3`, `latest`, a range such as `<v1.5.0`, or empty); an indirect module has none,
 * and any version of its path is allowed.
 */
export function goOutdated(
  module: string,
  locked: string,
  queries: readonly string[],
  versions: readonly string[],
): OutdatedRow {
  const allows = (v: string) =>
    queries.every((q) => {
      if (q === '') return true;
      return isGoQuery(q) ? matchesQuery(v, q) : v === q;
    });
  return {
    ecosystem: 'go',
    name: module,
    locked,
    allowed: newestGo(versions, locked, allows),
    newest: newestGo(versions, locked, () => true),
  };
}

/**
 * The versions of `versions` that the module's latest go.mod does not retract: the ones
 * `go list -m -u` may offer as an update (cmd/go's upgrade query skips retracted versions).
 */
export async function unretractedGo(
  querier: Querier,
  module: string,
  versions: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const v of versions) if ((await querier.retracted(module, v)) === undefined) out.push(v);
  return out;
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
