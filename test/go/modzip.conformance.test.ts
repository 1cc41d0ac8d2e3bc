// Conformance: x/mod's own zip/testdata (Debian's golang-golang-x-mod-dev) run through our functions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashDir, hashZip } from '../../src/go/dirhash/index.js';
import {
  type CheckedFiles,
  checkDir,
  checkFiles,
  checkZip,
  create,
  createFromDir,
  extract,
  type ModuleFile,
  ModZipError,
} from '../../src/go/modzip/index.js';
import { describeWithOracle, GOPATH_XMOD, type Oracle } from '../support/oracles.js';
import { parseTxtar, type Txtar, testParams } from '../support/txtar.js';
import { buildZip } from '../support/zipbuild.js';

const TESTDATA = join(GOPATH_XMOD, 'src/golang.org/x/mod/zip/testdata');
const testdataOracle: Oracle = existsSync(join(TESTDATA, 'create'))
  ? { available: true, reason: '' }
  : {
      available: false,
      reason: `x/mod zip/testdata not found under ${TESTDATA} (apt-get install golang-golang-x-mod-dev)`,
    };

function cases(kind: string): { name: string; t: Txtar; p: Record<string, string> }[] {
  const dir = join(TESTDATA, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const t = parseTxtar(readFileSync(join(dir, f)));
      return { name: f, t, p: testParams(t) };
    });
}

/** x/mod's formatCheckedFiles. */
function format(cf: CheckedFiles): string {
  let s = 'valid:\n';
  for (const f of cf.valid) s += `${f}\n`;
  s += '\nomitted:\n';
  for (const f of cf.omitted) s += `${f.path}: ${f.reason}\n`;
  s += '\ninvalid:\n';
  for (const f of cf.invalid) s += `${f.path}: ${f.reason}\n`;
  return s;
}

/**
 * Errors whose wording is not x/mod's, with why: a JavaScript string cannot hold the raw byte 0xFF
 * (it arrives as U+FFFD, an invalid character). It still fails as required.
 */
const KNOWN_WORDING = new Set(['malformed module path "\\xff": invalid UTF-8']);

/** Every wantErr must be a ModZipError, and carry x/mod's words unless listed in KNOWN_WORDING. */
async function expectWantErr(p: Promise<unknown>, name: string, wantErr: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${name}: expected an error containing ${wantErr}`).toBeInstanceOf(ModZipError);
  if (!KNOWN_WORDING.has(wantErr)) expect((err as Error).message, name).toContain(wantErr);
}

function memFiles(t: Txtar): ModuleFile[] {
  return t.files.map((f) => ({ path: f.name, kind: 'file', size: f.data.length, open: () => f.data }));
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describeWithOracle(testdataOracle, 'x/mod zip/testdata through modzip and dirhash', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'modzip-conf-'));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  const writeTree = async (t: Txtar, dir: string) => {
    await mkdir(dir, { recursive: true });
    for (const f of t.files) {
      await mkdir(dirname(join(dir, f.name)), { recursive: true });
      await writeFile(join(dir, f.name), f.data);
    }
  };

  it('finds every testdata group', () => {
    for (const k of ['create', 'create_from_dir', 'unzip', 'check_files', 'check_dir', 'check_zip']) {
      expect(cases(k).length, k).toBeGreaterThan(0);
    }
  });

  it('create: every hash= equal, every wantErr an error', async () => {
    for (const { name, t, p } of cases('create')) {
      const m = { path: p.path ?? '', version: p.version ?? '' };
      const made = collect(create(m, memFiles(t)));
      if (p.wantErr !== undefined) {
        await expectWantErr(made, name, p.wantErr);
      } else {
        expect({ name, h1: await hashZip(await made, m.path, m.version) }).toEqual({ name, h1: p.hash });
      }
    }
  });

  it('create_from_dir: every hash= equal, every wantErr an error', async () => {
    for (const [i, { name, t, p }] of cases('create_from_dir').entries()) {
      const m = { path: p.path ?? '', version: p.version ?? '' };
      const dir = join(tmp, `cfd${i}`);
      await writeTree(t, dir);
      const out = join(tmp, `cfd${i}.zip`);
      const made = createFromDir(dir, m, out);
      if (p.wantErr !== undefined) {
        await expectWantErr(made, name, p.wantErr);
        expect(existsSync(out), `${name}: no zip left behind`).toBe(false);
      } else {
        await made;
        expect({ name, h1: await hashZip(out, m.path, m.version) }).toEqual({ name, h1: p.hash });
      }
    }
  });

  it('unzip: every hash= equal, every wantErr an error', async () => {
    for (const [i, { name, t, p }] of cases('unzip').entries()) {
      const m = { path: p.path ?? '', version: p.version ?? '' };
      const zip = buildZip(t.files.map((f) => ({ name: f.name, data: f.data })));
      const dir = join(tmp, `unzip${i}`);
      const done = extract(zip, m, dir);
      if (p.wantErr !== undefined) {
        await expectWantErr(done, name, p.wantErr);
        expect(existsSync(dir), `${name}: nothing left behind`).toBe(false);
      } else {
        await done;
        expect({ name, h1: await hashDir(dir, `${m.path}@${m.version}`) }).toEqual({ name, h1: p.hash });
      }
    }
  });

  it('check_files: the same valid, omitted and invalid lists as x/mod', () => {
    for (const { name, t } of cases('check_files')) {
      const want = t.files.find((f) => f.name === 'want')!.data.toString('utf8');
      const files = memFiles({ ...t, files: t.files.filter((f) => f.name !== 'want') });
      expect({ name, got: format(checkFiles(files)) }).toEqual({ name, got: want });
    }
  });

  it('check_dir: the same valid, omitted and invalid lists as x/mod', async () => {
    for (const [i, { name, t }] of cases('check_dir').entries()) {
      const want = t.files.find((f) => f.name === 'want')!.data.toString('utf8');
      const dir = join(tmp, `cd${i}`);
      await writeTree({ ...t, files: t.files.filter((f) => f.name !== 'want') }, dir);
      const got = format(await checkDir(dir)).replaceAll(dir, '$work');
      expect({ name, got }).toEqual({ name, got: want });
    }
  });

  it('check_zip: the same valid, omitted and invalid lists as x/mod', async () => {
    for (const { name, t, p } of cases('check_zip')) {
      const want = t.files.find((f) => f.name === 'want')!.data.toString('utf8');
      const zip = buildZip(
        t.files.filter((f) => f.name !== 'want').map((f) => ({ name: f.name, data: f.data })),
      );
      const got = format(await checkZip(zip, { path: p.path ?? '', version: p.version ?? '' }));
      expect({ name, got }).toEqual({ name, got: want });
    }
  });
});
