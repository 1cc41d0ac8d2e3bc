import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BuildFn,
  checkLock,
  goProxyList,
  type LockEvent,
  LockMissingError,
  lazyGoSource,
  loadPythonBuild,
  lockProject,
} from '../../src/project/index.js';
import { LockfileError } from '../../src/python/lockfile/index.js';
import { writeTree } from '../support/files.js';
import { TWO_IMPORT_PROJECT } from '../support/projects.js';

const dirs: string[] = [];
let build: BuildFn;
let cache: string;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-lockproject-'));
  dirs.push(d);
  return d;
}
beforeAll(async () => {
  build = await loadPythonBuild();
  cache = await tmp();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A project with one path-sourced stub package and one typeshed-style stub directory. */
async function project(): Promise<string> {
  const root = await tmp();
  await writeTree(root, TWO_IMPORT_PROJECT);
  return root;
}

/** Settings as the CLI would pass them for `project()`, run from the project directory. */
function settings(root: string, events: LockEvent[] = []) {
  return {
    cwd: root,
    env: { MOCHI_GO_BRIDGE_CACHE: join(cache, 'go'), GOSUMDB: 'off' },
    stubsDirs: ['typeshed'],
    cacheDir: cache,
    makeBuild: async () => build,
    onEvent: (e: LockEvent) => events.push(e),
  };
}

describe('lockProject', () => {
  it('writes mochi.lock once, returns the totals, and reports progress as events', async () => {
    const root = await project();
    const events: LockEvent[] = [];
    const first = await lockProject(settings(root, events));
    expect(first).toMatchObject({
      path: join(root, 'mochi.lock'),
      written: true,
      totals: { entries: 2, goModules: 0, items: 3, skipped: 0 },
    });
    expect(await readFile(first.path, 'utf8')).toBe(first.plan.text);
    expect(events.map((e) => e.kind)).toEqual(['progress', 'progress']);
    const again = await lockProject(settings(root));
    expect(again.written).toBe(false);
  });

  it('refuses an unreadable lock without force, and leaves it as it was', async () => {
    const root = await project();
    await writeFile(join(root, 'mochi.lock'), 'schema-version = 9\n');
    await expect(lockProject(settings(root))).rejects.toMatchObject({ code: 'lockfile-schema-version' });
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toBe('schema-version = 9\n');
  });

  it('with force, regenerates an unreadable lock and says so in a lock-unreadable event', async () => {
    const root = await project();
    await writeFile(join(root, 'mochi.lock'), 'schema-version = 9\n');
    const events: LockEvent[] = [];
    const r = await lockProject({ ...settings(root, events), force: true });
    expect(r.written).toBe(true);
    expect(events[0]).toEqual({
      kind: 'lock-unreadable',
      path: join(root, 'mochi.lock'),
      code: 'lockfile-schema-version',
    });
  });

  it('writes go.sum only when asked, relative to cwd (empty without Go imports)', async () => {
    const root = await project();
    const r = await lockProject({ ...settings(root), goSum: 'go.sum' });
    expect(r.goSum).toEqual({ path: join(root, 'go.sum'), lines: 0 });
    expect(await readFile(join(root, 'go.sum'), 'utf8')).toBe('');
  });
});

describe('checkLock', () => {
  it('finds an up-to-date, canonical lock and writes nothing', async () => {
    const root = await project();
    await lockProject(settings(root));
    const r = await checkLock(settings(root));
    expect(r).toMatchObject({ upToDate: true, canonical: true, diff: [], totals: { entries: 2 } });
  });

  it('reports each drifted entry with the fields that changed, leaving the file as it was', async () => {
    const root = await project();
    await lockProject(settings(root));
    const before = await readFile(join(root, 'mochi.lock'));
    await writeTree(root, {
      'stubs/geo/__init__.pyi': 'def distance(a: int, b: int) -> int: ...\n',
      'app.mochi':
        'import python "geo@path+./stubs/geo" as geo\nimport python "extra@path+./stubs/geo" as extra\n',
    });
    const r = await checkLock(settings(root));
    expect(r.upToDate).toBe(false);
    expect(r.diff).toEqual([
      expect.objectContaining({ kind: 'removed', key: 'colors:colors' }),
      expect.objectContaining({ kind: 'added', key: 'extra:extra' }),
      expect.objectContaining({ kind: 'changed', key: 'geo:geo', fields: ['wrapper-sha256'] }),
    ]);
    expect((await readFile(join(root, 'mochi.lock'))).equals(before)).toBe(true);
  });

  it('accepts a lock with the same entries in another layout, but says it is not canonical', async () => {
    const root = await project();
    const { plan } = await lockProject(settings(root));
    await writeFile(join(root, 'mochi.lock'), plan.text.replace(/\n\n/g, '\n'));
    const r = await checkLock(settings(root));
    expect([r.upToDate, r.canonical]).toEqual([true, false]);
  });

  it('throws lock-missing for a project without mochi.lock, and the parse error for a broken one', async () => {
    const root = await project();
    const missing = await checkLock(settings(root)).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LockMissingError);
    expect(missing).toMatchObject({ code: 'lock-missing', path: join(root, 'mochi.lock') });
    await writeFile(join(root, 'mochi.lock'), 'schema-version = [\n');
    const broken = await checkLock(settings(root)).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(LockfileError);
    expect(broken).toMatchObject({ code: 'lockfile-syntax' });
  });

  it('resolves the project, stub directories and cache against cwd', async () => {
    const root = await project();
    const parent = join(root, '..');
    const rel = root.slice(parent.length + 1);
    const s = { ...settings(root), cwd: parent, project: rel, stubsDirs: [join(rel, 'typeshed')] };
    await lockProject(s);
    expect((await checkLock(s)).upToDate).toBe(true);
  });
});

describe('goProxyList', () => {
  it('turns entries starting with . or / into file:// URLs and keeps the separators', () => {
    expect(goProxyList('./p,https://proxy.example|/abs/q', '/work')).toBe(
      'file:///work/p,https://proxy.example|file:///abs/q',
    );
    expect(goProxyList('off', '/work')).toBe('off');
    expect(goProxyList(undefined, '/work')).toBeUndefined();
  });
});

describe('lazyGoSource', () => {
  it('reads nothing until asked, then sends netrc credentials to the proxy host', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.statusCode = 404;
      res.end('not found');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as AddressInfo;
      const dir = await tmp();
      await writeFile(join(dir, 'netrc'), `machine 127.0.0.1:${port} login alice password s3cret\n`);
      const source = lazyGoSource(`http://127.0.0.1:${port}`, { NETRC: join(dir, 'netrc') });
      expect(seen).toEqual([]);
      await expect(source.list('example.com/m')).rejects.toMatchObject({ code: 'module-not-found' });
      expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('reports an unusable GOPROXY only when first asked', async () => {
    const source = lazyGoSource('ftp://proxy.example', {});
    await expect(source.list('example.com/m')).rejects.toMatchObject({ code: 'proxy-config' });
  });
});
