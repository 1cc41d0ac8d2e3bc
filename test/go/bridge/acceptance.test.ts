// The buildable Go side: on cmd/go's test proxy, the go.mod/go.sum mochi-pkg writes build offline with the real go, verify, list the same build list and are tidy.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { goModSummary } from '../../../src/go/bridge/index.js';
import { loadModuleGraph, ModuleGraphError } from '../../../src/go/mvs/index.js';
import { Client } from '../../../src/go/proxy/index.js';
import { describeWithOracle, goCommandEnv, goOracle, type Oracle } from '../../support/oracles.js';
import { haveCmdGoTestdata, writeCmdGoProxy } from '../support/cmdgoproxy.js';
import { type GenOptions, generateGraph, writePackageProxy } from '../support/gengraph.js';
import { accept, type Program } from './harness.js';

const run = promisify(execFile);

const oracle: Oracle =
  goOracle().available && !haveCmdGoTestdata()
    ? { available: false, reason: "cmd/go's testdata/mod is missing (apt-get install golang-1.19-src)" }
    : goOracle();

const PROGRAMS: Record<string, Program> = {
  'rsc.io/quote → sampler → x/text': {
    require: [{ path: 'rsc.io/quote', version: 'v1.5.2' }],
    packages: ['rsc.io/quote'],
  },
  'quote v1.5.1 raised by sampler-free chain': {
    require: [
      { path: 'rsc.io/quote', version: 'v1.5.1' },
      { path: 'rsc.io/sampler', version: 'v1.3.1' },
    ],
    packages: ['rsc.io/quote', 'rsc.io/sampler'],
  },
  'quote/v3 and quote/v2 (major versions)': {
    require: [
      { path: 'rsc.io/quote/v3', version: 'v3.0.0' },
      { path: 'rsc.io/quote/v2', version: 'v2.0.1' },
    ],
    packages: ['rsc.io/quote/v3', 'rsc.io/quote/v2'],
  },
  'split: a package moved to its own module': {
    require: [{ path: 'example.com/split/subpkg', version: 'v1.1.0' }],
    packages: ['example.com/split/subpkg'],
  },
  'join: a package moved into its parent module': {
    require: [{ path: 'example.com/join', version: 'v1.1.0' }],
    packages: ['example.com/join/subpkg'],
  },
  'retract: a module that retracts some of its versions': {
    require: [{ path: 'example.com/retract', version: 'v1.1.0' }],
    packages: ['example.com/retract'],
  },
};

describeWithOracle(oracle, 'bridge go.mod/go.sum build offline with the real go (cmd/go test proxy)', () => {
  let proxy: string;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'cmdgo-proxy-'));
    await writeCmdGoProxy(root);
    proxy = pathToFileURL(root).href;
  }, 60_000);
  for (const [name, program] of Object.entries(PROGRAMS)) {
    it(`${name}: go build, go mod verify, go list -m all, go mod tidy`, async () => {
      const v = await accept(proxy, program);
      expect(v.verify).toBe('all modules verified\n');
      expect(v.ours).toBe(v.goList);
      expect(v.tidyGoMod).toBe(v.goMod);
      expect(v.tidyGoSum).toBe(v.goSum);
    }, 120_000);
  }
});

const GENERATED: GenOptions[] = [
  { seed: 21, modules: 12, maxRequire: 3, mainRequire: 3 },
  { seed: 22, modules: 25, maxRequire: 4, mainRequire: 5, versions: 4 },
  { seed: 23, modules: 40, maxRequire: 3, mainRequire: 6 },
  { seed: 24, modules: 60, maxRequire: 5, mainRequire: 8, versions: 2 },
];

describeWithOracle(
  goOracle(),
  'bridge go.mod/go.sum build offline with the real go (generated graphs)',
  () => {
    for (const o of GENERATED) {
      it(`seed ${o.seed}: ${o.modules} paths with diamonds, cycles, /v2 majors and +incompatible versions`, async () => {
        const g = generateGraph(o);
        const root = await mkdtemp(join(tmpdir(), `gen-proxy-${o.seed}-`));
        await writePackageProxy(root, g, o.seed);
        const program: Program = { require: g.main.require, packages: g.main.require.map((r) => r.path) };
        const v = await accept(pathToFileURL(root).href, program);
        expect(v.verify).toBe('all modules verified\n');
        expect(v.ours).toBe(v.goList);
        expect(v.tidyGoMod).toBe(v.goMod);
        expect(v.tidyGoSum).toBe(v.goSum);
      }, 180_000);
    }
  },
);

describeWithOracle(oracle, 'a broken chain fails as go fails (cmd/go test proxy badchain)', () => {
  it('names the requirement chain to the go.mod that declares another path, in go list -m all wording', async () => {
    const root = await mkdtemp(join(tmpdir(), 'badchain-'));
    await writeCmdGoProxy(join(root, 'proxy'));
    const url = pathToFileURL(join(root, 'proxy')).href;
    const main = join(root, 'main');
    await mkdir(main);
    await writeFile(join(main, 'go.mod'), 'module m\n\ngo 1.16\n\nrequire example.com/badchain/a v1.1.0\n');
    const env = { ...goCommandEnv(join(root, 'go'), url), GOFLAGS: '-mod=mod -modcacherw' };
    const go = await run('go', ['list', '-m', 'all'], { cwd: main, env }).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    const source = new Client({ baseUrl: url });
    const err = await loadModuleGraph(
      { path: 'm', goVersion: '1.16', require: [{ path: 'example.com/badchain/a', version: 'v1.1.0' }] },
      async (actual) =>
        goModSummary(
          `${actual.path}@${actual.version}/go.mod`,
          await source.mod(actual.path, actual.version),
        ),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModuleGraphError);
    expect((err as ModuleGraphError).code).toBe('go-graph-module-path');
    expect(go).toBe(`go: ${(err as ModuleGraphError).message}\n`);
  }, 60_000);
});
