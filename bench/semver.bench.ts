// Sorting 100,000 real-looking Go versions: mochi-pkg's semver.sort against x/mod's semver.Sort.
// Both sides time only the sort itself (Go inside the oracle process, excluding start-up and I/O).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sort } from '../src/go/semver/index.js';
import { buildGoProgram, goOracle, runOracle } from '../test/support/oracles.js';
import { bestOf, ratioLine } from './support.js';

const COUNT = 100_000;
const RUNS = 7;

/** Deterministic PRNG (mulberry32), so both sides sort the same list on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Releases, pre-releases, pseudo-versions of all three forms and +incompatible, as proxies list them. */
export function realLookingVersions(n: number, seed = 1): string[] {
  const r = rng(seed);
  const int = (max: number) => Math.floor(r() * max);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = () => Array.from({ length: 12 }, () => '0123456789abcdef'[int(16)]).join('');
  const time = () =>
    `20${String(10 + int(15))}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}` +
    `${String(int(24)).padStart(2, '0')}${String(int(60)).padStart(2, '0')}${String(int(60)).padStart(2, '0')}`;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const maj = pick([0, 0, 0, 1, 1, 1, 2, 3, 4, 10, 17]);
    const min = int(30);
    const pat = int(20);
    const kind = int(10);
    let v: string;
    if (kind < 4) v = `v${maj}.${min}.${pat}`;
    else if (kind < 6) v = `v${maj}.${min}.${pat}-${pick(['alpha', 'beta', 'rc', 'pre'])}.${int(12)}`;
    else if (kind === 6) v = `v${maj}.0.0-${time()}-${hex()}`;
    else if (kind === 7) v = `v${maj}.${min}.${pat + 1}-0.${time()}-${hex()}`;
    else if (kind === 8) v = `v${maj}.${min}.${pat}-rc.${int(5)}.0.${time()}-${hex()}`;
    else v = `v${2 + int(20)}.${min}.${pat}+incompatible`;
    out.push(v);
  }
  return out;
}

export default async function bench(): Promise<void> {
  const oracle = goOracle();
  if (!oracle.available) {
    console.log(`semver sort: skipped (${oracle.reason})`);
    return;
  }
  const bin = buildGoProgram(fileURLToPath(new URL('../test/oracles/xmod/main.go', import.meta.url)));
  const versions = realLookingVersions(COUNT);
  const go = JSON.parse(runOracle(bin, ['bench', String(RUNS)], `${versions.join('\n')}\n`)) as {
    ns: number;
    first: string;
    last: string;
    peakRssKiB: number;
    sha256: string;
  };
  let sorted: string[] = [];
  const oursMs = await bestOf(RUNS, () => {
    sorted = sort(versions);
  });
  const digest = createHash('sha256').update(sorted.join('\n')).digest('hex');
  if (digest !== go.sha256) {
    throw new Error(`sort results differ: ours ${sorted[0]}…${sorted.at(-1)}, x/mod ${go.first}…${go.last}`);
  }
  console.log(
    ratioLine(
      `semver sort of ${COUNT.toLocaleString('en')} versions (best of ${RUNS})`,
      oursMs,
      go.ns / 1e6,
      1.5,
    ),
  );
  console.log(
    `peak RSS: this node process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, ` +
      `x/mod oracle ${(go.peakRssKiB / 1024).toFixed(0)} MiB`,
  );
}
