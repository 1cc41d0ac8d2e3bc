// `mochi-pkg serve`: cold pull-through of ~200 modules vs `go mod download` straight from the
// upstream, then warm small-request latency (p99) under 200 concurrent clients.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapePath, escapeVersion } from '../src/go/module/index.js';
import { buildGoProgram, goCommandEnv } from '../test/support/oracles.js';
import { buildProxy } from './download.bench.js';
import { startProxy } from './gograph-setup.js';
import { measureCommand, ratioLine, startLine, startPortServer } from './support.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = 200;
const REQUESTS_PER_CLIENT = 25;

/** bench/floor-server.mjs in `mode` (see there): a Node.js server that does nothing of its own. */
function startFloor(mode: 'memory' | 'pass', arg: string): Promise<{ base: string; proc: ChildProcess }> {
  return startPortServer([join(repo, 'bench/floor-server.mjs'), mode, arg]);
}

async function stop(proc: ChildProcess): Promise<void> {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
}

async function startServe(store: string, upstream: string): Promise<{ url: string; proc: ChildProcess }> {
  const args = ['serve', '--listen', '127.0.0.1:0', '--storage', `dir:${store}`, '--go-proxy', upstream];
  const proc = spawn(process.execPath, [join(repo, 'bin/mochi-pkg.js'), ...args, '--access-log', 'off'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await startLine(proc, proc.stderr as NodeJS.ReadableStream, /listening on (\S+)/);
  return { url, proc };
}

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not there. */
function cpuMs(pid: number | undefined): number {
  const f = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(f)) return Number.NaN;
  const fields = (readFileSync(f, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The Go load client (bench/serveload): `clients` × `perClient` GETs of `paths` over keep-alive connections. */
function goLoad(
  bin: string,
  base: string,
  paths: string[],
): { latencies: number[]; errors: number; wallMs: number; connections: number } {
  const r = spawnSync(bin, [base, String(CLIENTS), String(REQUESTS_PER_CLIENT)], {
    input: paths.join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`serveload failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { latencies: number[]; errors: number; wallMs: number; connections: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * The latencies of each client's first request (the one that waits for its connection to be
 * accepted: libuv accepts one connection per event-loop turn) apart from the later ones.
 * `latencies` is client-major, as bench/serveload prints it.
 */
function firstAndLater(latencies: number[]): string {
  const first: number[] = [];
  const later: number[] = [];
  for (const [i, ms] of latencies.entries()) (i % REQUESTS_PER_CLIENT === 0 ? first : later).push(ms);
  first.sort((a, b) => a - b);
  later.sort((a, b) => a - b);
  return (
    `first request of each connection p50 ${percentile(first, 50).toFixed(1)} ms, max ${first.at(-1)?.toFixed(1)} ms; ` +
    `later requests p50 ${percentile(later, 50).toFixed(1)} ms, p99 ${percentile(later, 99).toFixed(1)} ms`
  );
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const procs: ChildProcess[] = [];
  try {
    const root = join(work, 'upstream');
    const args = buildProxy(root);
    const up = await startProxy(root);
    procs.push(up.proc);

    // Cold pull-through: best of 3, fresh store and fresh GOMODCACHE each time, alternating order.
    let ours = Number.POSITIVE_INFINITY;
    let theirs = Number.POSITIVE_INFINITY;
    let floor = Number.POSITIVE_INFINITY;
    let warmStore = '';
    // The floor: the same download through a bare Node.js pass-through (forward and pipe, nothing else).
    const passThrough = async () => {
      const f = await startFloor('pass', up.base);
      const g = mkdtempSync(join(work, 'go-'));
      floor = Math.min(
        floor,
        measureCommand('go', ['mod', 'download', '-json', ...args], goCommandEnv(g, f.base)).ms,
      );
      rmSync(g, { recursive: true, force: true });
      await stop(f.proc);
    };
    for (let i = 0; i < 3; i++) {
      const direct = () => {
        const g = mkdtempSync(join(work, 'go-'));
        theirs = Math.min(
          theirs,
          measureCommand('go', ['mod', 'download', '-json', ...args], goCommandEnv(g, up.base)).ms,
        );
        rmSync(g, { recursive: true, force: true });
      };
      const through = async () => {
        const store = mkdtempSync(join(work, 'store-'));
        const s = await startServe(store, up.base);
        const g = mkdtempSync(join(work, 'go-'));
        ours = Math.min(
          ours,
          measureCommand('go', ['mod', 'download', '-json', ...args], goCommandEnv(g, s.url)).ms,
        );
        rmSync(g, { recursive: true, force: true });
        s.proc.kill('SIGTERM');
        await new Promise((r) => s.proc.once('exit', r));
        warmStore = store;
      };
      if (i % 2 === 0) {
        direct();
        await through();
      } else {
        await through();
        direct();
      }
      await passThrough();
    }
    console.log(
      ratioLine(
        `cold pull-through of ${args.length} modules via serve vs go mod download from the upstream`,
        ours,
        theirs,
        1.2,
      ),
    );
    console.log(
      ratioLine(
        '  floor: the same through a bare Node.js pass-through (bench/floor-server.mjs pass; no target)',
        floor,
        theirs,
      ),
    );

    // Warm: a directory-backed serve over the filled store, upstream off; small requests only.
    const s = await startServe(warmStore, 'off');
    procs.push(s.proc);
    const paths = args.flatMap((a) => {
      const [mod, ver] = a.split('@') as [string, string];
      const base = `/${escapePath(mod)}/@v/`;
      return [`${base}${escapeVersion(ver)}.mod`, `${base}${escapeVersion(ver)}.info`, `${base}list`];
    });
    const latencies: number[] = [];
    let errors = 0;
    const serveCpu0 = cpuMs(s.proc.pid);
    const benchCpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let r = 0; r < REQUESTS_PER_CLIENT; r++) {
          const path = paths[(c * 31 + r * 7) % paths.length] as string;
          const t = performance.now();
          const res = await fetch(`${s.url}${path}`);
          await res.arrayBuffer();
          latencies.push(performance.now() - t);
          if (res.status !== 200) errors++;
        }
      }),
    );
    const wall = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    console.log(
      `warm small requests (.mod/.info/list), ${CLIENTS} concurrent clients × ${REQUESTS_PER_CLIENT}: ` +
        `${latencies.length} requests, ${errors} errors, ${((latencies.length / wall) * 1000).toFixed(0)} req/s, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'})`,
    );
    const benchCpu = process.cpuUsage(benchCpu0);
    console.log(
      `  (client load generated by the bench process on the same 2 cores as serve: Node fetch used ` +
        `${((benchCpu.user + benchCpu.system) / 1000).toFixed(0)} ms CPU, serve ${cpuMs(s.proc.pid) - serveCpu0} ms)`,
    );

    // The same load from Go's net/http client (the one `go mod download` uses), in its own process:
    // 200 goroutines, one keep-alive connection each, the same paths in the same order. A fresh
    // serve (its memory cache empty, as after a restart), then the same instance once more.
    const load = buildGoProgram(join(repo, 'bench/serveload/main.go'));
    const fresh = await startServe(warmStore, 'off');
    procs.push(fresh.proc);
    for (const pass of ['fresh instance', 'second pass']) {
      const cpu0 = cpuMs(fresh.proc.pid);
      const r = goLoad(load, fresh.url, paths);
      const cpu = cpuMs(fresh.proc.pid) - cpu0;
      const sorted = [...r.latencies].sort((a, b) => a - b);
      const p99go = percentile(sorted, 99);
      console.log(
        `warm small requests, ${CLIENTS} concurrent Go net/http clients × ${REQUESTS_PER_CLIENT} (${pass}): ` +
          `${sorted.length} requests, ${r.errors} errors, ${r.connections} connections, ` +
          `${((sorted.length / r.wallMs) * 1000).toFixed(0)} req/s, p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
          `p99 ${p99go.toFixed(1)} ms (target < 50 ms: ${p99go < 50 ? 'met' : 'NOT met'}); serve ${cpu} ms CPU ` +
          `(${(cpu / sorted.length).toFixed(3)} ms/request)`,
      );
      console.log(`  ${firstAndLater(r.latencies)}`);
    }
    // Reference in the same run: bench/proxy-server.ts, a bare Node static file server (stat +
    // stream, no verification, no metrics), over the same store and paths. It has no `@v/list`
    // files and answers those 404, which costs it no more than a hit.
    const bare = await startProxy(warmStore);
    procs.push(bare.proc);
    for (const pass of ['fresh instance', 'second pass']) {
      const r = goLoad(load, bare.base, paths);
      const sorted = [...r.latencies].sort((a, b) => a - b);
      console.log(
        `  reference: a bare Node static file server, same load (${pass}): ${r.connections} connections, ` +
          `${((sorted.length / r.wallMs) * 1000).toFixed(0)} req/s, p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(sorted, 99).toFixed(1)} ms; ${firstAndLater(r.latencies)}`,
      );
    }
    await stop(bare.proc);
    // The floor: every answer a preloaded buffer (no file system, no checks), same load.
    const memory = await startFloor('memory', warmStore);
    procs.push(memory.proc);
    for (const pass of ['fresh instance', 'second pass']) {
      const r = goLoad(load, memory.base, paths);
      const sorted = [...r.latencies].sort((a, b) => a - b);
      console.log(
        `  floor: a Node.js server answering from memory (bench/floor-server.mjs memory), same load (${pass}): ` +
          `${r.connections} connections, ${((sorted.length / r.wallMs) * 1000).toFixed(0)} req/s, ` +
          `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms; ${firstAndLater(r.latencies)}`,
      );
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}
