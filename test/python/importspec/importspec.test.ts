import { describe, expect, it } from 'vitest';
import { ImportSpecError, normalizeName, parseImportSpec } from '../../../src/python/importspec/index.js';

describe('parseImportSpec', () => {
  it('reads each source form of DESIGN.md §3', () => {
    expect(parseImportSpec('httpx')).toEqual({
      spec: 'httpx',
      rawName: 'httpx',
      name: 'httpx',
      source: 'registry',
    });
    expect(parseImportSpec('HTTPX@==0.27.0')).toMatchObject({
      source: 'registry',
      name: 'httpx',
      specifier: '==0.27.0',
      pinnedVersion: '0.27.0',
    });
    expect(parseImportSpec('a@>=1,<2')).toMatchObject({ source: 'registry', specifier: '>=1,<2' });
    expect(parseImportSpec('a@>=1,<2')).not.toHaveProperty('pinnedVersion');
    expect(parseImportSpec('a@==1.*')).not.toHaveProperty('pinnedVersion');
    expect(parseImportSpec('a@==1.0+local')).toMatchObject({ source: 'registry', specifier: '==1.0+local' });
    expect(parseImportSpec('a@git+https://h/r.git#v1')).toMatchObject({
      source: 'git',
      gitUrl: 'https://h/r.git',
      gitRev: 'v1',
    });
    expect(parseImportSpec('a@git+ssh://git@h/r.git')).toMatchObject({
      source: 'git',
      gitUrl: 'ssh://git@h/r.git',
    });
    expect(parseImportSpec('a@path+./stubs/a')).toMatchObject({ source: 'path', localPath: './stubs/a' });
    expect(parseImportSpec('a@corp+https://pypi.corp/simple')).toMatchObject({
      source: 'index',
      indexId: 'corp',
      indexUrl: 'https://pypi.corp/simple',
    });
  });

  it('refuses malformed specs, quoting the spec', () => {
    const bad = [
      '',
      '@1',
      'a@',
      'a b',
      '-a',
      'a@path+.',
      'a@path+/',
      'a@path+./',
      'a@path+',
      'a@git+',
      'a@git+u#',
      'a@git+u#-x',
      'a@c d+https://x/',
    ];
    for (const spec of bad) {
      let err: unknown;
      try {
        parseImportSpec(spec);
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(ImportSpecError);
      expect((err as ImportSpecError).code).toBe('importspec-invalid');
      expect((err as ImportSpecError).message).toContain(JSON.stringify(spec));
    }
  });

  it('reads extras after the name, normalised, sorted and de-duplicated, as pip reads name[extra]', () => {
    expect(parseImportSpec('requests[socks]@>=2')).toEqual({
      spec: 'requests[socks]@>=2',
      rawName: 'requests',
      name: 'requests',
      extras: ['socks'],
      source: 'registry',
      specifier: '>=2',
    });
    expect(parseImportSpec('HTTPX[ Socks , http2,socks ]')).toMatchObject({ extras: ['http2', 'socks'] });
    expect(parseImportSpec('httpx[Foo_Bar]@==0.27.0')).toMatchObject({
      extras: ['foo-bar'],
      pinnedVersion: '0.27.0',
    });
    expect(parseImportSpec('lib[cli]@internal+https://pypi.internal/simple/')).toMatchObject({
      source: 'index',
      name: 'lib',
      extras: ['cli'],
    });
    // `[]` names no extra, as in pip; the spec is then that of the bare name.
    expect(parseImportSpec('httpx[]')).toEqual({
      spec: 'httpx[]',
      rawName: 'httpx',
      name: 'httpx',
      source: 'registry',
    });
  });

  it('refuses malformed extras and extras on git and path imports', () => {
    for (const [spec, problem] of [
      ['httpx[socks', 'is not a list of extras in brackets'],
      ['httpx[socks]x', 'is not a list of extras in brackets'],
      ['httpx[so cks]', 'is not a valid extra name'],
      ['httpx[a,,b]', 'is not a valid extra name'],
      ['httpx[-a]', 'is not a valid extra name'],
      ['[socks]', 'is not a valid distribution name'],
      ['lib[cli]@git+https://example.com/lib.git', 'a git import has none'],
      ['lib[cli]@path+./stubs/lib', 'a path import has none'],
    ] as const) {
      expect(() => parseImportSpec(spec), spec).toThrow(
        expect.objectContaining({ code: 'importspec-invalid', message: expect.stringContaining(problem) }),
      );
    }
  });

  it('normalises names per PEP 503', () => {
    expect(normalizeName('Typing__Extensions')).toBe('typing-extensions');
    expect(normalizeName('a.-_B')).toBe('a-b');
  });
});
