// Whole-process start-up: `mochi-pkg --version` and a warm `lock --check` on the bundled example,
// each the median of several runs, beside `node -e 0` (the floor no Node CLI can go below) in the same run.
// The warm check is answered by its memo (no input changed); the full check beside it is the same
// command with a MOCHI_* variable that changes every run (every such variable is part of the memo's key),
// so that each run plans the lock again.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 11);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median wall time of `node <args>` over RUNS runs (after one warm-up run), in ms. */
function timeNode(args: string[], env?: (run: number) => NodeJS.ProcessEnv): number {
  let n = 0;
  const run = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, {
      cwd: REPO,
      encoding: 'utf8',
      ...(env ? { env: env(n++) } : {}),
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return ms;
  };
  run();
  return median(Array.from({ length: RUNS }, run));
}

export default async function startup(): Promise<void> {
  const bin = 'bin/mochi-pkg.js';
  // Interleaved so that load on the machine hits each command alike.
  const floor = timeNode(['-e', '0']);
  const version = timeNode([bin, '--version']);
  const checkArgs = [bin, 'lock', '--check', '--cwd', 'examples/weather-report'];
  const check = timeNode(checkArgs);
  const full = timeNode(checkArgs, (run) => ({ ...process.env, MOCHI_BENCH_RUN: String(run) }));
  const floor2 = timeNode(['-e', '0']);
  const ref = Math.min(floor, floor2);
  const line = (label: string, ms: number, target: number) =>
    `${label}: ${ms.toFixed(1)} ms median of ${RUNS} (node -e 0: ${ref.toFixed(1)} ms; ${(ms - ref).toFixed(1)} ms above it; ratio ${(ms / ref).toFixed(2)}; target ≤ ${target} ms: ${ms <= target ? 'met' : 'NOT met'})`;
  console.log(line('mochi-pkg --version', version, 60));
  console.log(line('mochi-pkg lock --check --cwd examples/weather-report (warm)', check, 150));
  console.log(line('  the same check planned in full (memo missed on purpose)', full, 150));
}
