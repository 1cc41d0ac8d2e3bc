import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLock } from '../../src/cli/commands/lock.js';
import { main } from '../../src/cli/main.js';
import { createFromDir } from '../../src/go/modzip/index.js';
import { type BuildFn, loadPythonBuild } from '../../src/project/index.js';
import { captureStreams } from '../support/files.js';
import { buildProxyTree } from '../support/goproxy.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = join(repo, 'examples/weather-report');
const dirs: string[] = [];
let build: BuildFn;
let goCache: string;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-lock-go-'));
  dirs.push(d);
  return d;
}
beforeAll(async () => {
  build = await loadPythonBuild();
  goCache = await tmp();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The command context of a `lock` run over a project with its own stubs, a shared Go cache, and `proxy`. */
function context(root: string, proxy: string, argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const flags = [
    '--cwd',
    root,
    '--stubs-dir',
    join(root, 'typeshed'),
    '--index-url',
    join(root, 'index'),
    '--cache-dir',
    join(goCache, 'py'),
  ];
  return {
    ctx: {
      argv: [...argv, ...flags, '--go-proxy', proxy],
      stdout,
      stderr,
      env: { MOCHI_GO_BRIDGE_CACHE: goCache, GOSUMDB: 'off' },
      cwd: root,
    },
    seen,
  };
}

/** Runs `lock` (the Python build loaded once). */
async function lock(root: string, proxy: string, ...argv: string[]) {
  const { ctx, seen } = context(root, proxy, argv);
  const code = await runLock(ctx, { makeBuild: async () => build });
  return { code, ...seen };
}

/** The same through the CLI shell (`main`), which prints thrown errors as `error[code]` and maps exit codes. */
async function lockMain(root: string, proxy: string, ...argv: string[]) {
  const { ctx, seen } = context(root, proxy, ['lock', ...argv]);
  const code = await main(ctx);
  return { code, ...seen };
}

/** A fresh copy of the example project whose lock --check passes. */
async function copy(): Promise<string> {
  const root = await tmp();
  await cp(example, root, { recursive: true });
  return root;
}
async function edit(path: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(path, next);
}

describe('lock with import go on the example project (offline, bundled file:// proxy)', () => {
  it('writes the committed lock from scratch, then --check passes with the proxy switched off', async () => {
    const root = await copy();
    const committed = await readFile(join(root, 'mochi.lock'), 'utf8');
    await rm(join(root, 'mochi.lock'));
    const w = await lock(root, './go/proxy');
    expect(w.err).toBe('');
    expect(w.out).toMatch(
      /^mochi\.lock: wrote 9 entries \(\d+ items, \d+ skips?; 4 Go modules\) from 2 files\n$/,
    );
    expect(w.code).toBe(0);
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toBe(committed);
    // Every module is cached now: --check must not need the proxy at all.
    const c = await lock(root, 'off', '--check');
    expect(c).toMatchObject({ code: 0, out: 'mochi.lock is up to date (9 entries)\n', err: '' });
  });

  it('writes go.sum lines for the locked proxy modules', async () => {
    const root = await copy();
    const r = await lock(root, './go/proxy', '--go-sum', 'go.sum');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/go\.sum: wrote 6 lines\n$/);
    const sum = await readFile(join(root, 'go.sum'), 'utf8');
    expect(
      sum
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').slice(0, 2).join(' ')),
    ).toEqual([
      'example.com/Temp v0.3.0',
      'example.com/Temp v0.3.0/go.mod',
      'example.com/fmtx/v2 v2.1.0',
      'example.com/fmtx/v2 v2.1.0/go.mod',
      'example.com/geo v1.1.0',
      'example.com/geo v1.1.0/go.mod',
    ]);
    const usage = await lockMain(root, './go/proxy', '--check', '--go-sum', 'go.sum');
    expect(usage.err).toMatch(/cannot be combined with --check/);
    expect(usage.code).toBe(2);
  });

  it('detects each kind of Go drift', async () => {
    const dropTemp = (r: string) =>
      edit(join(r, 'mochi.lock'), /\[\[go-package\]\]\nmodule = "example.com\/Temp"[\s\S]*?\n\n/, '');
    const cases: [string, (root: string) => Promise<void>, string][] = [
      ['added', dropTemp, 'added example.com/Temp'],
      [
        'removed',
        (r) => edit(join(r, 'src/report.mochi'), /import go "example.com\/Temp".*\n/, ''),
        'removed example.com/Temp',
      ],
      [
        'changed pin',
        (r) => edit(join(r, 'main.mochi'), 'fmtx/v2@v2.1.0', 'fmtx/v2@v2.0.0'),
        'changed example.com/fmtx/v2 (version, zip-h1)',
      ],
      [
        'changed query',
        async (r) => {
          await edit(join(r, 'main.mochi'), '"example.com/geo@v1"', '"example.com/geo@v1.0"');
          await edit(join(r, 'src/report.mochi'), '"example.com/geo@v1"', '"example.com/geo@v1.0"');
        },
        'changed example.com/geo (version, zip-h1)',
      ],
      [
        'changed aliases',
        (r) => edit(join(r, 'main.mochi'), 'as fmtx', 'as fmt2'),
        'changed example.com/fmtx/v2 (aliases)',
      ],
      [
        'changed directory',
        (r) => edit(join(r, 'go/local/stations.go'), 'Porto', 'Faro'),
        'changed example.com/stations (zip-h1)',
      ],
      [
        'changed source',
        (r) =>
          edit(
            join(r, 'src/report.mochi'),
            'import go "example.com/Temp"',
            'import go "example.com/Temp@path+./go/temp"',
          ).then(() =>
            cp(join(r, 'go/src/example.com/Temp@v0.3.0'), join(r, 'go/temp'), { recursive: true }),
          ),
        'changed example.com/Temp (version, source, local-path, zip-h1)',
      ],
    ];
    for (const [name, change, want] of cases) {
      const root = await copy();
      await change(root);
      const r = await lock(root, './go/proxy', '--check');
      expect(r.out, name).toBe(`${want}\n`);
      expect(r.err, name).toContain('mochi.lock is out of date');
      expect(r.code, name).toBe(1);
      // And `lock` brings it back in line.
      expect((await lock(root, './go/proxy')).code, name).toBe(0);
      expect((await lock(root, 'off', '--check')).code, name).toBe(0);
    }
  });

  it("keeps a pinned retracted version and prints go's retraction and deprecation warnings", async () => {
    const root = await copy();
    const src = join(root, 'go/more');
    for (const [v, mod] of [
      ['v1.0.0', 'module example.com/old\n'],
      [
        'v1.1.0',
        '// Deprecated: use example.com/geo\nmodule example.com/old\n\nretract v1.0.0 // leaks memory\n',
      ],
    ] as const) {
      const dir = join(src, `example.com/old@${v}`);
      await cp(join(root, 'go/src/example.com/geo@v1.0.0'), dir, { recursive: true });
      await writeFile(join(dir, 'go.mod'), mod);
    }
    await buildProxyTree(src, join(root, 'go/proxy'));
    await edit(
      join(root, 'main.mochi'),
      'import go "strings" as strings',
      'import go "example.com/old@v1.0.0" as old',
    );
    const r = await lock(root, './go/proxy');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      [
        'go: module example.com/old is deprecated: use example.com/geo',
        'go: warning: example.com/old@v1.0.0: retracted by module author: leaks memory',
        '  hint: to switch to the latest unretracted version, import example.com/old@latest and run `mochi-pkg lock`',
        '',
      ].join('\n'),
    );
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toMatch(
      /module = "example.com\/old"\nversion = "v1.0.0"/,
    );
    const c = await lock(root, './go/proxy', '--check');
    expect(c.code).toBe(0);
    expect(c.err).toContain(
      'go: warning: example.com/old@v1.0.0: retracted by module author: leaks memory\n',
    );
    // --json lists them too, apart from the Python side's "warnings" strings.
    const goWarnings = [
      {
        module: 'example.com/old',
        version: 'v1.0.0',
        kind: 'deprecated',
        message: 'module example.com/old is deprecated: use example.com/geo',
      },
      {
        module: 'example.com/old',
        version: 'v1.0.0',
        kind: 'retracted',
        message: 'example.com/old@v1.0.0: retracted by module author: leaks memory',
      },
    ];
    for (const argv of [['--json'], ['--check', '--json']]) {
      const j = await lock(root, './go/proxy', ...argv);
      expect([argv, j.code]).toEqual([argv, 0]);
      const out = JSON.parse(j.out);
      expect([argv, out.goWarnings, out.warnings]).toEqual([argv, goWarnings, undefined]);
    }
    // A query resolved afresh never chooses the retracted version.
    await edit(join(root, 'main.mochi'), '"example.com/old@v1.0.0"', '"example.com/old@v1"');
    await rm(join(root, 'mochi.lock'));
    expect((await lock(root, './go/proxy')).err).toBe(
      'go: module example.com/old is deprecated: use example.com/geo\n',
    );
    expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toMatch(
      /module = "example.com\/old"\nversion = "v1.1.0"/,
    );
  });

  it("reports a path+ module's go.mod that does not parse at its file and line, in go's words (exit 2)", async () => {
    const root = await copy();
    const goMod = join(root, 'go/local/go.mod');
    await writeFile(goMod, 'module example.com/stations\n\ngo 1.19\n\nrequire example.com/x\n');
    for (const r of [await lockMain(root, './go/proxy'), await lockMain(root, './go/proxy', '--check')]) {
      expect(r.code).toBe(2);
      // go: example.com/stations@v0.0.0 (replaced by ./go/local): parsing go/local/go.mod: <file>:5: usage: …
      expect(r.err).toBe(
        `mochi-pkg: error[go-path-module]: example.com/stations@path+./go/local: parsing ./go/local/go.mod: ${goMod}:5: usage: require module/path v1.2.3\n` +
          '  hint: fix the go.mod file (`go mod edit -fmt` shows what the go command accepts)\n',
      );
    }
  });

  it('refuses two versions of one module (exit 2)', async () => {
    const root = await copy();
    await edit(
      join(root, 'main.mochi'),
      'import go "strings" as strings',
      'import go "example.com/fmtx/v2@v2.0.0" as fmtx_old',
    );
    const r = await lock(root, './go/proxy', '--check');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error\[go-import-conflict\]: import go "example\.com\/fmtx\/v2@v2\.\d\.0" at main\.mochi:\d+:1 and import go "example\.com\/fmtx\/v2@v2\.\d\.0" at main\.mochi:\d+:1 pin different versions of example\.com\/fmtx\/v2/,
    );
  });

  it('reports an added module and a removed one, with --json', async () => {
    const root = await copy();
    await edit(join(root, 'src/report.mochi'), /import go "example.com\/Temp".*\n/, '');
    await edit(
      join(root, 'main.mochi'),
      'import go "strings" as strings',
      'import go "example.com/Temp@v0.3.0" as temp_again\nimport go "example.com/fmtx/v2@v2.1.0" as fmtx',
    );
    const text = await lock(root, './go/proxy', '--check');
    expect(text.code).toBe(1);
    expect(text.out).toBe('changed example.com/Temp (aliases)\n');
    const removed = await copy();
    await edit(
      join(removed, 'mochi.lock'),
      /\[\[go-package\]\]\nmodule = "example.com\/Temp"[\s\S]*?\n\n/,
      '',
    );
    const j = await lock(removed, './go/proxy', '--check', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toEqual({
      upToDate: false,
      diff: [{ table: 'go-package', kind: 'added', key: 'example.com/Temp', fields: [] }],
    });
  });

  it('treats a locked hash the proxy does not serve as a security error (exit 1), not drift', async () => {
    for (const key of ['zip-h1', 'mod-h1']) {
      const root = await copy();
      const lockPath = join(root, 'mochi.lock');
      const text = await readFile(lockPath, 'utf8');
      const re = new RegExp(`(module = "example.com/geo"[\\s\\S]*?${key} = ")h1:[^"]+`);
      await writeFile(lockPath, text.replace(re, '$1h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
      for (const argv of [['--check'], []]) {
        const r = await lockMain(root, './go/proxy', ...argv);
        expect(r.code, `${key} ${argv}`).toBe(1);
        expect(r.out).toBe('');
        expect(r.err).toContain('error[go-checksum-mismatch]: SECURITY ERROR');
        expect(r.err).toContain(`example.com/geo@v1.1.0 ${key}: locked h1:AAAA`);
      }
      // `lock` refused to overwrite the lock.
      expect(await readFile(lockPath, 'utf8')).not.toBe(text);
    }
  });

  it('treats a proxy that now serves other bytes for a locked version as a security error (fresh cache)', async () => {
    const root = await copy();
    // Re-publish example.com/geo v1.1.0 with one changed file: same module@version, other hash.
    const src = join(root, 'go/src/example.com/geo@v1.1.0');
    await edit(join(src, 'geo.go'), 'const r = 6371.0', 'const r = 6371.5');
    const zip = join(root, 'go/proxy/example.com/geo/@v/v1.1.0.zip');
    await rm(zip);
    await createFromDir(src, { path: 'example.com/geo', version: 'v1.1.0' }, zip);
    const { ctx, seen } = context(root, './go/proxy', ['lock', '--check']);
    const code = await main({ ...ctx, env: { MOCHI_GO_BRIDGE_CACHE: await tmp(), GOSUMDB: 'off' } });
    expect(code).toBe(1);
    expect(seen.out).toBe('');
    expect(seen.err).toMatch(
      /error\[go-checksum-mismatch\]: SECURITY ERROR: .*\n {2}example\.com\/geo@v1\.1\.0 zip-h1: locked h1:wIPM/,
    );
  });

  it('fails (exit 1) when a module is neither cached nor reachable', async () => {
    const root = await copy();
    const { stdout, stderr, seen } = captureStreams();
    const code = await runLock(
      {
        argv: [
          '--check',
          '--cwd',
          root,
          '--stubs-dir',
          join(root, 'typeshed'),
          '--index-url',
          join(root, 'index'),
          '--cache-dir',
          join(goCache, 'py'),
          '--go-proxy',
          'off',
        ],
        stdout,
        stderr,
        env: { MOCHI_GO_BRIDGE_CACHE: await tmp(), GOSUMDB: 'off' },
        cwd: root,
      },
      { makeBuild: async () => build },
    ).catch((e) => e);
    expect(code).toMatchObject({ code: 'proxy-off' });
    expect(seen.out).toBe('');
  });

  it('reads proxy credentials from netrc, as the go commands do', async () => {
    const root = await copy();
    const want = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const seenAuth: (string | undefined)[] = [];
    // The example's file proxy served over HTTP, to callers with the right credentials only.
    const server = createServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      if (req.headers.authorization !== want) {
        res.writeHead(401).end();
        return;
      }
      readFile(join(root, 'go/proxy', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))).then(
        (body) => res.writeHead(200).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const proxy = `http://${host}`;
      const netrc = join(await tmp(), 'netrc');
      // cmd/go matches the machine against the URL's host, port included.
      await writeFile(netrc, `machine ${host} login alice password s3cret\n`);
      const run = async (env: NodeJS.ProcessEnv) => {
        const { ctx, seen } = context(root, proxy, ['--check']);
        const code = await runLock(
          { ...ctx, env: { ...env, MOCHI_GO_BRIDGE_CACHE: await tmp(), GOSUMDB: 'off' } },
          {
            makeBuild: async () => build,
          },
        );
        return { code, ...seen };
      };
      const without = await run({ NETRC: join(await tmp(), 'none') }).catch((e: unknown) => e);
      expect(without).toMatchObject({ code: 'proxy-http' });
      const withNetrc = await run({ NETRC: netrc });
      expect(withNetrc.err).toBe('');
      expect(withNetrc.code).toBe(0);
      expect(seenAuth).toContain(want);
      expect(withNetrc.out + withNetrc.err).not.toContain('s3cret');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('--offline takes Go modules from the cache and local proxies only, never from a remote one', async () => {
    const root = await copy();
    // A run with the proxy fills the caches (the Python index pages too, which --offline also needs).
    expect((await lock(root, './go/proxy', '--check')).code).toBe(0);
    // With an empty Go cache, --offline must not fall back to a remote proxy.
    const remote = context(root, 'https://proxy.invalid', ['lock', '--check', '--offline']);
    const code = await main({ ...remote.ctx, env: { MOCHI_GO_BRIDGE_CACHE: await tmp(), GOSUMDB: 'off' } });
    expect(code).toBe(1);
    expect(remote.seen.err).toMatch(
      /error\[proxy-off\]: example\.com\/\S+: not in the Go module cache, and --offline/,
    );
    // The proxy setting is fine: the advice is to fill the cache, not to change GOPROXY.
    expect(remote.seen.err).toContain('hint: run the command once without --offline to fill the cache');
    expect(remote.seen.err).not.toContain('set GOPROXY');
    // A local (directory) proxy is no network: read offline with an empty Go cache.
    const local = context(root, './go/proxy', ['lock', '--check', '--offline']);
    expect(await main({ ...local.ctx, env: { MOCHI_GO_BRIDGE_CACHE: await tmp(), GOSUMDB: 'off' } })).toBe(0);
    // With the filled cache, the same check passes offline.
    expect((await lockMain(root, './go/proxy', '--check', '--offline')).code).toBe(0);
  });

  it("says what to do when no module answers an import: the proxy's and the query's hints", async () => {
    const root = await copy();
    await edit(join(root, 'main.mochi'), '"example.com/fmtx/v2@v2.1.0"', '"example.com/nope"');
    const gone = await lockMain(root, './go/proxy');
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('error[go-query-unresolved]: import go "example.com/nope" at main.mochi:');
    expect(gone.err).toContain('hint: check the module path (case matters) and the GOPROXY setting');
    await edit(join(root, 'main.mochi'), '"example.com/nope"', '"example.com/fmtx/v2@v2.9"');
    const none = await lockMain(root, './go/proxy');
    expect(none.code).toBe(1);
    expect(none.err).toContain('module example.com/fmtx/v2: no matching versions for query "v2.9"');
    expect(none.err).toContain('hint: run `mochi-pkg go list example.com/fmtx/v2`');
  });

  it('refuses a malformed import go spec with its location (exit 2)', async () => {
    const root = await copy();
    await edit(join(root, 'main.mochi'), 'fmtx/v2@v2.1.0', 'fmtx/v2@v1.0.0');
    const r = await lock(root, './go/proxy', '--check');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error\[project-import\]: .*main\.mochi:\d+:1: import go "example\.com\/fmtx\/v2@v1\.0\.0": .*should be v2, not v1/,
    );
  });
});
