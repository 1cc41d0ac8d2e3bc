// Parses many stub packages at once, sharing the tree-sitter work between this thread and workers.
//
// Why this shape. Parsing (tree-sitter, in wasm) is most of the CPU time of a build over many
// packages, and files parse independently. A worker sends back each file's flat tree (plain ints in
// a transferable buffer, see tree.ts), not its surface: surfaces are large object graphs, and
// copying them between threads (structured clone) cost about as much as making them. The surfaces
// are then extracted here, in a fixed order, so the result is the same as a sequential
// `parsePackage` over the jobs, whichever thread parsed what; a worker that cannot start or fails
// leaves its files to this thread.
import {
  defaultWorkerThreads,
  deserializeError,
  type SerializedError,
  serializeError,
  WorkerPool,
} from '../../util/workers.js';
import type { PythonTarget, StubFiles } from '../build/types.js';
import { DEFAULT_TARGET } from './condition.js';
import { StubParseError } from './errors.js';
import {
  loadStubParser,
  type ModuleLocation,
  type ParsePackageOptions,
  packageModules,
  type StubParser,
  withoutBom,
} from './parse.js';
import type { ModuleSurface, PackageSurface } from './types.js';

/** Options of {@link parsePackages}. */
export interface ParsePackagesOptions extends ParsePackageOptions {
  /**
   * Threads to parse on, this one included. `1` parses everything in this thread. Default: the
   * project's thread policy (one per core, at most 4). Each worker costs CPU of its own (it
   * compiles the grammar again), which pays off only when cores are free; pass `1` on a machine
   * known to be saturated.
   */
  readonly threads?: number;
  /**
   * Below this many source characters in total everything is parsed in this thread: a worker
   * needs about 0.1–0.3 s to start and load the grammar. Default 1,000,000.
   */
  readonly minParallelChars?: number;
  /** Called once, at the end, with how many batches of files each side parsed (diagnostics). */
  readonly report?: (shares: { readonly workers: number; readonly here: number }) => void;
  /**
   * Work for this thread while workers parse (the wrapping of the packages already in): called when
   * no worker reply waits to be extracted, with the surfaces of the jobs whose every file is in.
   * Returns true when it did some work (it is called again soon), false when it has nothing to do
   * until more jobs are in (this thread then parses a batch itself or waits). Never called when
   * everything is parsed in this thread. The surfaces it sees are the very objects returned.
   * `hurry(job)` moves the files of `job` not yet handed out to the front of the queue (a job the
   * caller waits for); the order files are parsed in does not change any result.
   */
  readonly meanwhile?: (ready: ReadyPackages, hurry: (job: number) => void) => boolean;
}

/**
 * The surface of job `job` once all its files are parsed, else undefined (also for a job with a
 * file that did not parse, unless `keepGoing`: the call then ends with that error).
 */
export type ReadyPackages = (job: number) => PackageSurface | undefined;

/** A batch of files sent to a worker. */
export interface FlatRequest {
  readonly files: readonly { readonly text: string; readonly file: string }[];
}

/** One file's outcome from a worker: its flat tree, or the StubParseError (as data) it was refused with. */
export type FlatResult =
  | { readonly flat: Int32Array }
  | { readonly error: SerializedError }
  | { readonly crash: string };

/** A worker's answer to a {@link FlatRequest}: one result per file, in order. */
export interface FlatReply {
  readonly results: readonly FlatResult[];
}

/** Parses one file to its flat tree; refusals become data (for workers). */
export function flatResult(
  parse: (text: string, file: string) => Int32Array,
  text: string,
  file: string,
): FlatResult {
  try {
    return { flat: parse(text, file) };
  } catch (e) {
    if (e instanceof StubParseError) return { error: serializeError(e) };
    return { crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

/** Threads (this one included) of the project's thread policy. */
function defaultThreads(): number {
  return 1 + defaultWorkerThreads();
}

interface Task {
  readonly job: number;
  readonly name: string;
  readonly path: string;
  readonly loc: ModuleLocation;
  readonly text: string;
  outcome?: { surface: ModuleSurface } | { error: StubParseError };
}

/**
 * Files of at most about this many characters go to a worker together (fewer messages); small
 * enough that the last batches finish close together on every thread.
 */
const BATCH_CHARS = 100_000;

/**
 * Batches a worker holds at once: its next batch is already there when it finishes one, rather
 * than waiting for this thread (busy parsing or extracting) to send it.
 */
const BATCHES_PER_WORKER = 2;

/**
 * This thread lets worker replies in (yields to the event loop) at most this often: often enough
 * that workers never run dry, rarely enough that thousands of small pieces of work meanwhile do
 * not each pay for a trip through the event loop.
 */
const YIELD_MS = 10;

/** The same while this thread does the caller's work meanwhile (one piece can take a few 100 ms). */
const BATCHES_PER_WORKER_MEANWHILE = 6;

/**
 * Parses every package of `jobs` for `target` and returns their surfaces in job order, exactly as
 * `jobs.map((j) => parser.parsePackage(j, target, options))` would (the first error in that order
 * is the one thrown), but with the tree-sitter work shared by up to `threads` threads.
 */
export async function parsePackages(
  jobs: readonly StubFiles[],
  target: PythonTarget = DEFAULT_TARGET,
  options: ParsePackagesOptions = {},
): Promise<PackageSurface[]> {
  const parser = await loadStubParser();
  const keepGoing = options.keepGoing === true;
  const chars = jobs.reduce((n, j) => {
    for (const t of j.files.values()) n += t.length;
    return n;
  }, 0);
  const threads = Math.max(1, options.threads ?? defaultThreads());
  if (threads === 1 || chars < (options.minParallelChars ?? 1_000_000)) {
    const out = jobs.map((j) => parser.parsePackage(j, target, { keepGoing }));
    options.report?.({ workers: 0, here: jobs.length === 0 ? 0 : 1 });
    return out;
  }

  const tasks: Task[] = [];
  // The tasks of each job, in order, so results are gathered per job without rescanning all tasks.
  const byJob: Task[][] = jobs.map(() => []);
  jobs.forEach((files, job) => {
    for (const m of packageModules(files)) {
      const t: Task = { ...m, job, text: withoutBom(files.files.get(m.path)!) };
      tasks.push(t);
      byJob[job]!.push(t);
    }
  });
  const batches: Task[][] = [];
  let current: Task[] = [];
  let size = 0;
  for (const t of tasks) {
    current.push(t);
    size += t.text.length;
    if (size >= BATCH_CHARS) {
      batches.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  // Files still to come per job, and each job's surface (or first error) once they are all in.
  const pending = byJob.map((ts) => ts.length);
  const assembled: ({ surface: PackageSurface } | { error: StubParseError } | undefined)[] = [];
  const assemble = (job: number): { surface: PackageSurface } | { error: StubParseError } => {
    const done = assembled[job];
    if (done) return done;
    const modules = new Map<string, ModuleSurface>();
    const errors: StubParseError[] = [];
    const name = jobs[job]!.module;
    let out: { surface: PackageSurface } | { error: StubParseError } | undefined;
    for (const t of byJob[job]!) {
      const o = t.outcome;
      if (o === undefined) throw new Error(`parsePackages: ${t.path} has no result`);
      if ('surface' in o) modules.set(t.name, o.surface);
      else if (keepGoing) errors.push(o.error);
      else {
        out = { error: o.error };
        break;
      }
    }
    out ??= { surface: errors.length === 0 ? { name, modules } : { name, modules, errors } };
    assembled[job] = out;
    return out;
  };
  const ready: ReadyPackages = (job) => {
    if (pending[job] !== 0) return undefined;
    const a = assemble(job);
    return 'surface' in a ? a.surface : undefined;
  };
  const meanwhile = options.meanwhile;
  const shares = await runBatches(
    parser,
    batches,
    target,
    threads - 1,
    (t) => {
      pending[t.job]!--;
    },
    meanwhile,
    ready,
  );
  options.report?.(shares);

  return jobs.map((_, job) => {
    const a = assemble(job);
    if ('error' in a) throw a.error;
    return a.surface;
  });
}

/** Parses the batches on `workerCount` workers and this thread; extracts every surface here. */
async function runBatches(
  parser: StubParser,
  batches: Task[][],
  target: PythonTarget,
  workerCount: number,
  done: (t: Task) => void,
  meanwhile: ParsePackagesOptions['meanwhile'],
  ready: ReadyPackages,
): Promise<{ workers: number; here: number }> {
  const shares = { workers: 0, here: 0 };
  const queue = batches.slice();
  // The batches holding each job's files (consecutive, so one or a few): `hurry` looks them up
  // rather than scanning every queued file (over 5,000 on typeshed) on each call.
  const batchesOf = new Map<number, Task[][]>();
  for (const b of batches) {
    for (const t of b) {
      const list = batchesOf.get(t.job);
      if (list === undefined) batchesOf.set(t.job, [b]);
      else if (list[list.length - 1] !== b) list.push(b);
    }
  }
  const hurry = (job: number) => {
    const mine = batchesOf.get(job);
    if (mine === undefined) return;
    const urgent = queue.filter((b) => mine.includes(b));
    if (urgent.length === 0 || queue[0] === urgent[0]) return;
    const rest = queue.filter((b) => !urgent.includes(b));
    queue.splice(0, queue.length, ...urgent, ...rest);
  };
  const extract = (t: Task, r: FlatResult) => {
    if ('crash' in r) throw new Error(`stub parser worker failed on ${t.path}: ${r.crash}`);
    if ('error' in r) {
      t.outcome = { error: deserializeError(r.error, [StubParseError]) as StubParseError };
    } else {
      try {
        const options = { module: t.name, file: t.path, target, isPackage: t.loc.isPackage };
        t.outcome = { surface: parser.moduleFromFlat(r.flat, t.text, options) };
      } catch (e) {
        if (!(e instanceof StubParseError)) throw e;
        t.outcome = { error: e };
      }
    }
    done(t);
  };
  const local = (batch: Task[]) => {
    shares.here++;
    for (const t of batch)
      extract(
        t,
        flatResult((x, f) => parser.parseToFlat(x, f), t.text, t.path),
      );
  };
  let lastYield = performance.now();
  // Replies waiting to be extracted, and a wake-up for the loop below when a worker is free or answers.
  const replies: { batch: Task[]; results: readonly FlatResult[] }[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let busy = 0;
  const pool = new WorkerPool<FlatRequest, FlatReply>({
    script: new URL('./parse-worker.js', import.meta.url),
    threads: workerCount,
    // With work of its own meanwhile, this thread comes back to feed the workers less often.
    jobsPerThread: meanwhile ? BATCHES_PER_WORKER_MEANWHILE : BATCHES_PER_WORKER,
    onIdle: notify,
  });
  // Workers load the grammar while this thread parses; a batch goes to a worker only once it is ready.
  pool.start();
  // Near the end of the queue workers hold no more than usual, so that this thread, done with its
  // own work, still finds files to parse rather than waiting for the workers' long backlog.
  const most = () =>
    workerCount *
    (meanwhile && queue.length > BATCHES_PER_WORKER_MEANWHILE * workerCount
      ? BATCHES_PER_WORKER_MEANWHILE
      : BATCHES_PER_WORKER);
  const send = () => {
    while (pool.hasRoom() && queue.length > 0 && busy < most()) {
      const batch = queue.shift() as Task[];
      busy++;
      pool.run({ files: batch.map((t) => ({ text: t.text, file: t.path })) }).then(
        (reply) => {
          replies.push({ batch, results: reply.results });
          shares.workers++;
          busy--;
          notify();
        },
        () => {
          // The worker died: its batch goes back to the queue; this thread will take it.
          queue.push(batch);
          busy--;
          notify();
        },
      );
    }
  };
  try {
    for (;;) {
      send();
      const reply = replies.shift();
      if (reply !== undefined) {
        reply.batch.forEach((t, i) => {
          extract(t, reply.results[i] ?? { crash: 'missing result' });
        });
      } else if (meanwhile?.(ready, hurry)) {
        // Did some of the caller's work while the workers parse.
      } else {
        const batch = queue.shift();
        if (batch !== undefined) local(batch);
        else if (busy > 0) await new Promise<void>((r) => (wake = r));
        else break;
      }
      // Let replies that arrived meanwhile be received.
      if (pool.alive > 0 && performance.now() - lastYield >= YIELD_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
  } finally {
    void pool.close();
  }
  return shares;
}
