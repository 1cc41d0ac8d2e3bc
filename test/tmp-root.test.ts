import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('test temp root', () => {
  it('puts every test temp file under one per-run directory', () => {
    expect(basename(tmpdir())).toMatch(/^mochi-pkg-tests-/);
    expect(dirname(tmpdir())).not.toBe(tmpdir());
  });
});
