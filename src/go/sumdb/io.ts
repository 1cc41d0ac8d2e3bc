// The I/O edges of the checksum database client: HTTP fetching with caps and timeouts, and the state file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeFileAtomicSync } from '../../util/atomic.js';
import { withFileLock } from '../../util/fileLock.js';
import { Http } from '../../util/http.js';
import type { Credentials } from '../../util/netrc.js';
import { FileReadError, pathExists, readRegularFileIfExists } from '../../util/read.js';
import type { SumdbFetch, SumdbState, TileCache } from './client.js';
import { SumdbError } from './errors.js';
import type { StatusProbe } from './policy.js';

/** How the checksum database is reached over HTTP(S). */
export interface SumdbHttpOptions {
  /** Per-request timeout: no response or no body data for this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Credentials for a request URL's host (netrc, as cmd/go sends them); URL user-info wins. */
  readonly credentials?: (url: URL) => Credentials | undefined;
  /** Ends every request once it fires (a server shutting down): none runs on to its timeout. */
  readonly signal?: AbortSignal;
}

/** The HTTP client of the checksum database: its failures are `sumdb-timeout` or `sumdb-http`. */
function sumdbHttp(opts: SumdbHttpOptions): Http<undefined> {
  const ms = opts.timeoutMs ?? 30_000;
  return new Http<undefined>(
    (kind, message, _ctx, url, cause) =>
      new SumdbError(kind === 'timeout' ? 'sumdb-timeout' : 'sumdb-http', `${url}: ${message}`, {
        ...(cause === undefined ? {} : { cause }),
      }),
    {
      connectTimeoutMs: ms,
      readTimeoutMs: ms,
      totalTimeoutMs: Math.max(ms, 60_000),
      // A stalled database fails within the timeout, not after retries of it.
      ...(opts.timeoutMs === undefined ? {} : { retries: 0 }),
      ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    },
  );
}

/**
 * A {@link SumdbFetch} over HTTP(S) at `baseUrl`, on the project's one HTTP layer (keep-alive,
 * redirects as cmd/go follows them, retries of network errors and 5xx, netrc credentials): a
 * timeout per request (`sumdb-timeout`) and a body cap (`sumdb-http`), as is any status but 200
 * (a 404: the database does not know the module or tile).
 */
export function httpSumdbFetch(baseUrl: string, opts: SumdbHttpOptions = {}): SumdbFetch {
  const base = baseUrl.replace(/\/+$/, '');
  const client = sumdbHttp(opts);
  return async (path, maxBytes) => {
    const url = `${base}${path}`;
    const res = await client.getBytes(url, undefined, maxBytes);
    if (res.status !== 200) {
      throw new SumdbError('sumdb-http', `${url}: HTTP ${res.status}`, { status: res.status });
    }
    return res.body;
  };
}

/** The most a checksum database answer passed on as it is may hold. */
const PASS_MAX_BYTES = 16 << 20;

/**
 * The checksum database's answers as they are, status and body (the body only with 200), for a
 * proxy that passes them on: the same client as {@link httpSumdbFetch}, so the same timeouts,
 * retries, redirect rules and `signal`. A body over 16 MiB is a `sumdb-http` failure.
 */
export function httpSumdbUpstream(
  baseUrl: string,
  opts: SumdbHttpOptions = {},
): (path: string) => Promise<{ status: number; body: Uint8Array }> {
  const base = baseUrl.replace(/\/+$/, '');
  const client = sumdbHttp(opts);
  return async (path) => {
    const res = await client.getBytes(`${base}${path}`, undefined, PASS_MAX_BYTES);
    return { status: res.status, body: res.body };
  };
}

/**
 * A {@link SumdbState} in one file, replaced atomically (temp file, fsync, rename) and only under
 * the cross-process lock `<file>.lock`, after checking that the file still holds what the caller
 * read: concurrent processes never overwrite a newer tree they have not merged (cmd/go's
 * lockedfile compare-and-swap of `GOMODCACHE/cache/download/sumdb/<name>/latest`, as a lock file).
 */
export function fileSumdbState(file: string, opts: { lockWaitMs?: number } = {}): SumdbState {
  const read = async (): Promise<Uint8Array | undefined> => {
    try {
      return new Uint8Array(await readFile(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
  return {
    read,
    swap: (old, next) =>
      withFileLock(
        `${file}.lock`,
        async () => {
          const now = await read();
          // An empty file is what a crash can leave; anything else must be what the caller merged.
          if (now !== undefined && now.length > 0 && !Buffer.from(now).equals(old)) return false;
          await writeFileAtomic(file, next, { mkdirs: true });
          return true;
        },
        {
          ...(opts.lockWaitMs === undefined ? {} : { waitMs: opts.lockWaitMs }),
          onTimeout: (owner) =>
            new SumdbError('sumdb-locked', `${file}.lock: held by process ${owner || '?'} for too long`, {
              hint: 'another mochi-pkg is updating the checksum database state; if none runs, remove the lock file',
            }),
        },
      ),
  };
}

/**
 * A {@link SumdbFetch} for a `file://` base (a file proxy's `sumdb/<name>` folder, as cmd/go
 * serves it from GOMODCACHE/cache/download): a missing file is a 404, a file over the cap an error.
 */
export function fileSumdbFetch(baseUrl: string): SumdbFetch {
  const root = fileURLToPath(baseUrl);
  return async (path, maxBytes) => {
    const file = join(root, ...path.split('/').filter((p) => p !== ''));
    let data: Buffer | undefined;
    try {
      data = await readRegularFileIfExists(file, { maxBytes, what: 'checksum database file' });
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      throw new SumdbError('sumdb-http', `${baseUrl}${path}: ${e.message}`, { cause: e });
    }
    if (data === undefined)
      throw new SumdbError('sumdb-http', `${baseUrl}${path}: not found`, { status: 404 });
    return new Uint8Array(data);
  };
}

/** The fetch for a database base URL: `file://` or `http(s)://`. */
export function urlSumdbFetch(baseUrl: string, opts: SumdbHttpOptions = {}): SumdbFetch {
  return baseUrl.startsWith('file:') ? fileSumdbFetch(baseUrl) : httpSumdbFetch(baseUrl, opts);
}

/** A {@link StatusProbe} over HTTP(S) and `file://` (200 when the file exists, else 404). */
export function urlStatusProbe(opts: SumdbHttpOptions = {}): StatusProbe {
  return async (url) => {
    const slash = url.lastIndexOf('/');
    try {
      await urlSumdbFetch(url.slice(0, slash), opts)(url.slice(slash), 1 << 10);
      return 200;
    } catch (e) {
      if (e instanceof SumdbError && e.code === 'sumdb-http' && e.status !== undefined) return e.status;
      throw e;
    }
  };
}

/** False when `path` is certainly absent (ENOENT, ENOTDIR); any other trouble is left to the read. */
function mayExist(path: string): boolean {
  try {
    return pathExists(path);
  } catch {
    return true;
  }
}

/** Largest entry of the tile and lookup cache (a full tile is 8 KiB, a lookup answer far less). */
const MAX_CACHED = 1 << 20;

/**
 * A {@link TileCache} in a folder (`<dir>/<name>/tile/…`, `<dir>/<name>/lookup/…`, cmd/go's
 * cache/download/sumdb layout), each file written atomically. Only verified data is put here, and
 * it is checked against the signed tree again whenever it is read.
 */
export function fileTileCache(dir: string): TileCache {
  const fileOf = (path: string) => {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new SumdbError('sumdb-malformed', `invalid cache path ${JSON.stringify(path)}`);
    }
    return join(dir, ...parts);
  };
  return {
    async get(path) {
      const file = fileOf(path);
      // A cold cache misses on every lookup: one synchronous stat, no failed open and no error object.
      if (!mayExist(file)) return undefined;
      const data = await readRegularFileIfExists(file, {
        maxBytes: MAX_CACHED,
        what: 'checksum database cache file',
      });
      // An empty file is what a power loss can leave of an unsynced write: a miss, as in cmd/go.
      return data === undefined || data.length === 0 ? undefined : new Uint8Array(data);
    },
    async put(path, data) {
      // Not fsynced: everything here can be fetched again and is re-verified when read.
      // Small (a tile is at most 8 KiB): written with synchronous calls, still temp file and rename.
      writeFileAtomicSync(fileOf(path), data, { mkdirs: true, fsync: false });
    },
  };
}
