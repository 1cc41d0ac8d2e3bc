// The TOML reader: TOML 1.0 read as CPython's tomllib reads it.
import { describe, expect, it } from 'vitest';
import { parseToml } from '../../src/util/toml.js';

describe('parseToml', () => {
  it('reads a CRLF inside a multi-line string as LF, as tomllib does', () => {
    expect(parseToml('a = """x\r\ny"""\r\nb = \'\'\'\r\nu\r\nv\'\'\'\r\n')).toEqual({ a: 'x\ny', b: 'u\nv' });
    expect(parseToml('a = """x\\\r\n  y"""\r\n')).toEqual({ a: 'xy' });
  });

  it('keeps a lone CR an error and an escaped \\r a CR', () => {
    expect(() => parseToml('a = """x\ry"""')).toThrow(/control characters/);
    expect(parseToml('a = "x\\r\\ny"')).toEqual({ a: 'x\r\ny' });
  });
});
