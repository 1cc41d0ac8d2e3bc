import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseLock } from '../../src/project/lockdoc.js';
import {
  type BuiltFile,
  type LocalIndex,
  startIndex,
  typeshedStubWheel,
  untypedWheel,
} from '../python/registry/fixtures.js';
import { upstreamFixture } from '../python/registry/resolveSupport.js';
import { captureStreams, writeTree } from '../support/files.js';
import { type GenDist, type GenRelease, serveIndex, writeUniverse } from '../support/pyindex.js';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-lock-index-'));
  dirs.push(d);
  return d;
}

const requests = typeshedStubWheel('requests');
const six = typeshedStubWheel('six');
const upstream = upstreamFixture(requests.metadataVersion);
let index: LocalIndex;
let sixIndex: LocalIndex;

beforeAll(async () => {
  index = await startIndex(
    new Map<string, BuiltFile[]>([
      ['requests', upstream.files],
      ['types-requests', [requests.wheel]],
    ]),
  );
  // A second index, named by an `index` import, serving html only.
  sixIndex = await startIndex(
    new Map<string, BuiltFile[]>([
      ['six', [untypedWheel('six', '1.17.0', ['six'])]],
      ['types-six', [six.wheel]],
    ]),
    { mode: 'html' },
  );
});
afterAll(async () => {
  await index.close();
  await sixIndex.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function lock(cwd: string, env: Record<string, string>, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const code = await main({ argv: ['lock', ...argv], stdout, stderr, env, cwd });
  return { code, ...seen };
}

describe('mochi-pkg lock with a package index', () => {
  it('pins registry and index imports to the versions the indexes resolve, then checks offline', async () => {
    const root = await tmp();
    const cache = await tmp();
    await writeTree(root, {
      'app.mochi': `import python "requests@${upstream.specifier}" as rq\nimport python "six@extra+${sixIndex.url}" as six\n`,
    });
    const r = await lock(root, {}, '--index-url', index.url, '--cache-dir', cache);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const manifest = parseLock(await readFile(join(root, 'mochi.lock')), { fileName: 'mochi.lock' }).python;
    const byAlias = new Map(manifest.entries.map((e) => [e.alias, e]));
    expect(byAlias.get('rq')).toMatchObject({
      name: 'requests',
      source: 'registry',
      version: upstream.best,
      specifier: upstream.specifier,
    });
    expect(byAlias.get('six')).toMatchObject({
      name: 'six',
      source: 'index',
      version: '1.17.0',
      indexUrl: sixIndex.url,
    });
    expect(byAlias.get('rq')!.wrapperSha256).toMatch(/^[0-9a-f]{64}$/);

    // Offline: --check resolves from the cache alone; neither index is asked anything.
    const asked = index.requests.length + sixIndex.requests.length;
    const check = await lock(
      root,
      {},
      '--check',
      '--offline',
      '--index-url',
      index.url,
      '--cache-dir',
      cache,
    );
    expect([check.code, check.out, check.err]).toEqual([0, 'mochi.lock is up to date (2 entries)\n', '']);
    expect(index.requests.length + sixIndex.requests.length).toBe(asked);

    // The closure of both imports is pinned by wheel hash, each from its own index.
    const text = await readFile(join(root, 'mochi.lock'), 'utf8');
    const closure = parseLock(text).distributions ?? [];
    expect(closure.map((d) => [d.name, d.version, d.indexUrl])).toEqual([
      ['requests', upstream.best, index.url],
      ['six', '1.17.0', sixIndex.url],
    ]);
    expect(closure.every((d) => d.targets.join() === '3.12-linux' && d.wheels.length === 1)).toBe(true);
    // A hand-edited wheel hash is drift of that distribution's `wheels`, found offline.
    const sha = closure[1]!.wheels[0]!.sha256;
    await writeFile(join(root, 'mochi.lock'), text.replace(sha, 'f'.repeat(64)));
    const drift = await lock(
      root,
      {},
      '--check',
      '--offline',
      '--index-url',
      index.url,
      '--cache-dir',
      cache,
    );
    expect([drift.code, drift.out]).toEqual([1, 'changed [[python-distribution]] six (wheels)\n']);
  });

  it('takes the index from MOCHI_PYTHON_INDEX_URL when --index-url is absent', async () => {
    const root = await tmp();
    await writeTree(root, { 'app.mochi': 'import python "requests" as rq\n' });
    const r = await lock(root, { MOCHI_PYTHON_INDEX_URL: index.url }, '--cache-dir', await tmp());
    expect([r.code, r.err]).toEqual([0, '']);
  });

  it('names the import and its file:line when no version matches, listing the versions', async () => {
    const root = await tmp();
    await writeTree(root, { 'src/app.mochi': '// fetch things\n\nimport python "requests@>=99" as rq\n' });
    const r = await lock(root, {}, '--index-url', index.url, '--cache-dir', await tmp());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^mochi-pkg: error\[registry-no-version\]: src\/app\.mochi:3:1: import python "requests@>=99": no version of requests on http:\/\/127\.0\.0\.1:\d+\/simple\/ matches ">=99"; versions there: /,
    );
    expect(r.err).toContain(upstream.best);
    await expect(readFile(join(root, 'mochi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails offline on a cold cache, naming the import, and writes no lock', async () => {
    const root = await tmp();
    await writeTree(root, { 'app.mochi': 'import python "requests" as rq\n' });
    const r = await lock(root, {}, '--offline', '--index-url', index.url, '--cache-dir', await tmp());
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error[registry-offline]: app.mochi:1:1: import python "requests": offline: no cached page for requests',
    );
    await expect(readFile(join(root, 'mochi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a --target whose platform is misspelt, naming the flag value and the forms it takes', async () => {
    const root = await tmp();
    await writeTree(root, { 'app.mochi': 'import python "requests" as rq\n' });
    const r = await lock(
      root,
      {},
      '--index-url',
      index.url,
      '--cache-dir',
      await tmp(),
      '--target',
      '3.12-lnux',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'error[registry-bad-target]: lock: --target "3.12-lnux" is not <X.Y>-<linux|darwin|win32>',
    );
    await expect(readFile(join(root, 'mochi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('mochi-pkg lock: warnings of the index pages', () => {
  it('prints a page\'s warning on stderr, and lists it under "warnings" with --json', async () => {
    const linking = await startIndex(
      new Map<string, BuiltFile[]>([
        ['requests', upstream.files],
        ['types-requests', [requests.wheel]],
      ]),
      { localLink: 'file:///etc/requests-0.0.1-py3-none-any.whl' },
    );
    try {
      const root = await tmp();
      const cache = await tmp();
      await writeTree(root, { 'app.mochi': `import python "requests@${upstream.specifier}" as rq\n` });
      const warning = `${linking.url}requests/: requests-0.0.1-py3-none-any.whl links the local file file:///etc/requests-0.0.1-py3-none-any.whl from a page served over the network; left off`;
      const r = await lock(root, {}, '--index-url', linking.url, '--cache-dir', cache);
      expect(r.code).toBe(0);
      expect(r.err).toContain(`warning: ${warning}\n`);
      const json = await lock(root, {}, '--json', '--index-url', linking.url, '--cache-dir', cache);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.out).warnings).toContain(warning);
      const check = await lock(
        root,
        {},
        '--check',
        '--json',
        '--index-url',
        linking.url,
        '--cache-dir',
        cache,
      );
      expect(check.code).toBe(0);
      expect(JSON.parse(check.out).upToDate).toBe(true);
      expect(JSON.parse(check.out).warnings).toContain(warning);
      // -q: results and errors only.
      const quiet = await lock(root, {}, '-q', '--index-url', linking.url, '--cache-dir', cache);
      expect([quiet.code, quiet.err]).toEqual([0, '']);
    } finally {
      await linking.close();
    }
  });
});

/** A requirement of a generated release: `name<specifier>`, with a marker when given. */
const dep = (name: string, specifier = '', marker = '') => ({
  text: `${name}${specifier}${marker === '' ? '' : ` ; ${marker}`}`,
  name,
  specifier,
  extras: [],
  active: true,
});

/** A generated release: one pure-Python wheel with these requirements and extras. */
const release = (
  version: string,
  deps: GenRelease['deps'] = [],
  extras: GenRelease['extras'] = {},
): GenRelease => ({
  version,
  deps,
  extras,
  yanked: false,
  tags: ['py3-none-any'],
  metadataFile: false,
});

describe('mochi-pkg lock: the closure decides the versions of index imports', () => {
  const dists: GenDist[] = [
    {
      name: 'weather',
      typed: true,
      releases: [release('1.0', [dep('httpx', '<1')]), release('2.0', [dep('httpx', '<0.25')])],
    },
    { name: 'tabulate', typed: true, releases: [release('1.0', [dep('httpx', '>=0.27')])] },
    { name: 'httpx', releases: [release('0.24'), release('0.27')] },
  ];
  let served: Awaited<ReturnType<typeof serveIndex>>;
  beforeAll(async () => {
    const dir = await tmp();
    await writeUniverse(dir, { id: 'c', dists, roots: [], conflictFree: false });
    served = await serveIndex(dir, { json: false });
  });
  afterAll(() => served.close());

  it('pins the import to the version its closure needs, stubs included', async () => {
    const root = await tmp();
    await writeTree(root, {
      'app.mochi': 'import python "weather" as w\nimport python "tabulate@>=1" as t\n',
    });
    const r = await lock(root, {}, '--index-url', served.url, '--cache-dir', await tmp());
    expect([r.code, r.err]).toEqual([0, '']);
    const lockText = await readFile(join(root, 'mochi.lock'), 'utf8');
    const parsed = parseLock(lockText);
    // weather 2.0 needs httpx<0.25 and tabulate needs httpx>=0.27: the closure takes weather 1.0.
    expect(parsed.python.entries.map((e) => [e.alias, e.version])).toEqual([
      ['t', '1.0'],
      ['w', '1.0'],
    ]);
    expect((parsed.distributions ?? []).map((d) => `${d.name} ${d.version}`)).toEqual([
      'httpx 0.27',
      'tabulate 1.0',
      'weather 1.0',
    ]);
  });

  it('resolves an index import with the registry imports: its names pinned, the rest first-index', async () => {
    // The company's index has corpweather, and a tabulate that must not replace the registry's one.
    const dir = await tmp();
    await writeUniverse(dir, {
      id: 'i',
      dists: [
        { name: 'corpweather', typed: true, releases: [release('1.0', [dep('httpx', '>=0.27')])] },
        { name: 'tabulate', releases: [release('5.0')] },
      ],
      roots: [],
      conflictFree: true,
    });
    const internal = await serveIndex(dir, { json: true });
    try {
      const root = await tmp();
      await writeTree(root, {
        'app.mochi': `import python "corpweather@corp+${internal.url}" as cw\nimport python "tabulate@>=1" as t\n`,
      });
      const r = await lock(root, {}, '--index-url', served.url, '--cache-dir', await tmp());
      expect([r.code, r.err]).toEqual([0, '']);
      const parsed = parseLock(await readFile(join(root, 'mochi.lock'), 'utf8'));
      // httpx is on the registry only; tabulate is pinned to the registry by its import.
      expect((parsed.distributions ?? []).map((d) => `${d.name} ${d.version} ${d.indexUrl}`)).toEqual([
        `corpweather 1.0 ${internal.url}`,
        `httpx 0.27 ${served.url}`,
        `tabulate 1.0 ${served.url}`,
      ]);
    } finally {
      await internal.close();
    }
  });

  it("pins imports and dependencies to mochi.toml's named indexes; an explicit one serves nothing else", async () => {
    // The company's index: corpweather, and an httpx 9.0 that only a searched index would offer.
    const dir = await tmp();
    await writeUniverse(dir, {
      id: 'n',
      dists: [
        { name: 'corpweather', typed: true, releases: [release('1.0', [dep('httpx', '>=0.27')])] },
        { name: 'httpx', releases: [release('9.0')] },
      ],
      roots: [],
      conflictFree: true,
    });
    const internal = await serveIndex(dir, { json: true });
    try {
      const root = await tmp();
      const toml = (explicit: boolean) =>
        `[python]\nindex-url = "${served.url}"\n\n[[python.index]]\nname = "corp"\nurl = "http://127.0.0.1:9/unused/"\nexplicit = ${explicit}\n\n[python.sources]\ncorpweather = { index = "corp" }\n`;
      await writeTree(root, {
        'mochi.toml': toml(true),
        'app.mochi': 'import python "corpweather" as cw\n',
      });
      const cache = await tmp();
      // The file's URL is replaced by the environment's; the file keeps saying it is explicit.
      const env = { MOCHI_PYTHON_INDEX: `corp=${internal.url}` };
      const r = await lock(root, env, '--cache-dir', cache);
      expect([r.code, r.err]).toEqual([0, '']);
      const dists = async () =>
        (parseLock(await readFile(join(root, 'mochi.lock'), 'utf8')).distributions ?? []).map(
          (d) => `${d.name} ${d.version} ${d.indexUrl}`,
        );
      expect(await dists()).toEqual([`corpweather 1.0 ${internal.url}`, `httpx 0.27 ${served.url}`]);
      expect((await lock(root, env, '--check', '--cache-dir', cache)).code).toBe(0);
      // Not explicit: the named index is searched first for every name, so httpx moves to it.
      await writeTree(root, { 'mochi.toml': toml(false) });
      const check = await lock(root, env, '--check', '--cache-dir', cache);
      expect(check.code).toBe(1);
      expect((await lock(root, env, '--cache-dir', cache)).code).toBe(0);
      expect(await dists()).toEqual([`corpweather 1.0 ${internal.url}`, `httpx 9.0 ${internal.url}`]);
    } finally {
      await internal.close();
    }
  });

  it('explains a conflict from the imports, with their file:line', async () => {
    const root = await tmp();
    await writeTree(root, {
      'app.mochi': 'import python "weather@>=2" as w\nimport python "tabulate@>=1" as t\n',
    });
    const r = await lock(root, {}, '--index-url', served.url, '--cache-dir', await tmp());
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[resolver-conflict]');
    expect(r.err).toContain('weather==2.0 depends on httpx<0.25');
    expect(r.err).toContain('tabulate==1.0 depends on httpx>=0.27');
    expect(r.err).toContain('your import of `weather@>=2` (app.mochi:1:1) requires weather>=2');
  });
});

describe('mochi-pkg lock: import specs with extras', () => {
  // `fast` is declared with no requirement of its own: only the distribution's `extras` changes.
  const dists: GenDist[] = [
    {
      name: 'weather',
      typed: true,
      releases: [
        release('1.0', [dep('httpx')], {
          socks: [dep('pysocks', '', 'extra == "socks"')],
          cli: [dep('click', '', 'extra == "cli"')],
          fast: [],
        }),
      ],
    },
    { name: 'httpx', releases: [release('0.27')] },
    { name: 'pysocks', releases: [release('1.7')] },
    { name: 'click', releases: [release('8.1')] },
  ];
  let served: Awaited<ReturnType<typeof serveIndex>>;
  beforeAll(async () => {
    const dir = await tmp();
    await writeUniverse(dir, { id: 'x', dists, roots: [], conflictFree: false });
    served = await serveIndex(dir, { json: true });
  });
  afterAll(() => served.close());

  /** The `[[python-package]]` tables of a lock, as text. */
  const packageTables = (text: string) =>
    text.split('\n\n').filter((t) => t.startsWith('[[python-package]]'));

  it('locks the extra’s requirements and records the extras on the [[python-distribution]] entry only', async () => {
    const cache = await tmp();
    const locked = async (spec: string) => {
      const root = await tmp();
      await writeTree(root, { 'app.mochi': `import python "${spec}" as w\n` });
      const r = await lock(root, {}, '--index-url', served.url, '--cache-dir', cache);
      expect([r.code, r.err]).toEqual([0, '']);
      return { root, text: await readFile(join(root, 'mochi.lock'), 'utf8') };
    };
    const plain = await locked('weather@>=1');
    const { root, text } = await locked('Weather[Socks]@>=1');
    // [[python-package]] keeps the seed's keys: the import's table is the one it has without extras.
    expect(packageTables(text)).toEqual(packageTables(plain.text));
    expect(packageTables(text)).toHaveLength(1);
    const parsed = parseLock(text);
    expect((parsed.distributions ?? []).map((d) => [d.name, d.extras])).toEqual([
      ['httpx', []],
      ['pysocks', []],
      ['weather', ['socks']],
    ]);
    expect(text).toContain(
      `[[python-distribution]]\nname = "weather"\nversion = "1.0"\nindex-url = "${served.url}"\nextras = ["socks"]\n`,
    );
    const check = await lock(root, {}, '--check', '--index-url', served.url, '--cache-dir', cache);
    expect([check.code, check.out, check.err]).toEqual([0, 'mochi.lock is up to date (1 entry)\n', '']);
    // A lock whose imports name no extras has no `extras` key anywhere.
    expect(plain.text).not.toContain('extras');
  });

  it.each([
    [
      'added',
      'weather@>=1',
      'weather[socks]@>=1',
      [
        'added [[python-distribution]] pysocks',
        'changed [[python-distribution]] weather (extras, dependencies)',
      ],
    ],
    [
      'removed',
      'weather[socks]@>=1',
      'weather@>=1',
      [
        'removed [[python-distribution]] pysocks',
        'changed [[python-distribution]] weather (extras, dependencies)',
      ],
    ],
    [
      'changed',
      'weather[socks]',
      'weather[cli]',
      [
        'added [[python-distribution]] click',
        'removed [[python-distribution]] pysocks',
        'changed [[python-distribution]] weather (extras, dependencies)',
      ],
    ],
    [
      'changed, with the same requirements',
      'weather[socks]',
      'weather[fast,socks]',
      ['changed [[python-distribution]] weather (extras)'],
    ],
  ])(
    'lock --check reports extras %s in the import (%s → %s) through the closure',
    async (_, before, after, out) => {
      const root = await tmp();
      const cache = await tmp();
      await writeTree(root, { 'app.mochi': `import python "${before}" as w\n` });
      expect((await lock(root, {}, '--index-url', served.url, '--cache-dir', cache)).code).toBe(0);
      await writeFile(join(root, 'app.mochi'), `import python "${after}" as w\n`);
      const drift = await lock(root, {}, '--check', '--index-url', served.url, '--cache-dir', cache);
      expect([drift.code, drift.out]).toEqual([1, [...out, ''].join('\n')]);
      // The lock the new import writes checks clean.
      expect((await lock(root, {}, '--index-url', served.url, '--cache-dir', cache)).code).toBe(0);
      const check = await lock(root, {}, '--check', '--index-url', served.url, '--cache-dir', cache);
      expect([check.code, check.out]).toEqual([0, 'mochi.lock is up to date (1 entry)\n']);
    },
  );

  it('warns about an extra the release does not provide, as pip does, and locks the rest', async () => {
    const root = await tmp();
    await writeTree(root, { 'app.mochi': 'import python "weather[socks,nope]" as w\n' });
    const r = await lock(root, {}, '--index-url', served.url, '--cache-dir', await tmp());
    expect([r.code, r.err]).toEqual([0, "python: warning: weather 1.0 does not provide the extra 'nope'\n"]);
    const parsed = parseLock(await readFile(join(root, 'mochi.lock'), 'utf8'));
    expect((parsed.distributions ?? []).map((d) => [d.name, d.extras])).toEqual([
      ['httpx', []],
      ['pysocks', []],
      ['weather', ['nope', 'socks']],
    ]);
  });
});
