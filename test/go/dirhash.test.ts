import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DirhashError,
  hash1Files,
  hashDir,
  hashGoMod,
  hashZip,
  isH1Digest,
  parseH1Digest,
} from '../../src/go/dirhash/index.js';
import { ZipError } from '../../src/util/zip.js';
import { buildZip } from '../support/zipbuild.js';

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest();
const sha256Hex = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** The Hash1 definition written out with stdlib primitives only, sorting by UTF-8 bytes. */
function referenceH1(files: Record<string, string | Buffer>): string {
  const names = Object.keys(files).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const summary = names.map((n) => `${sha256Hex(files[n]!)}  ${n}\n`).join('');
  return `h1:${sha256(summary).toString('base64')}`;
}

const fromMap = (files: Record<string, string | Buffer>) => (name: string) => files[name]!;

describe('hash1Files (Go dirhash.Hash1)', () => {
  it('hashes the empty file set to base64(sha256(""))', async () => {
    const want = `h1:${sha256('').toString('base64')}`;
    expect(want).toBe('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(await hash1Files([], () => '')).toBe(want);
  });

  it('matches the summary line recomputed byte for byte for one file', async () => {
    const content = 'package foo\n\nfunc Foo() int { return 42 }\n';
    const name = 'example.com/foo@v1.0.0/foo.go';
    const line = Buffer.concat([
      Buffer.from(sha256Hex(content)),
      Buffer.from('  '),
      Buffer.from(name),
      Buffer.from('\n'),
    ]);
    const want = `h1:${createHash('sha256').update(line).digest('base64')}`;
    expect(await hash1Files([name], () => content)).toBe(want);
  });

  it('does not depend on the order of the input names', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\n')),
          {
            maxLength: 8,
          },
        ),
        fc.nat(),
        async (names, seed) => {
          const files = Object.fromEntries(names.map((n, i) => [n, `content ${i} ${n}`]));
          const shuffled = [...names].sort(
            (a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7),
          );
          const a = await hash1Files(names, fromMap(files));
          const b = await hash1Files(shuffled, fromMap(files));
          expect(a).toBe(b);
          expect(a).toBe(referenceH1(files));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts names by UTF-8 bytes, not UTF-16 code units', async () => {
    // U+FF61 sorts after U+1F600 in UTF-16 (0xFF61 > 0xD83D) but before it in UTF-8 (EF < F0).
    const files = { 'm@v1.0.0/\u{1F600}': 'a', 'm@v1.0.0/\uFF61': 'b' };
    const got = await hash1Files(Object.keys(files), fromMap(files));
    expect(got).toBe(referenceH1(files));
    const utf16Order = Object.keys(files).sort();
    const wrong = `h1:${sha256(utf16Order.map((n) => `${sha256Hex(files[n as keyof typeof files])}  ${n}\n`).join('')).toString('base64')}`;
    expect(got).not.toBe(wrong);
  });

  it('propagates the error thrown by open unchanged', async () => {
    const boom = new Error('permission denied: b.go');
    await expect(
      hash1Files(['a.go', 'b.go'], (n) => {
        if (n === 'b.go') throw boom;
        return 'x';
      }),
    ).rejects.toBe(boom);
    await expect(hash1Files(['a.go'], () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('propagates an error raised while reading a streamed file', async () => {
    const boom = new Error('EIO');
    async function* failing() {
      yield Buffer.from('part');
      throw boom;
    }
    await expect(hash1Files(['a'], () => failing())).rejects.toBe(boom);
  });

  it('refuses a file name containing a newline', async () => {
    const err = await hash1Files(['ok', 'bad\nname'], () => '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirhashError);
    expect((err as DirhashError).code).toBe('dirhash-bad-name');
  });

  it('accepts streamed and byte contents alike', async () => {
    async function* chunks() {
      yield 'hello ';
      yield Buffer.from('world');
    }
    const a = await hash1Files(['f'], () => chunks());
    const b = await hash1Files(['f'], () => new Uint8Array(Buffer.from('hello world')));
    expect(a).toBe(b);
  });
});

describe('hashGoMod', () => {
  it('hashes an empty go.mod to the known value', () => {
    expect(hashGoMod(new Uint8Array())).toBe('h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=');
  });

  it('equals Hash1 over one file named go.mod, and is stable over 5 runs', async () => {
    const gomod = 'module example.com/foo\n\ngo 1.19\n';
    const want = referenceH1({ 'go.mod': gomod });
    for (let i = 0; i < 5; i++) expect(hashGoMod(Buffer.from(gomod))).toBe(want);
    expect(await hash1Files(['go.mod'], () => gomod)).toBe(want);
  });
});

describe('hashZip', () => {
  const prefix = 'example.com/foo@v1.0.0/';
  const three = {
    [`${prefix}go.mod`]: 'module example.com/foo\n',
    [`${prefix}foo.go`]: 'package foo\n',
    [`${prefix}sub/bar.go`]: 'package sub\n',
  };

  it('equals an independent hash1Files over the same 3 entries', async () => {
    const zip = buildZip(Object.entries(three).map(([name, data]) => ({ name, data })));
    const got = await hashZip(zip, 'example.com/foo', 'v1.0.0');
    expect(got).toBe(await hash1Files(Object.keys(three), fromMap(three)));
    expect(got).toBe(referenceH1(three));
  });

  it('reads a zip file from disk the same as its bytes', async () => {
    const zip = buildZip(Object.entries(three).map(([name, data]) => ({ name, data, method: 0 })));
    const dir = await mkdtemp(join(tmpdir(), 'dirhash-'));
    await writeFile(join(dir, 'm.zip'), zip);
    expect(await hashZip(join(dir, 'm.zip'), 'example.com/foo', 'v1.0.0')).toBe(referenceH1(three));
  });

  it('refuses an entry without the module@version/ prefix', async () => {
    const zip = buildZip([
      { name: `${prefix}a.go`, data: 'a' },
      { name: 'example.com/foo@v1.0.1/b.go', data: 'b' },
    ]);
    const err = await hashZip(zip, 'example.com/foo', 'v1.0.0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirhashError);
    expect((err as DirhashError).code).toBe('dirhash-prefix');
  });

  it('refuses a body that is not a zip', async () => {
    const err = await hashZip(Buffer.from('this is not a zip file at all, just text'), 'm', 'v1.0.0').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ZipError);
    expect((err as ZipError).code).toBe('zip-not-zip');
  });

  it('skips directory entries: the same files with and without a subdir/ entry hash the same', async () => {
    const files = Object.entries(three).map(([name, data]) => ({ name, data }));
    const without = buildZip(files);
    const withDir = buildZip([{ name: `${prefix}sub/`, data: '', method: 0 }, ...files]);
    const a = await hashZip(without, 'example.com/foo', 'v1.0.0');
    const b = await hashZip(withDir, 'example.com/foo', 'v1.0.0');
    expect(b).toBe(a);
  });

  it('hashes stored, deflated, zip64 and data-descriptor entries by content only', async () => {
    const entries = Object.entries(three);
    const variants = [
      buildZip(entries.map(([name, data]) => ({ name, data, method: 0 }))),
      buildZip(entries.map(([name, data]) => ({ name, data, zip64: true }))),
      buildZip(entries.map(([name, data]) => ({ name, data, descriptor: true }))),
      buildZip(entries.map(([name, data]) => ({ name, data, descriptor: true, zip64: true }))),
    ];
    for (const z of variants) expect(await hashZip(z, 'example.com/foo', 'v1.0.0')).toBe(referenceH1(three));
  });
});

describe('hashDir', () => {
  it('names files prefix/relative-path and equals the hash of the same files zipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dirhash-dir-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'go.mod'), three('go.mod'));
    await writeFile(join(dir, 'sub', 'x.go'), three('x'));
    const files = { 'm@v1.0.0/go.mod': three('go.mod'), 'm@v1.0.0/sub/x.go': three('x') };
    expect(await hashDir(dir, 'm@v1.0.0')).toBe(referenceH1(files));
    function three(s: string) {
      return `content of ${s}\n`;
    }
  });
});

describe('H1Digest', () => {
  it('recognises well-formed digests and rejects others', () => {
    expect(isH1Digest('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).toBe(true);
    expect(isH1Digest('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU')).toBe(false);
    expect(isH1Digest('h2:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).toBe(false);
    expect(() => parseH1Digest('sha256:abc')).toThrow(DirhashError);
  });
});
