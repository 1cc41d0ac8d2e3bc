import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cache } from '../../../src/go/cache/index.js';
import {
  GoChecksumError,
  type GoImport,
  GoImportSpecError,
  GoPinError,
  pinGoImports,
  resolveQuery,
} from '../../../src/go/lockfile/index.js';
import { Client, type ModuleSource } from '../../../src/go/proxy/index.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const example = join(repo, 'examples/weather-report');
const proxyUrl = pathToFileURL(join(example, 'go/proxy')).href;
const dirs: string[] = [];
let root: string;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mochi-golock-'));
  dirs.push(d);
  return d;
}
beforeAll(async () => {
  root = await tmp();
  await cp(join(example, 'go/local'), join(root, 'go/local'), { recursive: true });
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The example's file:// proxy, counting every request. */
function counting(): ModuleSource & { calls: string[] } {
  const c = new Client({ baseUrl: proxyUrl });
  const calls: string[] = [];
  const log = <T>(call: string, f: () => Promise<T>): Promise<T> => {
    calls.push(call);
    return f();
  };
  return {
    calls,
    list: (m) => log(`list ${m}`, () => c.list(m)),
    info: (m, v) => log(`info ${m}@${v}`, () => c.info(m, v)),
    latest: (m) => log(`latest ${m}`, () => c.latest(m)),
    mod: (m, v) => log(`mod ${m}@${v}`, () => c.mod(m, v)),
    zip: (m, v, s, o) => log(`zip ${m}@${v}`, () => c.zip(m, v, s, o)),
  };
}
/** A source that must not be asked anything (offline). */
const offline: ModuleSource = {
  list: () => Promise.reject(new Error('network used')),
  info: () => Promise.reject(new Error('network used')),
  latest: () => Promise.reject(new Error('network used')),
  mod: () => Promise.reject(new Error('network used')),
  zip: () => Promise.reject(new Error('network used')),
};

const imports: GoImport[] = [
  { spec: 'example.com/geo@v1', alias: 'geo' },
  { spec: 'example.com/geo@v1.1', alias: 'geo2' },
  { spec: 'example.com/fmtx/v2@v2.1.0', alias: 'fmtx' },
  { spec: 'example.com/Temp', alias: 'temp' },
  { spec: 'example.com/stations@path+./go/local', alias: 'stations' },
  { spec: 'strings', alias: 'strings' },
];

describe('resolveQuery through a file:// proxy', () => {
  it('takes the newest release for vX and vX.Y, skipping pre-releases, and @latest from the list', async () => {
    const src = new Client({ baseUrl: proxyUrl });
    expect(await resolveQuery(src, 'example.com/geo', 'v1')).toBe('v1.1.0');
    expect(await resolveQuery(src, 'example.com/geo', 'v1.0')).toBe('v1.0.0');
    expect(await resolveQuery(src, 'example.com/geo', '<v1.1')).toBe('v1.0.0');
    expect(await resolveQuery(src, 'example.com/geo', '>=v1.0.1')).toBe('v1.1.0');
    expect(await resolveQuery(src, 'example.com/geo', 'latest')).toBe('v1.1.0');
    expect(await resolveQuery(src, 'example.com/fmtx/v2', 'v2')).toBe('v2.1.0');
    expect(await resolveQuery(src, 'example.com/Temp', 'latest')).toBe('v0.3.0');
    // v1.2.0-rc.1 is below v1.2.0, so go's v1.2 finds nothing either.
    await expect(resolveQuery(src, 'example.com/geo', 'v1.2')).rejects.toMatchObject({
      code: 'go-query-unresolved',
    });
    await expect(resolveQuery(src, 'example.com/geo', 'v1.3')).rejects.toMatchObject({
      code: 'go-query-unresolved',
    });
    await expect(resolveQuery(src, 'example.com/nope', 'v1')).rejects.toMatchObject({
      code: 'module-not-found',
    });
  });
});

describe('pinGoImports', () => {
  it('pins one entry per module, downloads into the cache, and a second run needs no network', async () => {
    const cache = await Cache.open(await tmp());
    const src = counting();
    const first = await pinGoImports({ imports, projectRoot: root, cache, source: src });
    expect(first.std).toEqual(['strings']);
    expect(first.manifest.entries.map((e) => [e.module, e.version, e.source, e.aliases])).toEqual([
      ['example.com/Temp', 'v0.3.0', 'module-proxy', ['temp']],
      ['example.com/fmtx/v2', 'v2.1.0', 'module-proxy', ['fmtx']],
      ['example.com/geo', 'v1.1.0', 'module-proxy', ['geo', 'geo2']],
      ['example.com/stations', undefined, 'path', ['stations']],
    ]);
    expect(first.modules.map((m) => m.from)).toEqual(['proxy', 'spec', 'proxy', 'path']);
    expect(await cache.has('example.com/Temp', 'v0.3.0')).toBe(true);
    expect(src.calls.some((c) => c.startsWith('zip example.com/geo@v1.1.0'))).toBe(true);
    // The same hashes as the cache's own verification.
    const geo = first.manifest.entries.find((e) => e.module === 'example.com/geo')!;
    expect(geo.zipH1).toBe(await cache.verifyZip('example.com/geo', 'v1.1.0'));

    const again = await pinGoImports({
      imports,
      projectRoot: root,
      cache,
      source: offline,
      previous: first.manifest,
    });
    expect(again.manifest).toEqual(first.manifest);
    expect(again.modules.map((m) => m.from)).toEqual(['lock', 'spec', 'lock', 'path']);
  });

  it('keeps a locked version while the queries accept it, and resolves again when they do not', async () => {
    const cache = await Cache.open(await tmp());
    const src = counting();
    const old = await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1.0.0', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: src,
    });
    const kept = await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: offline,
      previous: old.manifest,
    });
    expect(kept.manifest.entries[0]?.version).toBe('v1.0.0');
    const moved = await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1.1', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: src,
      previous: old.manifest,
    });
    expect(moved.manifest.entries[0]?.version).toBe('v1.1.0');
  });

  it('refuses imports of one module that no single version satisfies', async () => {
    const cache = await Cache.open(await tmp());
    const run = (specs: string[]) =>
      pinGoImports({
        imports: specs.map((spec, i) => ({ spec, alias: `a${i}`, where: `m.mochi:${i + 1}:1` })),
        projectRoot: root,
        cache,
        source: counting(),
      });
    await expect(run(['example.com/geo@v1.0.0', 'example.com/geo@v1.1.0'])).rejects.toThrow(
      /m\.mochi:1:1 and .*m\.mochi:2:1 pin different versions/,
    );
    await expect(run(['example.com/geo@v1.0.0', 'example.com/geo@v1.1'])).rejects.toThrow(
      /does not accept example\.com\/geo@v1\.0\.0/,
    );
    await expect(
      run(['example.com/stations@path+./go/local', 'example.com/stations@v1.0.0']),
    ).rejects.toBeInstanceOf(GoPinError);
    await expect(run(['example.com/geo@bad'])).rejects.toThrow(
      /^m\.mochi:1:1: import go "example\.com\/geo@bad"/,
    );
    await expect(run(['example.com/geo@bad'])).rejects.toBeInstanceOf(GoImportSpecError);
  });

  it('refuses a path+ directory that is not the module', async () => {
    const cache = await Cache.open(await tmp());
    const dir = await tmp();
    await writeFile(join(dir, 'x.go'), 'package x\n');
    const pin = (spec: string) =>
      pinGoImports({ imports: [{ spec, alias: 'x' }], projectRoot: dir, cache, source: offline });
    await expect(pin('example.com/x@path+./missing')).rejects.toMatchObject({ code: 'go-path-module' });
    await expect(pin('example.com/x@path+./')).rejects.toMatchObject({ code: 'go-importspec-invalid' });
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub/x.go'), 'package x\n');
    await writeFile(join(dir, 'sub/go.mod'), 'module example.com/other\n');
    await expect(pin('example.com/x@path+./sub')).rejects.toThrow(
      /declares module "example\.com\/other", not example\.com\/x/,
    );
    await writeFile(join(dir, 'sub/go.mod'), 'module example.com/x\n\nrequire (\n\tbad line\n');
    await expect(pin('example.com/x@path+./sub')).rejects.toMatchObject({
      code: 'go-path-module',
      message: `example.com/x@path+./sub: parsing ./sub/go.mod: ${join(dir, 'sub/go.mod')}:5: syntax error (unterminated block started at ${join(dir, 'sub/go.mod')}:3:1)`,
    });
    await writeFile(join(dir, 'sub/go.mod'), '// a comment\nmodule "example.com/x" // quoted\n');
    const ok = await pin('example.com/x@path+./sub');
    expect(ok.manifest.entries[0]).toMatchObject({ source: 'path', localPath: './sub' });
  });

  it('throws a security error when the lock pins another hash for the same version', async () => {
    const cache = await Cache.open(await tmp());
    const first = await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1.1.0', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: counting(),
    });
    const e0 = first.manifest.entries[0]!;
    const tampered = { entries: [{ ...e0, zipH1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }] };
    const err = await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1.1.0', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: offline,
      previous: tampered,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(GoChecksumError);
    expect(err.code).toBe('go-checksum-mismatch');
    expect(err.message).toMatch(/SECURITY ERROR/);
    expect(err.mismatches).toEqual([
      {
        module: 'example.com/geo',
        version: 'v1.1.0',
        key: 'zip-h1',
        locked: tampered.entries[0]!.zipH1,
        actual: e0.zipH1,
      },
    ]);
  });

  it('re-hashes a cached zip: a tampered cache is corrupt, not trusted', async () => {
    const dir = await tmp();
    const cache = await Cache.open(dir);
    await pinGoImports({
      imports: [{ spec: 'example.com/geo@v1.1.0', alias: 'geo' }],
      projectRoot: root,
      cache,
      source: counting(),
    });
    const zip = cache.zipPath('example.com/geo', 'v1.1.0');
    const other = await readFile(join(example, 'go/proxy/example.com/geo/@v/v1.0.0.zip'));
    await rm(zip);
    await writeFile(zip, other);
    await expect(
      pinGoImports({
        imports: [{ spec: 'example.com/geo@v1.1.0', alias: 'geo' }],
        projectRoot: root,
        cache,
        source: offline,
      }),
    ).rejects.toMatchObject({ code: 'cache-corrupt' });
  });
});
