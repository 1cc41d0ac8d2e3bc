// --offline keeps commands off the network, not off local files: a file:// index or Go proxy (the
// example's ./index and ./go/proxy) is still read, with empty caches; a remote one is not.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { offlineGoProxyList } from '../../src/project/goSource.js';
import { captureStreams } from '../support/files.js';

const example = fileURLToPath(new URL('../../examples/weather-report', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function fresh(): Promise<{ project: string; env: NodeJS.ProcessEnv }> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-offline-'));
  dirs.push(d);
  const project = join(d, 'project');
  await cp(example, project, { recursive: true });
  // Empty caches: whatever the commands need comes from the project's own index and proxy.
  return { project, env: { MOCHI_PYTHON_CACHE: join(d, 'py'), MOCHI_GO_BRIDGE_CACHE: join(d, 'go') } };
}

async function run(cwd: string, env: NodeJS.ProcessEnv, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const code = await main({ argv, stdout, stderr, env, cwd });
  return { code, ...seen };
}

it('offline GOPROXY lists keep their file:// entries, then off', () => {
  expect(offlineGoProxyList('file:///a,https://proxy.golang.org|file:///b,direct')).toBe(
    'file:///a,file:///b,off',
  );
  expect(offlineGoProxyList('https://proxy.golang.org,direct')).toBe('off');
  expect(offlineGoProxyList(undefined)).toBe('off');
  expect(offlineGoProxyList('off')).toBe('off');
});

it('lock --offline and lock --check --offline read the local index and Go proxy with empty caches', async () => {
  const { project, env } = await fresh();
  const committed = await readFile(join(project, 'mochi.lock'), 'utf8');
  await rm(join(project, 'mochi.lock'));
  const lock = await run(project, env, 'lock', '--offline');
  expect([lock.code, lock.err]).toEqual([0, '']);
  expect(await readFile(join(project, 'mochi.lock'), 'utf8')).toBe(committed);
  const check = await run(
    project,
    { ...env, MOCHI_PYTHON_CACHE: `${env.MOCHI_PYTHON_CACHE}-2` },
    'lock',
    '--check',
    '--offline',
  );
  expect([check.code, check.out]).toEqual([0, 'mochi.lock is up to date (9 entries)\n']);
});

it('sync --frozen installs from a lock whose index is ./index/ in the project, online and offline', async () => {
  for (const offline of [[], ['--offline']]) {
    const { project, env } = await fresh();
    const r = await run(
      project,
      env,
      'sync',
      '--frozen',
      '--target',
      '3.12-linux',
      '--interpreter',
      '/usr/bin/python3',
      ...offline,
    );
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('install toposort==1.10\n');
    expect(await readFile(join(project, '.mochi/python/3.12-linux/toposort.py'), 'utf8')).toContain(
      'def toposort',
    );
    expect(r.out).toContain('go.mod and go.sum written (4 Go modules)');
  }
});

it('--offline still refuses a remote index that is not cached', async () => {
  const { project, env } = await fresh();
  const r = await run(
    project,
    env,
    'lock',
    '--check',
    '--offline',
    '--index-url',
    'https://index.invalid/simple/',
  );
  expect(r.code).toBe(1);
  expect(r.err).toContain('error[registry-offline]');
  expect(r.err).toContain('https://index.invalid/simple/');
});
