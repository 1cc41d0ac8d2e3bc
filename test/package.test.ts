import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR, bundleCli } from '../scripts/bundle.js';
import { hashZip } from '../src/go/dirhash/index.js';
import * as go from '../src/go/index.js';
import * as root from '../src/index.js';
import * as python from '../src/python/index.js';
import { fixtureModule } from './go/support/modules.js';
import { captureStreams } from './support/files.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('public surface', () => {
  it('root exports the error base, version and project namespace', () => {
    expect(Object.keys(root).sort()).toEqual([
      'ERROR_CODES',
      'MochiPkgError',
      'VERSION',
      'isMochiPkgError',
      'project',
      'redactUrls',
    ]);
  });
  it('mochi-pkg/go exports exactly its namespaces', () => {
    expect(Object.keys(go).sort()).toEqual([
      'cache',
      'dirhash',
      'lockfile',
      'modfile',
      'module',
      'modzip',
      'proxy',
      'semver',
      'sumdb',
    ]);
  });
  it('mochi-pkg/python exports exactly its namespaces', () => {
    expect(Object.keys(python).sort()).toEqual([
      'build',
      'importspec',
      'lockfile',
      'pep440',
      'pep508',
      'registry',
      'resolver',
      'stubs',
      'typemap',
      'wrapper',
    ]);
  });
});

describe('built package (npm run build)', () => {
  // Built here, so that these tests check the sources of this run and never a stale dist/.
  beforeAll(async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'pipe' });
    await bundleCli();
  }, 180_000);

  it('resolves its own subpath exports by self-reference', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const g = await import('mochi-pkg/go'); const p = await import('mochi-pkg/python'); const r = await import('mochi-pkg'); console.log(JSON.stringify([Object.keys(g).length > 0, Object.keys(p).length > 0, typeof r.MochiPkgError]))",
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([true, true, 'function']);
  });

  it('runs the bin: its own --version answer is the one main.ts gives, and other argv reach main.ts', async () => {
    // The bin answers `--version` / `-V` alone before loading any ES module; main.ts must say the same.
    const { main } = await import('../src/cli/main.js');
    for (const flag of ['--version', '-V']) {
      const out = execFileSync(process.execPath, [`${repo}/bin/mochi-pkg.js`, flag], { encoding: 'utf8' });
      const { stdout, stderr, seen } = captureStreams();
      expect(await main({ argv: [flag], stdout, stderr, env: {}, cwd: repo })).toBe(0);
      expect(out).toBe(seen.out);
      expect(out).toBe(`mochi-pkg ${root.VERSION}\n`);
    }
    const json = execFileSync(process.execPath, [`${repo}/bin/mochi-pkg.js`, '--version', '--json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(json)).toMatchObject({ version: root.VERSION });
  });

  it('ends a failed command once its error is written, even with work left running (a request that drips)', async () => {
    // The preload keeps the event loop alive for ever, as a download the command no longer waits for does.
    const dir = await mkdtemp(join(tmpdir(), 'mochi-bin-'));
    const keep = join(dir, 'keep-alive.cjs');
    await writeFile(keep, 'setInterval(() => {}, 1000);\n');
    const child = spawn(
      process.execPath,
      ['--require', keep, `${repo}/bin/mochi-pkg.js`, 'lock', '--cwd', join(dir, 'no-such-project')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((done) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        done(c);
      });
    });
    expect(code).toBe(2);
    expect(err).toContain('no-such-project');
  }, 30_000);

  it('bundles the CLI so that each file its code finds next to itself is the tsc output in dist/', async () => {
    const dir = join(repo, BUNDLE_DIR);
    const targets = new Set<string>();
    for (const f of await readdir(dir)) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const m of text.matchAll(/new URL\("(\.\.\/[^"]+)", __mochiBundleUrl\)/g)) targets.add(m[1]!);
    }
    // The worker script, the build cache's code stamp, package.json's reader and the .pyi parser.
    expect([...targets].sort()).toEqual(
      expect.arrayContaining([
        '../go/cache/hasher.js',
        '../project/buildCache.js',
        '../python/stubs/parser.js',
      ]),
    );
    for (const t of targets) await expect(stat(join(dir, t))).resolves.toBeTruthy();
  });

  it('makes each bundle file strict, names its build, and sends its import() of packages to the loader', async () => {
    for (const f of ['main.cjs', 'fast.cjs']) {
      const lines = (await readFile(join(repo, BUNDLE_DIR, f), 'utf8')).split('\n');
      expect(lines[0]).toMatch(/^\/\/ mochi-pkg build [0-9a-f]{64}$/);
      expect(lines[1]).toBe('"use strict";');
      // vm.Script's own import() has no loader on Node 20 once its code comes from the cache
      // (bin/load-bundle.js): the only one left is the banner's fallback for Node 22+.
      const imports = lines.filter((l) => /\bimport\(/.test(l) && !l.includes('`import('));
      expect(imports).toEqual([expect.stringMatching(/^var __mochiImport = /)]);
    }
  });

  it('parses .pyi stubs through the bin (the grammar wasm is found from the bundle)', () => {
    const out = execFileSync(
      process.execPath,
      [`${repo}/bin/mochi-pkg.js`, 'python', 'inspect', 'examples/weather-report/stubs/weatherapi', '--json'],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toMatchObject({ items: expect.any(Array) });
  });

  it('stops quietly with 141 when the reader of its output goes away (`| head -1`)', async () => {
    const builtins = join(repo, 'node_modules/pyright/dist/typeshed-fallback/stdlib/builtins.pyi');
    const child = spawn(process.execPath, [`${repo}/bin/mochi-pkg.js`, 'python', 'inspect', builtins], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    // The first chunk read, the pipe is closed, as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    expect({ code, err }).toEqual({ code: 141, err: '' });
  });

  it('hashes on worker threads started from dist/', async () => {
    const m = fixtureModule('example.com/foo', 'v1.0.0');
    const zip = join(await mkdtemp(join(tmpdir(), 'dist-hash-')), 'm.zip');
    await writeFile(zip, m.zip);
    const hasher = pathToFileURL(join(repo, 'dist/go/cache/hasher.js')).href;
    const script = `const { threadHasher } = await import(${JSON.stringify(hasher)}); const h = threadHasher(1); console.log(JSON.stringify([h.threads, await h.checkAndHash(${JSON.stringify(zip)}, 'example.com/foo', 'v1.0.0')])); await h.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([1, await hashZip(m.zip, m.path, m.version)]);
  });
});
