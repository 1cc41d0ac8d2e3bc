import { describe, expect, it } from 'vitest';
import {
  GoImportSpecError,
  isStandardImportPath,
  matchesQuery,
  parseGoImportSpec,
} from '../../../src/go/lockfile/index.js';

describe('parseGoImportSpec: accepted specs', () => {
  it.each([
    ['github.com/google/uuid', { kind: 'module', module: 'github.com/google/uuid', query: 'latest' }],
    ['github.com/google/uuid@latest', { kind: 'module', module: 'github.com/google/uuid', query: 'latest' }],
    [
      'github.com/google/uuid@v1.6.0',
      { kind: 'module', module: 'github.com/google/uuid', version: 'v1.6.0' },
    ],
    ['golang.org/x/text@v0', { kind: 'module', module: 'golang.org/x/text', query: 'v0' }],
    ['golang.org/x/text@v0.14', { kind: 'module', module: 'golang.org/x/text', query: 'v0.14' }],
    ['example.com/m@>=v1.2.0', { kind: 'module', module: 'example.com/m', query: '>=v1.2.0' }],
    ['example.com/m@<v1.2', { kind: 'module', module: 'example.com/m', query: '<v1.2' }],
    ['example.com/m/v2@v2.1.0-rc.1', { kind: 'module', module: 'example.com/m/v2', version: 'v2.1.0-rc.1' }],
    ['example.com/m/v3@v3', { kind: 'module', module: 'example.com/m/v3', query: 'v3' }],
    [
      'example.com/m@v0.0.0-20240101000000-0123456789ab',
      { kind: 'module', module: 'example.com/m', version: 'v0.0.0-20240101000000-0123456789ab' },
    ],
    [
      'example.com/m@v2.0.0+incompatible',
      { kind: 'module', module: 'example.com/m', version: 'v2.0.0+incompatible' },
    ],
    [
      // A v2+ version of a path without /vN is a revision the proxy resolves, as in cmd/go.
      'example.com/m@v2.0.0',
      { kind: 'module', module: 'example.com/m', revision: 'v2.0.0' },
    ],
    ['gopkg.in/yaml.v3@v3.0.1', { kind: 'module', module: 'gopkg.in/yaml.v3', version: 'v3.0.1' }],
    [
      'example.com/Upper/Case@v1.0.0',
      { kind: 'module', module: 'example.com/Upper/Case', version: 'v1.0.0' },
    ],
    [
      'example.com/local@path+./go/local',
      { kind: 'path', module: 'example.com/local', localPath: './go/local' },
    ],
    [
      'example.com/local@path+../shared',
      { kind: 'path', module: 'example.com/local', localPath: '../shared' },
    ],
    ['strings', { kind: 'std', path: 'strings' }],
    ['net/http', { kind: 'std', path: 'net/http' }],
  ])('%s', (spec, want) => {
    expect(parseGoImportSpec(spec)).toEqual(want);
  });
});

describe('parseGoImportSpec: refused specs say what is wrong', () => {
  it.each([
    ['', /module path is empty/],
    ['@v1.0.0', /module path is empty/],
    ['example.com/m@', /nothing after @/],
    ['example.com/m@master', /not a semantic version, a pseudo-version, or one of the queries/],
    ['example.com/m@upgrade', /not a semantic version/],
    ['example.com/m@v1.2.3+meta', /build metadata/],
    ['example.com/m@v1.2', /./], // a query, accepted: guarded below
    ['example.com/m@v01', /not a semantic version/],
    ['example.com/m@v1.02', /not a semantic version/],
    ['example.com/m@1.2.3', /not a semantic version/],
    ['example.com/m@v1.2.3.4', /not a semantic version/],
    ['example.com/m@<=v1.2', /not a semantic version/], // cmd/go: ambiguous
    ['example.com/m@>v1', /not a semantic version/], // cmd/go: ambiguous
    ['example.com/m@>=vx', /not a semantic version/],
    ['example.com/m/v2@v1.0.0', /should be v2, not v1/],
    ['example.com/m/v1@v1.0.0', /not a valid module path/],
    ['Example.com/m@v1.0.0', /not a valid module path/],
    ['example.com/aux@v1.0.0', /not a valid import path/],
    ['example.com//m', /not a valid import path/],
    ['example.com/m@@v1', /not a semantic version/],
    ['strings@v1.0.0', /standard-library package/],
    ['internal/cpu', /use of internal package internal\/cpu not allowed \(only code of the standard library/],
    ['crypto/internal/boring', /only code under crypto may import it/],
    ['example.com/lib/internal/x', /use of internal package example\.com\/lib\/internal\/x not allowed/],
    ['example.com/lib/internal@v1.0.0', /only code under example\.com\/lib may import it/],
    ['example.com/internal/a/internal/b@path+./b', /only code under example\.com\/internal\/a may/],
    ['example.com/m@path+', /needs a directory/],
    ['example.com/m@path+.', /needs a directory/],
    ['example.com/m@path+/abs/dir', /absolute/],
    ['example.com/m@path+C:\\dir', /absolute/],
    ['example.com/m@path+a\u0000b', /control character/],
  ])('%j', (spec, why) => {
    if (spec === 'example.com/m@v1.2') {
      expect(parseGoImportSpec(spec)).toEqual({ kind: 'module', module: 'example.com/m', query: 'v1.2' });
      return;
    }
    let caught: unknown;
    try {
      parseGoImportSpec(spec);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GoImportSpecError);
    const e = caught as GoImportSpecError;
    expect(e.code).toBe('go-importspec-invalid');
    expect(e.message).toContain(`import go ${JSON.stringify(spec)}`);
    expect(e.message).toMatch(why);
  });

  it('caps the spec length', () => {
    expect(() => parseGoImportSpec(`example.com/${'a'.repeat(9000)}`)).toThrow(/longer than 8192/);
  });

  it('puts the declaration location in front when given', () => {
    const e = new GoImportSpecError('x', 'bad', undefined, undefined, 'main.mochi:3:1');
    expect(e.message).toBe('main.mochi:3:1: import go "x": bad');
  });
});

describe('matchesQuery: which versions answer a query', () => {
  it.each([
    ['v1.4.2', 'v1', true],
    ['v1.4.2', 'v1.4', true],
    ['v1.10.0', 'v1.1', false],
    ['v10.0.0', 'v1', false],
    ['v1.4.2-rc.1', 'v1.4', true], // cmd/go falls back to pre-releases of the prefix
    ['v1.4.0-rc.1', 'v1.4', false], // below v1.4.0
    ['v1.2.0', '<v1.2', false],
    ['v1.1.9', '<v1.2', true],
    ['v1.2.0', '<=v1.2.0', true],
    ['v1.2.0', '>v1.2.0', false],
    ['v1.3.0-pre', '>=v1.3', false],
    ['v1.4.2-rc.1', 'latest', true],
    ['v2.0.0+incompatible', 'v2', true],
    ['v0.0.0-20240101000000-0123456789ab', 'v0', false],
    ['garbage', 'latest', false],
  ] as const)('%s answers %s: %s', (v, q, want) => {
    expect(matchesQuery(v, q)).toBe(want);
  });
});

describe('isStandardImportPath', () => {
  it('is true exactly when the first element has no dot (cmd/go rule)', () => {
    expect(isStandardImportPath('strings')).toBe(true);
    expect(isStandardImportPath('net/http')).toBe(true);
    expect(isStandardImportPath('example.com/x')).toBe(false);
    expect(isStandardImportPath('localhost/x.y')).toBe(true);
  });
});
