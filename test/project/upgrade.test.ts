import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/project/lockdoc.js';
import { lockChanges, parseUpgradeRequest, preferredLock } from '../../src/project/upgrade.js';
import { cliWithEnv } from '../support/cli.js';

describe('--upgrade-package values', () => {
  it('keeps a Go module path, normalises a Python name (PEP 503), and checks the version', () => {
    expect(parseUpgradeRequest('example.com/Geo@v1.2.0')).toEqual({
      text: 'example.com/Geo@v1.2.0',
      name: 'example.com/Geo',
      version: 'v1.2.0',
    });
    expect(parseUpgradeRequest('Tabulate_Lite@==0.9.0')).toMatchObject({
      name: 'tabulate-lite',
      version: '0.9.0',
    });
    expect(parseUpgradeRequest('toposort')).toEqual({ text: 'toposort', name: 'toposort' });
    for (const bad of ['m@v1', 'm@v1.2', 'p@>=1', '@1.0', 'p@']) {
      expect(() => parseUpgradeRequest(bad), bad).toThrow(
        expect.objectContaining({ code: 'lock-upgrade-invalid' }),
      );
    }
  });
});

describe('mochi-pkg lock --upgrade / --upgrade-package', () => {
  let dir = '';
  const run = (...argv: string[]) =>
    cliWithEnv(
      {},
      'lock',
      '--cwd',
      dir,
      '--cache-dir',
      join(dir, '.cache'),
      '--go-cache-dir',
      join(dir, '.gocache'),
      ...argv,
    );
  const pins = async () => {
    const lock = parseLock(await readFile(join(dir, 'mochi.lock')), { fileName: 'mochi.lock' });
    return Object.fromEntries([
      ...lock.go.entries.map((e) => [e.module, e.version ?? e.localPath]),
      ...(lock.distributions ?? []).map((d) => [d.name, d.version]),
    ]);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'upgrade-'));
    await cp('examples/weather-report', dir, { recursive: true });
  });

  it('moves only what it names, keeps everything else, and lists the moves', async () => {
    const start = await pins();
    expect(start).toMatchObject({ 'example.com/geo': 'v1.1.0', toposort: '1.10' });

    // Down to versions the imports (`@v1`, `>=1.9,<3`) also allow.
    const down = await run(
      '--upgrade-package',
      'example.com/geo@v1.0.0',
      '--upgrade-package',
      'TopoSort@==1.9',
      '--json',
    );
    expect(down.err).toBe('');
    expect(down.code).toBe(0);
    expect(JSON.parse(down.out).changes).toEqual([
      { ecosystem: 'go', name: 'example.com/geo', from: 'v1.1.0', to: 'v1.0.0' },
      { ecosystem: 'python', name: 'toposort', from: '1.10', to: '1.9' },
    ]);
    expect(await pins()).toEqual({ ...start, 'example.com/geo': 'v1.0.0', toposort: '1.9' });

    // Without a flag nothing moves.
    const plain = await run('--json');
    expect(JSON.parse(plain.out)).toMatchObject({ written: false, changes: [] });

    // One name: only that one moves, to the newest the imports allow.
    const one = await run('--upgrade-package', 'toposort');
    expect(one.code).toBe(0);
    expect(one.out).toContain('python toposort: 1.9 -> 1.10\n');
    expect(await pins()).toEqual({ ...start, 'example.com/geo': 'v1.0.0' });

    // Everything.
    const all = await run('--upgrade', '--json');
    expect(JSON.parse(all.out).changes).toEqual([
      { ecosystem: 'go', name: 'example.com/geo', from: 'v1.0.0', to: 'v1.1.0' },
    ]);
    expect(await pins()).toEqual(start);
    expect((await run('--check')).code).toBe(0);
  });

  it('refuses a name not in the lock, and a version the imports do not allow (exit 2)', async () => {
    const before = await readFile(join(dir, 'mochi.lock'), 'utf8');
    const unknown = await run('--upgrade-package', 'example.com/nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('error[lock-upgrade-unknown]');
    expect(unknown.err).toContain('example.com/nope');
    const outside = await run('--upgrade-package', 'example.com/geo@v2.0.0');
    expect(outside.code).toBe(2);
    expect(outside.err).toContain('lock-upgrade-unsatisfiable');
    const check = await run('--check', '--upgrade');
    expect(check.code).toBe(2);
    expect(await readFile(join(dir, 'mochi.lock'), 'utf8')).toBe(before);
  });

  it('still refuses a locked hash the proxy serves differently for a version that does not move', async () => {
    const path = join(dir, 'mochi.lock');
    const before = await readFile(path, 'utf8');
    const edited = before.replace(
      /(module = "example.com\/geo"[\s\S]*?zip-h1 = ")h1:[^"]+/,
      '$1h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    );
    expect(edited).not.toBe(before);
    await writeFile(path, edited);
    for (const flags of [['--upgrade'], ['--upgrade-package', 'example.com/geo']]) {
      const r = await run(...flags);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.err).toContain('error[go-checksum-mismatch]');
      expect(await readFile(path, 'utf8')).toBe(edited);
    }
    await writeFile(path, before);
  });
});

describe('preferred pins', () => {
  it('drops every pin with all, and reports added and removed versions', () => {
    const lock = {
      python: { entries: [] },
      go: { entries: [{ module: 'm', source: 'module-proxy', version: 'v1.0.0', aliases: ['m'] }] },
      distributions: [],
    } as unknown as Parameters<typeof lockChanges>[1];
    expect(preferredLock(lock, [], true)?.go.entries).toEqual([]);
    expect(preferredLock(lock, [], false)).toBe(lock);
    expect(lockChanges(undefined, lock)).toEqual([{ ecosystem: 'go', name: 'm', to: 'v1.0.0' }]);
    expect(lockChanges(lock, { ...lock, go: { entries: [] } })).toEqual([
      { ecosystem: 'go', name: 'm', from: 'v1.0.0' },
    ]);
  });
});
