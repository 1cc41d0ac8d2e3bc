import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeStub,
  MAX_STUB_BYTES,
  readStubFiles,
  StubParseError,
} from '../../../src/python/stubs/index.js';
import { refusal, useParser } from './support.js';

const parser = useParser();

describe('hostile stub input ends in a StubParseError with file, line and column', () => {
  it('refuses a 10 MB source as too large', async () => {
    const big = 'def f(a: int) -> int: ...\n'.repeat(Math.ceil((10 * 1024 * 1024) / 26));
    const e = await refusal(() => parser().parseModule(big, { file: 'big.pyi' }));
    expect([e.code, e.file, e.line, e.column]).toEqual(['stub-too-large', 'big.pyi', 1, 1]);
    expect(e.message).toContain(String(MAX_STUB_BYTES));
  });

  it('refuses a 10 MB file on disk before reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stubs-big-'));
    const file = join(dir, 'big.pyi');
    writeFileSync(file, Buffer.alloc(10 * 1024 * 1024, 0x20));
    const e = await refusal(() => readStubFiles(file));
    expect([e.code, e.line, e.column]).toEqual(['stub-too-large', 1, 1]);
  });

  it.each([
    ['a 10,000-deep annotation', `x: ${'list['.repeat(10_000)}int${']'.repeat(10_000)}\n`],
    ['10,000 nested parentheses in a value', `\n\nx = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\n`],
    [
      'a 1,500-deep forward reference',
      `def f(a: "${'list['.repeat(1_500)}int${']'.repeat(1_500)}") -> None: ...\n`,
    ],
  ])('refuses %s as too deep', async (_name, src) => {
    const e = await refusal(() => parser().parseModule(src, { file: 'deep.pyi' }));
    expect(e.code).toBe('stub-too-deep');
    expect(e.file).toBe('deep.pyi');
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
  });

  it('refuses 2,000-deep statement nesting (10,000 levels of indentation would be over the size cap)', async () => {
    let src = '';
    for (let i = 0; i < 2_000; i++) src += `${' '.repeat(i)}if x:\n`;
    src += `${' '.repeat(2_000)}pass\n`;
    const e = await refusal(() => parser().parseModule(src, { file: 'nest.pyi' }));
    expect(['stub-too-deep', 'stub-syntax']).toContain(e.code);
    expect(e.line).toBeGreaterThanOrEqual(1);
  });

  it('accepts nesting at the depth CPython allows', () => {
    const s = parser().parseModule(`x: ${'list['.repeat(150)}int${']'.repeat(150)}\n`);
    expect(s.constants[0]!.name).toBe('x');
  });

  it.each([
    ['an unclosed bracket', 'def f(a: int -> None: ...\n', 1],
    ['a stray indent', 'x: int\n    y: int\n', 2],
    ['an incomplete class', 'class C(\n', 1],
    ['garbage after a valid line', 'x: int\n$$$ ???\n', 2],
    ['a dedent to no outer level', 'class C:\n        x: int\n    y: int\n', 3],
  ])('reports %s as invalid syntax at its line', async (_name, src, line) => {
    const e = await refusal(() => parser().parseModule(src, { file: 'bad.pyi' }));
    expect(e.code).toBe('stub-syntax');
    expect(e.line).toBe(line);
    expect(e.message.startsWith(`bad.pyi:${line}:`)).toBe(true);
  });

  it('accepts statements sharing a line, one-line bodies and comments at any indentation', () => {
    const s = parser().parseModule(
      'x: int; y: int\nclass C: z: int\nclass D:\n  # note\n    a: int\n        # deeper note\n    def f(self) -> None: ...\n',
    );
    expect(s.constants.map((c) => c.name)).toEqual(['x', 'y']);
    expect(s.classes.map((c) => [c.name, c.fields.map((f) => f.name)])).toEqual([
      ['C', ['z']],
      ['D', ['a']],
    ]);
  });

  it('refuses bytes that are not UTF-8 at the first bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from('x: int\nyé: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const e = await refusal(() => decodeStub(bytes, 'bin.pyi'));
    expect([e.code, e.file, e.line, e.column]).toEqual(['stub-encoding', 'bin.pyi', 2, 5]);
  });

  it('refuses a binary file read from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stubs-bin-'));
    const file = join(dir, 'bin.pyi');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    const e = await refusal(() => readStubFiles(file));
    expect(e.code).toBe('stub-encoding');
    expect(e.line).toBeGreaterThanOrEqual(1);
  });

  it('refuses NUL characters in decoded text', async () => {
    expect((await refusal(() => parser().parseModule('\0\0\0'))).code).toBe('stub-encoding');
  });

  it('never fails with anything but a StubParseError on arbitrary text', () => {
    const alphabet = [
      ...'abcdefxyz_012 \n\t()[]{}:,.=*/\\@\'"#-+|<>!~`',
      'def ',
      'class ',
      'if ',
      'import ',
      'é',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }), (parts) => {
        try {
          parser().parseModule(parts.join(''), { file: 'fuzz.pyi' });
        } catch (e) {
          if (!(e instanceof StubParseError)) throw e;
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});
