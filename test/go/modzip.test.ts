import { describe, expect, it } from 'vitest';
import { hashZip } from '../../src/go/dirhash/index.js';
import { foldKey } from '../../src/go/modzip/fold.js';
import { checkedFilesError, checkFiles, create, type ModuleFile } from '../../src/go/modzip/index.js';
import { buildZip } from '../support/zipbuild.js';

const M = { path: 'example.com/large', version: 'v1.0.0' };

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** A file that is never opened: checks only look at its declared size. */
const fake = (path: string, size: number, data?: string): ModuleFile => ({
  path,
  kind: 'file',
  size,
  open: () => data ?? Buffer.alloc(size),
});

// x/mod's sizeLimitTests and TestIsVendoredPackage run from the installed sources in
// modzip.xmod-tables.test.ts; these two cases are the ones TestCreateSizeLimits adds to them.
describe('module zip size limits (x/mod TestCreateSizeLimits)', () => {
  it('negative: a size that is negative as a signed 64-bit number is too large', () => {
    const err = checkedFilesError(checkFiles([fake('neg.go', 2 ** 63)]), 'check');
    expect(err?.message).toContain('module source tree too large');
  });

  it('size_is_a_lie: create fails when a file is larger than declared', async () => {
    await expect(collect(create(M, [fake('lie.go', 1, 'package large')]))).rejects.toThrow(
      'larger than declared size',
    );
  });
});

describe('foldKey (Go strings.EqualFold classes)', () => {
  it.each([
    ['M.GO', 'm.go'],
    ['\u212A.go', 'k.go'], // KELVIN SIGN folds with k
    ['\u017Fub', 'sub'], // LONG S folds with s
    ['\u03A3\u03C3\u03C2', '\u03C3\u03C3\u03C3'], // sigma forms
    ['\u00B5', '\u03BC'], // MICRO SIGN folds with mu
    ['\u1E9E', '\u00DF'], // capital sharp s folds with ß
  ])('%s and %s collide', (a, b) => {
    expect(foldKey(a)).toBe(foldKey(b));
  });
  it.each([
    ['\u0131', 'i'], // dotless i has no simple fold to i in Go
    ['\u0130', 'i'], // dotted capital I neither
    ['ß', 'ss'],
  ])('%s and %s do not collide', (a, b) => {
    expect(foldKey(a)).not.toBe(foldKey(b));
  });
  it('reports a Kelvin-sign collision in a file set', () => {
    const cf = checkFiles([fake('k.go', 1), fake('\u212A.go', 1)]);
    expect(cf.invalid).toEqual([
      { path: '\u212A.go', reason: 'case-insensitive file name collision: "k.go" and "\u212A.go"' },
    ]);
  });
});

describe('create', () => {
  const files = [fake('go.mod', 0, ''), fake('a.go', 10, 'package a\n'), fake('vendor/x/y.go', 3, 'xyz')];

  it('writes the same bytes every time (fixed timestamps) and leaves out vendored packages', async () => {
    const a = await collect(create(M, files));
    const b = await collect(create(M, files));
    expect(a.equals(b)).toBe(true);
    expect(await hashZip(a, M.path, M.version)).toBe(
      await hashZip(
        buildZip([
          { name: `${M.path}@${M.version}/go.mod`, data: '' },
          { name: `${M.path}@${M.version}/a.go`, data: 'package a\n' },
        ]),
        M.path,
        M.version,
      ),
    );
  });

  it('refuses a non-canonical version or a major-version mismatch before writing anything', async () => {
    await expect(collect(create({ path: M.path, version: 'v1.0' }, files))).rejects.toMatchObject({
      code: 'zip-bad-module',
    });
    await expect(collect(create({ path: M.path, version: 'v2.0.0' }, files))).rejects.toMatchObject({
      code: 'zip-bad-module',
    });
  });
});
