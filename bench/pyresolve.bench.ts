// Resolving a generated 150-distribution closure from a local HTTP index (cold and warm cache)
// against `pip install --dry-run --report` of the same root in the same run, as ratios; then a
// warm `mochi-pkg lock --check --offline` of a project that imports the root.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closureTarget, IndexSession } from '../src/python/registry/closure.js';
import { resolveClosure } from '../src/python/registry/lockClosure.js';
import { pipDryRunArgs } from '../test/support/pip.js';
import { type GenDist, serveIndex, writeUniverse } from '../test/support/pyindex.js';
import { ratioLine } from './support.js';

const DISTS = 150;

/** A connected, conflict-free universe: every distribution is needed, with 3 releases each. */
export function universe(): GenDist[] {
  let s = 12345;
  const r = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const name = (i: number) => `benchp${i}`;
  return Array.from({ length: DISTS }, (_, i) => {
    const targets = new Set<number>();
    // Each distribution i > 0 is needed by some j < i: i's parent is floor((i-1)/2)-ish.
    for (let j = i + 1; j < DISTS; j++) if (Math.floor((j - 1) / 2) === i || r(40) === 0) targets.add(j);
    return {
      name: name(i),
      typed: i === 0,
      releases: ['1.0', '1.1', '2.0'].map((version) => ({
        version,
        deps: [...targets].map((j) => {
          const spec = ['', '>=1.0', '>=1.1', '<3', '!=1.0'][r(5)]!;
          return { text: `${name(j)}${spec}`, name: name(j), specifier: spec, extras: [], active: true };
        }),
        extras: {},
        yanked: false,
        tags: ['py3-none-any'],
        metadataFile: true,
      })),
    };
  });
}

function run(cmd: string, args: string[], cwd?: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PIP_CONFIG_FILE: '/dev/null', ...env },
      ...(cwd ? { cwd } : {}),
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err}`));
      else resolve(performance.now() - t0);
    });
  });
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mochi-bench-pyresolve-'));
  const server = await serveIndex(join(work, 'index'), { json: true, lifetimeMs: 1_800_000 });
  try {
    const dists = universe();
    await writeUniverse(join(work, 'index'), { id: 'bench', dists, roots: ['benchp0'], conflictFree: true });
    const targets = [closureTarget([3, 11], 'linux')];
    const roots = [{ name: 'benchp0', specifier: '', indexUrl: server.url, label: 'benchp0' }];
    const cache = join(work, 'cache');
    let t0 = performance.now();
    const cold = await resolveClosure({ roots, targets, session: new IndexSession({ cacheDir: cache }) });
    const coldMs = performance.now() - t0;
    if (cold.length !== DISTS) throw new Error(`expected ${DISTS} distributions, resolved ${cold.length}`);
    t0 = performance.now();
    await resolveClosure({ roots, targets, session: new IndexSession({ cacheDir: cache }) });
    const warmMs = performance.now() - t0;
    const pipMs = await run('python3', pipDryRunArgs([server.url], ['benchp0'], work, 'bench'));
    console.log(
      ratioLine(
        `closure of ${DISTS} distributions, cold cache vs pip --dry-run --report`,
        coldMs,
        pipMs,
        0.25,
      ),
    );
    console.log(ratioLine('closure, warm cache (pages refetched, metadata cached) vs pip', warmMs, pipMs));
    t0 = performance.now();
    await resolveClosure({ roots, targets, session: new IndexSession({ cacheDir: cache, offline: true }) });
    console.log(
      `closure, warm cache, --offline (what lock --check adds): ${(performance.now() - t0).toFixed(0)} ms`,
    );

    // A project importing the root: lock once, then time a warm offline `lock --check` (whole process).
    const project = join(work, 'project');
    const bin = join(process.cwd(), 'bin/mochi-pkg.js');
    rmSync(project, { recursive: true, force: true });
    await run('mkdir', ['-p', project]);
    writeFileSync(join(project, 'main.mochi'), 'import python "benchp0" as p0\n');
    const common = ['--cwd', project, '--index-url', server.url, '--cache-dir', cache, '--python', '3.11'];
    await run('node', [bin, 'lock', ...common]);
    let best = Number.POSITIVE_INFINITY;
    // Planned in full each time: a MOCHI_* variable that changes every run is part of the memo's key,
    // so no run is answered by the memo of `lock --check` (src/project/checkMemo.ts).
    for (let i = 0; i < 3; i++) {
      const env = { MOCHI_BENCH_RUN: `${Date.now()}-${i}` };
      best = Math.min(
        best,
        await run('node', [bin, 'lock', '--check', '--offline', ...common], undefined, env),
      );
    }
    console.log(
      `warm \`mochi-pkg lock --check --offline\` of a project whose lock pins ${DISTS} distributions, planned in full (no memo): ${best.toFixed(0)} ms (target < 500 ms: ${best < 500 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
