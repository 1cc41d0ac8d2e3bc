// `lock --go-mod --go-sum` end to end: a Mochi project importing cmd/go test-proxy modules gets its whole build list in
// mochi.lock, and the written go.mod/go.sum build offline with the real go, verify, list the same build list and are tidy.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { runLock } from '../../src/cli/commands/lock.js';
import { parseLock } from '../../src/project/index.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../go/support/cmdgoproxy.js';
import { cliWithEnv } from '../support/cli.js';
import { captureStreams } from '../support/files.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../support/oracles.js';
import { buildZip } from '../support/zipbuild.js';

const run = promisify(execFile);
const oracle: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

async function lock(root: string, cache: string, proxy: string, ...argv: string[]) {
  const { stdout, stderr, seen } = captureStreams();
  const ctx = {
    argv: [...argv, '--cwd', root, '--go-proxy', proxy, '--cache-dir', join(cache, 'py')],
    stdout,
    stderr,
    env: { MOCHI_GO_BRIDGE_CACHE: join(cache, 'go'), GOSUMDB: 'off' },
    cwd: root,
  };
  const code = await runLock(ctx, {
    makeBuild: async () => () => {
      throw new Error('no Python imports here');
    },
  });
  return { code, ...seen };
}

describeWithOracle(
  oracle,
  'lock --go-mod --go-sum: the whole build list, buildable offline by the real go',
  () => {
    let proxy: string;
    beforeAll(async () => {
      const root = await mkdtemp(join(tmpdir(), 'cmdgo-proxy-'));
      await writeCmdGoProxy(root);
      proxy = pathToFileURL(root).href;
    }, 60_000);

    it('locks quote → sampler → x/text (+ the test-only import tidy adds) and the bridge builds, verifies, lists and stays tidy', async () => {
      const work = await mkdtemp(join(tmpdir(), 'lock-bridge-'));
      const root = join(work, 'project');
      await mkdir(root);
      await writeFile(
        join(root, 'main.mochi'),
        'import go "rsc.io/quote@v1.5.2" as quote\nimport go "strings" as strings\n\nprint(quote.Hello())\n',
      );
      const w = await lock(root, work, proxy, '--go-mod', 'bridge/go.mod', '--go-sum', 'bridge/go.sum');
      expect(w.err).toBe('');
      expect(w.code).toBe(0);
      const text = await readFile(join(root, 'mochi.lock'), 'utf8');
      const go = parseLock(text).go.entries;
      expect(go.map((e) => [e.module, e.version, e.indirect ?? false, e.require ?? false])).toEqual([
        ['golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c', true, true],
        ['rsc.io/quote', 'v1.5.2', false, false],
        ['rsc.io/sampler', 'v1.3.0', true, true],
        ['rsc.io/testonly', 'v1.0.0', true, true],
      ]);
      const bridge = join(root, 'bridge');
      await writeFile(join(bridge, 'main.go'), 'package main\n\nimport _ "rsc.io/quote"\n\nfunc main() {}\n');
      const env = {
        ...goCommandEnv(join(work, 'gohome'), pathToFileURL(join(work, 'go')).href),
        GOFLAGS: '-mod=readonly -modcacherw',
      };
      const goMod = await readFile(join(bridge, 'go.mod'), 'utf8');
      const goSum = await readFile(join(bridge, 'go.sum'), 'utf8');
      await run('go', ['build', './...'], { cwd: bridge, env });
      expect((await run('go', ['mod', 'verify'], { cwd: bridge, env })).stdout).toBe(
        'all modules verified\n',
      );
      const list = (await run('go', ['list', '-m', 'all'], { cwd: bridge, env })).stdout;
      expect(list).toBe(`mochi.local/bridge\n${go.map((e) => `${e.module} ${e.version}\n`).join('')}`);
      await run('go', ['mod', 'tidy'], { cwd: bridge, env: { ...env, GOFLAGS: '-modcacherw' } });
      expect(await readFile(join(bridge, 'go.mod'), 'utf8')).toBe(goMod);
      expect(await readFile(join(bridge, 'go.sum'), 'utf8')).toBe(goSum);

      // Offline check: every graph go.mod and zip is cached.
      const c = await lock(root, work, 'off', '--check');
      expect(c).toMatchObject({ code: 0, err: '' });
      // Locking again changes nothing.
      const again = await lock(root, work, proxy);
      expect(again.code).toBe(0);
      expect(await readFile(join(root, 'mochi.lock'), 'utf8')).toBe(text);
      // Drift in an indirect entry is found offline. (Not a `require` one: like a go.mod's
      // `// indirect` line, that is where tidy starts, and would need v1.3.1's go.mod.)
      await writeFile(
        join(root, 'mochi.lock'),
        text.replace(
          /rsc\.io\/sampler"\nversion = "v1\.3\.0"\n((?:.+\n)*?)require = true\n/,
          'rsc.io/sampler"\nversion = "v1.3.1"\n$1',
        ),
      );
      const d = await lock(root, work, 'off', '--check');
      expect(d.code).toBe(1);
      expect(d.out).toContain('changed rsc.io/sampler (version');
    }, 120_000);

    it('offers and moves an indirect module as go list -m -u all and go get do, and keeps it there', async () => {
      const work = await mkdtemp(join(tmpdir(), 'lock-bridge-upgrade-'));
      const root = join(work, 'project');
      await mkdir(root);
      await writeFile(join(root, 'main.mochi'), 'import go "rsc.io/quote@v1.5.2" as quote\n');
      const bridgeFlags = ['--go-mod', 'bridge/go.mod', '--go-sum', 'bridge/go.sum'];
      expect(await lock(root, work, proxy, ...bridgeFlags)).toMatchObject({ code: 0, err: '' });
      // The real go, in a main module with the go.mod the lock writes.
      const main = join(work, 'main');
      await mkdir(main);
      await writeFile(join(main, 'main.go'), 'package main\n\nimport _ "rsc.io/quote"\n\nfunc main() {}\n');
      await writeFile(join(main, 'go.mod'), await readFile(join(root, 'bridge/go.mod'), 'utf8'));
      const env = { ...goCommandEnv(join(work, 'gohome'), proxy), GOFLAGS: '-mod=mod -modcacherw' };
      const go = async (...args: string[]) => (await run('go', args, { cwd: main, env })).stdout;
      const updates = new Map(
        [...(await go('list', '-m', '-u', 'all')).matchAll(/^(\S+) \S+ \[(\S+)\]$/gm)].map((m) => [
          m[1]!,
          m[2]!,
        ]),
      );
      expect(updates.get('rsc.io/sampler')).toBe('v1.99.99');
      const outdated = await cliWithEnv(
        { MOCHI_GO_BRIDGE_CACHE: join(work, 'go'), GOSUMDB: 'off' },
        'outdated',
        '--cwd',
        root,
        '--go-proxy',
        proxy,
        '--json',
      );
      expect(outdated.err).toBe('');
      const rows = JSON.parse(outdated.out).rows as { name: string; locked: string; allowed: string }[];
      for (const r of rows) expect([r.name, r.allowed]).toEqual([r.name, updates.get(r.name) ?? r.locked]);

      // go get rsc.io/sampler@v1.3.1 (then tidy) and lock --upgrade-package rsc.io/sampler@v1.3.1.
      const tidy = async (...get: string[]) => {
        await go('get', ...get);
        await go('mod', 'tidy');
        return readFile(join(main, 'go.mod'), 'utf8');
      };
      for (const get of ['rsc.io/sampler@v1.3.1', 'rsc.io/sampler']) {
        const want = await tidy(get);
        const r = await lock(root, work, proxy, '--upgrade-package', get, ...bridgeFlags);
        expect([get, r.code, r.err]).toEqual([get, 0, '']);
        expect(await readFile(join(root, 'bridge/go.mod'), 'utf8')).toBe(want);
        // The next lock keeps it, as the go.mod's `// indirect` line keeps it for go.
        const again = await lock(root, work, proxy, ...bridgeFlags);
        expect([again.code, again.out]).toEqual([0, expect.stringContaining('mochi.lock: up to date')]);
        expect(await readFile(join(root, 'bridge/go.mod'), 'utf8')).toBe(want);
      }
      expect(await readFile(join(root, 'bridge/go.mod'), 'utf8')).toContain(
        'rsc.io/sampler v1.99.99 // indirect',
      );
    }, 120_000);

    it('keeps an indirect module at a retracted version with nothing newer, as go get <module> keeps it', async () => {
      const work = await mkdtemp(join(tmpdir(), 'lock-bridge-retracted-'));
      // The test proxy plus example.com/usesprev, whose package imports the retracted
      // example.com/retract/self/prev v1.9.0 (only v1.1.0, lower, is unretracted).
      const px = join(work, 'proxy');
      await writeCmdGoProxy(px);
      const goMod =
        'module example.com/usesprev\n\ngo 1.19\n\nrequire example.com/retract/self/prev v1.9.0\n';
      const dir = join(px, 'example.com/usesprev/@v');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'list'), 'v1.0.0\n');
      await writeFile(join(dir, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}\n');
      await writeFile(join(dir, 'v1.0.0.mod'), goMod);
      await writeFile(
        join(dir, 'v1.0.0.zip'),
        buildZip([
          { name: 'example.com/usesprev@v1.0.0/go.mod', data: Buffer.from(goMod) },
          {
            name: 'example.com/usesprev@v1.0.0/u.go',
            data: Buffer.from('package usesprev\n\nimport _ "example.com/retract/self/prev"\n'),
          },
        ]),
      );
      const url = pathToFileURL(px).href;
      const root = join(work, 'project');
      await mkdir(root);
      await writeFile(join(root, 'main.mochi'), 'import go "example.com/usesprev@v1.0.0" as u\n');
      const bridgeFlags = ['--go-mod', 'bridge/go.mod', '--go-sum', 'bridge/go.sum'];
      expect(await lock(root, work, url, ...bridgeFlags)).toMatchObject({ code: 0 });
      const main = join(work, 'main');
      await mkdir(main);
      await writeFile(
        join(main, 'main.go'),
        'package main\n\nimport _ "example.com/usesprev"\n\nfunc main() {}\n',
      );
      await writeFile(join(main, 'go.mod'), await readFile(join(root, 'bridge/go.mod'), 'utf8'));
      const env = { ...goCommandEnv(join(work, 'gohome'), url), GOFLAGS: '-mod=mod -modcacherw' };
      await run('go', ['get', 'example.com/retract/self/prev'], { cwd: main, env });
      await run('go', ['mod', 'tidy'], { cwd: main, env });
      const want = await readFile(join(main, 'go.mod'), 'utf8');
      expect(want).toContain('example.com/retract/self/prev v1.9.0 // indirect');
      const r = await lock(
        root,
        work,
        url,
        '--upgrade-package',
        'example.com/retract/self/prev',
        ...bridgeFlags,
      );
      expect(r.code).toBe(0);
      expect(await readFile(join(root, 'bridge/go.mod'), 'utf8')).toBe(want);
    }, 120_000);

    it('refuses to pin a program (package main), as go build refuses to import one', async () => {
      const work = await mkdtemp(join(tmpdir(), 'lock-bridge-main-'));
      const root = join(work, 'project');
      await mkdir(root);
      await writeFile(join(root, 'main.mochi'), 'import go "rsc.io/fortune" as fortune\n');
      const r = await lock(root, work, proxy, '--go-mod', 'bridge/go.mod', '--go-sum', 'bridge/go.sum');
      expect(r.out).toBe('');
      expect(r.err).toContain(
        'error[go-import-main]: import "rsc.io/fortune" is a program, not an importable package (rsc.io/fortune@v1.0.0)',
      );
      expect(r.err).toContain('hint: import a library package of rsc.io/fortune');
      expect(r.code).toBe(2);
      for (const f of ['mochi.lock', 'bridge/go.mod', 'bridge/go.sum']) {
        await expect(readFile(join(root, f))).rejects.toMatchObject({ code: 'ENOENT' });
      }
      // The real go, given the same import, fails the build with the same words.
      const main = join(work, 'main');
      await mkdir(main);
      await writeFile(join(main, 'go.mod'), 'module m\n\ngo 1.19\n\nrequire rsc.io/fortune v1.0.0\n');
      await writeFile(join(main, 'main.go'), 'package main\n\nimport _ "rsc.io/fortune"\n\nfunc main() {}\n');
      const env = { ...goCommandEnv(join(work, 'gohome'), proxy), GOFLAGS: '-mod=mod -modcacherw' };
      const go = await run('go', ['build', './...'], { cwd: main, env }).then(
        () => '',
        (e: { stderr: string }) => e.stderr,
      );
      expect(go).toContain('import "rsc.io/fortune" is a program, not an importable package');
    }, 120_000);
  },
);
