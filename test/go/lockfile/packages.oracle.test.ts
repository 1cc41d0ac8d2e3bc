// import go paths are packages: the module providing each is the one `go get <path>@<query>` picks, differential against the real go.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cache } from '../../../src/go/cache/index.js';
import { lockBuildList, pinGoImports } from '../../../src/go/lockfile/index.js';
import { Client } from '../../../src/go/proxy/index.js';
import { mapInOrder } from '../../../src/util/pool.js';
import { describeWithOracle, goCommandEnv, goOracle } from '../../support/oracles.js';
import { buildZip } from '../../support/zipbuild.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../support/cmdgoproxy.js';
import { fixtureModule, writeProxyTree } from '../support/modules.js';

const execFileAsync = promisify(execFile);
const oracle = haveCmdGoTestdata()
  ? goOracle()
  : { available: false, reason: 'cmd/go test modules missing (apt-get install golang-1.19-src)' };

/** Generated modules beside cmd/go's: a package in two modules, a pre-module v2, a /v2 module. */
function generated() {
  const old = {
    path: 'example.org/old',
    version: 'v2.0.0+incompatible',
    info: JSON.stringify({ Version: 'v2.0.0+incompatible', Time: '2023-01-02T03:04:05Z' }),
    mod: Buffer.from('module example.org/old\n'),
    zip: buildZip([{ name: 'example.org/old@v2.0.0+incompatible/old.go', data: 'package old\n' }]),
  };
  return [
    fixtureModule('example.org/amb', 'v1.0.0', {
      'amb.go': 'package amb\n',
      'nested/pkg/pkg.go': 'package pkg\n',
    }),
    fixtureModule('example.org/amb/nested', 'v1.0.0', { 'pkg/pkg.go': 'package pkg\n' }),
    fixtureModule('example.org/user', 'v1.0.0', {
      'go.mod': 'module example.org/user\n\ngo 1.19\n\nrequire example.org/amb v1.0.0\n',
      'user.go': 'package user\n\nimport _ "example.org/amb"\n',
    }),
    old,
    fixtureModule('example.org/mv', 'v1.0.0', { 'mv.go': 'package mv\n' }),
    fixtureModule('example.org/mv/v2', 'v2.0.0', { 'mv.go': 'package mv\n' }),
    // A test import of a dependency that no required module provides: @latest skips the retracted v1.1.0.
    fixtureModule('example.org/lib', 'v1.0.0', {
      'lib.go': 'package lib\n',
      'lib_test.go': 'package lib\n\nimport _ "example.org/testdep"\n',
    }),
    fixtureModule('example.org/testdep', 'v1.0.0', { 'testdep.go': 'package testdep\n' }),
    fixtureModule('example.org/testdep', 'v1.1.0', {
      'go.mod': 'module example.org/testdep\n\ngo 1.19\n\nretract v1.1.0 // broken\n',
      'testdep.go': 'package testdep\n',
    }),
    // A directory whose only file is excluded by every build: go still counts it as the package's.
    fixtureModule('example.org/tags', 'v1.0.0', {
      'tags.go': 'package tags\n',
      'only/x.go': '//go:build linux && !linux\n\npackage only\n',
    }),
  ];
}

let root: string;
let proxy: string;
beforeAll(async () => {
  if (!oracle.available) return;
  root = await mkdtemp(join(tmpdir(), 'mochi-gopkg-'));
  await writeCmdGoProxy(join(root, 'proxy'));
  await writeProxyTree(join(root, 'proxy'), generated());
  // What a public proxy answers for a pre-module repository's v2 tag: the +incompatible version.
  await writeFile(
    join(root, 'proxy/example.org/old/@v/v2.0.0.info'),
    JSON.stringify({ Version: 'v2.0.0+incompatible', Time: '2023-01-02T03:04:05Z' }),
  );
  proxy = pathToFileURL(join(root, 'proxy')).href;
}, 120_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Outcome {
  readonly module?: string;
  readonly error?: string;
}

/**
 * `go get <spec>` in a fresh main module, then the module `go list -e` says provides the package
 * (`-e`: a package whose files this platform excludes still has its module).
 */
async function goGet(specs: readonly string[], pkg: string): Promise<Outcome> {
  const work = await mkdtemp(join(root, 'go-'));
  const env = { ...goCommandEnv(work, proxy), GOFLAGS: '-mod=mod -modcacherw', GO111MODULE: 'on' };
  await writeFile(join(work, 'go.mod'), 'module example.com/main\n\ngo 1.19\n');
  try {
    await execFileAsync('go', ['get', ...specs], { cwd: work, env });
    const { stdout } = await execFileAsync(
      'go',
      ['list', '-e', '-f', '{{with .Module}}{{.Path}} {{.Version}}{{end}}', pkg],
      { cwd: work, env },
    );
    return { module: stdout.trim() };
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? '');
    const lines = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('go: downloading '));
    return { error: lines.join('\n') };
  }
}

/** The build list `go mod tidy` leaves for a main package importing `pkg` of `spec`. */
async function goTidy(spec: string, pkg: string): Promise<string[]> {
  const work = await mkdtemp(join(root, 'tidy-'));
  const env = { ...goCommandEnv(work, proxy), GOFLAGS: '-mod=mod -modcacherw', GO111MODULE: 'on' };
  await writeFile(join(work, 'go.mod'), 'module example.com/main\n\ngo 1.19\n');
  await writeFile(
    join(work, 'main.go'),
    `package main\n\nimport _ ${JSON.stringify(pkg)}\n\nfunc main() {}\n`,
  );
  await execFileAsync('go', ['get', spec], { cwd: work, env });
  await execFileAsync('go', ['mod', 'tidy'], { cwd: work, env });
  const { stdout } = await execFileAsync('go', ['list', '-m', 'all'], { cwd: work, env });
  return stdout.trim().split('\n').slice(1);
}

/** Our pin of one `import go` spec. */
async function ours(specs: readonly string[], build = false): Promise<Outcome> {
  const work = await mkdtemp(join(root, 'ours-'));
  const cache = await Cache.open(join(work, 'cache'));
  const source = new Client({ baseUrl: proxy });
  try {
    const pinned = await pinGoImports({
      imports: specs.map((spec, i) => ({ spec, alias: `a${i}` })),
      projectRoot: work,
      cache,
      source,
    });
    if (build) {
      await lockBuildList({
        direct: pinned.manifest,
        packages: pinned.packages,
        projectRoot: work,
        cache,
        source,
      });
    }
    const m = pinned.modules[0]!;
    return { module: `${m.module} ${m.version}` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const cases: readonly [spec: string, pkg: string][] = [
  ['rsc.io/quote@v1.5.2', 'rsc.io/quote'],
  ['rsc.io/quote/buggy@v1.5.2', 'rsc.io/quote/buggy'],
  ['rsc.io/quote/v2@v2.0.1', 'rsc.io/quote/v2'],
  ['rsc.io/quote@v2.0.0', 'rsc.io/quote'],
  ['example.net/ambiguous/nested/pkg@v0.1.0', 'example.net/ambiguous/nested/pkg'],
  ['example.com/ambiguous/a/b@latest', 'example.com/ambiguous/a/b'],
  ['example.com/retract/self/prev@latest', 'example.com/retract/self/prev'],
  ['example.org/old@v2.0.0', 'example.org/old'],
  ['example.org/tags/only@v1.0.0', 'example.org/tags/only'],
  ['rsc.io/quote/nothere@v1.5.2', 'rsc.io/quote/nothere'],
  ['rsc.io/quote/nothere@latest', 'rsc.io/quote/nothere'],
];

describeWithOracle(oracle, 'import go package paths resolve to the module go get picks', () => {
  it('agrees with go get on module, version and not-in-module errors', async () => {
    const results = await mapInOrder(cases, 2, async ([spec, pkg]) => ({
      spec,
      go: await goGet([spec], pkg),
      ours: await ours([spec]),
    }));
    for (const r of results) {
      if (r.go.module !== undefined) {
        expect({ spec: r.spec, module: r.ours.module, error: r.ours.error }).toEqual({
          spec: r.spec,
          module: r.go.module,
          error: undefined,
        });
      } else {
        // go's words, after its `go: ` prefix, are ours too.
        expect(r.ours.error, r.spec).toContain(r.go.error!.replace(/^go: /, ''));
      }
    }
  }, 120_000);

  it('refuses a module that exists at no prefix, as go does', async () => {
    const go = await goGet(['example.org/nosuch/pkg'], 'example.org/nosuch/pkg');
    const mine = await ours(['example.org/nosuch/pkg']);
    expect(go.error).toBeDefined();
    expect(mine.error).toMatch(/example\.org\/nosuch\/pkg.*not found|no such file|404/);
  }, 60_000);

  it('refuses a v2+ version of a module with a go.mod at that major, in cmd/go words', async () => {
    const go = await goGet(['example.org/mv@v2.0.0'], 'example.org/mv');
    expect(go.error).toBeDefined();
    const mine = await ours(['example.org/mv@v2.0.0']);
    expect(mine.error).toContain(
      'example.org/mv@v2.0.0: invalid version: module contains a go.mod file, so module path must match major version ("example.org/mv/v2")',
    );
  }, 60_000);

  it('a test import no module provides takes @latest without retracted versions, as go mod tidy', async () => {
    const go = await goTidy('example.org/lib@v1.0.0', 'example.org/lib');
    const work = await mkdtemp(join(root, 'ours-'));
    const cache = await Cache.open(join(work, 'cache'));
    const source = new Client({ baseUrl: proxy });
    const pinned = await pinGoImports({
      imports: [{ spec: 'example.org/lib@v1.0.0', alias: 'lib' }],
      projectRoot: work,
      cache,
      source,
    });
    const built = await lockBuildList({
      direct: pinned.manifest,
      packages: pinned.packages,
      projectRoot: work,
      cache,
      source,
    });
    const mine = built.manifest.entries.map((e) => `${e.module} ${e.version}`);
    expect(go).toContain('example.org/testdep v1.0.0');
    expect(mine).toEqual(go);
  }, 60_000);

  it('a package two modules of the build list provide is an ambiguous import, in go words', async () => {
    const specs = ['example.org/amb/nested/pkg@v1.0.0', 'example.org/user@v1.0.0'];
    const go = await goGet(specs, 'example.org/amb/nested/pkg');
    const mine = await ours(specs, true);
    const header = 'ambiguous import: found package example.org/amb/nested/pkg in multiple modules:';
    const modules = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('\t'))
        .map((l) => l.trim().split(' (')[0]);
    expect(go.error).toContain(header);
    expect(mine.error).toContain(header);
    expect(modules(mine.error!)).toEqual(modules(go.error!));
    expect(modules(go.error!)).toEqual(['example.org/amb v1.0.0', 'example.org/amb/nested v1.0.0']);
  }, 60_000);
});
