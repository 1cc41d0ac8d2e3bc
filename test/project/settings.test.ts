import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettingsFile, resolveSettings, SETTINGS, SettingsError } from '../../src/project/settings.js';
import { readSettingsFile } from '../../src/project/settingsFile.js';
import { editDistance } from '../../src/util/nearest.js';
import { cliWithEnv } from '../support/cli.js';

const FILE = '/p/mochi.toml';

function parse(text: string) {
  return parseSettingsFile(text, FILE, '/p');
}

function failure(text: string): SettingsError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('mochi.toml parsing', () => {
  it('reads every key of both tables with its line', () => {
    const f = parse(
      '[python]\nindex-url = "idx"\nstubs-dirs = ["a", "/abs"]\ncache-dir = "c"\ntargets = ["3.12-linux", "3.11-darwin"]\nindex = [{ name = "i", url = "u" }]\nsources = { x = { index = "i" } }\n\n[go]\nproxy = "./proxy,off"\nprivate = ["a.example/*", "b.example"]\nnosumdb = "c.example"\nsumdb = "off"\ncache-dir = "gc"\n',
    );
    expect([...f.values.keys()].sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    expect(f.values.get('go.private')).toEqual({ value: 'a.example/*,b.example', line: 11 });
    expect(f.values.get('python.targets')?.line).toBe(5);
  });

  it('accepts every form of go.proxy and go.sumdb that go accepts', () => {
    const text =
      '[go]\nproxy = "./mods, https://a.example|proxy.example.com,direct"\nsumdb = "sum.golang.org https://sum.example"\n';
    expect(parse(text).values.get('go.proxy')?.value).toBe(
      './mods, https://a.example|proxy.example.com,direct',
    );
    for (const v of ['off', '', 'sum.golang.google.cn']) {
      expect(parse(`go.sumdb = "${v}"\n`).values.get('go.sumdb')?.value).toBe(v);
    }
    expect(parse('go.proxy = "off"\n').values.get('go.proxy')?.value).toBe('off');
  });

  it.each([
    [
      '[python]\nindex = [{ name = "i",\n  url = "u" }]\n',
      'mochi.toml:2:',
      'a line break inside an inline table',
    ],
    [
      '[python]\nindex = [{ name = "i", url = "u", }]\n',
      'mochi.toml:2:',
      'a trailing comma in an inline table',
    ],
    ['[python]\nindex-url = "https://\\x65xample"\n', 'mochi.toml:2:', 'invalid escape sequence "\\\\x"'],
    ['[go]\nproxy = "\\e"\n', 'mochi.toml:2:', 'invalid escape sequence "\\\\e"'],
    ['[go]\ncache-dir = 2023-02-29\n', 'mochi.toml:2:', 'the date 2023-02-29 does not exist'],
    ['[go]\ncache-dir = 07:32\n', 'mochi.toml:2:', 'a time without seconds'],
  ])('refuses TOML that tomllib refuses as not valid TOML, at its line: %j', (text, where, problem) => {
    const e = failure(text);
    expect(e.message).toContain(where);
    expect(e.message).toContain(`not valid TOML: ${problem}`);
  });

  it('refuses a mochi.toml that starts with a byte order mark, as tomllib does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '\ufeff[go]\nproxy = "off"\n');
    const e = await readSettingsFile(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SettingsError);
    expect((e as SettingsError).message).toContain(
      'mochi.toml:1:1: not valid TOML: a byte order mark (U+FEFF) at the start of the document',
    );
    expect(failure('\ufeffgo.proxy = "off"\n').message).toContain('mochi.toml:1:1: not valid TOML');
  });

  it('reads an inline table whose array spans lines, as tomllib does', () => {
    const f = parse(
      '[python]\nsources = { x = { index = "i" } }\nindex = [{ name = "i", url = "u" },\n  { name = "j", url = "v" }]\n',
    );
    expect(f.indexes?.map((i) => i.name)).toEqual(['i', 'j']);
  });

  it('accepts dotted keys at the top level and an empty file', () => {
    expect(parse('python.index-url = "x"\n').values.get('python.index-url')).toEqual({ value: 'x', line: 1 });
    expect(parse('').values.size).toBe(0);
  });

  it.each([
    [
      '[python]\nindex_url = "x"\n',
      'mochi.toml:2:1: unknown key "index_url" in [python]',
      'did you mean index-url?',
    ],
    [
      '[pyhton]\nindex-url = "x"\n',
      'mochi.toml:1:1: unknown table or key "pyhton"',
      'did you mean [python]?',
    ],
    ['[go]\n  proxy = 3\n', 'mochi.toml:2:3: go.proxy must be a string, not a number', undefined],
    [
      '[python]\nstubs-dirs = "typeshed"\n',
      'mochi.toml:2:1: python.stubs-dirs must be an array of strings, not a string',
      undefined,
    ],
    [
      '[python]\ntargets = ["3.12"]\n',
      'mochi.toml:2:1: python.targets: "3.12" is not <X.Y>-<linux|darwin|win32>',
      undefined,
    ],
    [
      '[python]\ntargets = ["3.12-linux",\n  "3.12-lnux"]\n',
      'mochi.toml:2:1: python.targets: "3.12-lnux" is not <X.Y>-<linux|darwin|win32>',
      undefined,
    ],
    [
      '[python]\ntargets = []\n',
      'mochi.toml:2:1: python.targets is empty; a lock is made for at least one target',
      'remove the key to lock for the default target (the --python/--platform pair, 3.12-linux), or list the targets: targets = ["3.12-linux", "3.12-darwin"]',
    ],
    ['go = "x"\n', 'mochi.toml:1:1: go must be a table, not a string', undefined],
    [
      '[python]\nindex-url = "ftp://pkgs.example/simple/"\n',
      'mochi.toml:2:1: python.index-url: "ftp://pkgs.example/simple/" is not an http, https or file URL',
      'an index is an http(s) or file URL of a simple index root, or a local directory',
    ],
    [
      '[[python.index]]\nname = "corp"\nurl = "ftp://pkgs.example/simple/"\n',
      'mochi.toml:3:1: [[python.index]] "corp": url: "ftp://pkgs.example/simple/" is not an http, https or file URL',
      undefined,
    ],
    [
      '[go]\nprivate = ["corp.example/*", 1]\n',
      'mochi.toml:2:1: go.private must be a string or an array of strings; item 2 is a number',
      undefined,
    ],
    [
      '[python]\ntargets = [["3.12-linux"]]\n',
      'mochi.toml:2:1: python.targets must be an array of strings; item 1 is an array',
      undefined,
    ],
    ['[go]\nproxy = "a"\nproxy = "b"\n', 'mochi.toml:3:', undefined],
    // Values go itself would refuse, refused at their line rather than at the first module fetched.
    [
      '[go]\nproxy = "ftp://mods.example"\n',
      'mochi.toml:2:1: go.proxy: invalid proxy URL scheme (must be https, http, file): ftp://mods.example',
      'go.proxy is a GOPROXY list: http(s) or file URLs, directories, off or direct, separated by , or |',
    ],
    ['[go]\nproxy = " , "\n', 'mochi.toml:2:1: go.proxy: GOPROXY list is not the empty string', undefined],
    [
      '[go]\nsumdb = "bogus"\n',
      'mochi.toml:2:1: go.sumdb: invalid GOSUMDB "bogus"',
      'go.sumdb is a GOSUMDB value: off, sum.golang.org, <name>+<hash>+<key>, or "<name>+<hash>+<key> <url>"',
    ],
  ])('rejects %j with file:line:column', (text, message, hint) => {
    const e = failure(text);
    expect(e.code).toBe('settings-invalid');
    expect(e.exitClass).toBe('usage');
    expect(e.message).toContain(message);
    if (hint) expect(e.hint).toBe(hint);
  });
});

describe('named indexes and sources', () => {
  const text = [
    '[python]',
    'index-url = "https://pypi.example/simple/"',
    '',
    '[[python.index]]',
    'name = "internal"',
    'url = "./wheels/simple"',
    'explicit = true',
    '',
    '[[python.index]]',
    'name = "mirror"',
    'url = "https://mirror.example/simple/"',
    '',
    '[python.sources]',
    'Corp_Lib = { index = "internal" }',
    'corp-app = { index = "internal" }',
    '',
  ].join('\n');

  it('reads [[python.index]] and [python.sources] with their lines, paths relative to the file', () => {
    const s = resolveSettings({ cwd: '/work', file: parse(text), env: {} });
    expect(s.indexes()).toEqual([
      { name: 'internal', url: '/p/wheels/simple', explicit: true, origin: 'mochi.toml:4' },
      { name: 'mirror', url: 'https://mirror.example/simple/', explicit: false, origin: 'mochi.toml:9' },
    ]);
    expect([...s.sources()]).toEqual([
      ['corp-lib', 'internal'],
      ['corp-app', 'internal'],
    ]);
    expect(s.get('python.sources')).toMatchObject({
      source: 'file',
      value: ['corp-lib=internal', 'corp-app=internal'],
    });
    expect(s.get('python.index').source).toBe('file');
  });

  it('merges flag and environment indexes by name: new names first, a known name gets a new URL', () => {
    const s = resolveSettings({
      cwd: '/work',
      file: parse(text),
      env: { MOCHI_PYTHON_INDEX: ' internal=/env/idx  extra=https://extra.example/simple/ ' },
      flags: { 'python.index': ['cli=./cli-idx', 'internal=https://ci.example/simple/'] },
    });
    expect(s.indexes()).toEqual([
      { name: 'cli', url: '/work/cli-idx', explicit: false, origin: '--index' },
      { name: 'extra', url: 'https://extra.example/simple/', explicit: false, origin: '$MOCHI_PYTHON_INDEX' },
      // The flag's URL beats the environment's; the file's explicit stays.
      {
        name: 'internal',
        url: 'https://ci.example/simple/',
        explicit: true,
        origin: 'mochi.toml:4, url from --index',
      },
      { name: 'mirror', url: 'https://mirror.example/simple/', explicit: false, origin: 'mochi.toml:9' },
    ]);
    expect(s.get('python.index').source).toBe('flag');
    const none = resolveSettings({ cwd: '/work', env: {} });
    expect(none.indexes()).toEqual([]);
    expect(none.get('python.index')).toMatchObject({ value: [], source: 'default', origin: 'default' });
  });

  it.each([
    [
      '[[python.index]]\nname = "a"\nurl = "u"\nexplicit = "yes"\n',
      'mochi.toml:4:1: [[python.index]] "a": explicit must be true or false, not a string',
    ],
    [
      '[[python.index]]\nname = "a"\nurl = "u"\n\n[[python.index]]\nname = "a"\nurl = "v"\n',
      'mochi.toml:6:1: the index name "a" is declared twice',
    ],
    ['[[python.index]]\nname = "a"\nurll = "u"\n', 'mochi.toml:3:1: unknown key "urll" in [[python.index]]'],
    ['[[python.index]]\nname = "a b"\nurl = "u"\n', 'mochi.toml:2:1: [[python.index]] needs a name'],
    ['[[python.index]]\nname = "a"\n', 'mochi.toml:1:1: [[python.index]] "a" needs a url'],
    ['[python]\nindex = "https://x"\n', 'mochi.toml:2:1: python.index must be an array of tables'],
    ['[python.sources]\nfoo = "internal"\n', 'mochi.toml:2:1: python.sources.foo must be { index = '],
    ['[python.sources]\nfoo = { index = "a", extra = 1 }\n', 'mochi.toml:2:1: python.sources.foo must be'],
    [
      '[python.sources]\n"no good" = { index = "a" }\n',
      'python.sources: "no good" is not a distribution name',
    ],
  ])('rejects %j', (bad, message) => {
    expect(failure(bad).message).toContain(message);
  });

  it('rejects a source naming no declared index, at its line, with the nearest name', () => {
    const f = parse(
      '[[python.index]]\nname = "internal"\nurl = "u"\n[python.sources]\nfoo = { index = "intenral" }\n',
    );
    let e: unknown;
    try {
      resolveSettings({ cwd: '/w', file: f, env: {} });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(SettingsError);
    expect((e as SettingsError).message).toContain(
      'mochi.toml:5: python.sources.foo names the index "intenral"',
    );
    expect((e as SettingsError).hint).toBe('did you mean internal?');
    expect(() => resolveSettings({ cwd: '/w', env: { MOCHI_PYTHON_INDEX: 'nourl' } })).toThrow(
      '$MOCHI_PYTHON_INDEX: "nourl" is not <name>=<url>',
    );
  });
});

describe('settings precedence', () => {
  const file = parse(
    '[python]\nindex-url = "idx"\nstubs-dirs = ["ts"]\n[go]\nproxy = "./px"\nsumdb = "off"\n',
  );

  it('takes flag over environment over file over default, with paths relative to their origin', () => {
    const s = resolveSettings({
      cwd: '/work',
      file,
      env: { MOCHI_PYTHON_STUBS: 'e1:/e2', GOSUMDB: '' },
      flags: { 'python.index-url': 'https://x.example/simple/', 'python.stubs-dirs': [] },
      defaults: { 'go.cache-dir': '/cache/go' },
    });
    expect(s.get('python.index-url')).toMatchObject({
      value: 'https://x.example/simple/',
      source: 'flag',
      origin: '--index-url',
    });
    expect(s.get('python.stubs-dirs')).toMatchObject({
      value: ['/work/e1', '/e2'],
      source: 'env',
      origin: '$MOCHI_PYTHON_STUBS',
    });
    expect(s.get('go.proxy')).toMatchObject({ value: '/p/px', source: 'file', origin: 'mochi.toml:5' });
    // An empty environment variable is unset: the file's value holds.
    expect(s.get('go.sumdb')).toMatchObject({ value: 'off', source: 'file' });
    expect(s.get('go.cache-dir')).toMatchObject({ value: '/cache/go', source: 'default' });
    expect(s.get('go.private').value).toBeUndefined();
    expect(s.goEnv()).toEqual({ GOPROXY: '/p/px', GOSUMDB: 'off' });
  });

  it('resolves a local index and proxy directories against the file, keeping URLs', () => {
    const f = parse(
      '[python]\nindex-url = "file:///srv/idx/"\n[go]\nproxy = "https://a.example|../mods,off"\n',
    );
    const s = resolveSettings({ cwd: '/elsewhere', file: f, env: {} });
    expect(s.string('python.index-url')).toBe('file:///srv/idx/');
    expect(s.string('go.proxy')).toBe('https://a.example|/mods,off');
  });

  it('measures edit distance as Levenshtein does', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('--json', '--json')).toBe(0);
  });
});

describe('a GOPROXY list from a flag or the environment', () => {
  const ACCEPTED = 'a GOPROXY list: http(s) or file URLs, directories, off or direct, separated by , or |';

  it('is refused by resolveSettings naming --go-proxy or $GOPROXY, as the file value is at its line', () => {
    for (const [input, origin] of [
      [{ flags: { 'go.proxy': 'ftp://q' }, env: {} }, '--go-proxy'],
      [{ env: { GOPROXY: 'ftp://q' } }, '$GOPROXY'],
      [{ env: { GOPROXY: 'https://ok.example, ' } }, undefined],
      [{ env: { GOPROXY: ' , ' } }, '$GOPROXY'],
    ] as const) {
      let e: unknown;
      try {
        resolveSettings({ cwd: '/w', ...input });
      } catch (err) {
        e = err;
      }
      if (origin === undefined) {
        expect(e).toBeUndefined();
        continue;
      }
      expect(e).toMatchObject({ code: 'proxy-config', hint: `${origin} is ${ACCEPTED}`, exitClass: 'usage' });
      expect((e as Error).message).toMatch(new RegExp(`^\\${origin}: `.replace('\\-', '-')));
    }
  });

  it('stops every project command before anything is read, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    // A project whose lock is up to date and needs no module: nothing would ever reach the proxy.
    await writeFile(join(dir, 'main.mochi'), 'let x = 1\n');
    expect((await cliWithEnv({}, 'lock', '--cwd', dir)).code).toBe(0);
    const commands = [['lock'], ['lock', '--upgrade'], ['sync'], ['tree'], ['outdated'], ['config']];
    for (const argv of commands) {
      const viaEnv = await cliWithEnv({ GOPROXY: 'ftp://q' }, ...argv, '--cwd', dir);
      expect([argv, viaEnv.code, viaEnv.err]).toEqual([
        argv,
        2,
        expect.stringContaining(
          'error[proxy-config]: $GOPROXY: invalid proxy URL scheme (must be https, http, file): ftp://q',
        ),
      ]);
      if (argv[0] === 'tree' || argv[0] === 'outdated') continue; // they take no --go-proxy
      const viaFlag = await cliWithEnv({}, ...argv, '--cwd', dir, '--go-proxy', 'ftp://q');
      expect([argv, viaFlag.code, viaFlag.err]).toEqual([
        argv,
        2,
        expect.stringContaining(`error[proxy-config]: --go-proxy: invalid proxy URL scheme`),
      ]);
      expect(viaFlag.err).toContain(`hint: --go-proxy is ${ACCEPTED}`);
    }
  });
});

describe('a GOSUMDB from the environment', () => {
  const ACCEPTED =
    'a GOSUMDB value: off, sum.golang.org, <name>+<hash>+<key>, or "<name>+<hash>+<key> <url>"';

  it('is refused by resolveSettings naming $GOSUMDB, as the file value is at its line', () => {
    expect(() => resolveSettings({ cwd: '/w', env: { GOSUMDB: 'a b c' } })).toThrow(
      expect.objectContaining({
        code: 'sumdb-config',
        message: '$GOSUMDB: invalid GOSUMDB "a b c": too many fields',
        hint: `$GOSUMDB is ${ACCEPTED}`,
        exitClass: 'usage',
      }),
    );
    for (const ok of ['', 'off', 'sum.golang.org']) {
      expect(resolveSettings({ cwd: '/w', env: { GOSUMDB: ok } }).get('go.sumdb')).toBeDefined();
    }
  });

  it('stops every project command before anything is read, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'main.mochi'), 'let x = 1\n');
    expect((await cliWithEnv({}, 'lock', '--cwd', dir)).code).toBe(0);
    for (const argv of [['lock'], ['sync'], ['tree'], ['outdated'], ['config']]) {
      const r = await cliWithEnv({ GOSUMDB: 'bogus' }, ...argv, '--cwd', dir);
      expect([argv, r.code, r.err]).toEqual([
        argv,
        2,
        expect.stringContaining('error[sumdb-config]: $GOSUMDB: invalid GOSUMDB "bogus"'),
      ]);
      expect(r.err).toContain(`hint: $GOSUMDB is ${ACCEPTED}`);
    }
  });
});

describe('mochi-pkg config', () => {
  it('shows each value with its origin, as text and JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '[go]\nproxy = "./px"\nprivate = "corp.example"\n');
    const text = await cliWithEnv(
      { GOPRIVATE: 'env.example' },
      'config',
      '--cwd',
      dir,
      '--go-cache-dir',
      '/gc',
    );
    expect(text.code).toBe(0);
    expect(text.out).toContain(`go.proxy           ${join(dir, 'px')}  (mochi.toml:2)`);
    expect(text.out).toContain('go.private         env.example  ($GOPRIVATE)');
    expect(text.out).toContain('go.cache-dir       /gc  (--go-cache-dir)');
    const json = await cliWithEnv({}, 'config', '--cwd', dir, '--json');
    const doc = JSON.parse(json.out);
    expect(doc.file).toBe(join(dir, 'mochi.toml'));
    expect(doc.settings.find((s: { key: string }) => s.key === 'go.private')).toEqual({
      key: 'go.private',
      value: 'corp.example',
      source: 'file',
      origin: 'mochi.toml:3',
    });
  });

  it('shows the defaults an empty go.sumdb and an absent python.targets mean, marked as defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '[go]\nsumdb = ""\n');
    const text = await cliWithEnv({}, 'config', '--cwd', dir);
    expect(text.code).toBe(0);
    expect(text.out).toContain('python.targets     3.12-linux  (default)\n');
    expect(text.out).toContain('go.sumdb           sum.golang.org  (default; mochi.toml:2 is empty)\n');
    const json = JSON.parse((await cliWithEnv({}, 'config', '--cwd', dir, '--json')).out);
    const of = (key: string) => json.settings.find((s: { key: string }) => s.key === key);
    expect(of('python.targets')).toEqual({
      key: 'python.targets',
      value: ['3.12-linux'],
      source: 'default',
      origin: 'default',
    });
    expect(of('go.sumdb')).toEqual({
      key: 'go.sumdb',
      value: 'sum.golang.org',
      source: 'default',
      origin: 'default; mochi.toml:2 is empty',
    });
    // GOSUMDB wins over the file's empty value, as over any value of the file.
    const env = JSON.parse((await cliWithEnv({ GOSUMDB: 'off' }, 'config', '--cwd', dir, '--json')).out);
    expect(env.settings.find((s: { key: string }) => s.key === 'go.sumdb')).toMatchObject({
      value: 'off',
      origin: '$GOSUMDB',
    });
  });

  it('lists each named index and source on its own line, with its origin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(
      join(dir, 'mochi.toml'),
      '[[python.index]]\nname = "corp"\nurl = "https://u:secret@corp.example/simple/"\nexplicit = true\n[python.sources]\nlib = { index = "corp" }\n',
    );
    const text = await cliWithEnv({}, 'config', '--cwd', dir, '--index', 'extra=./x');
    expect(text.code).toBe(0);
    expect(text.out).toContain(`python.index.extra  ${join(process.cwd(), 'x')}  (--index)`);
    expect(text.out).toContain(
      'python.index.corp  https://***@corp.example/simple/ explicit  (mochi.toml:1)',
    );
    expect(text.out).toContain('python.sources.lib  corp  (mochi.toml:6)');
    const json = JSON.parse((await cliWithEnv({}, 'config', '--cwd', dir, '--json')).out);
    expect(json.settings.find((s: { key: string }) => s.key === 'python.index').items).toEqual([
      { name: 'corp', value: 'https://***@corp.example/simple/', explicit: true, origin: 'mochi.toml:1' },
    ]);
  });

  it('exits 2 naming file:line for an unknown key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '[go]\n\nproxxy = "off"\n');
    const r = await cliWithEnv({}, 'config', '--cwd', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `error[settings-invalid]: ${join(dir, 'mochi.toml')}:3:1: unknown key "proxxy" in [go]`,
    );
    expect(r.err).toContain('hint: did you mean proxy?');
  });

  it('exits 2 when --cwd names no folder, as lock does, instead of showing the defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '[go]\nproxy = "off"\n');
    for (const missing of [join(dir, 'nope'), join(dir, 'mochi.toml')]) {
      const r = await cliWithEnv({}, 'config', '--cwd', missing);
      expect([r.code, r.out]).toEqual([2, '']);
      expect(r.err).toContain(`error[project-not-found]: ${missing} is not a directory`);
    }
    expect((await cliWithEnv({}, 'config', '--cwd', dir)).code).toBe(0);
  });

  it('says project-not-found for a --cwd below a file, for every project command (no ENOTDIR crash)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settings-'));
    await writeFile(join(dir, 'mochi.toml'), '[go]\nproxy = "off"\n');
    const below = join(dir, 'mochi.toml', 'x');
    for (const args of [['config'], ['lock', '--check'], ['tree'], ['outdated'], ['sync', '--check']]) {
      const r = await cliWithEnv({}, ...args, '--cwd', below);
      expect([args, r.code, r.out]).toEqual([args, 2, '']);
      expect(r.err).toContain(`error[project-not-found]: ${below} is not a directory`);
    }
  });
});
