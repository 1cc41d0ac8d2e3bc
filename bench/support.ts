// Small helpers shared by benchmarks: timing, peak RSS of a child, ratio lines.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Runs `fn` `runs` times and returns the best wall time in ms (best-of-N damps noise on 2 cores). */
export async function bestOf(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Runs a command under GNU time-like accounting and returns its wall ms and peak RSS in MiB. */
export function measureCommand(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/env', ['time', '-f', '%M', cmd, ...args], {
    env: env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  const kib = Number(lines[lines.length - 1]);
  return { ms, peakRssMiB: kib / 1024, stdout: r.stdout };
}

/** One report line: `label: ours X ms, reference Y ms, ratio R (target ≤ T)`. */
export function ratioLine(label: string, oursMs: number, refMs: number, target?: number): string {
  const ratio = oursMs / refMs;
  const verdict =
    target === undefined
      ? ''
      : ratio <= target
        ? ` (target ≤ ${target}: met)`
        : ` (target ≤ ${target}: NOT met)`;
  return `${label}: ours ${oursMs.toFixed(1)} ms, reference ${refMs.toFixed(1)} ms, ratio ${ratio.toFixed(2)}${verdict}`;
}

/** Wall time, user + system CPU time and peak RSS of a command (GNU time). */
export function measureCpu(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/env', ['time', '-f', '%M %U %S', cmd, ...args], {
    env: env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  const [kib = '0', user = '0', sys = '0'] = (r.stderr.trim().split('\n').pop() ?? '').split(' ');
  return { ms, cpuMs: (Number(user) + Number(sys)) * 1000, peakRssMiB: Number(kib) / 1024 };
}

/** Waits for the first line of `stream` that matches `re` and returns its first group; fails if `proc` exits first. */
export function startLine(proc: ChildProcess, stream: NodeJS.ReadableStream, re: RegExp): Promise<string> {
  const rl = createInterface({ input: stream });
  return new Promise((resolve, reject) => {
    rl.on('line', (l) => {
      const m = re.exec(l);
      if (m) resolve(m[1] as string);
    });
    proc.once('exit', (c) => reject(new Error(`exited early (${c})`)));
  });
}

/**
 * Starts a bench server (`node <args>`) that prints its port on its first stdout line, listening
 * on 127.0.0.1: bench/proxy-server.ts, bench/floor-server.mjs.
 */
export async function startPortServer(
  args: readonly string[],
): Promise<{ base: string; proc: ChildProcess }> {
  // From the repository, where `--import tsx` resolves.
  const proc = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await startLine(proc, proc.stdout as NodeJS.ReadableStream, /^(\d+)$/);
  return { base: `http://127.0.0.1:${port}`, proc };
}
