// The I/O edges of the checksum database client: HTTP fetching with caps and timeouts, and the state file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../util/atomic.js';
import { FileReadError, readRegularFileIfExists } from '../../util/read.js';
import type { SumdbFetch, SumdbState, TileCache } from './client.js';
import { SumdbError } from './errors.js';
import type { StatusProbe } from './policy.js';

/**
 * A {@link SumdbFetch} over HTTP(S) at `baseUrl`: a timeout per request and a body cap, both
 * failing with `sumdb-http` (a 404 too: the database does not know the module).
 */
export function httpSumdbFetch(baseUrl: string, opts: { timeoutMs?: number } = {}): SumdbFetch {
  const base = baseUrl.replace(/\/+$/, '');
  return async (path, maxBytes) => {
    const url = `${base}${path}`;
    const fail = (what: string, cause?: unknown, status?: number) =>
      new SumdbError('sumdb-http', `${url}: ${what}`, {
        ...(cause === undefined ? {} : { cause }),
        ...(status === undefined ? {} : { status }),
      });
    const signal = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: 'error' });
    } catch (e) {
      throw fail(describeFailure(e), e);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw fail(`HTTP ${res.status}`, undefined, res.status);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      // Leaving the loop early cancels the stream, so an overlong body is not read to its end.
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > maxBytes) break;
        chunks.push(chunk);
      }
    } catch (e) {
      throw fail(e instanceof Error ? e.message : String(e), e);
    }
    if (size > maxBytes) throw fail(`answer exceeds ${maxBytes} bytes`);
    return new Uint8Array(Buffer.concat(chunks));
  };
}

/** `fetch failed` says nothing: name the cause (`getaddrinfo ENOTFOUND sum.golang.org`, a timeout). */
function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause === undefined || cause === e.message ? e.message : `${e.message}: ${cause}`;
}

/** A {@link SumdbState} in one file, replaced atomically (temp file, fsync, rename). */
export function fileSumdbState(file: string): SumdbState {
  return {
    async read() {
      try {
        return new Uint8Array(await readFile(file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(note) {
      await writeFileAtomic(file, note, { mkdirs: true });
    },
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
export function urlSumdbFetch(baseUrl: string, opts: { timeoutMs?: number } = {}): SumdbFetch {
  return baseUrl.startsWith('file:') ? fileSumdbFetch(baseUrl) : httpSumdbFetch(baseUrl, opts);
}

/** A {@link StatusProbe} over HTTP(S) and `file://` (200 when the file exists, else 404). */
export function urlStatusProbe(opts: { timeoutMs?: number } = {}): StatusProbe {
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
      const data = await readRegularFileIfExists(fileOf(path), {
        maxBytes: MAX_CACHED,
        what: 'checksum database cache file',
      });
      return data === undefined ? undefined : new Uint8Array(data);
    },
    async put(path, data) {
      await writeFileAtomic(fileOf(path), data, { mkdirs: true });
    },
  };
}
