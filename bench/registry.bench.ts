// Index resolution of 200 imports (cold and warm cache) against pip download from the same local
// index, and PEP 440 contains throughput against pip's packaging, in one run, as ratios.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { contains } from '../src/python/pep440/index.js';
import { RegistryResolver } from '../src/python/registry/index.js';
import { specifierSetText, versionText } from '../test/python/pep440/arbitraries.js';
import {
  type BuiltFile,
  startIndex,
  typeshedPackages,
  typeshedStubWheel,
  untypedWheel,
  upstreamVersion,
} from '../test/python/registry/fixtures.js';
import { ratioLine } from './support.js';

const IMPORTS = 200;

/**
 * Runs a command asynchronously under `time -f %M` (wall ms, peak RSS MiB). Not bench/support's
 * measureCommand: that one blocks the event loop, and the index the command talks to is served
 * from this process.
 */
function measureAsync(cmd: string, args: string[]): Promise<{ ms: number; peakRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/env', ['time', '-f', '%M', cmd, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${cmd} failed (${code}): ${err.slice(-2000)}`));
      else resolve({ ms, peakRssMiB: Number(err.trim().split('\n').pop()) / 1024 });
    });
  });
}

async function resolution(): Promise<void> {
  const pkgs = typeshedPackages().slice(0, IMPORTS);
  const projects = new Map<string, BuiltFile[]>();
  for (const pkg of pkgs) {
    const { wheel, metadataVersion, modules } = typeshedStubWheel(pkg);
    projects.set(`types-${pkg}`, [wheel]);
    projects.set(pkg, [untypedWheel(pkg, upstreamVersion(metadataVersion), modules)]);
  }
  const index = await startIndex(projects, { mode: 'negotiate' });
  const work = mkdtempSync(join(tmpdir(), 'mochi-registry-bench-'));
  try {
    const imports = Array.from({ length: IMPORTS }, (_, i) => pkgs[i % pkgs.length]!);
    const cacheDir = join(work, 'cache');
    const run = async () => {
      const r = new RegistryResolver({ cacheDir });
      const t0 = performance.now();
      // Bounded parallelism, as the lock command would resolve.
      let next = 0;
      let files = 0;
      const worker = async () => {
        while (next < imports.length) {
          const name = imports[next++]!;
          const got = await r.resolve({ name, indexUrl: index.url });
          files += got.files.size;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return { ms: performance.now() - t0, files };
    };
    const cold = await run();
    const warm = await run();
    const requirements = imports.flatMap((p) => [p, `types-${p}`]);
    const pip = await measureAsync('python3', [
      '-m',
      'pip',
      '--isolated',
      'download',
      '--quiet',
      '--no-deps',
      '--only-binary=:all:',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--index-url',
      index.url,
      '-d',
      join(work, 'pip'),
      ...requirements,
    ]);
    console.log(
      `resolved ${IMPORTS} imports (${pkgs.length} typeshed packages: page + untyped wheel, then types-<name> page + stub wheel; ${cold.files} stub files)`,
    );
    console.log(ratioLine('cold cache vs pip download (same 400 wheels, same local index)', cold.ms, pip.ms));
    console.log(ratioLine('warm cache vs pip download', warm.ms, pip.ms));
    console.log(
      `warm/cold: ${(warm.ms / cold.ms).toFixed(2)}; pip peak RSS ${pip.peakRssMiB.toFixed(0)} MiB; our process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
  } finally {
    await index.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function pep440(): void {
  const versions = fc.sample(versionText(), { numRuns: 2000, seed: 7 });
  const specs = fc.sample(specifierSetText, { numRuns: 2000, seed: 8 });
  const pairs = fc
    .sample(fc.tuple(fc.nat(versions.length - 1), fc.nat(specs.length - 1)), { numRuns: 40_000, seed: 9 })
    .map(([v, s]) => [versions[v]!, specs[s]!] as const)
    .filter(([, s]) => {
      try {
        contains(s, '1.0');
        return true;
      } catch {
        return false;
      }
    });
  const script = `import json, sys, time, warnings
warnings.simplefilter("ignore")
from pip._vendor.packaging.specifiers import SpecifierSet
pairs = json.load(sys.stdin)
best = None
for _ in range(3):
    t0 = time.perf_counter()
    n = 0
    for v, s in pairs:
        n += SpecifierSet(s).contains(v)
    dt = (time.perf_counter() - t0) * 1000
    best = dt if best is None else min(best, dt)
print(json.dumps({"ms": best, "n": n}))`;
  const ref = JSON.parse(
    execFileSync('python3', ['-c', script], {
      input: JSON.stringify(pairs),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  ) as {
    ms: number;
    n: number;
  };
  let best = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    n = 0;
    for (const [v, s] of pairs) if (contains(s, v)) n++;
    best = Math.min(best, performance.now() - t0);
  }
  if (n !== ref.n)
    throw new Error(`contains disagrees with packaging on the benchmark pairs: ${n} vs ${ref.n}`);
  console.log(
    `PEP 440: ${pairs.length} (version, specifier set) pairs, parse + contains each, ${n} true (same count as packaging)`,
  );
  console.log(ratioLine('contains throughput vs packaging (best of 3)', best, ref.ms));
}

export default async function main(): Promise<void> {
  await resolution();
  pep440();
}
