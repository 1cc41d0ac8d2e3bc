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

  it('says extras are not part of a spec, and what to import instead', () => {
    for (const [spec, instead] of [
      ['httpx[socks]', 'httpx'],
      ['httpx[socks,http2]@>=0.27', 'httpx@>=0.27'],
    ] as const) {
      expect(() => parseImportSpec(spec)).toThrow(
        expect.objectContaining({
          code: 'importspec-invalid',
          message: expect.stringContaining('are not part of an import spec'),
          hint: `import the distribution itself: "${instead}"`,
        }),
      );
    }
  });

  it('normalises names per PEP 503', () => {
    expect(normalizeName('Typing__Extensions')).toBe('typing-extensions');
    expect(normalizeName('a.-_B')).toBe('a-b');
  });
});
