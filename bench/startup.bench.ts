// Whole-process start-up: `mochi-pkg --version` and a warm `lock --check` on the bundled example,
// each the median of several runs, beside `node -e 0` (the floor no Node CLI can go below) in the same run.
// The warm check is answered by its memo (no input changed); the full check beside it is the same
// command with a MOCHI_* variable that changes every run (every such variable is part of the memo's key),
// so that each run plans the lock again.
//
// Node 20 reads and parses the whole NODE_EXTRA_CA_CERTS bundle while it starts, before any script runs
// (Node 22 and 24 do it on the first TLS use); on machines that set it, that is ~85 ms no script can
// avoid. So each figure is given twice when the variable is set: with the environment as it is, and
// without that variable (the floor then drops to a bare `node -e 0`). MOCHI_BENCH_NODES (paths of other
// node binaries, `:`-separated) adds the same rows for each of them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 11);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median wall time of `<node> <args>` over RUNS runs (after one warm-up run), in ms. */
function timeNode(node: string, args: string[], env: (run: number) => NodeJS.ProcessEnv): number {
  let n = 0;
  const run = () => {
    const t0 = performance.now();
    const r = spawnSync(node, args, { cwd: REPO, encoding: 'utf8', env: env(n++) });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return ms;
  };
  run();
  return median(Array.from({ length: RUNS }, run));
}

function rows(node: string, label: string, base: NodeJS.ProcessEnv): void {
  const bin = 'bin/mochi-pkg.js';
  const same = () => base;
  // Interleaved so that load on the machine hits each command alike.
  const floor = timeNode(node, ['-e', '0'], same);
  const version = timeNode(node, [bin, '--version'], same);
  const checkArgs = [bin, 'lock', '--check', '--cwd', 'examples/weather-report'];
  const check = timeNode(node, checkArgs, same);
  const full = timeNode(node, checkArgs, (run) => ({ ...base, MOCHI_BENCH_RUN: String(run) }));
  const floor2 = timeNode(node, ['-e', '0'], same);
  const ref = Math.min(floor, floor2);
  const line = (what: string, ms: number, target?: number) =>
    `  ${what}: ${ms.toFixed(1)} ms median of ${RUNS} (node -e 0: ${ref.toFixed(1)} ms; ${(ms - ref).toFixed(1)} ms above it${target === undefined ? '' : `; target ≤ ${target} ms: ${ms <= target ? 'met' : 'NOT met'}`})`;
  console.log(label);
  console.log(line('mochi-pkg --version', version, 60));
  console.log(line('mochi-pkg lock --check --cwd examples/weather-report (warm)', check, 150));
  console.log(line('  the same check planned in full (memo missed on purpose; no target)', full));
}

export default async function startup(): Promise<void> {
  const nodes = [process.execPath, ...(process.env.MOCHI_BENCH_NODES ?? '').split(':').filter(Boolean)];
  for (const node of nodes) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const { NODE_EXTRA_CA_CERTS: extra, ...without } = process.env;
    console.log(`node ${version} (${node})`);
    rows(
      node,
      extra ? `- environment as it is (NODE_EXTRA_CA_CERTS=${extra}):` : '- environment as it is:',
      process.env,
    );
    if (extra) rows(node, '- without NODE_EXTRA_CA_CERTS:', without);
  }
}
