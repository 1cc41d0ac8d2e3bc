// hashZip against x/mod's dirhash.HashZip on the same large module zip, and peak RSS on a ~400 MiB zip.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { hashZip } from '../src/go/dirhash/index.js';
import { buildGoProgram } from '../test/support/oracles.js';
import { bestOf, measureCommand, ratioLine } from './support.js';

const ORACLE_SRC = fileURLToPath(new URL('../test/oracles/modzip/main.go', import.meta.url));
const DIST_DIRHASH = fileURLToPath(new URL('../dist/go/dirhash/index.js', import.meta.url));
const GO_SRC = ['/usr/share/go-1.19/src', '/usr/lib/go-1.19/src'].find((d) => existsSync(d));
const MOD = 'example.com/bench';
const VER = 'v1.0.0';

/** Real Go source files as a content pool, so compression ratios are those of real modules. */
function sourcePool(): Buffer[] {
  const pool: Buffer[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (n.endsWith('.go') && s.size > 0) pool.push(readFileSync(p));
    }
  };
  if (GO_SRC) walk(GO_SRC);
  if (pool.length === 0) pool.push(Buffer.from('package p\n\nfunc F() int { return 42 }\n'.repeat(200)));
  return pool;
}

/** Writes a module zip: `files` entries of (name, content), deflated unless `store`. */
async function writeZip(out: string, files: Iterable<[string, Buffer, boolean]>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data, store] of files) {
    zip.addBuffer(data, `${MOD}@${VER}/${name}`, { compress: !store, mtime: new Date(2020, 0, 1) });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}

/** ≥ 12,000 files and ≥ 110 MB of real Go source, spread over 120 directories. */
function* largeModule(pool: Buffer[]): Generator<[string, Buffer, boolean]> {
  let total = 0;
  for (let i = 0; i < 12_000 || total < 110e6; i++) {
    const data = pool[i % pool.length]!;
    total += data.length;
    yield [`pkg${i % 120}/file${i}.go`, data, false];
  }
}

/** ~400 MiB zip within x/mod's limits: mostly incompressible 1 MiB blobs plus source text. */
function* hugeModule(pool: Buffer[]): Generator<[string, Buffer, boolean]> {
  for (let i = 0; i < 380; i++) yield [`blob/b${i}.bin`, randomBytes(1 << 20), true];
  let total = 0;
  for (let i = 0; total < 60e6; i++) {
    const data = pool[i % pool.length]!;
    total += data.length;
    yield [`src${i % 50}/f${i}.go`, data, false];
  }
}

export default async function bench(): Promise<void> {
  const go = buildGoProgram(ORACLE_SRC);
  const dir = await mkdtemp(join(tmpdir(), 'dirhash-bench-'));
  try {
    const pool = sourcePool();
    const large = join(dir, 'large.zip');
    let files = 0;
    let bytes = 0;
    await writeZip(
      large,
      (function* () {
        for (const f of largeModule(pool)) {
          files++;
          bytes += f[1].length;
          yield f;
        }
      })(),
    );
    console.log(
      `large module zip: ${files} files, ${(bytes / 1e6).toFixed(1)} MB uncompressed, ${(statSync(large).size / 1e6).toFixed(1)} MB zip`,
    );

    // Go: best of 3 runs timed inside the Go program (process start excluded).
    const [goH1, goNs] = execFileSync(go, ['hashzip-timed', large, '3'], { encoding: 'utf8' })
      .trim()
      .split(' ');
    const ourH1 = await hashZip(large, MOD, VER);
    if (ourH1 !== goH1) throw new Error(`hash mismatch: ours ${ourH1}, x/mod ${goH1}`);
    const oursMs = await bestOf(3, () => hashZip(large, MOD, VER));
    console.log(ratioLine('hashZip, large module zip (best of 3)', oursMs, Number(goNs) / 1e6, 0.8));

    // Peak RSS on a ~400 MiB zip, each side in its own process.
    const huge = join(dir, 'huge.zip');
    await writeZip(huge, hugeModule(pool));
    console.log(`huge module zip: ${(statSync(huge).size / 2 ** 20).toFixed(0)} MiB`);
    const script = join(dir, 'hash-one.mjs');
    await writeFile(
      script,
      `const { hashZip } = await import(${JSON.stringify(DIST_DIRHASH)});\nconsole.log(await hashZip(process.argv[2], ${JSON.stringify(MOD)}, ${JSON.stringify(VER)}));\n`,
    );
    const ours = measureCommand(process.execPath, [script, huge]);
    const theirs = measureCommand(go, ['hashzip', huge]);
    if (ours.stdout.trim() !== theirs.stdout.trim()) throw new Error('hash mismatch on the huge zip');
    console.log(
      `hashZip, ~400 MiB zip: ours peak RSS ${ours.peakRssMiB.toFixed(0)} MiB in ${ours.ms.toFixed(0)} ms ` +
        `(target < 200 MB: ${ours.peakRssMiB * 1.048576 < 200 ? 'met' : 'NOT met'}); ` +
        `x/mod ${theirs.peakRssMiB.toFixed(0)} MiB in ${theirs.ms.toFixed(0)} ms (both include process start)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
