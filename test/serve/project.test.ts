// A project whose mochi.toml names `serve` as both its GOPROXY and its Python index: `lock` and `sync`
// work through it, pinning the same modules and wheels as the upstreams give directly.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSync } from '../../src/cli/commands/sync.js';
import { main } from '../../src/cli/main.js';
import { parseLock } from '../../src/project/lockdoc.js';
import { type ServeInstance, startServeFromConfig } from '../../src/serve/index.js';
import { captureStreams } from '../support/files.js';

const example = fileURLToPath(new URL('../../examples/weather-report', import.meta.url));
let work = '';
let root = '';
let inst: ServeInstance;
const served: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mochi-serve-project-'));
  root = join(work, 'project');
  await cp(example, root, { recursive: true });
  // The upstreams are the example's own file:// proxy tree and index, reached only through serve.
  inst = await startServeFromConfig({
    listen: '127.0.0.1:0',
    storage: `dir:${join(work, 'store')}`,
    goProxy: pathToFileURL(join(example, 'go/proxy')).href,
    sumdb: 'off',
    indexUrls: [pathToFileURL(join(example, 'index')).href],
    log: (line) => served.push((JSON.parse(line) as { path: string; status: number }).path),
    cwd: work,
    env: {},
  });
  const toml = (await readFile(join(root, 'mochi.toml'), 'utf8'))
    .replace('index-url = "index"', `index-url = "${inst.url}/simple/"`)
    .replace('proxy = "./go/proxy"', `proxy = "${inst.url}"`);
  await writeFile(join(root, 'mochi.toml'), toml);
});
afterAll(async () => {
  await inst?.shutdown(100);
  await rm(work, { recursive: true, force: true });
});

it('lock pins through serve what the upstreams pin directly, then sync installs the wheels from serve', async () => {
  const committed = parseLock(await readFile(join(example, 'mochi.lock'), 'utf8'));
  await rm(join(root, 'mochi.lock'));
  const env = { MOCHI_GO_BRIDGE_CACHE: join(work, 'go-cache') };
  const l = captureStreams();
  const code = await main({
    argv: ['lock', '--cwd', root, '--cache-dir', join(work, 'py-cache')],
    stdout: l.stdout,
    stderr: l.stderr,
    env,
    cwd: root,
  });
  expect([code, l.seen.err]).toEqual([0, '']);
  const locked = parseLock(await readFile(join(root, 'mochi.lock'), 'utf8'));
  const goPins = (d: typeof locked) => JSON.stringify(d.go);
  expect(goPins(locked)).toBe(goPins(committed));
  const dists = locked.distributions ?? [];
  expect(dists.map((d) => [d.name, d.version, d.wheels.map((w) => w.sha256)])).toEqual(
    (committed.distributions ?? []).map((d) => [d.name, d.version, d.wheels.map((w) => w.sha256)]),
  );
  expect(dists.map((d) => d.indexUrl)).toEqual(dists.map(() => `${inst.url}/simple/`));
  expect(served.some((p) => p.endsWith('/@v/v1.1.0.zip'))).toBe(true);
  expect(served.some((p) => p.startsWith('/simple/toposort'))).toBe(true);

  // A fresh cache: sync downloads the locked wheel from serve and installs it.
  const s = captureStreams();
  const synced = await runSync(
    {
      argv: ['--cwd', root, '--cache-dir', join(work, 'py-cache-2')],
      stdout: s.stdout,
      stderr: s.stderr,
      env,
      cwd: root,
    },
    { probeInterpreter: async () => ({ executable: '/usr/bin/python3', version: '3.12' }) },
  );
  expect([synced, s.seen.err]).toEqual([0, '']);
  expect(served.some((p) => p.endsWith('/toposort-1.10-py3-none-any.whl'))).toBe(true);
  const installed = await readFile(
    join(root, '.mochi/python/3.12-linux/toposort-1.10.dist-info/METADATA'),
    'utf8',
  );
  expect(installed).toContain('Version: 1.10');
});
