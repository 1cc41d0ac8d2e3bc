// Checking and hashing a module zip before it is published (injectable, so tests can count or fail it).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hashArchive } from '../dirhash/index.js';
import { checkedFilesError, openCheckedZip } from '../modzip/check.js';
import { deserializeError, type HashReply, type HashRequest } from './thread-protocol.js';

/** Checks a zip file against x/mod's CheckZip rules for `module@version` and returns its `h1:` hash. */
export interface ZipHasher {
  checkAndHash(path: string, module: string, version: string): Promise<string>;
}

/**
 * x/mod's CheckZip rules (file names, case-fold collisions, go.mod placement, sizes), then the
 * h1: hash: nothing that go itself would refuse gets published. `bytes`, when given, are the
 * content of `path` already read (messages still name `path`).
 */
export async function checkAndHashZip(
  path: string,
  module: string,
  version: string,
  bytes?: Uint8Array,
): Promise<string> {
  const input = bytes ?? path;
  const { cf, archive } = await openCheckedZip(input, { path: module, version }, { label: path });
  try {
    const problem = checkedFilesError(cf, `${module}@${version}`);
    if (problem) throw problem;
    if (!archive) throw new Error('internal: a zip within the size limit was not opened');
    return await hashArchive(archive, module, version);
  } finally {
    await archive?.close();
  }
}

/** The hasher that works on the calling thread. */
export const inlineHasher: ZipHasher = {
  checkAndHash: checkAndHashZip,
};

/** A {@link ZipHasher} backed by worker threads; `close` ends them. */
export interface ThreadHasher extends ZipHasher {
  /** Worker threads it may use; 0 when it hashes on the calling thread (no compiled worker). */
  readonly threads: number;
  close(): Promise<void>;
}

const WORKER_URL = new URL('./hash-worker.js', import.meta.url);

/** One worker thread per spare core, at most 4: hashing is CPU-bound, the main thread does the I/O. */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Checks and hashes zips on up to `threads` worker threads (started on first use), so that
 * inflating and hashing one module overlaps with downloading the next on another core. Errors come
 * back as the same typed errors {@link checkAndHashZip} throws. Idle workers do not keep the
 * process alive. With `threads` below 1, or run from TypeScript sources (no compiled worker beside
 * this file), it hashes on the calling thread instead and reports `threads: 0`.
 */
export function threadHasher(threads: number = defaultHashThreads()): ThreadHasher {
  if (threads < 1 || !existsSync(fileURLToPath(WORKER_URL))) {
    return { ...inlineHasher, threads: 0, close: async () => {} };
  }
  return new WorkerPool(threads);
}

interface Slot {
  readonly worker: Worker;
  busy: number;
}

class WorkerPool implements ThreadHasher {
  private readonly slots: Slot[] = [];
  private readonly jobs = new Map<
    number,
    { slot: Slot; resolve: (digest: string) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;

  constructor(readonly threads: number) {}

  checkAndHash(path: string, module: string, version: string): Promise<string> {
    const slot = this.pick();
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ id, path, module, version } satisfies HashRequest);
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** The least busy worker, starting a new one while there are fewer than `threads` and all are busy. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.busy < best.busy) best = s;
    if (best && (best.busy === 0 || this.slots.length >= this.threads)) return best;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (reply: HashReply) => this.settle(reply));
    worker.on('error', (e) => this.fail(slot, e));
    worker.on('exit', (code) => this.fail(slot, new Error(`zip hashing worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private settle(reply: HashReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    this.jobs.delete(reply.id);
    if (--job.slot.busy === 0) job.slot.worker.unref();
    if (reply.error) job.reject(deserializeError(reply.error));
    else job.resolve(reply.digest);
  }

  /** A worker died: its jobs fail (as internal errors, not as bad zips) and it is not used again. */
  private fail(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const [id, job] of this.jobs) {
      if (job.slot !== slot) continue;
      this.jobs.delete(id);
      job.reject(e);
    }
  }
}
