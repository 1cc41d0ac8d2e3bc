// x/mod's zip_test.go tables (sizeLimitTests, TestIsVendoredPackage), read from the installed sources at test time.
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashZip } from '../../src/go/dirhash/index.js';
import {
  checkedFilesError,
  checkFiles,
  checkZip,
  create,
  createFromDir,
  extract,
  isVendoredPackage,
  MAX_ZIP_FILE,
  type ModuleFile,
} from '../../src/go/modzip/index.js';
import { describeWithOracle } from '../support/oracles.js';
import { buildZip } from '../support/zipbuild.js';
import { xmodTables, xmodTablesOracle } from './xmod.js';

interface SizeLimitTest {
  desc: string;
  files: { name: string; size: number }[];
  wantErr?: string;
  wantCheckFilesErr?: string;
  wantCreateErr?: string;
  wantCheckZipErr?: string;
  wantUnzipErr?: string;
}

// x/mod's sizeLimitVersion.
const M = { path: 'example.com/large', version: 'v1.0.0' };

/** x/mod's fakeFile: `size` zero bytes, streamed. */
function zeros(path: string, size: number): ModuleFile {
  async function* open() {
    const chunk = new Uint8Array(1 << 20);
    for (let left = size; left > 0; left -= chunk.length)
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  }
  return { path, kind: 'file', size, open };
}

/** The error message of a promise, or undefined when it resolves. */
async function failure(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e as Error).message,
  );
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** Passes when `got` is undefined and nothing is wanted, or contains what is wanted (x/mod's check). */
function expectOutcome(what: string, got: string | undefined, want: string | undefined): void {
  if (want === undefined || want === '') expect(got, what).toBeUndefined();
  else expect(got, what).toContain(want);
}

describeWithOracle(xmodTablesOracle(), "x/mod's own zip tests", () => {
  let tables: Record<string, unknown[]>;
  let tmp = '';
  beforeAll(async () => {
    tables = xmodTables(['zip']);
    tmp = await mkdtemp(join(tmpdir(), 'modzip-limits-'));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('sizeLimitTests: CheckFiles, Create, CheckZip and Unzip succeed or fail as x/mod says', async () => {
    const t = tables['zip.sizeLimitTests'] as SizeLimitTest[] | undefined;
    if (t === undefined) throw new Error('x/mod test table zip.sizeLimitTests not found');
    expect(t.length).toBeGreaterThan(6);
    for (const [i, row] of t.entries()) {
      const files = row.files.map((f) => zeros(f.name, f.size));
      const checked = checkedFilesError(checkFiles(files), 'check')?.message;
      expectOutcome(`${row.desc}: checkFiles`, checked, row.wantCheckFilesErr ?? row.wantErr);

      let zip: Buffer | undefined;
      const made = await failure(
        collect(create(M, files)).then((z) => {
          zip = z;
        }),
      );
      expectOutcome(`${row.desc}: create`, made, row.wantCreateErr ?? row.wantErr);
      // x/mod writes the files' bytes; where create refused them, a zip declaring their sizes stands in.
      zip ??= buildZip(
        row.files.map((f) => ({ name: `${M.path}@${M.version}/${f.name}`, data: 'x', declaredSize: f.size })),
      );
      const wantZipErr = row.wantCheckZipErr ?? row.wantErr;
      const zipChecked = await failure(
        checkZip(zip, M).then((cf) => {
          const err = checkedFilesError(cf, 'check');
          if (err) throw err;
        }),
      );
      expectOutcome(`${row.desc}: checkZip`, zipChecked, wantZipErr);
      const dir = join(tmp, `u${i}`);
      expectOutcome(
        `${row.desc}: extract`,
        await failure(extract(zip, M, dir)),
        row.wantUnzipErr ?? row.wantErr,
      );
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('TestUnzipSizeLimitsSpecial: a zip at, over and lying about the limits fails as x/mod says', async () => {
    const t = tables['zip.TestUnzipSizeLimitsSpecial'] as
      | { desc: string; wantErr1: string; wantErr2?: string }[]
      | undefined;
    const real = tables['zip.TestUnzipSizeLimitsSpecial.realSizeData'] as number[] | undefined;
    const fake = tables['zip.TestUnzipSizeLimitsSpecial.fakeSizeData'] as number[] | undefined;
    if (t === undefined || real === undefined || fake === undefined) {
      throw new Error('x/mod test table zip.TestUnzipSizeLimitsSpecial not found');
    }
    const m = { path: 'example.com/m', version: 'v1.0.0' };
    const size = (le: number[]) => le.reduce((n, b, i) => n + b * 256 ** i, 0);
    // The zips of the rows' writeZip functions (Go code, so rebuilt here from the row's name).
    const zips: Record<string, () => Promise<string>> = {
      large_zip: () => sparse(MAX_ZIP_FILE),
      too_large_zip: () => sparse(MAX_ZIP_FILE + 1),
      size_is_a_lie: async () => {
        const path = join(tmp, 'lie.zip');
        const data = Buffer.alloc(size(real));
        await writeFile(
          path,
          buildZip([{ name: `${m.path}@${m.version}/go.mod`, data, declaredSize: size(fake) }]),
        );
        return path;
      },
    };
    const sparse = async (n: number) => {
      const path = join(tmp, `sparse-${n}.zip`);
      await writeFile(path, '');
      await truncate(path, n);
      return path;
    };
    expect(t.map((r) => r.desc).sort()).toEqual(Object.keys(zips).sort());
    for (const [i, row] of t.entries()) {
      const zip = await zips[row.desc]!();
      const got = await failure(extract(zip, m, join(tmp, `s${i}`)));
      // x/mod's check: the error contains wantErr1 or, when given, wantErr2.
      const wants = [row.wantErr1, row.wantErr2].filter((w): w is string => !!w);
      expect(
        got !== undefined && wants.some((w) => got.includes(w)),
        `${row.desc}: ${got} should contain ${wants.join(' or ')}`,
      ).toBe(true);
      await rm(zip);
    }
  });

  it('TestCreateFromDirSpecial: empty folders and links are left out; a folder named vendor is a module root', async () => {
    const t = tables['zip.TestCreateFromDirSpecial'] as { desc: string; wantHash: string }[] | undefined;
    const goModData = tables['zip.TestCreateFromDirSpecial.goModData'] as unknown;
    if (t === undefined || typeof goModData !== 'string') {
      throw new Error('x/mod test table zip.TestCreateFromDirSpecial not found');
    }
    // The rows' setup functions (Go code, so rebuilt here from the row's name).
    const setups: Record<string, (dir: string) => Promise<string>> = {
      ignore_empty_dir: async (dir) => {
        await mkdir(join(dir, 'empty'));
        return dir;
      },
      ignore_symlink: async (dir) => {
        await symlink(dir, join(dir, 'link'));
        return dir;
      },
      dir_is_vendor: async (dir) => {
        await mkdir(join(dir, 'vendor'));
        await writeFile(join(dir, 'vendor', 'go.mod'), goModData);
        return join(dir, 'vendor');
      },
    };
    expect(t.map((r) => r.desc).sort()).toEqual(Object.keys(setups).sort());
    const m = { path: 'example.com/m', version: 'v1.0.0' };
    for (const [i, { desc, wantHash }] of t.entries()) {
      const dir = join(tmp, `special${i}`);
      await mkdir(dir);
      const zip = join(tmp, `special${i}.zip`);
      await createFromDir(await setups[desc]!(dir), m, zip);
      expect({ desc, h1: await hashZip(zip, m.path, m.version) }).toEqual({ desc, h1: wantHash });
    }
  });

  it('TestIsVendoredPackage: isVendoredPackage', () => {
    const t = tables['zip.TestIsVendoredPackage'] as
      | { path: string; want?: boolean; falsePositive?: boolean }[]
      | undefined;
    if (t === undefined) throw new Error('x/mod test table zip.TestIsVendoredPackage not found');
    expect(t.length).toBeGreaterThan(4);
    // falsePositive rows (golang.org/issue/37397) are true: changing them would change module hashes.
    for (const { path, want, falsePositive } of t) {
      expect(isVendoredPackage(path), path).toBe(falsePositive === true || want === true);
    }
  });
});
