// Module version queries as cmd/go answers them (`go list -m m@q`): latest, prefixes, ranges, versions, revisions, retractions.
import { MochiPkgError } from '../../errors.js';
import { GoModParseError, parseLax } from '../modfile/index.js';
import { autoQuote } from '../modfile/rule.js';
import { canonicalVersion, pathMajorMismatch, splitPathVersion } from '../module/check.js';
import { isNotFound, type ModuleSource, ProxyError, type VersionInfo } from '../proxy/index.js';
import * as semver from '../semver/index.js';

/**
 * A query cmd/go cannot answer: code `go-query-no-match` (no version matches, in go's words
 * `no matching versions for query "…"`), `go-query-invalid` (a malformed range such as `<v1.x`).
 */
export class GoQueryError extends MochiPkgError {
  declare readonly code: 'go-query-no-match' | 'go-query-invalid';
}

/** x/mod `semver.Compare`: invalid versions equal each other and sort below every valid one. */
export function compareVersions(a: string, b: string): number {
  const pa = semver.tryParse(a);
  const pb = semver.tryParse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return semver.compare(pa, pb);
}

/** True for `vX` and `vX.Y` (cmd/go `isSemverPrefix`, applied to valid versions). */
function isSemverPrefix(v: string): boolean {
  let dots = 0;
  for (const c of v) {
    if (c === '-' || c === '+') return false;
    if (c === '.' && ++dots >= 2) return false;
  }
  return true;
}

/**
 * True when `q` names a revision rather than a version range (cmd/go `IsRevisionQuery`): a full
 * version (`v1.2.3`), a non-canonical one, a commit hash or a branch. `go list -m` lets such a
 * query select a retracted version.
 */
export function isRevisionQuery(q: string): boolean {
  if (q === 'latest' || q === 'upgrade' || q === 'patch' || q.startsWith('<') || q.startsWith('>'))
    return false;
  return !(semver.isValid(q) && isSemverPrefix(q));
}

interface Matcher {
  prefix: string;
  filter?: (v: string) => boolean;
  canStat: boolean;
  preferLower: boolean;
  mayUseLatest: boolean;
  preferIncompatible: boolean;
}

const REVISION = Symbol('revision');

function newMatcher(path: string, query: string, current: string): Matcher | typeof REVISION {
  const bad = (v: string) =>
    new GoQueryError(
      'go-query-invalid',
      `invalid semantic version ${JSON.stringify(v)} in range ${JSON.stringify(query)}`,
    );
  const ambiguous = (v: string) =>
    new GoQueryError(
      'go-query-invalid',
      `ambiguous semantic version ${JSON.stringify(v)} in range ${JSON.stringify(query)}`,
    );
  const matchesMajor = (v: string): boolean => {
    const split = splitPathVersion(path);
    return split !== undefined && pathMajorMismatch(v, split.pathMajor) === undefined;
  };
  const qm: Matcher = {
    prefix: '',
    canStat: false,
    preferLower: false,
    mayUseLatest: false,
    preferIncompatible: current.endsWith('+incompatible'),
  };
  const hasCurrent = current !== '' && current !== 'none';
  const range = (op: string, v: string, keep: (c: number) => boolean, lower: boolean, noPrefix: boolean) => {
    if (!semver.isValid(v)) throw bad(v);
    if (noPrefix && isSemverPrefix(v)) throw ambiguous(v);
    qm.filter = (mv) => keep(compareVersions(mv, v));
    qm.preferLower = lower;
    if (!matchesMajor(v)) qm.preferIncompatible = true;
    return op;
  };
  if (query === 'latest') {
    qm.mayUseLatest = true;
  } else if (query === 'upgrade') {
    if (!hasCurrent) qm.mayUseLatest = true;
    else {
      qm.mayUseLatest = semver.isPseudoVersion(current);
      qm.filter = (mv) => compareVersions(mv, current) >= 0;
    }
  } else if (query === 'patch') {
    if (!hasCurrent) {
      throw new GoQueryError(
        'go-query-no-match',
        `can't query version "patch" of module ${path}: no existing version is required`,
      );
    }
    qm.mayUseLatest = semver.isPseudoVersion(current);
    const mm = /^v\d+\.\d+/.exec(semver.canonical(current))?.[0] ?? '';
    qm.prefix = `${mm}.`;
    qm.filter = (mv) => compareVersions(mv, current) >= 0;
  } else if (query.startsWith('<=')) {
    range('<=', query.slice(2), (c) => c <= 0, false, true);
  } else if (query.startsWith('<')) {
    range('<', query.slice(1), (c) => c < 0, false, false);
  } else if (query.startsWith('>=')) {
    range('>=', query.slice(2), (c) => c >= 0, true, false);
  } else if (query.startsWith('>')) {
    range('>', query.slice(1), (c) => c > 0, true, true);
  } else if (semver.isValid(query)) {
    if (isSemverPrefix(query)) {
      qm.prefix = `${query}.`;
      qm.filter = (mv) => compareVersions(mv, query) >= 0;
    } else {
      qm.canStat = true;
      qm.filter = (mv) => compareVersions(mv, query) === 0;
      qm.prefix = semver.canonical(query);
    }
    if (!matchesMajor(query)) qm.preferIncompatible = true;
  } else {
    return REVISION;
  }
  return qm;
}

/** One retraction of a go.mod: `[low, high]` and its rationale. */
export interface Retraction {
  readonly low: string;
  readonly high: string;
  readonly rationale: string;
}

/** What the latest version's go.mod says about all versions of a module. */
export interface ModuleNotes {
  /** The version whose go.mod was read (the latest, retractions ignored). */
  readonly latest: string;
  readonly retract: readonly Retraction[];
  /** The `// Deprecated:` text of its module directive; empty when not deprecated. */
  readonly deprecated: string;
}

/** Which versions a query may select. */
export type Allowed = (path: string, version: string) => Promise<boolean>;

/** Options of {@link Querier.query}. */
export interface QueryOptions {
  /** The version in use now (for `upgrade` and `patch`, and `+incompatible` preference). */
  readonly current?: string;
  /**
   * Which versions may be chosen. Default: as `go list -m` — every version for a revision query
   * (an exact version, a hash, a branch), unretracted versions otherwise.
   */
  readonly allowed?: Allowed | 'all' | 'unretracted';
}

/** cmd/go `ShortMessage`: the first line, trimmed, without control characters, at most 500 bytes. */
export function shortMessage(message: string, emptyDefault: string): string {
  let m = message;
  const nl = m.indexOf('\n');
  if (nl >= 0) m = m.slice(0, nl);
  m = m.trim();
  if (m === '') return emptyDefault;
  if (new TextEncoder().encode(m).length > 500) return '(message omitted: too long)';
  if (/[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}\s]/u.test(m))
    return '(message omitted: contains non-printable characters)';
  return m;
}

/**
 * Answers module queries through a module source exactly as cmd/go 1.19 does, remembering what
 * it fetched (each module's latest go.mod is read once). Pure: all I/O goes through `source`.
 *
 * @example
 * ```ts
 * const q = new Querier(new Client({ baseUrl: 'https://proxy.golang.org' }));
 * (await q.query('rsc.io/quote', 'v1')).Version; // 'v1.5.2'
 * await q.warnings('example.com/retract', 'v1.0.0-bad'); // ['example.com/retract@v1.0.0-bad: retracted by module author: bad']
 * ```
 */
export class Querier {
  private readonly notes = new Map<string, Promise<ModuleNotes>>();
  private readonly hasGoMod = new Map<string, Promise<boolean>>();

  constructor(private readonly source: ModuleSource) {}

  /**
   * Resolves `path@query`: `latest`, `upgrade`, `patch`, a prefix `vX` / `vX.Y` (newest release,
   * else newest pre-release), a range `<v`, `<=v`, `>v`, `>=v` (nearest release first), a version
   * (its `.info`; a non-canonical one such as `v2.0.0` of a path without `/v2` is a revision, as
   * in go), or a revision (`.info` of the hash or branch). Retracted versions are skipped unless
   * the query is a revision; `+incompatible` versions only when no compatible version has a go.mod.
   *
   * @throws {GoQueryError} no matching version, or a malformed range.
   * @throws the source's errors (module or version not found, proxy failures).
   */
  async query(path: string, query: string, options: QueryOptions = {}): Promise<VersionInfo> {
    const current = options.current ?? '';
    if (current !== '' && current !== 'none' && !semver.isValid(current)) {
      throw new GoQueryError('go-query-invalid', `invalid previous version ${JSON.stringify(current)}`);
    }
    const allowed = this.allowedFor(query, options.allowed);
    const qm = newMatcher(path, query, current);
    if (qm === REVISION || qm.canStat) {
      let info: VersionInfo;
      try {
        info = await this.source.info(path, query);
      } catch (queryErr) {
        const canonical = canonicalVersion(query);
        if (canonical === '' || canonical === query) throw queryErr;
        try {
          info = await this.source.info(path, canonical);
        } catch (e) {
          throw isNotFound(e) ? queryErr : e;
        }
      }
      if (allowed && !(await allowed(path, info.Version))) {
        throw new GoQueryError('go-query-no-match', `${path}@${info.Version}: retracted by module author`);
      }
      return info;
    }
    const allows = async (v: string): Promise<boolean> =>
      (qm.prefix === '' || v.startsWith(qm.prefix)) &&
      (qm.filter === undefined || qm.filter(v)) &&
      (!allowed || (await allowed(path, v)));
    const versions = (await this.source.list(path)).filter((v) => v.startsWith(qm.prefix));
    const releases: string[] = [];
    const prereleases: string[] = [];
    let needIncompatible = qm.preferIncompatible;
    let lastCompatible = '';
    for (const v of versions) {
      if (!(await allows(v))) continue;
      if (!needIncompatible) {
        if (!v.endsWith('+incompatible')) lastCompatible = v;
        else if (lastCompatible !== '') {
          // A module that has a go.mod at a compatible version does not get +incompatible ones.
          if (await this.versionHasGoMod(path, lastCompatible)) break;
          needIncompatible = true;
        }
      }
      (semver.prerelease(v) !== '' ? prereleases : releases).push(v);
    }
    const lookup = async (v: string): Promise<VersionInfo> => {
      const rev = await this.source.info(path, v);
      if ((query === 'upgrade' || query === 'patch') && semver.isPseudoVersion(current) && rev.Time) {
        const t = pseudoVersionTime(current);
        if (t !== undefined && Date.parse(rev.Time) < t) {
          if (allowed && !(await allowed(path, current))) throw await this.disallowed(path, query, current);
          return this.source.info(path, current);
        }
      }
      return rev;
    };
    const pickFrom = (list: string[]) => (qm.preferLower ? list[0] : list.at(-1));
    const chosen = pickFrom(releases) ?? pickFrom(prereleases);
    if (chosen !== undefined) return lookup(chosen);
    if (qm.mayUseLatest) {
      let latest: VersionInfo | undefined;
      try {
        latest = await this.source.latest(path);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (latest && (await allows(latest.Version))) return lookup(latest.Version);
    }
    if ((query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none') {
      if (allowed && !(await allowed(path, current))) throw await this.disallowed(path, query, current);
      return lookup(current);
    }
    throw noMatch(path, query, current);
  }

  /**
   * What the module's latest go.mod (retractions ignored, as cmd/go reads it) says: its
   * retractions and deprecation. Cached per module.
   */
  moduleNotes(path: string): Promise<ModuleNotes> {
    let p = this.notes.get(path);
    if (!p) {
      p = (async () => {
        const latest = (await this.query(path, 'latest', { allowed: 'all' })).Version;
        const f = parseLax('go.mod', await this.source.mod(path, latest));
        return {
          latest,
          retract: f.retract.map((r) => ({ low: r.low, high: r.high, rationale: r.rationale })),
          deprecated: f.module?.deprecated ?? '',
        };
      })();
      this.notes.set(path, p);
    }
    return p;
  }

  /**
   * The rationales when `version` is retracted (an empty list when retracted without one),
   * `undefined` when not — or when the latest go.mod cannot be had (no answer from the proxy, a
   * go.mod that does not parse), which cmd/go also treats as not retracted.
   */
  async retracted(path: string, version: string): Promise<string[] | undefined> {
    let notes: ModuleNotes;
    try {
      notes = await this.moduleNotes(path);
    } catch (e) {
      if (unreadable(e)) return undefined;
      throw e;
    }
    const hits = notes.retract.filter(
      (r) => compareVersions(r.low, version) <= 0 && compareVersions(version, r.high) <= 0,
    );
    return hits.length === 0 ? undefined : hits.filter((r) => r.rationale !== '').map((r) => r.rationale);
  }

  /**
   * The warnings cmd/go prints for using `path@version`, in its words: deprecation
   * (`module m is deprecated: …`) and retraction (`m@v: retracted by module author: …`).
   */
  async warnings(path: string, version: string): Promise<string[]> {
    const out: string[] = [];
    let deprecated = '';
    try {
      deprecated = (await this.moduleNotes(path)).deprecated;
    } catch (e) {
      if (!unreadable(e)) throw e;
    }
    const dep = shortMessage(deprecated, '');
    if (dep !== '') out.push(`module ${path} is deprecated: ${dep}`);
    const why = await this.retracted(path, version);
    if (why !== undefined) out.push(retractedText(path, version, why));
    return out;
  }

  // `upgrade` or `patch` found nothing newer and may not stay on `current`: when it is retracted,
  // cmd/go reports that (its ErrDisallowed), else no version matched.
  private async disallowed(path: string, query: string, current: string): Promise<GoQueryError> {
    const why = await this.retracted(path, current);
    if (why === undefined) return noMatch(path, query, current);
    return new GoQueryError('go-query-no-match', retractedText(path, current, why), {
      hint: `run \`mochi-pkg go list ${path}\` to see the versions the proxy has`,
    });
  }

  private allowedFor(query: string, a: QueryOptions['allowed']): Allowed | undefined {
    if (a === 'all') return undefined;
    if (typeof a === 'function') return a;
    if (a === undefined && isRevisionQuery(query)) return undefined;
    return async (path, v) => (await this.retracted(path, v)) === undefined;
  }

  // cmd/go versionHasGoMod: a `.mod` that is only `module <path>` was made up by the proxy.
  private versionHasGoMod(path: string, version: string): Promise<boolean> {
    const key = `${path}@${version}`;
    let p = this.hasGoMod.get(key);
    if (!p) {
      p = this.source.mod(path, version).then((data) => {
        const legacy = new TextEncoder().encode(`module ${autoQuote(path)}\n`);
        return data.length !== legacy.length || data.some((b, i) => b !== legacy[i]);
      });
      this.hasGoMod.set(key, p);
    }
    return p;
  }
}

// The latest go.mod could not be had or read: cmd/go then treats versions as neither retracted
// nor deprecated (a retraction-loading error never blocks a version).
function unreadable(e: unknown): boolean {
  return e instanceof GoQueryError || e instanceof GoModParseError || e instanceof ProxyError;
}

// cmd/go's ModuleRetractedError inside a module.ModuleError: `<path>@<version>: retracted by module author[: <first rationale>]`.
function retractedText(path: string, version: string, why: readonly string[]): string {
  const first = why[0];
  const msg = first === undefined ? '' : `: ${shortMessage(first, 'retracted by module author')}`;
  return `${path}@${version}: retracted by module author${msg}`;
}

// cmd/go's NoMatchingVersionError inside a module.ModuleError without a version: `module <path>: …`.
function noMatch(path: string, query: string, current: string): GoQueryError {
  const suffix =
    (query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none'
      ? ` (current version is ${current})`
      : '';
  return new GoQueryError(
    'go-query-no-match',
    `module ${path}: no matching versions for query ${JSON.stringify(query)}${suffix}`,
    { hint: `run \`mochi-pkg go list ${path}\` to see the versions the proxy has` },
  );
}

// The commit time a pseudo-version records (yyyymmddhhmmss, UTC), in ms since the epoch.
function pseudoVersionTime(v: string): number | undefined {
  const m = /(\d{14})-[0-9a-f]{12}$/.exec(v.split('+')[0] ?? '');
  const t = m?.[1];
  if (!t) return undefined;
  return Date.UTC(
    +t.slice(0, 4),
    +t.slice(4, 6) - 1,
    +t.slice(6, 8),
    +t.slice(8, 10),
    +t.slice(10, 12),
    +t.slice(12, 14),
  );
}
