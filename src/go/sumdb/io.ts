// The I/O edges of the checksum database client: HTTP fetching with caps and timeouts, and the state file.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic.js';
import type { SumdbFetch, SumdbState } from './client.js';
import { SumdbError } from './errors.js';

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
      throw fail(e instanceof Error ? e.message : String(e), e);
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
