// The one worker-thread pool: thread policy, starting a worker from sources or dist/, jobs, and typed errors across threads.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, type Transferable, Worker } from 'node:worker_threads';
import { MochiPkgError } from '../errors.js';

/**
 * How many worker threads CPU-bound work gets by default: one thread per core, at most 4, the
 * calling thread counted (it does the I/O, or parses too). The load average is not consulted: it
 * counts this process's own threads, and a tool that backs off under load is slow exactly when its
 * user is waiting on a busy machine (cargo, uv and pnpm do the same).
 */
export function defaultWorkerThreads(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/**
 * Starts the worker script `script` (a URL of a `.js` file beside the calling module). In the
 * compiled package that file exists and is started as is. Run from the TypeScript sources (tests,
 * benchmarks, `tsx`), the script is the `.ts` twin, and a worker's entry module does not go
 * through loaders registered with `--import`: a small bootstrap registers tsx (a devDependency,
 * present wherever the sources are run) and then imports it.
 */
export function startWorker(script: URL): Worker {
  const path = fileURLToPath(script);
  if (extname(fileURLToPath(import.meta.url)) !== '.ts') return newWorker(script, path, false);
  const source = new URL(script.href.replace(/\.js$/, '.ts')).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`;
  return newWorker(boot, path, true);
}

/** Flags of this process that a worker refused (found by the first start that needed them gone). */
const refusedFlags = new Set<string>();

/**
 * A worker with this process's flags. `--input-type` (of `node -e`) is refused for a worker's file,
 * and so are per-process and V8 flags (`--max-semi-space-size`, `--trace-gc`, …): Node refuses the
 * worker with ERR_WORKER_INVALID_EXEC_ARGV, whose message lists them. Those apply to every thread
 * of the process anyway, so they are left out, once named; should the retry be refused too, the
 * worker starts with no flags of its own.
 */
function newWorker(target: URL | string, name: string, evaluate: boolean): Worker {
  const start = (execArgv: string[]) => new Worker(target, { eval: evaluate, execArgv, name });
  const flags = () => process.execArgv.filter((a) => !a.startsWith('--input-type') && !refusedFlags.has(a));
  try {
    return start(flags());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    const listed = /flags: (.*)$/.exec((e as Error).message)?.[1]?.split(', ') ?? [];
    for (const f of listed) refusedFlags.add(f);
    try {
      return start(flags());
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw again;
      return start([]);
    }
  }
}

/** An error as plain data: structured clone keeps only an Error's message, not its class or code. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  /** Whether it was a MochiPkgError (rebuilt as one when its own class is not known here). */
  readonly mochi: boolean;
  /** Its own enumerable fields that survive structured clone: `code`, `hint`, `files`, `line`, … */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A class an error may be rebuilt as on the receiving side. */
export type ErrorClass = abstract new (...args: never[]) => Error;

function cloneable(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && typeof v !== 'symbol';
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/** Plain data for `e`, to post to another thread. `cause` is left behind (it may not be cloneable). */
export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), mochi: false, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (k !== 'cause' && cloneable(v)) fields[k] = v;
  return { name: e.name, message: e.message, stack: e.stack, mochi: e instanceof MochiPkgError, fields };
}

/**
 * The error `s` stands for: an instance of the class in `classes` of the same name (its
 * prototype, message, stack and fields restored, so `instanceof`, `code` and the rest hold), else
 * a MochiPkgError or a plain Error with the same fields.
 */
export function deserializeError(s: SerializedError, classes: readonly ErrorClass[] = []): Error {
  const cls = classes.find((c) => c.name === s.name);
  const proto = cls?.prototype ?? (s.mochi ? MochiPkgError.prototype : Error.prototype);
  const e = Object.create(proto) as Error;
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
  if (s.stack !== undefined) {
    Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true });
  }
  Object.assign(e, s.fields);
  return e;
}

/** A worker died or could not start; the jobs it held fail with this (an internal error, not a bad input). */
export class WorkerExitError extends Error {}

/** Messages from a worker started by {@link WorkerPool}. */
type Reply<Res> =
  | 'ready'
  | { readonly id: number; readonly ok: Res }
  | { readonly id: number; readonly error: SerializedError };

/**
 * The worker side of a {@link WorkerPool}: answers every request with `handle`'s result (or its
 * error, serialized), transferring the buffers `transfer` names. Call it once the worker's own
 * set-up is done: the pool sends nothing to a worker before it says it is ready.
 */
export function serveWorker<Req, Res>(
  handle: (req: Req) => Res | Promise<Res>,
  transfer: (res: Res) => readonly Transferable[] = () => [],
): void {
  const port = parentPort;
  if (port === null) return;
  port.on('message', (msg: { id: number; req: Req }) => {
    Promise.resolve()
      .then(() => handle(msg.req))
      .then(
        (ok) => port.postMessage({ id: msg.id, ok } satisfies Reply<Res>, [...transfer(ok)]),
        (e: unknown) => port.postMessage({ id: msg.id, error: serializeError(e) } satisfies Reply<Res>),
      );
  });
  port.postMessage('ready' satisfies Reply<Res>);
}

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** The worker script, `new URL('./x-worker.js', import.meta.url)`; see {@link startWorker}. */
  readonly script: URL;
  /** Most worker threads (started on first use, or all at once by `start`). */
  readonly threads: number;
  /** Error classes a job's error is rebuilt as (by name); others become MochiPkgError or Error. */
  readonly errors?: readonly ErrorClass[];
  /**
   * Jobs one thread may hold at once (default 1). More lets a thread start its next job without
   * waiting for this thread to answer (zip hashing: the calling thread is busy downloading).
   */
  readonly jobsPerThread?: number;
  /** Called whenever a worker becomes ready or finishes a job (so a caller can hand it more). */
  readonly onIdle?: () => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  /** The jobs it holds, at most `jobsPerThread`. */
  readonly jobs: Set<number>;
}

interface Job<Req, Res> {
  readonly id: number;
  readonly req: Req;
  readonly transfer: readonly Transferable[];
  resolve(res: Res): void;
  reject(e: Error): void;
}

/**
 * Runs jobs on up to `threads` worker threads, `jobsPerThread` at a time on each (the least busy
 * first), in the order they were asked for. Threads start on first use (or with {@link start}); a job waits until a thread
 * has said it is ready. Idle threads do not keep the process alive. A job's error comes back as
 * the same class with the same code and fields; a thread that dies fails its job with a
 * {@link WorkerExitError} and is not used again.
 */
export class WorkerPool<Req, Res> {
  readonly threads: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job<Req, Res>[] = [];
  private readonly running = new Map<number, { slot: Slot; job: Job<Req, Res> }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.threads = Math.max(0, options.threads);
  }

  /** Starts every thread now rather than on first use. */
  start(): void {
    while (this.slots.length < this.threads && this.spawn());
  }

  /** Whether a ready thread has no job (a job given now starts at once). */
  hasIdle(): boolean {
    return this.slots.some((s) => s.ready && s.jobs.size === 0);
  }

  /**
   * Whether a ready thread holds fewer than `jobsPerThread` jobs (a job given now is sent at once,
   * to start when the thread's current one ends).
   */
  hasRoom(): boolean {
    const most = Math.max(1, this.options.jobsPerThread ?? 1);
    return this.slots.some((s) => s.ready && s.jobs.size < most);
  }

  /** Whether any thread is still alive (started, starting, or busy). */
  get alive(): number {
    return this.slots.length;
  }

  /** Runs `req` on a worker; `transfer` lists buffers moved (not copied) to it. */
  run(req: Req, transfer: readonly Transferable[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new WorkerExitError('the worker pool is closed'));
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, transfer, resolve, reject });
      if (!this.hasIdle() && this.slots.length < this.threads) this.spawn();
      this.dispatch();
    });
  }

  /** Ends every thread; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkerExitError('the worker pool was closed'));
    const slots = this.slots.splice(0);
    for (const { job } of this.running.values())
      job.reject(new WorkerExitError('the worker pool was closed'));
    this.running.clear();
    await Promise.all(
      slots.map((s) => {
        s.worker.removeAllListeners('exit');
        s.worker.removeAllListeners('error');
        return s.worker.terminate();
      }),
    );
  }

  /** Starts one more thread; false when none could start (the queued jobs have failed then). */
  private spawn(): boolean {
    let worker: Worker;
    try {
      worker = startWorker(this.options.script);
    } catch (e) {
      // No thread (no loader for the sources, no resources): the queued jobs fail now.
      for (const job of this.queue.splice(0)) job.reject(new WorkerExitError(String(e), { cause: e }));
      return false;
    }
    worker.unref();
    const slot: Slot = { worker, ready: false, jobs: new Set() };
    worker.on('message', (msg: Reply<Res>) => this.receive(slot, msg));
    worker.on('error', (e) => this.fail(slot, e));
    worker.on('exit', (code) =>
      this.fail(slot, new WorkerExitError(`worker thread exited with code ${code}`)),
    );
    this.slots.push(slot);
    this.dispatch();
    return true;
  }

  private receive(slot: Slot, msg: Reply<Res>): void {
    if (msg === 'ready') {
      slot.ready = true;
    } else {
      const running = this.running.get(msg.id);
      if (running !== undefined) {
        this.running.delete(msg.id);
        slot.jobs.delete(msg.id);
        if ('error' in msg) running.job.reject(deserializeError(msg.error, this.options.errors));
        else running.job.resolve(msg.ok);
      }
    }
    this.dispatch();
    if (slot.jobs.size === 0) this.options.onIdle?.();
  }

  private dispatch(): void {
    const most = Math.max(1, this.options.jobsPerThread ?? 1);
    while (this.queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.slots) {
        if (s.ready && s.jobs.size < most && (slot === undefined || s.jobs.size < slot.jobs.size)) slot = s;
      }
      if (slot === undefined) break;
      const job = this.queue.shift() as Job<Req, Res>;
      slot.jobs.add(job.id);
      this.running.set(job.id, { slot, job });
      slot.worker.postMessage({ id: job.id, req: job.req }, [...job.transfer]);
    }
    // A thread keeps the process alive while it runs a job, or starts up while jobs wait for it.
    const waiting = this.queue.length > 0;
    for (const slot of this.slots) {
      if (slot.jobs.size > 0 || (waiting && !slot.ready)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  /** A thread died: its jobs fail and it is not used again; queued jobs wait for (or start) another. */
  private fail(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    for (const id of slot.jobs) {
      const running = this.running.get(id);
      if (running === undefined) continue;
      this.running.delete(id);
      running.job.reject(e instanceof WorkerExitError ? e : new WorkerExitError(e.message, { cause: e }));
    }
    void slot.worker.terminate();
    if (this.queue.length > 0 && !this.closed) {
      if (!slot.ready && this.slots.length === 0) {
        // It never started: another would not either; the waiting jobs fail rather than wait forever.
        for (const job of this.queue.splice(0)) job.reject(new WorkerExitError(e.message, { cause: e }));
      } else if (this.slots.length === 0) {
        this.spawn();
      }
    }
    this.options.onIdle?.();
  }
}
