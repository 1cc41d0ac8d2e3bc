// mochi.lock at scale: render, parse+validate and check of a 10,000-entry manifest, against CPython's tomllib.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { check, type LockEntry, parseToml, renderToml } from '../src/python/lockfile/index.js';
import { bestOf, ratioLine } from './support.js';

const N = 10_000;

/** A realistic manifest: a mix of the four sources, with versions, hashes and capabilities. */
function manifest(): { entries: LockEntry[] } {
  const entries: LockEntry[] = [];
  for (let i = 0; i < N; i++) {
    const name = `pkg-${i.toString(36)}-lib`;
    const sha = createHash('sha256').update(name).digest('hex');
    const common = {
      name,
      alias: `a${i}`,
      wrapperSha256: sha,
      capabilities: ['async', 'callable', 'dataclass', 'list'] as const,
    };
    switch (i % 4) {
      case 0:
        entries.push({
          ...common,
          capabilities: [...common.capabilities],
          source: 'registry',
          version: `1.${i % 50}.0`,
          specifier: `==1.${i % 50}.0`,
        });
        break;
      case 1:
        entries.push({
          ...common,
          capabilities: ['callable'],
          source: 'registry',
          version: '2.3',
          specifier: '>=2,<3',
        });
        break;
      case 2:
        entries.push({
          ...common,
          capabilities: ['map', 'optional'],
          source: 'git',
          gitUrl: `https://example.com/r/${name}.git`,
          gitRev: sha.slice(0, 40),
        });
        break;
      default:
        entries.push({ ...common, capabilities: ['constant'], source: 'path', localPath: `./stubs/${name}` });
    }
  }
  return { entries };
}

// Times tomllib.loads inside Python (best of N, interpreter start-up excluded) and checks the count.
const TOMLLIB = `
import sys, time, tomllib
text = sys.stdin.read()
best = float("inf")
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter()
    doc = tomllib.loads(text)
    best = min(best, time.perf_counter() - t0)
assert len(doc["python-package"]) == int(sys.argv[2])
print(best * 1000)
`;

export default async function bench(): Promise<void> {
  const m = manifest();
  const text = renderToml(m);
  const bytes = Buffer.from(text);
  console.log(`manifest: ${N} entries, ${(bytes.length / 1024 / 1024).toFixed(2)} MiB of TOML`);

  const runs = 7;
  const renderMs = await bestOf(runs, () => renderToml(m));
  const parseMs = await bestOf(runs, () => parseToml(bytes));
  const parsed = parseToml(bytes);
  const checkMs = await bestOf(runs, () => check(parsed, m));
  const py = spawnSync('python3', ['-c', TOMLLIB, String(runs), String(N)], {
    input: text,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (py.status !== 0) {
    console.log(`tomllib reference unavailable: ${py.stderr.trim()}`);
    console.log(
      `render ${renderMs.toFixed(1)} ms, parse+validate ${parseMs.toFixed(1)} ms, check ${checkMs.toFixed(1)} ms`,
    );
    return;
  }
  const tomllibMs = Number(py.stdout.trim());
  console.log(ratioLine('parseToml (smol-toml + schema validation) vs tomllib.loads', parseMs, tomllibMs, 1));
  console.log(ratioLine('renderToml vs tomllib.loads (for scale)', renderMs, tomllibMs));
  console.log(ratioLine('check (compareManifests) vs tomllib.loads (for scale)', checkMs, tomllibMs));
  console.log(`peak RSS of this bench process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
