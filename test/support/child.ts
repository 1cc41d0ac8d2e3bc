// Runs a TypeScript file in a child Node process (through tsx), collecting its output; optionally killed after a delay.
import { type ChildProcess, spawn } from 'node:child_process';

/** How a child process ended, and everything it printed. */
export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Options of {@link startTsChild}. */
export interface ChildOptions {
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILLs the child this many ms after it starts (a crash at some point of its work). */
  readonly killAfterMs?: number;
}

/**
 * Starts `node --import tsx <script> ...args` with stdout and stderr collected. `done` resolves when
 * the child has exited and its streams have closed; it rejects only when the child cannot start.
 */
export function startTsChild(
  script: string,
  args: readonly string[],
  options: ChildOptions = {},
): { proc: ChildProcess; done: Promise<ChildRun> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  proc.stderr?.on('data', (d) => {
    err += d;
  });
  const timer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => proc.kill('SIGKILL'), options.killAfterMs);
  const done = new Promise<ChildRun>((resolve, reject) => {
    proc.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    proc.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
  return { proc, done };
}
