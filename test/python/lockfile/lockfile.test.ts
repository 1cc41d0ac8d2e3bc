import { describe, expect, it } from 'vitest';
import type { BuildRequest, BuildResult } from '../../../src/python/build/types.js';
import {
  CAPABILITIES,
  check,
  compareManifests,
  extractCapabilities,
  formatDiffEntry,
  fromBuildResult,
  isSource,
  LockDriftError,
  type LockEntry,
  LockfileError,
  type Manifest,
  parseToml,
  renderToml,
  SOURCES,
  sortManifest,
} from '../../../src/python/lockfile/index.js';
import type { MochiType } from '../../../src/python/typemap/types.js';
import {
  constant,
  fun,
  httpxLike,
  int,
  plainLike,
  record,
  result,
  str,
  target,
  twoTargetBuild,
  wrapper,
} from './fixtures.js';

const sha = (c: string) => c.repeat(64);

function catchError(fn: () => unknown): LockfileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LockfileError) return e;
    throw e;
  }
  throw new Error('expected a LockfileError');
}

describe('Source', () => {
  it('admits exactly registry, index, git and path', () => {
    expect(SOURCES).toEqual(['registry', 'index', 'git', 'path']);
    for (const s of SOURCES) expect(isSource(s)).toBe(true);
    for (const bad of [
      '',
      'pypi',
      'Registry',
      'GIT',
      'git+',
      'path ',
      'url',
      'local',
      undefined,
      null,
      1,
      ['git'],
    ]) {
      expect(isSource(bad)).toBe(false);
    }
  });
});

describe('sortManifest', () => {
  it('orders entries by (name, alias) ascending, by code unit not locale', () => {
    const m: Manifest = {
      entries: [
        { name: 'b', alias: 'a', source: 'registry' },
        { name: 'a', alias: 'z', source: 'registry' },
        { name: 'a', alias: 'Z', source: 'registry' },
        { name: 'a-b', alias: 'x', source: 'registry' },
        { name: 'a', alias: 'b', source: 'registry' },
      ],
    };
    expect(sortManifest(m).entries.map((e) => `${e.name}:${e.alias}`)).toEqual([
      'a:Z',
      'a:b',
      'a:z',
      'a-b:x',
      'b:a',
    ]);
    expect(m.entries[0]?.name).toBe('b'); // the input is not mutated
  });
});

describe('fromBuildResult', () => {
  it('gives one entry per target with source, specifier, pinned version, wrapper SHA-256 and capabilities', () => {
    const { req, res } = twoTargetBuild();
    const m = fromBuildResult(req, res);
    expect(m.entries).toEqual([
      {
        name: 'attrs-like',
        alias: 'attrs',
        source: 'registry',
        specifier: '>=21.3,<24',
        wrapperSha256: res.targets[1]!.shimSha256,
        capabilities: ['callable', 'constant', 'list', 'optional'],
      },
      {
        name: 'httpx',
        alias: 'http',
        source: 'registry',
        version: '0.27.0',
        specifier: '==0.27.0',
        wrapperSha256: res.targets[0]!.shimSha256,
        capabilities: ['async', 'callable', 'dataclass', 'map'],
      },
    ]);
  });

  it('records the coordinates of git, path and index sources', () => {
    const w = wrapper('m', [fun('f', [int], int)]);
    const req: BuildRequest = {
      targets: [
        target('lib@git+https://example.com/lib.git#v1.2', 'g', 'lib'),
        target('lib@path+./stubs/lib', 'p', 'lib'),
        target('lib@internal+https://pypi.example.com/simple', 'i', 'lib'),
        target('lib', 'r', 'lib'),
      ],
    };
    const res: BuildResult = { targets: ['g', 'p', 'i', 'r'].map((a) => result(a, w)) };
    const m = fromBuildResult(req, res, {
      resolved: new Map([
        ['i', { version: '2.0' }],
        ['r', { version: '3.1' }],
      ]),
    });
    const byAlias = Object.fromEntries(m.entries.map((e) => [e.alias, e]));
    expect(byAlias.g).toMatchObject({ source: 'git', gitUrl: 'https://example.com/lib.git', gitRev: 'v1.2' });
    expect(byAlias.p).toMatchObject({ source: 'path', localPath: './stubs/lib' });
    expect(byAlias.i).toMatchObject({
      source: 'index',
      indexUrl: 'https://pypi.example.com/simple',
      version: '2.0',
    });
    expect(byAlias.r).toMatchObject({ source: 'registry', version: '3.1' });
    expect(byAlias.r?.specifier).toBeUndefined();
    expect(byAlias.g?.version).toBeUndefined();
  });

  it('prefers the pinned version of an == spec and records the resolved git commit as git-rev', () => {
    const w = wrapper('m', [fun('f', [int], int)]);
    const req: BuildRequest = { targets: [target('x@==1.0.0', 'x'), target('y@git+file:///r#main', 'y')] };
    const res: BuildResult = { targets: [result('x', w), result('y', w)] };
    const commit = 'c'.repeat(40);
    const m = fromBuildResult(req, res, {
      resolved: new Map([
        ['x', { version: '9.9' }],
        ['y', { gitCommit: commit }],
      ]),
    });
    expect(m.entries.map((e) => e.version ?? e.gitRev)).toEqual(['1.0.0', commit]);
  });

  it('rejects mismatched request and result counts', () => {
    const { req, res } = twoTargetBuild();
    const e = catchError(() => fromBuildResult(req, { targets: res.targets.slice(1) }));
    expect(e.code).toBe('lockfile-build-mismatch');
    expect(e.message).toContain('2 targets but the result has 1');
  });

  it('rejects missing results', () => {
    const { req, res } = twoTargetBuild();
    const holes = { targets: [res.targets[0], undefined] } as unknown as BuildResult;
    expect(catchError(() => fromBuildResult(req, holes)).code).toBe('lockfile-build-mismatch');
    expect(catchError(() => fromBuildResult(req, undefined as unknown as BuildResult)).code).toBe(
      'lockfile-build-mismatch',
    );
  });

  it('rejects a result answering another alias', () => {
    const { req, res } = twoTargetBuild();
    const swapped = { targets: [res.targets[1]!, res.targets[0]!] };
    const e = catchError(() => fromBuildResult(req, swapped));
    expect(e.message).toContain('"http" but its result is for "attrs"');
  });

  it('keeps skip reports out of the lock', () => {
    const { req, res } = twoTargetBuild();
    expect(res.targets[0]!.skipped.length).toBeGreaterThan(0);
    const text = renderToml(fromBuildResult(req, res));
    expect(text).not.toContain('Client.send');
    expect(text).not.toMatch(/skip/i);
  });
});

describe('renderToml', () => {
  const m: Manifest = {
    entries: [
      {
        name: 'httpx',
        alias: 'http',
        source: 'registry',
        version: '0.27.0',
        specifier: '==0.27.0',
        wrapperSha256: sha('a'),
        capabilities: ['async', 'dataclass'],
      },
      {
        name: 'attrs-like',
        alias: 'attrs',
        source: 'git',
        gitUrl: 'https://example.com/a.git',
        gitRev: 'v1',
      },
      { name: 'mylib', alias: 'my', source: 'path', localPath: './stubs/mylib' },
    ],
  };

  it('writes the exact canonical format: header, schema-version, sorted tables, fixed key order', () => {
    expect(renderToml(m)).toBe(
      [
        '# mochi.lock: generated by `mochi-pkg lock`. Do not edit by hand.',
        '# `mochi-pkg lock --check` fails when this file is out of date.',
        'schema-version = 1',
        '',
        '[[python-package]]',
        'name = "attrs-like"',
        'alias = "attrs"',
        'source = "git"',
        'git-url = "https://example.com/a.git"',
        'git-rev = "v1"',
        '',
        '[[python-package]]',
        'name = "httpx"',
        'alias = "http"',
        'source = "registry"',
        'version = "0.27.0"',
        'specifier = "==0.27.0"',
        `wrapper-sha256 = "${sha('a')}"`,
        'capabilities = ["async", "dataclass"]',
        '',
        '[[python-package]]',
        'name = "mylib"',
        'alias = "my"',
        'source = "path"',
        'local-path = "./stubs/mylib"',
        '',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic whatever the entry order', () => {
    const reversed = { entries: [...m.entries].reverse() };
    expect(renderToml(reversed)).toBe(renderToml(m));
  });

  it('omits optional fields that are absent or empty', () => {
    const text = renderToml({
      entries: [{ name: 'x', alias: 'x', source: 'registry', specifier: '', capabilities: [] }],
    });
    expect(text.split('\n').slice(4)).toEqual([
      '[[python-package]]',
      'name = "x"',
      'alias = "x"',
      'source = "registry"',
      '',
      '',
    ]);
  });

  it('renders an empty manifest as the header and schema-version only', () => {
    expect(parseToml(renderToml({ entries: [] }))).toEqual({ entries: [] });
    expect(renderToml({ entries: [] }).endsWith('schema-version = 1\n\n')).toBe(true);
  });

  it('escapes quotes, backslashes and control characters as TOML basic strings', () => {
    const text = renderToml({
      entries: [{ name: 'x', alias: 'x', source: 'path', localPath: 'a"b\\c\td\u0001é' }],
    });
    expect(text).toContain('local-path = "a\\"b\\\\c\\td\\u0001é"');
  });

  it('refuses a lone surrogate, which TOML cannot hold', () => {
    const e = catchError(() =>
      renderToml({ entries: [{ name: 'x', alias: 'x', source: 'path', localPath: 'a\uD800' }] }),
    );
    expect(e.code).toBe('lockfile-invalid-entry');
    expect(e.message).toContain('local-path');
  });
});

describe('parseToml', () => {
  const head = 'schema-version = 1\n\n';
  const entry = (body: string) => `[[python-package]]\n${body}\n`;

  it('reads back what renderToml wrote', () => {
    const { req, res } = twoTargetBuild();
    const m = fromBuildResult(req, res);
    expect(parseToml(renderToml(m))).toEqual(m);
    expect(parseToml(new TextEncoder().encode(renderToml(m)))).toEqual(m);
  });

  it('rejects an unknown schema-version, naming the key and line', () => {
    const e = catchError(() => parseToml('# c\nschema-version = 2\n'));
    expect(e.code).toBe('lockfile-schema-version');
    expect([e.key, e.line]).toEqual(['schema-version', 2]);
    expect(e.message).toBe(
      'mochi.lock (line 2, key "schema-version"): unknown schema-version 2 (this mochi-pkg reads schema-version = 1)',
    );
    expect(catchError(() => parseToml('schema-version = 1.0\n')).message).toContain(
      'unknown schema-version a float',
    );
    expect(catchError(() => parseToml('schema-version = "1"\n')).code).toBe('lockfile-schema-version');
  });

  it('rejects a missing schema-version', () => {
    const e = catchError(() => parseToml(entry('name = "x"\nalias = "x"\nsource = "registry"')));
    expect(e.code).toBe('lockfile-schema-version');
    expect(e.key).toBe('schema-version');
    expect(e.message).toContain('missing schema-version');
  });

  for (const missing of ['name', 'alias', 'source']) {
    it(`rejects an entry missing ${missing}, naming entry index, key and line`, () => {
      const keys = { name: 'name = "x"', alias: 'alias = "x"', source: 'source = "registry"' };
      const body = Object.entries(keys)
        .filter(([k]) => k !== missing)
        .map(([, v]) => v)
        .join('\n');
      const doc = head + entry('name = "ok"\nalias = "ok"\nsource = "registry"') + entry(body);
      const e = catchError(() => parseToml(doc, { fileName: 'proj/mochi.lock' }));
      expect(e.code).toBe('lockfile-invalid-entry');
      expect([e.entryIndex, e.key, e.line]).toEqual([1, missing, 7]);
      expect(e.message).toBe(
        `proj/mochi.lock (line 7, [[python-package]] entry 1, key "${missing}"): missing required key "${missing}"`,
      );
    });
  }

  it('rejects an unknown source token, naming entry index, key and line', () => {
    const e = catchError(() => parseToml(head + entry('name = "x"\nalias = "x"\nsource = "pypi"')));
    expect(e.code).toBe('lockfile-invalid-entry');
    expect([e.entryIndex, e.key, e.line]).toEqual([0, 'source', 6]);
    expect(e.message).toContain('unknown source "pypi" (expected one of registry, index, git, path)');
  });

  it('rejects unknown keys, wrong types, empty values and keys of another source', () => {
    const cases: [string, string, string][] = [
      ['name = "x"\nalias = "x"\nsource = "registry"\nsha = "1"', 'sha', 'unknown key'],
      [
        'name = "x"\nalias = "x"\nsource = "registry"\nversion = 1',
        'version',
        'expected a string, got an integer',
      ],
      ['name = "x"\nalias = "x"\nsource = "registry"\nversion = ""', 'version', 'empty string'],
      ['name = "x"\nalias = "x"\nsource = "registry"\ncapabilities = []', 'capabilities', 'empty array'],
      [
        'name = "x"\nalias = "x"\nsource = "registry"\ncapabilities = ["io"]',
        'capabilities',
        'unknown capability "io"',
      ],
      [
        'name = "x"\nalias = "x"\nsource = "registry"\ngit-url = "u"',
        'git-url',
        'not allowed for source "registry"',
      ],
      ['name = "x"\nalias = "x"\nsource = "git"', 'git-url', 'requires key "git-url"'],
      ['name = "x"\nalias = "x"\nsource = "path"', 'local-path', 'requires key "local-path"'],
      ['name = "x"\nalias = "x"\nsource = "index"', 'index-url', 'requires key "index-url"'],
      ['name = "X_y"\nalias = "x"\nsource = "registry"', 'name', 'not a PEP 503-normalised'],
      ['name = "x"\nalias = "1x"\nsource = "registry"', 'alias', 'not a Mochi identifier'],
      [
        'name = "x"\nalias = "x"\nsource = "registry"\nwrapper-sha256 = "ABC"',
        'wrapper-sha256',
        '64 lowercase hex',
      ],
    ];
    for (const [body, key, text] of cases) {
      const e = catchError(() => parseToml(head + entry(body)));
      expect([e.code, e.entryIndex, e.key], body).toEqual(['lockfile-invalid-entry', 0, key]);
      expect(e.message, body).toContain(text);
      expect(e.line, body).toBeGreaterThanOrEqual(3);
    }
  });

  it('rejects two entries with the same name:alias', () => {
    const one = entry('name = "x"\nalias = "x"\nsource = "registry"');
    const e = catchError(() => parseToml(head + one + one));
    expect([e.code, e.entryIndex]).toEqual(['lockfile-duplicate-entry', 1]);
  });

  it('rejects unknown top-level keys and tables', () => {
    expect(catchError(() => parseToml(`${head}foo = 1\n`)).key).toBe('foo');
    expect(catchError(() => parseToml(`${head}[[node-package]]\nname = "x"\n`)).key).toBe('node-package');
    expect(catchError(() => parseToml(`${head}python-package = 3\n`)).message).toContain(
      'expected an array of tables',
    );
  });

  it('reports TOML syntax errors with line and column', () => {
    const e = catchError(() => parseToml('schema-version = 1\n\n[[python-package]]\nname = "x\n'));
    expect(e.code).toBe('lockfile-syntax');
    expect(e.line).toBe(4);
    expect(e.column).toBeGreaterThan(0);
    expect(catchError(() => parseToml(new Uint8Array([0x73, 0xff, 0xfe]))).code).toBe('lockfile-syntax');
  });

  it.each([
    ['name = "\\x41"', 'invalid escape sequence "\\\\x"'],
    ['name = "\\e"', 'invalid escape sequence "\\\\e"'],
    ['capabilities = [{ a = 1, }]', 'a trailing comma in an inline table'],
    ['capabilities = [{ a = 1 # c\n}]', 'a comment inside an inline table'],
    ['version = 1900-02-29', 'the date 1900-02-29 does not exist'],
    ['version = 0000-01-01', 'the date 0000-01-01 does not exist'],
    ['version = 1979-05-27T07:32Z', 'a time without seconds'],
  ])('refuses TOML that tomllib refuses as a syntax error at its line: %s', (body, problem) => {
    const e = catchError(() => parseToml(`schema-version = 1\n\n[[python-package]]\n${body}\n`));
    expect(e.code).toBe('lockfile-syntax');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^mochi\.lock \(line 4:\d+\): not valid TOML: /);
    expect(e.message).toContain(problem);
  });

  it('refuses a lock that starts with a byte order mark, as tomllib does', () => {
    const text = 'schema-version = 1\n';
    for (const src of [
      `\ufeff${text}`,
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]),
    ]) {
      const e = catchError(() => parseToml(src));
      expect([e.code, e.line]).toEqual(['lockfile-syntax', 1]);
      expect(e.message).toContain('mochi.lock (line 1:1): not valid TOML');
      expect(e.message).toContain('byte order mark');
    }
    expect(parseToml(text).entries).toEqual([]);
  });

  it('reads __proto__ and constructor as keys like any other, as tomllib does: unknown keys, not bad TOML', () => {
    const top = catchError(() => parseToml('schema-version = 1\n__proto__ = 1\n'));
    expect([top.code, top.key, top.line]).toEqual(['lockfile-invalid-entry', '__proto__', 2]);
    const inEntry = catchError(() =>
      parseToml('schema-version = 1\n\n[[python-package]]\nname = "x"\nconstructor = "y"\n'),
    );
    expect([inEntry.code, inEntry.key, inEntry.line]).toEqual(['lockfile-invalid-entry', 'constructor', 5]);
    expect(inEntry.message).toContain('unknown key');
  });

  it('refuses documents above the size cap', () => {
    expect(catchError(() => parseToml(' '.repeat(33 * 1024 * 1024))).code).toBe('lockfile-too-large');
  });
});

describe('round trip', () => {
  it('check(fromBuildResult(req, res), parseToml(renderToml(…))) passes', () => {
    const { req, res } = twoTargetBuild();
    const want = fromBuildResult(req, res);
    expect(() => check(want, parseToml(renderToml(want)))).not.toThrow();
    expect(compareManifests(want, parseToml(renderToml(want)))).toEqual([]);
  });
});

describe('compareManifests and check', () => {
  const base: LockEntry = {
    name: 'httpx',
    alias: 'http',
    source: 'registry',
    version: '1',
    wrapperSha256: sha('a'),
  };

  it('classifies added, removed and changed, with the diverging fields in key order', () => {
    const before: Manifest = { entries: [base, { name: 'gone', alias: 'g', source: 'registry' }] };
    const after: Manifest = {
      entries: [
        { ...base, version: '2', wrapperSha256: sha('b'), capabilities: ['async'] },
        { name: 'ghost', alias: 'g', source: 'registry' },
      ],
    };
    const diff = compareManifests(before, after);
    expect(diff).toEqual([
      { kind: 'added', key: 'ghost:g', fields: [] },
      { kind: 'removed', key: 'gone:g', fields: [] },
      { kind: 'changed', key: 'httpx:http', fields: ['version', 'wrapper-sha256', 'capabilities'] },
    ]);
    expect(diff.map(formatDiffEntry)).toEqual([
      'added ghost:g',
      'removed gone:g',
      'changed httpx:http (version, wrapper-sha256, capabilities)',
    ]);
  });

  it('keys entries by name:alias, so one distribution under two aliases is two entries', () => {
    const two: Manifest = { entries: [base, { ...base, alias: 'h2' }] };
    expect(compareManifests({ entries: [base] }, two)).toEqual([
      { kind: 'added', key: 'httpx:h2', fields: [] },
    ]);
    const changed: Manifest = { entries: [base, { ...base, alias: 'h2', version: '9' }] };
    expect(compareManifests(two, changed)).toEqual([
      { kind: 'changed', key: 'httpx:h2', fields: ['version'] },
    ]);
  });

  it('compares capability lists element by element and sources as fields', () => {
    const a: Manifest = { entries: [{ ...base, capabilities: ['async', 'map'] }] };
    const b: Manifest = { entries: [{ ...base, capabilities: ['async', 'list'] }] };
    expect(compareManifests(a, b)[0]?.fields).toEqual(['capabilities']);
    const c: Manifest = { entries: [{ ...base, source: 'index', indexUrl: 'https://x/simple' }] };
    expect(compareManifests(a, c)[0]?.fields).toEqual(['source', 'index-url', 'capabilities']);
  });

  it('check throws LockDriftError with the diff, and passes on equal manifests', () => {
    expect(() => check({ entries: [base] }, { entries: [base] })).not.toThrow();
    const e = catchError(() => check({ entries: [base] }, { entries: [] }));
    expect(e).toBeInstanceOf(LockDriftError);
    expect(e.code).toBe('lockfile-drift');
    expect((e as LockDriftError).diff).toEqual([{ kind: 'removed', key: 'httpx:http', fields: [] }]);
    expect(e.message).toContain('removed httpx:http');
  });

  it('refuses a manifest holding one key twice', () => {
    expect(catchError(() => compareManifests({ entries: [base, base] }, { entries: [] })).code).toBe(
      'lockfile-duplicate-entry',
    );
  });
});

describe('extractCapabilities', () => {
  const t = (type: MochiType) => wrapper('m', [constant('C', type)]);

  it('derives async, dataclass, protocol and constant from item flags', () => {
    expect(extractCapabilities(wrapper('m', [fun('f', [], int, true)]))).toEqual(['async', 'callable']);
    expect(extractCapabilities(wrapper('m', [record('R', { a: int })]))).toEqual(['dataclass']);
    expect(
      extractCapabilities(
        wrapper('m', [
          {
            name: 'P',
            sourceName: 'P',
            kind: 'interface',
            async: false,
            type: {
              kind: 'interface',
              name: 'P',
              methods: [{ name: 'read', params: [], result: { kind: 'set', elem: int } }],
            },
          },
        ]),
      ),
    ).toEqual(['protocol', 'set']);
    expect(extractCapabilities(t(int))).toEqual(['constant']);
  });

  it('walks the MochiType tree for callable, stream, map, set, list, optional, sum, tuple, typevar and async', () => {
    const cases: [MochiType, string[]][] = [
      [{ kind: 'fun', params: [], result: int }, ['callable']],
      [{ kind: 'stream', elem: int }, ['stream']],
      [{ kind: 'map', key: str, value: { kind: 'list', elem: int } }, ['list', 'map']],
      [{ kind: 'set', elem: { kind: 'tuple', elems: [int, str] } }, ['set', 'tuple']],
      [
        { kind: 'optional', inner: { kind: 'sum', branches: [int, { kind: 'typevar', name: 'T' }] } },
        ['optional', 'sum', 'typevar'],
      ],
      [{ kind: 'async', inner: { kind: 'ref', name: 'R' } }, ['async']],
      [
        { kind: 'record', name: 'R', fields: [{ name: 'f', type: { kind: 'stream', elem: int } }] },
        ['stream'],
      ],
    ];
    for (const [type, tokens] of cases) {
      expect(extractCapabilities(t(type)), JSON.stringify(type)).toEqual(['constant', ...tokens].sort());
    }
  });

  it('is sorted, de-duplicated and inside the closed vocabulary', () => {
    const all = wrapper('m', [
      fun(
        'b',
        [
          { kind: 'list', elem: int },
          { kind: 'list', elem: str },
        ],
        { kind: 'list', elem: int },
        true,
      ),
      fun('a', [{ kind: 'fun', params: [], result: int }], { kind: 'async', inner: int }, true),
    ]);
    const caps = extractCapabilities(all)!;
    expect(caps).toEqual(['async', 'callable', 'list']);
    expect(caps.every((c) => CAPABILITIES.includes(c))).toBe(true);
    expect(CAPABILITIES).toEqual([...CAPABILITIES].sort());
    expect(CAPABILITIES).toHaveLength(18);
  });

  it('returns undefined for an empty surface, even when names were skipped', () => {
    expect(extractCapabilities(wrapper('m', []))).toBeUndefined();
    expect(
      extractCapabilities(wrapper('m', [], [{ itemPath: 'm.f', reason: 'paramspec', detail: 'P' }])),
    ).toBeUndefined();
  });

  it('walks a very deep type without overflowing the stack', () => {
    let deep: MochiType = int;
    for (let i = 0; i < 200_000; i++) deep = { kind: 'list', elem: deep };
    expect(extractCapabilities(t(deep))).toEqual(['constant', 'list']);
  });
});

describe('Phase 9 lockfile integration (sentinel)', () => {
  it('walks a two-target build through fromBuildResult → renderToml → parseToml → check and catches drift', () => {
    const { req, res } = twoTargetBuild();
    const built = fromBuildResult(req, res);
    const text = renderToml(built);
    const onDisk = parseToml(text);
    expect(() => check(onDisk, built)).not.toThrow();

    const httpx = onDisk.entries.find((e) => e.name === 'httpx')!;
    expect(httpx.version).toBe('0.27.0');
    expect(httpx.specifier).toBe('==0.27.0');
    expect(httpx.capabilities).toContain('async');
    expect(httpx.capabilities).toContain('dataclass');
    expect(text).toContain('version = "0.27.0"');
    expect(text).toContain('capabilities = ["async", "callable", "dataclass", "map"]');
    expect(onDisk.entries).toHaveLength(2);

    const flipped = httpx.wrapperSha256!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const drifted: Manifest = {
      entries: [
        ...onDisk.entries.map((e) => (e === httpx ? { ...e, wrapperSha256: flipped } : e)),
        { name: 'ghost', alias: 'ghost', source: 'registry', version: '1.0.0' },
      ],
    };
    const e = catchError(() => check(onDisk, drifted));
    expect(e).toBeInstanceOf(LockDriftError);
    expect((e as LockDriftError).diff).toEqual([
      { kind: 'added', key: 'ghost:ghost', fields: [] },
      { kind: 'changed', key: 'httpx:http', fields: ['wrapper-sha256'] },
    ]);
    // keep the sentinel honest about its inputs
    expect(httpxLike().result.wrapper.items.some((i) => i.async)).toBe(true);
    expect(plainLike().target.spec).toContain('>=');
  });
});
