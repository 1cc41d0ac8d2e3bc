// Two `serve` instances on one S3 store (moto_server on 127.0.0.1) under 50 clients × 200 requests:
// identical bytes, no errors, each zip pulled at most once per instance; wall time, req/s, p50/p99.
// (The suite's test/serve/s3-instances.test.ts runs the same load at 50 × 4: the full run takes
// about a minute against moto on these machines, over the suite's 20 s per test.)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServeInstance, startServeFromConfig } from '../src/serve/index.js';
import { type FixtureModule, fixtureModule, serveModules } from '../test/go/support/modules.js';
import { s3Oracle, startTestS3 } from '../test/support/s3.js';

const MODULES = 10;
const CLIENTS = 50;
const REQUESTS = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export default async function bench(): Promise<void> {
  const oracle = s3Oracle();
  if (!oracle.available) {
    console.log(`serve on S3: skipped (${oracle.reason})`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'bench-serve-s3-'));
  const s3 = await startTestS3('bench');
  const mods: FixtureModule[] = [];
  for (let i = 0; i < MODULES; i++) {
    mods.push(fixtureModule(`example.com/load/m${i}`, 'v1.0.0', { [`f${i}.go`]: `package m${i}\n` }));
  }
  const upstream = await serveModules(mods);
  const config = () => ({
    listen: '127.0.0.1:0',
    storage: `s3://${s3.bucket}/load`,
    goProxy: upstream.base,
    sumdb: 'off',
    listTtlMs: 600_000,
    tmpDir: join(work, `tmp-${Math.random().toString(36).slice(2)}`),
    cwd: work,
    env: s3.env,
  });
  const a: ServeInstance = await startServeFromConfig(config());
  const b: ServeInstance = await startServeFromConfig(config());
  try {
    const paths = mods.flatMap((m) => ['info', 'mod', 'zip'].map((x) => `/${m.path}/@v/${m.version}.${x}`));
    const digests = new Map<string, Set<string>>();
    const latencies: number[] = [];
    let errors = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let r = 0; r < REQUESTS; r++) {
          const inst = (c + r) % 2 === 0 ? a : b;
          const path = paths[(c * 7 + r) % paths.length] as string;
          const t = performance.now();
          const res = await fetch(`${inst.url}${path}`);
          const body = Buffer.from(await res.arrayBuffer());
          latencies.push(performance.now() - t);
          if (res.status !== 200) errors++;
          const set = digests.get(path) ?? new Set<string>();
          set.add(createHash('sha256').update(body).digest('hex'));
          digests.set(path, set);
        }
      }),
    );
    const wall = performance.now() - t0;
    latencies.sort((x, y) => x - y);
    const differing = [...digests].filter(([, s]) => s.size !== 1).length;
    const pulls = [a, b].map((i) => i.metrics.upstreamCalls('zip'));
    console.log(
      `two serve instances on one S3 store (moto), ${CLIENTS} clients × ${REQUESTS} requests: ` +
        `${latencies.length} requests in ${(wall / 1000).toFixed(1)} s, ${errors} errors, ` +
        `${differing} paths with differing bytes, zip pulls per instance ${pulls.join('/')} (≤ ${MODULES}), ` +
        `${((latencies.length / wall) * 1000).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    console.log('  (load generator, both instances and moto_server share the same 2 cores)');
  } finally {
    await a.shutdown(100);
    await b.shutdown(100);
    await upstream.close();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}
