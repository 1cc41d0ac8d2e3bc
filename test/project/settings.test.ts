import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettingsFile, resolveSettings, SETTINGS, SettingsError } from '../../src/project/settings.js';
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
      '[python]\nindex-url = "idx"\nstubs-dirs = ["a", "/abs"]\ncache-dir = "c"\ntargets = ["3.12-linux", "3.11-darwin"]\n\n[go]\nproxy = "./proxy,off"\nprivate = ["a.example/*", "b.example"]\nnosumdb = "c.example"\nsumdb = "off"\ncache-dir = "gc"\n',
    );
    expect([...f.values.keys()].sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    expect(f.values.get('go.private')).toEqual({ value: 'a.example/*,b.example', line: 9 });
    expect(f.values.get('python.targets')?.line).toBe(5);
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
      'mochi.toml:2:1: python.targets: "3.12" is not <X.Y>-<platform>',
      undefined,
    ],
    ['go = "x"\n', 'mochi.toml:1:1: go must be a table, not a string', undefined],
    ['[go]\nproxy = "a"\nproxy = "b"\n', 'mochi.toml:3:', undefined],
  ])('rejects %j with file:line:column', (text, message, hint) => {
    const e = failure(text);
    expect(e.code).toBe('settings-invalid');
    expect(e.exitClass).toBe('usage');
    expect(e.message).toContain(message);
    if (hint) expect(e.hint).toBe(hint);
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
});
