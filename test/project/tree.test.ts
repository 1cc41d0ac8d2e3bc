import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lock } from '../../src/project/lockdoc.js';
import { invertedTree, lockTree, renderTree } from '../../src/project/tree.js';
import { cli } from '../support/cli.js';

const dist = (name: string, version: string, dependencies: string[]) => ({
  name,
  version,
  indexUrl: 'https://x.example/simple/',
  extras: [],
  targets: ['3.12-linux'],
  dependencies,
  wheels: [],
});

const lock = {
  python: {
    entries: [
      { name: 'Web_App', alias: 'web', source: 'registry', version: '2.0' },
      { name: 'local', alias: 'loc', source: 'path', localPath: './stubs/local' },
    ],
  },
  distributions: [
    dist('web-app', '2.0', ['http-lib>=1', "legacy; python_version < '3'"]),
    dist('http-lib', '1.5', ['web-app']),
  ],
  go: {
    entries: [
      { module: 'example.com/a', version: 'v1.0.0', source: 'module-proxy', aliases: ['a'] },
      { module: 'example.com/b', version: 'v1.2.0', source: 'module-proxy', aliases: [], indirect: true },
      { module: 'example.com/c', version: 'v0.1.0', source: 'module-proxy', aliases: ['c'] },
    ],
  },
} as unknown as Lock;

const goMods: Record<string, string[]> = {
  'example.com/a@v1.0.0': ['example.com/b', 'example.com/not-in-lock'],
  'example.com/c@v0.1.0': ['example.com/b'],
};
const requires = (m: string, v: string | undefined) => goMods[`${m}@${v}`];

describe('the lock as a tree', () => {
  it('puts imports at the roots and what they need below, marking cycles', () => {
    expect(renderTree(lockTree(lock, requires))).toBe(
      [
        'python web: Web_App 2.0',
        '└── http-lib 1.5',
        '    └── web-app 2.0',
        '        └── http-lib 1.5 (cycle)',
        'python loc: local (path ./stubs/local)',
        'go a: example.com/a v1.0.0',
        '└── example.com/b v1.2.0',
        'go c: example.com/c v0.1.0',
        '└── example.com/b v1.2.0',
        '',
      ].join('\n'),
    );
  });

  it('limits the depth', () => {
    const t = lockTree(lock, requires, 0);
    expect(t.every((n) => n.children.length === 0)).toBe(true);
    expect(t.map((n) => n.aliases?.[0])).toEqual(['web', 'loc', 'a', 'c']);
  });

  it('inverts: what requires a module, up to the imports; Python names normalised', () => {
    expect(renderTree(invertedTree(lock, requires, 'example.com/b'))).toBe(
      ['example.com/b v1.2.0', '├── go a: example.com/a v1.0.0', '└── go c: example.com/c v0.1.0', ''].join(
        '\n',
      ),
    );
    const http = invertedTree(lock, requires, 'HTTP_Lib');
    expect(renderTree(http)).toBe(
      [
        'http-lib 1.5',
        '├── python web: Web_App 2.0',
        '└── web-app 2.0',
        '    └── http-lib 1.5 (cycle)',
        '',
      ].join('\n'),
    );
    expect(invertedTree(lock, requires, 'nothing')).toEqual([]);
  });
});

describe('mochi-pkg tree', () => {
  it('prints the example lock, inverts, and refuses a name that is not locked', async () => {
    const r = await cli('tree', '--cwd', 'examples/weather-report');
    expect(r.code).toBe(0);
    expect(r.out).toContain('python topo: toposort 1.10\n');
    expect(r.out).toContain('go geo: example.com/geo v1.1.0\n');
    const j = await cli('tree', '--cwd', 'examples/weather-report', '--json', '--invert', 'toposort');
    expect(JSON.parse(j.out).roots[0]).toMatchObject({ kind: 'python-distribution', name: 'toposort' });
    const none = await cli('tree', '--cwd', 'examples/weather-report', '--invert', 'nope');
    expect(none.code).toBe(2);
    expect((await cli('tree', '--depth', 'x')).code).toBe(2);
  });

  it("shows what a path module's go.mod requires below its import, and inverts through it", async () => {
    const root = await mkdtemp(join(tmpdir(), 'tree-path-'));
    await mkdir(join(root, 'loc'));
    await writeFile(
      join(root, 'loc/go.mod'),
      'module example.com/loc\n\ngo 1.19\n\nrequire example.com/b v1.2.0\n',
    );
    const h1 = `h1:${'A'.repeat(43)}=`;
    await writeFile(
      join(root, 'mochi.lock'),
      [
        'schema-version = 1',
        '',
        '[[go-package]]',
        'module = "example.com/b"',
        'version = "v1.2.0"',
        'source = "module-proxy"',
        `zip-h1 = "${h1}"`,
        `mod-h1 = "${h1}"`,
        'indirect = true',
        'require = true',
        '',
        '[[go-package]]',
        'module = "example.com/loc"',
        'source = "path"',
        'local-path = "./loc"',
        `zip-h1 = "${h1}"`,
        `mod-h1 = "${h1}"`,
        'aliases = ["loc"]',
        '',
      ].join('\n'),
    );
    const cache = join(root, 'cache');
    await mkdir(join(cache, 'example.com/b/@v'), { recursive: true });
    await writeFile(join(cache, 'example.com/b/@v/v1.2.0.mod'), 'module example.com/b\n');
    const r = await cli('tree', '--cwd', root, '--go-cache-dir', cache);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('go loc: example.com/loc (path ./loc)\n└── example.com/b v1.2.0\n');
    const inv = await cli('tree', '--cwd', root, '--go-cache-dir', cache, '--invert', 'example.com/b');
    expect(inv.out).toBe('example.com/b v1.2.0\n└── go loc: example.com/loc (path ./loc)\n');
  });
});
