// `sync --go-vendor` against the real `go mod vendor` (Go 1.19): the same files, byte for byte, the same modules.txt,
// on modules that exercise its rules (tests, ignored files, license files of parent folders, embeds, replacements).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { openZip, readEntries } from '../../src/util/zip.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../go/support/cmdgoproxy.js';
import { fixtureModule, writeProxyTree } from '../go/support/modules.js';
import { goOnly } from '../support/cli.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../support/oracles.js';
import { buildZip } from '../support/zipbuild.js';

const run = promisify(execFile);

/** Every file and folder under `dir`: relative path → bytes (`null` for a folder). */
async function snapshot(dir: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        out.set(p, null);
        await walk(p);
      } else out.set(p, (await readFile(join(dir, p))).toString('base64'));
    }
  };
  await walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

// The modules: `a` is what the program imports; its test imports `c` (a dependency's test: not
// vendored); `b` has no go directive and license files at several levels; `d` only the bridge's
// own test imports; `local` replaces a module by a project folder.
const MODS = [
  fixtureModule('example.com/a', 'v1.0.0', {
    'go.mod':
      'module example.com/a\n\ngo 1.18\n\nrequire (\n\texample.com/b v1.2.0\n\texample.com/c v1.0.0\n)\n',
    'a.go':
      'package a\n\nimport (\n\t"embed"\n\n\t_ "example.com/b/sub"\n)\n\n//go:embed static/*.txt "all:data" `more`\nvar FS embed.FS\n\nvar s = "//go:embed nope"\n',
    'a_test.go': 'package a\n\nimport _ "example.com/c"\n',
    'x_test.go': 'package a_test\n\nimport "embed"\n\n//go:embed testonly.txt\nvar T embed.FS\n',
    'testonly.txt': 'test embed\n',
    // Tagged ignore, another package clause: not copied, yet its embeds are (go/build reads every file).
    'ignored.go':
      '//go:build ignore\n\npackage main\n\nimport (\n\t"embed"\n\t_ "example.com/nowhere"\n)\n\n//go:embed extra\nvar M embed.FS\n',
    'extra/e.txt': 'e\n',
    'linux.go': '//go:build linux\n\npackage a\n',
    '_under.go': 'package a\n',
    'doc.txt': 'not go\n',
    LICENSE: 'license a\n',
    'README.md': 'readme\n',
    'static/x.txt': 'x\n',
    'static/y.bin': 'y\n',
    'static/.hidden.txt': 'hidden\n',
    'data/_u.txt': 'u\n',
    'data/.v': 'v\n',
    'data/sub/w.txt': 'w\n',
    'more/m.txt': 'm\n',
    'more/_skip.txt': 'skip\n',
    'testdata/t.txt': 't\n',
    'unused/u.go': 'package unused\n',
  }),
  fixtureModule('example.com/b', 'v1.2.0', {
    'go.mod': 'module example.com/b\n',
    'b.go': 'package b\n',
    LICENSE: 'license b\n',
    'NOTICE.md': 'notice b\n',
    'sub/sub.go': 'package sub\n\nimport _ "example.com/b/sub/deeper"\n',
    'sub/COPYING': 'copying sub\n',
    'sub/deeper/d.go': 'package deeper\n',
    'sub/deeper/d_test.go': 'package deeper\n',
    'sub/deeper/go.sum': 'not copied\n',
    'other/AUTHORS': 'authors other\n',
    'other/o.go': 'package other\n',
  }),
  fixtureModule('example.com/c', 'v1.0.0', { 'c.go': 'package c\n' }),
  fixtureModule('example.com/d', 'v1.1.0', {
    'd.go': 'package d\n',
    'd_test.go': 'package d\n\nimport _ "example.com/c"\n',
    PATENTS: 'patents d\n',
  }),
];

const oracle: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

describeWithOracle(oracle, 'sync --go-vendor: the files and modules.txt of go mod vendor (Go 1.19)', () => {
  let work: string;
  let root: string;
  let proxy: string;
  let bridge: string;
  const syncArgs = () => [
    '--frozen',
    '--target',
    '3.11-linux',
    '--cache-dir',
    join(work, 'py'),
    '--go-cache-dir',
    join(work, 'gomodcache', 'cache', 'download'),
    '--go-proxy',
    proxy,
    '--go-vendor',
  ];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sync-vendor-'));
    // Hand-made modules and cmd/go's own test modules (rsc.io/quote → sampler → golang.org/x/text).
    await writeCmdGoProxy(join(work, 'proxy'));
    await writeProxyTree(join(work, 'proxy'), MODS);
    proxy = pathToFileURL(join(work, 'proxy')).href;
    root = join(work, 'project');
    await mkdir(join(root, 'local', 'inner'), { recursive: true });
    await writeFile(join(root, 'local', 'go.mod'), 'module example.com/local\n\ngo 1.17\n');
    await writeFile(join(root, 'local', 'l.go'), 'package local\n\nimport _ "example.com/local/inner"\n');
    await writeFile(join(root, 'local', 'LICENSE'), 'license local\n');
    await writeFile(join(root, 'local', 'inner', 'i.go'), 'package inner\n');
    await writeFile(join(root, 'local', 'inner', 'i_test.go'), 'package inner\n');
    await writeFile(
      join(root, 'main.mochi'),
      [
        'import go "example.com/a@v1.0.0" as a',
        'import go "example.com/d@v1.1.0" as d',
        'import go "example.com/local@path+local" as local',
        'import go "rsc.io/quote@v1.5.2" as quote',
        '',
      ].join('\n'),
    );
    const l = await goOnly('lock', root, [
      '--go-proxy',
      proxy,
      '--go-cache-dir',
      join(work, 'lockcache'),
      '--cache-dir',
      join(work, 'py'),
    ]);
    expect(l).toMatchObject({ code: 0, err: '' });
    // The bridge's own Go files: a main package and its test (d is imported by the test only).
    bridge = join(root, '.mochi', 'go');
    await mkdir(join(bridge, 'tools'), { recursive: true });
    await writeFile(
      join(bridge, 'main.go'),
      'package main\n\nimport (\n\t_ "example.com/a"\n\t_ "example.com/local"\n\t_ "rsc.io/quote"\n)\n\nfunc main() {}\n',
    );
    await writeFile(join(bridge, 'main_test.go'), 'package main\n\nimport _ "example.com/d"\n');
    await writeFile(
      join(bridge, 'tools', 'ignored.go'),
      '//go:build ignore\n\npackage tools\n\nimport _ "example.com/c"\n',
    );
  }, 60_000);

  it('writes the same vendor/ as go mod vendor, and go build -mod=vendor works offline', async () => {
    const s = await goOnly('sync', root, [...syncArgs(), '--json']);
    expect(s).toMatchObject({ code: 0, err: '' });
    const vendor = JSON.parse(s.out).go.vendor;
    expect(vendor).toMatchObject({ upToDate: false, packages: 9 });
    const ours = await snapshot(join(bridge, 'vendor'));

    // The reference: the same bridge (go.mod, go.sum, Go files) in a copy, vendored by go.
    // (beside it, so that its `replace … => ../../local` names the same folder).
    const ref = join(root, '.mochi', 'goref');
    await cp(bridge, ref, { recursive: true, filter: (p) => !p.includes('/vendor') });
    const env = { ...goCommandEnv(join(work, 'go'), proxy), GOFLAGS: '-mod=mod -modcacherw' };
    await run('go', ['mod', 'vendor'], { cwd: ref, env });
    const theirs = await snapshot(join(ref, 'vendor'));
    expect(Buffer.from(ours.get('modules.txt') as string, 'base64').toString()).toBe(
      Buffer.from(theirs.get('modules.txt') as string, 'base64').toString(),
    );
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    expect(ours).toEqual(theirs);
    // Sanity of the case itself: the rules it is meant to exercise did apply.
    expect(ours.has('example.com/a/static/x.txt')).toBe(true);
    expect(ours.has('example.com/a/data/_u.txt')).toBe(true);
    expect(ours.has('example.com/a/testonly.txt')).toBe(true);
    expect(ours.has('example.com/a/a_test.go')).toBe(false);
    expect(ours.has('example.com/c')).toBe(false);
    expect(ours.has('example.com/a/ignored.go')).toBe(false);
    expect(ours.has('example.com/a/extra/e.txt')).toBe(true);

    await run('go', ['build', '-mod=vendor', '-o', join(work, 'bridge.bin'), '.'], {
      cwd: bridge,
      env: { ...goCommandEnv(join(work, 'go-off'), 'off'), GOFLAGS: '-mod=vendor' },
    });

    // Again: nothing changes, and vendor/ is reported up to date.
    const again = await goOnly('sync', root, [...syncArgs(), '--json', '--offline']);
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(again.out).go.vendor).toMatchObject({ upToDate: true });
    expect(await snapshot(join(bridge, 'vendor'))).toEqual(ours);
  }, 60_000);

  it('replaces a vendor/ that differs (extra, changed and missing files) and recovers one moved aside', async () => {
    const vendorDir = join(bridge, 'vendor');
    const want = await snapshot(vendorDir);
    await writeFile(join(vendorDir, 'extra.txt'), 'extra\n');
    await writeFile(join(vendorDir, 'example.com', 'a', 'a.go'), 'package changed\n');
    await rm(join(vendorDir, 'example.com', 'b', 'LICENSE'));
    const s = await goOnly('sync', root, [...syncArgs(), '--json', '--offline']);
    expect(s).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(s.out).go.vendor).toMatchObject({ upToDate: false });
    expect(await snapshot(vendorDir)).toEqual(want);
    // A run that died after moving the old vendor/ aside: the next run starts from it.
    await cp(vendorDir, join(bridge, '.vendor.old'), { recursive: true });
    await rm(vendorDir, { recursive: true });
    const again = await goOnly('sync', root, [...syncArgs(), '--json', '--offline']);
    expect(JSON.parse(again.out).go.vendor).toMatchObject({ upToDate: true });
    expect(await snapshot(vendorDir)).toEqual(want);
    expect(await readdir(bridge)).not.toContain('.vendor.old');
  }, 60_000);

  it('sync --check --go-vendor compares vendor/ with the lock and writes nothing', async () => {
    const vendorDir = join(bridge, 'vendor');
    const want = await snapshot(vendorDir);
    const check = () => goOnly('sync', root, [...syncArgs(), '--check', '--offline']);
    const clean = await check();
    expect(clean).toMatchObject({ code: 0, err: '' });
    expect(clean.out).toMatch(/vendor: up to date \(/);
    await writeFile(join(vendorDir, 'example.com', 'a', 'a.go'), 'package changed\n');
    const after = await snapshot(vendorDir);
    const drift = await check();
    expect(drift.code).toBe(1);
    expect(drift.out).toMatch(/vendor: differs from mochi\.lock/);
    expect(drift.err).toMatch(/sync-drift/);
    const json = await goOnly('sync', root, [...syncArgs(), '--check', '--offline', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).go).toMatchObject({ upToDate: true, vendor: { upToDate: false } });
    // Nothing was written by the checks.
    expect(await snapshot(vendorDir)).toEqual(after);
    const fixed = await goOnly('sync', root, [...syncArgs(), '--offline']);
    expect(fixed.code).toBe(0);
    expect(await snapshot(vendorDir)).toEqual(want);
    expect((await check()).code).toBe(0);
    // With a module cache that lacks the locked modules, a sync would fetch them first: a difference.
    const args = syncArgs();
    args[args.indexOf('--go-cache-dir') + 1] = join(work, 'empty-go-cache');
    const cold = await goOnly('sync', root, [...args, '--check', '--offline', '--json']);
    expect(cold.code).toBe(1);
    expect(JSON.parse(cold.out).go.vendor).toMatchObject({ upToDate: false });
    expect(await snapshot(vendorDir)).toEqual(want);
    expect(existsSync(join(work, 'empty-go-cache'))).toBe(false);
  }, 60_000);

  it('never vendors from a cached zip whose bytes do not hash as the lock pins', async () => {
    const vendorDir = join(bridge, 'vendor');
    const want = await snapshot(vendorDir);
    const zip = join(work, 'gomodcache', 'cache', 'download', 'example.com', 'a', '@v', 'v1.0.0.zip');
    const good = await readFile(zip);
    // A well-formed zip of the same files, a.go's body changed (the .ziphash sidecar left as it was).
    const archive = await openZip(good);
    const entries: { name: string; data: string }[] = [];
    await readEntries(archive, archive.entries, (e, body) => {
      const data = (body as Buffer).toString('utf8');
      entries.push({
        name: e.name,
        data: e.name.endsWith('/a.go') ? data.replace('package a', 'package b') : data,
      });
    });
    expect(entries.some((e) => e.data.startsWith('package b'))).toBe(true);
    const evil = buildZip(entries);
    await writeFile(zip, evil);
    await rm(vendorDir, { recursive: true });
    // Offline with a remote proxy (never asked; a local file:// one would be read offline).
    const remote = syncArgs().map((a) => (a === proxy ? 'http://127.0.0.1:9' : a));
    const offline = await goOnly('sync', root, [...remote, '--offline']);
    expect(offline.code).not.toBe(0);
    expect(offline.err).toMatch(/example\.com\/a@v1\.0\.0/);
    expect(existsSync(vendorDir)).toBe(false);
    // Online, the entry is refused, fetched again and vendor/ is what go writes.
    const online = await goOnly('sync', root, syncArgs());
    expect(online.code).toBe(0);
    expect(await readFile(zip)).toEqual(good);
    expect(await snapshot(vendorDir)).toEqual(want);
  }, 60_000);
});
