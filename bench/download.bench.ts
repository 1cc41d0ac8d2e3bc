// `mochi-pkg go download` against `go mod download`: ~200 real module trees from one local HTTP
// proxy, fresh caches, same run; then peak RSS of downloading and verifying a ~400 MiB module zip.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapePath } from '../src/go/module/index.js';
import { buildGoProgram, goCommandEnv, runOracle } from '../test/support/oracles.js';
import { startProxy } from './gograph-setup.js';
import { measureCommand, ratioLine } from './support.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin', 'mochi-pkg.js');
const TARGET_COUNT = 200;
const MAX_ZIP = 8 << 20;

/** Package directories of GOROOT/src (not cmd), each zipped by x/mod as module example.com/std/<dir>. */
export function buildProxy(root: string): string[] {
  const zipper = buildGoProgram(join(repo, 'test/oracles/modzip/main.go'));
  const src = join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src');
  const dirs: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!e.isDirectory() || e.name === 'testdata' || e.name === 'vendor' || e.name.startsWith('.'))
        continue;
      const p = join(d, e.name);
      dirs.push(p);
      if (depth < 3) walk(p, depth + 1);
    }
  };
  walk(src, 1);
  const args: string[] = [];
  for (const dir of dirs) {
    if (args.length >= TARGET_COUNT) break;
    const path = `example.com/std/${relative(src, dir).split('/').join('/')}`.toLowerCase();
    const version = 'v1.0.0';
    const vdir = join(root, ...escapePath(path).split('/'), '@v');
    mkdirSync(vdir, { recursive: true });
    const zip = join(vdir, `${version}.zip`);
    if (
      runOracle(zipper, ['create-from-dir', dir, path, version, zip]).trim() !== 'ok' ||
      statSync(zip).size > MAX_ZIP
    ) {
      rmSync(vdir, { recursive: true, force: true });
      continue;
    }
    writeFileSync(join(vdir, `${version}.mod`), `module ${path}\n`);
    writeFileSync(
      join(vdir, `${version}.info`),
      JSON.stringify({ Version: version, Time: '2023-01-01T00:00:00Z' }),
    );
    args.push(`${path}@${version}`);
  }
  return args;
}

function totalSize(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-download-'));
  try {
    const root = join(work, 'proxy');
    const args = buildProxy(root);
    console.log(`proxy: ${args.length} modules, ${(totalSize(root) / 2 ** 20).toFixed(1)} MiB`);
    const { base, proc } = await startProxy(root);
    try {
      // Best of 5, alternating which side goes first; the file system is flushed (sync) before every
      // timed run so that neither side pays for writing back the files of the run before it.
      const runs = 5;
      let ours = Number.POSITIVE_INFINITY;
      let theirs = Number.POSITIVE_INFINITY;
      let oursRss = 0;
      for (let i = 0; i < runs; i++) {
        const goWork = mkdtempSync(join(work, 'go-'));
        const cache = mkdtempSync(join(work, 'ours-'));
        const runGo = () => {
          execFileSync('sync');
          const g = measureCommand('go', ['mod', 'download', '-json', ...args], goCommandEnv(goWork, base));
          theirs = Math.min(theirs, g.ms);
        };
        const runOurs = () => {
          execFileSync('sync');
          const o = measureCommand(process.execPath, [bin, 'go', 'download', '--json', ...args], {
            PATH: process.env.PATH ?? '',
            GOPROXY: base,
            MOCHI_GO_BRIDGE_CACHE: cache,
            CI: '1',
          });
          ours = Math.min(ours, o.ms);
          oursRss = Math.max(oursRss, o.peakRssMiB);
          const failed = o.stdout.split('\n').filter((l) => l.includes('"Error"')).length;
          if (failed > 0) throw new Error(`mochi-pkg go download: ${failed} modules failed`);
        };
        if (i % 2 === 0) {
          runGo();
          runOurs();
        } else {
          runOurs();
          runGo();
        }
        rmSync(goWork, { recursive: true, force: true });
        rmSync(cache, { recursive: true, force: true });
      }
      console.log(
        ratioLine(`go download of ${args.length} modules (best of ${runs}, fresh caches)`, ours, theirs, 0.5),
      );
      console.log(`  mochi-pkg peak RSS ${oursRss.toFixed(0)} MiB`);

      // A ~400 MiB module zip: incompressible files, so the zip is as large as its contents.
      const big = join(work, 'bigmod');
      mkdirSync(big);
      writeFileSync(join(big, 'go.mod'), 'module example.com/big\n');
      for (let i = 0; i < 400; i++)
        writeFileSync(join(big, `blob${String(i).padStart(3, '0')}.bin`), randomBytes(1 << 20));
      const vdir = join(root, 'example.com', 'big', '@v');
      mkdirSync(vdir, { recursive: true });
      const zipper = buildGoProgram(join(repo, 'test/oracles/modzip/main.go'));
      runOracle(zipper, ['create-from-dir', big, 'example.com/big', 'v1.0.0', join(vdir, 'v1.0.0.zip')]);
      writeFileSync(join(vdir, 'v1.0.0.mod'), 'module example.com/big\n');
      writeFileSync(join(vdir, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2023-01-01T00:00:00Z"}');
      rmSync(big, { recursive: true, force: true });
      const zipMiB = statSync(join(vdir, 'v1.0.0.zip')).size / 2 ** 20;
      const cache = mkdtempSync(join(work, 'big-'));
      const env = { PATH: process.env.PATH ?? '', GOPROXY: base, MOCHI_GO_BRIDGE_CACHE: cache, CI: '1' };
      const dl = measureCommand(process.execPath, [bin, 'go', 'download', 'example.com/big@v1.0.0'], env);
      const vf = measureCommand(process.execPath, [bin, 'go', 'verify', 'example.com/big@v1.0.0'], env);
      const goWork = mkdtempSync(join(work, 'go-big-'));
      const g = measureCommand(
        'go',
        ['mod', 'download', '-json', 'example.com/big@v1.0.0'],
        goCommandEnv(goWork, base),
      );
      const peak = Math.max(dl.peakRssMiB, vf.peakRssMiB);
      console.log(
        `${zipMiB.toFixed(0)} MiB module zip: download ${dl.ms.toFixed(0)} ms (peak RSS ${dl.peakRssMiB.toFixed(0)} MiB), ` +
          `verify ${vf.ms.toFixed(0)} ms (peak RSS ${vf.peakRssMiB.toFixed(0)} MiB); ` +
          `go mod download ${g.ms.toFixed(0)} ms (peak RSS ${g.peakRssMiB.toFixed(0)} MiB)`,
      );
      console.log(
        `  peak RSS ${peak.toFixed(0)} MiB (target < 150 MB: ${peak * 1.048576 < 150 ? 'met' : 'NOT met'})`,
      );
    } finally {
      proc.kill('SIGTERM');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
