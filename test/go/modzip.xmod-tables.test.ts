// x/mod's zip_test.go tables (sizeLimitTests, TestIsVendoredPackage), read from the installed sources at test time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkedFilesError,
  checkFiles,
  checkZip,
  create,
  extract,
  isVendoredPackage,
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
