// Checking and hashing a module zip before it is published (injectable, so tests can count or fail it).
import { defaultWorkerThreads, WorkerPool } from '../../util/workers.js';
import { ZipError } from '../../util/zip.js';
import { DirhashError, hashArchive } from '../dirhash/index.js';
import { checkedFilesError, openCheckedZip } from '../modzip/check.js';
import { ModZipError } from '../modzip/errors.js';

/** Checks a zip file against x/mod's CheckZip rules for `module@version` and returns its `h1:` hash. */
export interface ZipHasher {
  checkAndHash(path: string, module: string, version: string): Promise<string>;
}

/**
 * x/mod's CheckZip rules (file names, case-fold collisions, go.mod placement, sizes), then the
 * h1: hash: nothing that go itself would refuse gets published. `path` is a download's temporary
 * file, removed when the zip is refused, so messages name `module@version` instead (see
 * {@link zipRejection}). `bytes`, when given, are the content of `path` already read.
 */
export async function checkAndHashZip(
  path: string,
  module: string,
  version: string,
  bytes?: Uint8Array,
): Promise<string> {
  const input = bytes ?? path;
  const label = `${module}@${version}`;
  const { cf, archive } = await openCheckedZip(input, { path: module, version }, { label });
  try {
    const problem = checkedFilesError(cf, `${module}@${version}`);
    if (problem) throw problem;
    if (!archive) throw new Error('internal: a zip within the size limit was not opened');
    return await hashArchive(archive, module, version);
  } finally {
    await archive?.close();
  }
}

/**
 * Why {@link checkAndHashZip} refused a zip, without the `module@version: ` its messages start
 * with, for a message that names the module version (and where the zip came from) itself.
 */
export function zipRejection(e: Error, module: string, version: string): string {
  const prefix = `${module}@${version}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** The hasher that works on the calling thread. */
export const inlineHasher: ZipHasher = {
  checkAndHash: checkAndHashZip,
};

/** A {@link ZipHasher} backed by worker threads; `close` ends them. */
export interface ThreadHasher extends ZipHasher {
  /** Worker threads it may use; 0 when it hashes on the calling thread. */
  readonly threads: number;
  close(): Promise<void>;
}

/** A job of the hashing workers: check and hash the zip at `path` as `module@version`. */
export interface HashRequest {
  readonly path: string;
  readonly module: string;
  readonly version: string;
}

/** Errors a hashing worker may throw, rebuilt with their class on this thread. */
export const HASH_ERRORS = [ModZipError, ZipError, DirhashError] as const;

/** The default number of hashing threads: the project's one thread policy ({@link defaultWorkerThreads}). */
export const defaultHashThreads = defaultWorkerThreads;

/**
 * Checks and hashes zips on up to `threads` worker threads (started on first use), so that
 * inflating and hashing one module overlaps with downloading the next on another core. Errors come
 * back as the same typed errors {@link checkAndHashZip} throws. Idle workers do not keep the
 * process alive. With `threads` below 1 it hashes on the calling thread and reports `threads: 0`.
 */
export function threadHasher(threads: number = defaultHashThreads()): ThreadHasher {
  if (threads < 1) return { ...inlineHasher, threads: 0, close: async () => {} };
  const pool = new WorkerPool<HashRequest, string>({
    script: new URL('./hash-worker.js', import.meta.url),
    threads,
    errors: HASH_ERRORS,
    // As many jobs as asked for go to a thread at once: it works through them while this thread,
    // busy downloading, has not yet read its answers.
    jobsPerThread: Number.POSITIVE_INFINITY,
  });
  return {
    threads,
    checkAndHash: (path, module, version) => pool.run({ path, module, version }),
    close: () => pool.close(),
  };
}
