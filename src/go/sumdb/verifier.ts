// Checking downloaded modules against the checksum database as cmd/go does (modfetch.checkModSum): policy, go.sum-like known lines, one client per run.
import { join } from 'node:path';
import { loadNetrc, lookupNetrc } from '../../util/netrc.js';
import { SumdbClient, type SumdbFetch } from './client.js';
import { SumdbError } from './errors.js';
import { fileSumdbState, fileTileCache, type SumdbHttpOptions, urlStatusProbe, urlSumdbFetch } from './io.js';
import {
  parseGosumdb,
  type StatusProbe,
  type SumdbConfig,
  type SumdbEnv,
  sumdbBaseUrl,
  useSumdb,
} from './policy.js';

/**
 * Checks the `h1:` hashes of a module version before they are accepted. Each method resolves to
 * the name of the database that vouched for the hash, or undefined when none was asked (GOSUMDB
 * off, a GONOSUMDB/GOPRIVATE module, or a hash already trusted, as a go.sum line is); it throws
 * {@link SumdbError} `sumdb-security` when the database reports another hash.
 */
export interface ModuleSums {
  /** The hash of the module zip (go.sum's `<path> <version> h1:…`). */
  zip(path: string, version: string, h1: string): Promise<string | undefined>;
  /** The hash of the go.mod (go.sum's `<path> <version>/go.mod h1:…`). */
  mod(path: string, version: string, h1: string): Promise<string | undefined>;
  /**
   * Starts looking up a module version that is about to be downloaded, so that the lookup overlaps
   * the download; its outcome is what the next {@link zip} or {@link mod} call sees.
   */
  prefetch?(path: string, version: string): void;
}

/** Options of {@link openModuleSums}. */
export interface ModuleSumsOptions {
  /** GOSUMDB, GONOSUMDB, GOPRIVATE (GOINSECURE does not turn the check off, as in cmd/go). */
  readonly env: SumdbEnv;
  /** The GOPROXY list the modules come from: the database is reached through it first. */
  readonly goproxy: string | undefined;
  /**
   * The module cache root: the latest verified tree of each database is kept in
   * `<root>/config/sumdb/<name>/latest`, verified tiles and lookups in `<root>/sumdb/<name>/…`.
   * Without it nothing is kept between runs.
   */
  readonly cacheRoot?: string;
  /** How to reach a base URL (default: HTTP(S) and `file://`). */
  readonly fetchFor?: (baseUrl: string) => SumdbFetch;
  /** How to probe `<proxy>/sumdb/<name>/supported` (default: HTTP(S) and `file://`). */
  readonly probe?: StatusProbe;
  /**
   * Per-request timeout of the default fetch (ms); default `MOCHI_SUMDB_TIMEOUT_MS` from `env`,
   * else 30 s.
   */
  readonly timeoutMs?: number;
  /**
   * The netrc file (`$NETRC` or `~/.netrc`) whose credentials are sent to the database's host, as
   * cmd/go sends them; read when the database is first reached.
   */
  readonly netrc?: string;
}

/** The folder under the cache root where each database's latest verified tree is kept. */
export function sumdbConfigDir(cacheRoot: string): string {
  return join(cacheRoot, 'config', 'sumdb');
}

/** The folder under the cache root holding verified tiles and lookup answers. */
export function sumdbCacheDir(cacheRoot: string): string {
  return join(cacheRoot, 'sumdb');
}

/**
 * The checks `env` asks for. GOSUMDB is read, and the database reached (through the proxy first),
 * when a module first needs it; a bad GOSUMDB is `sumdb-config` then.
 */
export function openModuleSums(o: ModuleSumsOptions): ModuleSums {
  let client: Promise<SumdbClient> | undefined;
  // GOSUMDB is read when a module first needs it (a project without Go modules never does).
  const open = (): Promise<SumdbClient> => {
    client ??= Promise.resolve().then(() => connect(parseGosumdb(o.env.GOSUMDB) as SumdbConfig, o));
    return client;
  };
  const check = async (path: string, version: string, h1: string): Promise<string | undefined> => {
    if (!useSumdb(o.env, path)) return undefined;
    const c = await open();
    const base = version.endsWith('/go.mod') ? version.slice(0, -'/go.mod'.length) : version;
    // A record without a line for this hash is accepted, as cmd/go does, but vouches for nothing.
    return (await c.verify(path, base, version === base ? { zip: h1 } : { mod: h1 })) ? c.name : undefined;
  };
  return {
    zip: (path, version, h1) => check(path, version, h1),
    mod: (path, version, h1) => check(path, `${version}/go.mod`, h1),
    prefetch: (path, version) => {
      if (!useSumdb(o.env, path)) return;
      // Failures are reported by the check that follows (the client does not remember them).
      open()
        .then((c) => c.lookup(path, version))
        .catch(() => {});
    },
  };
}

async function connect(config: SumdbConfig, o: ModuleSumsOptions): Promise<SumdbClient> {
  const timeoutMs = o.timeoutMs ?? sumdbTimeout(o.env.MOCHI_SUMDB_TIMEOUT_MS);
  const netrc = o.netrc === undefined ? [] : await loadNetrc(o.netrc);
  const httpOpts: SumdbHttpOptions = {
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(netrc.length === 0 ? {} : { credentials: (u: URL) => lookupNetrc(netrc, u.host) }),
  };
  const probe = o.probe ?? urlStatusProbe(httpOpts);
  let base: string;
  try {
    base = await sumdbBaseUrl(config, o.goproxy, probe);
  } catch (e) {
    if (!(e instanceof SumdbError)) throw e;
    throw reachError(config, e);
  }
  const raw = (o.fetchFor ?? ((b: string) => urlSumdbFetch(b, httpOpts)))(base);
  const fetch: SumdbFetch = async (path, max) => {
    try {
      return await raw(path, max);
    } catch (e) {
      // A 404 is an answer (the log has no such tile or module); the rest means no database.
      if (!(e instanceof SumdbError) || !REACH_CODES.has(e.code) || e.status === 404) throw e;
      throw reachError(config, e);
    }
  };
  return new SumdbClient({
    key: config.key,
    fetch,
    ...(o.cacheRoot === undefined
      ? {}
      : {
          state: fileSumdbState(join(sumdbConfigDir(o.cacheRoot), ...config.name.split('/'), 'latest')),
          tileCache: fileTileCache(sumdbCacheDir(o.cacheRoot)),
        }),
  });
}

/** The codes of a database that could not be reached or stopped answering. */
const REACH_CODES: ReadonlySet<string> = new Set(['sumdb-http', 'sumdb-timeout']);

/** `MOCHI_SUMDB_TIMEOUT_MS`: a positive whole number of milliseconds, or unset. */
function sumdbTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^[0-9]{1,9}$/.test(value) ? Number(value) : 0;
  if (ms <= 0) {
    throw new SumdbError('sumdb-config', `invalid MOCHI_SUMDB_TIMEOUT_MS ${JSON.stringify(value)}`, {
      hint: 'MOCHI_SUMDB_TIMEOUT_MS is a whole number of milliseconds above 0, or unset',
    });
  }
  return ms;
}

function reachError(config: SumdbConfig, e: SumdbError): SumdbError {
  const timeout = e.code === 'sumdb-timeout';
  return new SumdbError(
    timeout ? 'sumdb-timeout' : 'sumdb-http',
    `checksum database ${config.name}: ${e.message}`,
    {
      cause: e,
      ...(e.status === undefined ? {} : { status: e.status }),
      hint: `${timeout ? 'a slow link may need a longer MOCHI_SUMDB_TIMEOUT_MS (milliseconds); ' : ''}every module is checked against ${config.name} (GOSUMDB) before its hashes are accepted; without network set GOSUMDB=off, or GONOSUMDB/GOPRIVATE for private modules`,
    },
  );
}

/**
 * `sums` with the hashes of `known` trusted as go.sum lines are (`<path> <version>[/go.mod] <h1>`):
 * a hash already there is not looked up again. A different hash is still looked up.
 */
export function withKnownSums(sums: ModuleSums, known: Iterable<string>): ModuleSums {
  const lines = new Set(known);
  const versions = new Set(
    [...lines].map((l) =>
      l
        .split(' ')
        .slice(0, 2)
        .join(' ')
        .replace(/\/go\.mod$/, ''),
    ),
  );
  return {
    zip: async (path, version, h1) =>
      lines.has(`${path} ${version} ${h1}`) ? undefined : sums.zip(path, version, h1),
    mod: async (path, version, h1) =>
      lines.has(`${path} ${version}/go.mod ${h1}`) ? undefined : sums.mod(path, version, h1),
    // A module the known lines cover needs no lookup.
    prefetch: (path, version) => {
      if (!versions.has(`${path} ${version}`)) sums.prefetch?.(path, version);
    },
  };
}

/** One module version a checksum database vouched for. */
export interface SumdbVerdict {
  readonly module: string;
  readonly version: string;
  /** The database name (`sum.golang.org`). */
  readonly sumdb: string;
}

/** `sums`, remembering which database vouched for which module version (sorted by module, then version). */
export function recordingSums(sums: ModuleSums): { sums: ModuleSums; verified(): SumdbVerdict[] } {
  const seen = new Map<string, SumdbVerdict>();
  const note = (module: string, version: string, by: string | undefined) => {
    if (by !== undefined) seen.set(`${module}@${version}`, { module, version, sumdb: by });
    return by;
  };
  return {
    sums: {
      zip: async (p, v, h) => note(p, v, await sums.zip(p, v, h)),
      mod: async (p, v, h) => note(p, v, await sums.mod(p, v, h)),
      prefetch: (p, v) => sums.prefetch?.(p, v),
    },
    verified: () =>
      [...seen.values()].sort((a, b) =>
        a.module === b.module ? (a.version < b.version ? -1 : 1) : a.module < b.module ? -1 : 1,
      ),
  };
}
