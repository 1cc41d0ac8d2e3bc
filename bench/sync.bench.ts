// `mochi-pkg sync` of 150 distributions from a warm cache against `pip install --no-deps --no-index
// --find-links --target` of the same wheels, and a no-op re-sync, in one run, as ratios.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLock, renderLock } from '../src/project/lockdoc.js';
import type { LockedDistribution } from '../src/python/lockfile/index.js';
import { RegistryCache } from '../src/python/registry/cache.js';
import { wheelFiles, wheelZip } from '../test/python/install/wheels.js';
import { pipTargetInstall } from '../test/support/pip.js';
import { measureCpu, ratioLine } from './support.js';

const DISTS = 150;
const FILES = 40;
const BIN = fileURLToPath(new URL('../bin/mochi-pkg.js', import.meta.url));

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  try {
    const links = join(work, 'links');
    const cache = join(work, 'cache');
    mkdirSync(links);
    const rc = new RegistryCache(cache);
    const target = '3.11-linux';
    const dists: LockedDistribution[] = [];
    let files = 0;
    for (let i = 0; i < DISTS; i++) {
      const name = `bench${String(i).padStart(3, '0')}`;
      const members = Array.from({ length: FILES }, (_, j) => ({
        name: `${name}/sub${j % 4}/mod${j}.py`,
        data: `# module ${j}\n${'VALUE = "x" * 40\n'.repeat(20 + ((i * j) % 200))}`,
      }));
      members.push({ name: `${name}/__init__.py`, data: `N = ${i}\n` });
      files += members.length + 4;
      const bytes = wheelZip(
        wheelFiles(name, '1.0', members, {
          extraMeta: [
            {
              name: `${name}-1.0.dist-info/entry_points.txt`,
              data: `[console_scripts]\n${name} = ${name}:main\n`,
            },
          ],
        }),
      );
      const file = `${name}-1.0-py3-none-any.whl`;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      writeFileSync(join(links, file), bytes);
      await rc.putContent(sha256, bytes);
      dists.push({
        name,
        version: '1.0',
        indexUrl: 'https://index.invalid/simple/',
        extras: [],
        targets: [target],
        dependencies: [],
        wheels: [{ file, sha256, targets: [target] }],
      });
    }
    const lock = renderLock({ ...parseLock('schema-version = 1\n'), distributions: dists });
    const project = (n: string) => {
      const dir = join(work, n);
      mkdirSync(dir);
      writeFileSync(join(dir, 'mochi.lock'), lock);
      return dir;
    };
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim();
    const sync = (dir: string) =>
      measureCpu(process.execPath, [
        BIN,
        'sync',
        '--interpreter',
        python,
        '--frozen',
        '--offline',
        '--target',
        target,
        '--cwd',
        dir,
        '--cache-dir',
        cache,
      ]);
    console.log(`${DISTS} distributions, ${files} files`);
    // Cold store: unpack every wheel once (the first project on the machine).
    const cold = sync(project('p-cold'));
    // Warm cache: a second project links from the store.
    const warm = sync(project('p-warm'));
    const noop = sync(join(work, 'p-warm'));
    const install = pipTargetInstall(
      links,
      join(work, 'pip-target'),
      dists.map((d) => d.name),
    );
    const pip = measureCpu('python3', install.args, install.env);
    console.log(ratioLine(`sync ${DISTS} dists, cold store (unpack)`, cold.ms, pip.ms));
    console.log(ratioLine(`sync ${DISTS} dists, warm cache (link from store)`, warm.ms, pip.ms, 0.2));
    console.log(
      `no-op re-sync: ${noop.ms.toFixed(1)} ms (target ≤ 300 ms: ${noop.ms <= 300 ? 'met' : 'NOT met'}); peak RSS ${noop.peakRssMiB.toFixed(0)} MiB`,
    );
    console.log(
      `pip --no-compile: ${pip.ms.toFixed(1)} ms; ours warm: peak RSS ${warm.peakRssMiB.toFixed(0)} MiB`,
    );
    // CPU time (user + system) is what a loaded machine distorts least.
    console.log(ratioLine('CPU time, warm sync vs pip', warm.cpuMs, pip.cpuMs, 0.2));
    console.log(ratioLine('CPU time, cold sync vs pip', cold.cpuMs, pip.cpuMs));
    console.log(`CPU time, no-op re-sync: ${noop.cpuMs.toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
