import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLockDocument } from '../../../src/lock/document.js';
import {
  compareDistributionLists,
  DIST_TABLE,
  decodeDistributions,
  type LockedDistribution,
  renderDistributions,
} from '../../../src/python/lockfile/distribution.js';
import { closureTarget, IndexSession } from '../../../src/python/registry/closure.js';
import { resolveClosure } from '../../../src/python/registry/lockClosure.js';
import { parseCoreMetadata } from '../../../src/python/registry/metadata.js';
import { parseHtmlPage, parseJsonPage } from '../../../src/python/registry/simple.js';
import { ResolverError } from '../../../src/python/resolver/index.js';
import { type GenDist, genDep, genRelease, serveIndex, writeUniverse } from '../../support/pyindex.js';

const dep = genDep;
const rel = genRelease;

const DISTS: GenDist[] = [
  {
    name: 'app',
    releases: [
      rel('1.0', {
        deps: [dep('lib', '>=1'), dep('winonly', '', 'sys_platform == "win32"')],
        extras: { fast: [dep('speedups', '', 'extra == "fast"')] },
        metadataFile: true,
      }),
    ],
  },
  {
    name: 'lib',
    releases: [
      rel('1.0'),
      rel('2.0', {
        tags: [
          'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
          'cp311-cp311-win_amd64',
          'py3-none-any',
        ],
      }),
    ],
  },
  { name: 'winonly', releases: [rel('0.5', { tags: ['cp311-cp311-win_amd64'] })] },
  { name: 'speedups', releases: [rel('3.0')] },
  {
    name: 'meta',
    releases: [
      rel('1.0', {
        deps: [{ text: 'app[fast]', name: 'app', specifier: '', extras: ['fast'], active: true }],
      }),
    ],
  },
  {
    name: 'linuxonly',
    releases: [rel('1.0', { tags: ['cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64'] })],
  },
];

const root = (name: string, specifier: string, indexUrl: string) => ({
  name,
  specifier,
  indexUrl,
  label: `your import of \`${name}${specifier}\` (app.mochi:1)`,
});

describe('resolveClosure on a served index', () => {
  let work: string;
  let server: Awaited<ReturnType<typeof serveIndex>>;
  const targets = [closureTarget([3, 11], 'linux'), closureTarget([3, 11], 'win32')];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-closure-'));
    await writeUniverse(join(work, 'index'), { id: 'x', dists: DISTS, roots: [], conflictFree: true });
    server = await serveIndex(join(work, 'index'), { json: true });
  });
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('locks each target with the wheel pip would pick, and records which targets need what', async () => {
    const session = new IndexSession({ cacheDir: join(work, 'cache1') });
    const list = await resolveClosure({ roots: [root('app', '', server.url)], targets, session });
    const by = new Map(list.map((d) => [d.name, d]));
    expect([...by.keys()].sort()).toEqual(['app', 'lib', 'winonly']);
    expect(by.get('winonly')!.targets).toEqual(['3.11-win32']);
    expect(by.get('app')!.dependencies).toEqual(['lib>=1', 'winonly ; sys_platform == "win32"']);
    const lib = by.get('lib')!;
    expect(lib.version).toBe('2.0');
    expect(lib.wheels.map((w) => [w.file, w.targets])).toEqual([
      ['lib-2.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', ['3.11-linux']],
      ['lib-2.0-cp311-cp311-win_amd64.whl', ['3.11-win32']],
    ]);
    expect(lib.wheels.every((w) => /^[0-9a-f]{64}$/.test(w.sha256) && (w.size ?? 0) > 0)).toBe(true);
    // app offers a PEP 658 metadata file: its wheel is never downloaded.
    expect(session.stats.metadataFiles).toBeGreaterThan(0);
  });

  it('keeps the locked versions while they fit, and moves only what a new import needs', async () => {
    const session = new IndexSession({ cacheDir: join(work, 'cache2') });
    const first = await resolveClosure({ roots: [root('lib', '<2', server.url)], targets, session });
    expect(first.map((d) => `${d.name} ${d.version}`)).toEqual(['lib 1.0']);
    // The specifier is widened: the lock keeps lib 1.0 rather than jumping to 2.0.
    const again = await resolveClosure({
      roots: [root('lib', '', server.url), root('speedups', '', server.url)],
      targets,
      session,
      previous: first,
    });
    expect(again.map((d) => `${d.name} ${d.version}`).sort()).toEqual(['lib 1.0', 'speedups 3.0']);
    expect(compareDistributionLists(first, again)).toEqual([
      { table: DIST_TABLE, kind: 'added', key: 'speedups', fields: [] },
    ]);
  });

  it('activates the extras a requirement asks for, and only those', async () => {
    const session = new IndexSession({ cacheDir: join(work, 'cache3') });
    const plain = await resolveClosure({
      roots: [root('app', '', server.url)],
      targets: [targets[0]!],
      session,
    });
    expect(plain.map((d) => d.name)).not.toContain('speedups');
    const list = await resolveClosure({
      roots: [root('meta', '', server.url)],
      targets: [targets[0]!],
      session,
    });
    expect(list.map((d) => d.name).sort()).toEqual(['app', 'lib', 'meta', 'speedups']);
    expect(list.find((d) => d.name === 'app')!.extras).toEqual(['fast']);
    expect(list.find((d) => d.name === 'app')!.dependencies).toContain('speedups ; extra == "fast"');
  });

  it('names the target and the missing wheel when a distribution has none for it', async () => {
    const session = new IndexSession({ cacheDir: join(work, 'cache4') });
    const err = await resolveClosure({ roots: [root('linuxonly', '', server.url)], targets, session }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ResolverError);
    expect(err.message).toContain('target 3.11-win32');
    expect(err.message).toContain('note: linuxonly has no wheel for target 3.11-win32');
    expect(err.message).toContain('your import of `linuxonly` (app.mochi:1) requires linuxonly');
  });

  it('reads everything from the cache when offline after a warm run', async () => {
    const cacheDir = join(work, 'cache5');
    const warm = await resolveClosure({
      roots: [root('app', '', server.url)],
      targets,
      session: new IndexSession({ cacheDir }),
    });
    const before = server.requests();
    const offline = await resolveClosure({
      roots: [root('app', '', server.url)],
      targets,
      session: new IndexSession({ cacheDir, offline: true }),
    });
    expect(server.requests()).toBe(before);
    expect(offline).toEqual(warm);
  });
});

describe('[[python-distribution]] tables', () => {
  const sample: LockedDistribution[] = [
    {
      name: 'lib',
      version: '2.0',
      indexUrl: 'https://pypi.org/simple/',
      extras: ['fast'],
      targets: ['3.11-linux', '3.11-win32'],
      dependencies: ['b>=1', 'c ; sys_platform == "win32"'],
      wheels: [
        { file: 'lib-2.0-py3-none-any.whl', size: 123, sha256: 'a'.repeat(64), targets: ['3.11-linux'] },
        { file: 'lib-2.0-cp311-cp311-win_amd64.whl', sha256: 'b'.repeat(64), targets: ['3.11-win32'] },
      ],
    },
    {
      name: 'b',
      version: '1.0',
      indexUrl: 'https://pypi.org/simple/',
      extras: [],
      targets: ['3.11-linux'],
      dependencies: [],
      wheels: [{ file: 'b-1.0-py3-none-any.whl', size: 9, sha256: 'c'.repeat(64), targets: ['3.11-linux'] }],
    },
  ];
  const doc = (text: string) => readLockDocument(`schema-version = 1\n\n${text}`, { tables: [DIST_TABLE] });

  it('renders canonically and reads back what it rendered', () => {
    const text = renderDistributions(sample);
    expect(text).toBe(`[[python-distribution]]
name = "b"
version = "1.0"
index-url = "https://pypi.org/simple/"
targets = ["3.11-linux"]
dependencies = []
wheels = [
  { file = "b-1.0-py3-none-any.whl", size = 9, sha256 = "${'c'.repeat(64)}", targets = ["3.11-linux"] },
]

[[python-distribution]]
name = "lib"
version = "2.0"
index-url = "https://pypi.org/simple/"
extras = ["fast"]
targets = ["3.11-linux", "3.11-win32"]
dependencies = [
  "b>=1",
  "c ; sys_platform == \\"win32\\"",
]
wheels = [
  { file = "lib-2.0-cp311-cp311-win_amd64.whl", sha256 = "${'b'.repeat(64)}", targets = ["3.11-win32"] },
  { file = "lib-2.0-py3-none-any.whl", size = 123, sha256 = "${'a'.repeat(64)}", targets = ["3.11-linux"] },
]

`);
    const back = decodeDistributions(doc(text));
    expect(renderDistributions(back)).toBe(text);
    expect(compareDistributionLists(sample, back)).toEqual([]);
    expect(renderDistributions([])).toBe('');
  });

  it('reports drift per distribution and key', () => {
    const changed = sample.map((d) =>
      d.name === 'lib' ? { ...d, version: '2.1', wheels: d.wheels.slice(1) } : d,
    );
    expect(compareDistributionLists(sample, changed)).toEqual([
      { table: DIST_TABLE, kind: 'changed', key: 'lib', fields: ['version', 'wheels'] },
    ]);
  });

  it('refuses malformed tables, naming entry and key', () => {
    const text = renderDistributions(sample);
    expect(() => decodeDistributions(doc(text.replace('c'.repeat(64), 'xyz')))).toThrow(
      /entry 0.*key "wheels".*sha256/s,
    );
    expect(() => decodeDistributions(doc(text.replace('index-url', 'index')))).toThrow(/unknown key/);
    expect(() => decodeDistributions(doc(text.replace('targets = ["3.11-linux"]\n', '')))).toThrow(/targets/);
  });

  it('refuses a wheel size it cannot hold exactly, which tomllib would read to another value', () => {
    const text = renderDistributions(sample);
    expect(
      decodeDistributions(doc(text.replace('size = 9,', 'size = 9007199254740991,')))[0]!.wheels[0]!.size,
    ).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => decodeDistributions(doc(text.replace('size = 9,', 'size = 9007199254740993,')))).toThrow(
      /entry 0.*key "wheels".*size must be a non-negative integer up to 9007199254740991/s,
    );
  });
});

describe('core metadata and PEP 658/714 fields', () => {
  it('reads Requires-Dist, Requires-Python and Provides-Extra, folding continuation lines', () => {
    const m = parseCoreMetadata(
      'Metadata-Version: 2.1\nName: httpx\nVersion: 0.27.0\nRequires-Python: >=3.8\nProvides-Extra: socks\nRequires-Dist: anyio\nRequires-Dist: socksio==1.*;\n  extra == "socks"\n\nRequires-Dist: not-a-header\n',
      'httpx METADATA',
    );
    expect(m).toEqual({
      name: 'httpx',
      version: '0.27.0',
      requiresPython: '>=3.8',
      providesExtra: ['socks'],
      requiresDist: ['anyio', 'socksio==1.*;\n  extra == "socks"'],
    });
    expect(() => parseCoreMetadata('Metadata-Version: 2.1\n', 'x')).toThrow(/no Name or Version/);
  });

  it('reads core-metadata (and the older dist-info-metadata) from both page forms', () => {
    const json = parseJsonPage(
      JSON.stringify({
        meta: { 'api-version': '1.1' },
        files: [
          { filename: 'a-1-py3-none-any.whl', url: 'a1.whl', hashes: {}, 'core-metadata': { sha256: 'AB' } },
          { filename: 'a-2-py3-none-any.whl', url: 'a2.whl', hashes: {}, 'dist-info-metadata': true },
          { filename: 'a-3-py3-none-any.whl', url: 'a3.whl', hashes: {}, 'core-metadata': false },
        ],
      }),
      'https://i.test/simple/a/',
      'a',
    );
    expect(json.files.map((f) => f.coreMetadata)).toEqual([{ sha256: 'ab' }, {}, undefined]);
    const html = parseHtmlPage(
      '<a href="a1.whl" data-core-metadata="sha256=CD">1</a><a href="a2.whl" data-dist-info-metadata="true">2</a><a href="a3.whl">3</a>',
      'https://i.test/simple/a/',
      'a',
    );
    expect(html.files.map((f) => f.coreMetadata)).toEqual([{ sha256: 'cd' }, {}, undefined]);
  });
});
