// "Does it exist" probes: one rule for absent paths (ENOENT, and ENOTDIR below a regular file).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAbsent, pathExists } from '../../src/util/read.js';

describe('pathExists / isAbsent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exists-'));
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'sub'));
  symlinkSync('loop-b', join(dir, 'loop-a'));
  symlinkSync('loop-a', join(dir, 'loop-b'));
  symlinkSync('nowhere', join(dir, 'dangling'));

  it('says true for files and directories, false for missing paths and paths below a file', () => {
    expect(pathExists(file)).toBe(true);
    expect(pathExists(join(dir, 'sub'))).toBe(true);
    expect(pathExists(join(dir, 'missing'))).toBe(false);
    // A parent that is a regular file: ENOTDIR, which is absence too.
    expect(pathExists(join(file, 'below'))).toBe(false);
    expect(pathExists(join(file, 'below', 'deeper'))).toBe(false);
    // Links are followed: a dangling one names nothing.
    expect(pathExists(join(dir, 'dangling'))).toBe(false);
  });

  it('throws other errors (a link loop) rather than calling them absent', () => {
    expect(() => pathExists(join(dir, 'loop-a'))).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });

  it('classifies errors by code', () => {
    expect(isAbsent(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(true);
    expect(isAbsent(Object.assign(new Error('x'), { code: 'ENOTDIR' }))).toBe(true);
    expect(isAbsent(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(false);
    expect(isAbsent(new Error('no code'))).toBe(false);
    expect(isAbsent(undefined)).toBe(false);
  });
});
