// `mochi-pkg serve`: a verified GOPROXY and checksum-database proxy over a directory or an S3 bucket.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadHasher } from '../go/cache/index.js';
import type { ModuleSource } from '../go/proxy/index.js';
import {
  httpSumdbFetch,
  httpSumdbUpstream,
  parseGosumdb,
  SumdbClient,
  type SumdbConfig,
} from '../go/sumdb/index.js';
import { openGoSource } from '../project/goSource.js';
import { loadNetrc, lookupNetrc, netrcPath } from '../util/netrc.js';
import { ServeError } from './errors.js';
import { GoProxy, type PrivateMode } from './goproxy.js';
import { MemoryCachedStorage } from './memcache.js';
import { Metrics } from './metrics.js';
import { PythonMirror } from './pyindex.js';
import { type RunningServe, startServe } from './server.js';
import { openStorage, type Storage } from './storage.js';
import { SumdbProxy } from './sumdb.js';

export { ServeError } from './errors.js';
export {
  GoProxy,
  type GoProxyOptions,
  notFound,
  type PrivateMode,
  parseGoPath,
  type Reply,
} from './goproxy.js';
export { MemoryCachedStorage } from './memcache.js';
export { Metrics } from './metrics.js';
export { PYTHON_FILES, PythonMirror, type PythonMirrorOptions } from './pyindex.js';
export { type RunningServe, type ServeOptions, serveHandler, startServe } from './server.js';
export { negotiate, type SimpleFormat } from './simple.js';
export { DirStorage, openStorage, type PutSource, type Storage, type StoredObject } from './storage.js';
export { SumdbProxy, type SumdbUpstream } from './sumdb.js';

/** The default of `--memory-cache`, for both kinds of store. */
const DEFAULT_MEMORY_CACHE = 64 << 20;

/** Everything `serve` is configured with (the CLI's flags). */
export interface ServeConfig {
  /** `host:port`; port 0 picks a free one. */
  readonly listen: string;
  /** `dir:<path>`, a path, or `s3://bucket/prefix`. */
  readonly storage: string;
  /** The upstream GOPROXY list; `off`: serve the store only. */
  readonly goProxy: string;
  /** GOSUMDB-style: `off`, `sum.golang.org`, `<key>` or `<key> <url>`. */
  readonly sumdb: string;
  /** Upstream Python simple indexes, asked in order; empty or absent: the mirror serves the store only. */
  readonly indexUrls?: readonly string[];
  readonly noSumdb?: string;
  readonly privatePatterns?: string;
  readonly privateMode?: PrivateMode;
  readonly maxZipBytes?: number;
  /**
   * Bytes of small stored objects (≤ 1 MiB each) an instance keeps in memory; default 64 MiB for
   * either store (a directory read costs an open, a stat, a read and a close per request, most
   * of a warm request's time). 0: none.
   */
  readonly memoryCacheBytes?: number;
  readonly ratePerSecond?: number;
  readonly listTtlMs?: number;
  /** The clock of rate limits and list reuse (tests stop it). */
  readonly now?: () => number;
  readonly tmpDir?: string;
  readonly log?: (line: string) => void;
  /** Receives one JSON line per error that no request reports (a store write after its answer). */
  readonly errorLog?: (line: string) => void;
  /** Pull a version's `.mod` and `.zip` as soon as its `.info` is pulled (default true; see GoProxyOptions). */
  readonly prefetch?: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A started `serve`: the server plus what it was built from (tests read the metrics). */
export interface ServeInstance extends RunningServe {
  readonly metrics: Metrics;
  readonly storage: Storage;
  /** Resolves once every store write of an artifact already answered has landed (see GoProxy.settled). */
  settled(): Promise<void>;
  /**
   * Closes the listener (see {@link RunningServe.close}), ends the upstream requests still running,
   * waits for store writes in progress, then closes the store.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/** Splits `host:port` (`[::1]:8080`, `:8080` = all interfaces). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw new ServeError('serve-config', `--listen ${JSON.stringify(value)} is not <host>:<port>`, {
      hint: 'e.g. --listen 127.0.0.1:3000 (behind a reverse proxy) or --listen :3000',
    });
  }
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] as string)), port };
}

function sumdbUrl(cfg: SumdbConfig): string {
  return cfg.url ?? cfg.direct;
}

/** Builds the store, the upstreams and the server from `c`, and starts listening. */
export async function startServeFromConfig(c: ServeConfig): Promise<ServeInstance> {
  const { host, port } = parseListen(c.listen);
  const opened = await openStorage(c.storage, { cwd: c.cwd, env: c.env });
  const cacheBytes = c.memoryCacheBytes ?? DEFAULT_MEMORY_CACHE;
  const storage = cacheBytes > 0 ? new MemoryCachedStorage(opened, cacheBytes) : opened;
  const tmpDir = c.tmpDir ?? join(tmpdir(), `mochi-pkg-serve-${process.pid}`);
  await checkTmpDir(tmpDir);
  const metrics = new Metrics();
  // Fired at shutdown, once the grace period is over: upstream requests still running (a prefetch,
  // an answer no client waits for any more) end, instead of holding the process to their deadlines.
  const stopUpstreams = new AbortController();
  const upstream: ModuleSource | undefined =
    c.goProxy.trim() === 'off' ? undefined : await openGoSource(c.goProxy, c.env, stopUpstreams.signal);
  const db = parseGosumdb(c.sumdb);
  let sumdb: SumdbClient | undefined;
  let sumdbProxy: SumdbProxy | undefined;
  if (db !== 'off') {
    const base = sumdbUrl(db).replace(/\/+$/, '');
    // Both end at shutdown with the other upstream requests.
    const http = { signal: stopUpstreams.signal };
    sumdb = new SumdbClient({ key: db.key, fetch: httpSumdbFetch(base, http) });
    sumdbProxy = new SumdbProxy(db.name, httpSumdbUpstream(base, http), storage, sumdb, metrics);
  }
  // Zips are checked and hashed on worker threads: a pulled zip's check would otherwise hold up every
  // request behind it (go asks for .info and .mod one at a time while zips are pulled).
  const hasher = threadHasher();
  const go = new GoProxy({
    storage,
    hasher,
    ...(upstream === undefined ? {} : { upstream }),
    ...(sumdb === undefined ? {} : { sumdb }),
    ...(c.noSumdb === undefined ? {} : { noSumdb: c.noSumdb }),
    ...(c.privatePatterns === undefined ? {} : { privatePatterns: c.privatePatterns }),
    ...(c.privateMode === undefined ? {} : { privateMode: c.privateMode }),
    ...(c.maxZipBytes === undefined ? {} : { maxZipBytes: c.maxZipBytes }),
    ...(c.listTtlMs === undefined ? {} : { listTtlMs: c.listTtlMs }),
    tmpDir,
    metrics,
    ...(c.now === undefined ? {} : { now: c.now }),
    ...(c.errorLog === undefined ? {} : { log: c.errorLog }),
    ...(c.prefetch === undefined ? {} : { prefetch: c.prefetch }),
  });
  const indexUrls = c.indexUrls ?? [];
  const netrc = indexUrls.length > 0 ? await loadNetrc(netrcPath(c.env)) : [];
  const python = new PythonMirror({
    storage,
    indexUrls,
    client: { credentials: (u) => lookupNetrc(netrc, u.host), signal: stopUpstreams.signal },
    ...(c.listTtlMs === undefined ? {} : { pageTtlMs: c.listTtlMs }),
    metrics,
    ...(c.now === undefined ? {} : { now: c.now }),
  });
  const running = await startServe(
    {
      go,
      python,
      ...(sumdbProxy === undefined ? {} : { sumdb: sumdbProxy }),
      metrics,
      ...(c.log === undefined ? {} : { log: c.log }),
      ...(c.ratePerSecond === undefined ? {} : { ratePerSecond: c.ratePerSecond }),
      ...(c.now === undefined ? {} : { now: c.now }),
    },
    host,
    port,
  );
  return {
    ...running,
    metrics,
    storage,
    settled: () => go.settled(),
    async shutdown(graceMs) {
      await running.close(graceMs);
      stopUpstreams.abort();
      go.abortPulls();
      // Artifacts already answered are stored before the store closes.
      await go.settled();
      await hasher.close();
      await storage.close();
    },
  };
}

/**
 * Makes sure zips can be downloaded into `dir` before serve starts: found out at the first pull, it
 * failed every `.zip` with a bare 500.
 */
async function checkTmpDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw e;
    throw new ServeError('serve-config', `--tmp-dir ${dir}: cannot create or write it: ${code}`, {
      cause: e,
      hint: '--tmp-dir names a directory serve can create and write (downloads are verified there)',
    });
  }
}
