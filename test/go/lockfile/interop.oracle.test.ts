// Interop with the real go command and x/mod: the lock's h1: sums, go.sum lines and the bundled proxy tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashGoMod, hashZip } from '../../../src/go/dirhash/index.js';
import {
  type GoManifest,
  type GoQuery,
  pathModuleVersion,
  renderGoSum,
  resolveQuery,
} from '../../../src/go/lockfile/index.js';
import { Client } from '../../../src/go/proxy/index.js';
import { parseLock } from '../../../src/project/index.js';
import { findSourceModules } from '../../support/goproxy.js';
import {
  buildGoProgram,
  describeWithOracle,
  goCommandEnv,
  goOracle,
  runOracle,
} from '../../support/oracles.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const example = join(repo, 'examples/weather-report');
const proxyDir = join(example, 'go/proxy');
const ORACLE_SRC = fileURLToPath(new URL('../../oracles/modzip/main.go', import.meta.url));

describeWithOracle(
  goOracle(),
  'import go locks against the real go command (file:// GOPROXY, GOSUMDB=off)',
  () => {
    let tmp = '';
    let go: GoManifest;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      tmp = await mkdtemp(join(tmpdir(), 'mochi-golock-oracle-'));
      go = parseLock(await readFile(join(example, 'mochi.lock'))).go;
      env = {
        ...goCommandEnv(tmp, pathToFileURL(proxyDir).href),
        GONOSUMDB: '',
        GOPRIVATE: '',
        GO111MODULE: 'on',
        GOTOOLCHAIN: 'local',
      };
    });
    afterAll(async () => {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    const proxied = () => go.entries.filter((e) => e.source === 'module-proxy');

    it('zip-h1 and mod-h1 equal the Sum and GoModSum of `go mod download -json`', async () => {
      const dir = join(tmp, 'download');
      execFileSync('mkdir', ['-p', dir]);
      const args = proxied().map((e) => `${e.module}@${e.version}`);
      expect(args).toHaveLength(3);
      const out = execFileSync('go', ['mod', 'download', '-json', ...args], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      // -json prints one object per module, concatenated.
      const objs = JSON.parse(`[${out.replace(/}\s*{/g, '},{')}]`) as {
        Path: string;
        Version: string;
        Sum: string;
        GoModSum: string;
        Error?: string;
      }[];
      expect(objs.map((o) => o.Error)).toEqual(args.map(() => undefined));
      const real = new Map(objs.map((o) => [o.Path, o]));
      for (const e of proxied()) {
        const o = real.get(e.module)!;
        expect([o.Version, o.Sum, o.GoModSum]).toEqual([e.version, e.zipH1, e.modH1]);
      }
      // The query the example writes (`geo@v1`) resolves to the same version in the real go command.
      const q = JSON.parse(
        execFileSync('go', ['mod', 'download', '-json', 'example.com/geo@v1'], {
          cwd: dir,
          env,
          encoding: 'utf8',
        }),
      );
      expect(q.Version).toBe(go.entries.find((e) => e.module === 'example.com/geo')?.version);
    });

    it('resolves every query as the real go command does (and refuses the ones it refuses)', async () => {
      const dir = join(tmp, 'queries');
      execFileSync('mkdir', ['-p', dir]);
      const src = new Client({ baseUrl: pathToFileURL(proxyDir).href });
      const queries: [string, GoQuery][] = [
        ['example.com/geo', 'latest'],
        ['example.com/geo', 'v1'],
        ['example.com/geo', 'v1.0'],
        ['example.com/geo', 'v1.1'],
        ['example.com/geo', 'v1.2'],
        ['example.com/geo', 'v0'],
        ['example.com/fmtx/v2', 'latest'],
        ['example.com/fmtx/v2', 'v2'],
        ['example.com/fmtx/v2', 'v2.0'],
        ['example.com/Temp', 'latest'],
        ['example.com/Temp', 'v0.3'],
        ['example.com/Temp', 'v1'],
      ];
      let agreed = 0;
      for (const [module, query] of queries) {
        const r = spawnSync('go', ['mod', 'download', '-json', `${module}@${query}`], {
          cwd: dir,
          env,
          encoding: 'utf8',
        });
        const real = JSON.parse(r.stdout) as { Version?: string; Error?: string };
        const ours = await resolveQuery(src, module, query).then(
          (v) => v,
          (e: { code?: string }) => `error:${e.code}`,
        );
        if (real.Error === undefined) expect(ours, `${module}@${query}`).toBe(real.Version);
        else expect(ours, `${module}@${query}: go says ${real.Error}`).toMatch(/^error:/);
        agreed++;
      }
      expect(agreed).toBe(queries.length);
    });

    it('writes go.sum lines that `go mod download` and `go mod verify` accept unchanged, and a wrong line is refused', async () => {
      const dir = join(tmp, 'verify');
      execFileSync('mkdir', ['-p', dir]);
      const requires = proxied()
        .map((e) => `\t${e.module} ${e.version}\n`)
        .join('');
      await writeFile(
        join(dir, 'go.mod'),
        `module example.com/check\n\ngo 1.19\n\nrequire (\n${requires})\n`,
      );
      const sum = renderGoSum(go);
      await writeFile(join(dir, 'go.sum'), sum);
      execFileSync('go', ['mod', 'download'], { cwd: dir, env, encoding: 'utf8' });
      expect(execFileSync('go', ['mod', 'verify'], { cwd: dir, env, encoding: 'utf8' })).toBe(
        'all modules verified\n',
      );
      expect(await readFile(join(dir, 'go.sum'), 'utf8')).toBe(sum);

      // A go.sum line that does not match what the proxy serves: the real go refuses it.
      const bad = join(tmp, 'verify-bad');
      execFileSync('mkdir', ['-p', bad]);
      await writeFile(
        join(bad, 'go.mod'),
        `module example.com/check\n\ngo 1.19\n\nrequire (\n${requires})\n`,
      );
      const geo = proxied().find((e) => e.module === 'example.com/geo')!;
      await writeFile(
        join(bad, 'go.sum'),
        sum.replace(geo.zipH1!, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
      );
      const r = spawnSync('go', ['mod', 'download'], {
        cwd: bad,
        env: { ...env, GOMODCACHE: join(tmp, 'modcache-bad') },
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/SECURITY ERROR|checksum mismatch/);
    });

    it('the bundled proxy zips are the zips x/mod makes from the bundled sources, hashed the same', async () => {
      const bin = buildGoProgram(ORACLE_SRC);
      const mods = await findSourceModules(join(example, 'go/src'));
      expect(mods.length).toBe(6);
      for (const m of mods) {
        const escaped = m.module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
        const zip = join(proxyDir, escaped, '@v', `${m.version}.zip`);
        const theirsZip = join(tmp, `${escaped.replace(/\//g, '_')}@${m.version}.zip`);
        expect(runOracle(bin, ['create-from-dir', m.dir, m.module, m.version, theirsZip]).trim()).toBe('ok');
        const xmod = runOracle(bin, ['hashzip', theirsZip]).trim();
        expect(runOracle(bin, ['hashzip', zip]).trim()).toBe(xmod);
        expect(await hashZip(zip, m.module, m.version)).toBe(xmod);
        expect(hashGoMod(await readFile(join(proxyDir, escaped, '@v', `${m.version}.mod`)))).toBe(
          hashGoMod(await readFile(join(m.dir, 'go.mod'))),
        );
      }
    });

    it('a path module hashes as x/mod hashes the zip CreateFromDir makes of its directory', async () => {
      const bin = buildGoProgram(ORACLE_SRC);
      const e = go.entries.find((x) => x.source === 'path')!;
      const version = pathModuleVersion(e.module);
      const out = join(tmp, 'path.zip');
      expect(
        runOracle(bin, ['create-from-dir', join(example, e.localPath!), e.module, version, out]).trim(),
      ).toBe('ok');
      expect(runOracle(bin, ['hashzip', out]).trim()).toBe(e.zipH1);
      expect(hashGoMod(await readFile(join(example, e.localPath!, 'go.mod')))).toBe(e.modH1);
    });
  },
);
