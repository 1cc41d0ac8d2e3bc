// Module path rules and the `!` escape codec: the seed's escape_test.go cases and x/mod's path rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../src/errors.js';
import * as moduleNamespace from '../../src/go/module/index.js';
import {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  escapePath,
  escapeVersion,
  InvalidEscapedError,
  InvalidModuleVersionError,
  InvalidPathError,
  MAX_PATH_LENGTH,
  splitPathVersion,
  unescapePath,
  unescapeVersion,
} from '../../src/go/module/index.js';
import { ruleOf } from './outcome.js';

describe('escapePath', () => {
  it.each([
    ['github.com/Spf13/Cobra', 'github.com/!spf13/!cobra'],
    ['go.uber.org/Zap', 'go.uber.org/!zap'],
    ['github.com/AAA/BBB', 'github.com/!a!a!a/!b!b!b'],
    ['github.com/spf13/cobra', 'github.com/spf13/cobra'],
    ['github.com/Azure/azure-sdk-for-go', 'github.com/!azure/azure-sdk-for-go'],
    ['github.com/GoogleCloudPlatform/cloudsql-proxy', 'github.com/!google!cloud!platform/cloudsql-proxy'],
  ])('escapes %s as %s and back', (path, escaped) => {
    expect(escapePath(path)).toBe(escaped);
    expect(unescapePath(escaped)).toBe(path);
  });

  it('passes lower-case paths through unchanged (the same string)', () => {
    expect(escapePath('golang.org/x/mod')).toBe('golang.org/x/mod');
  });

  it('refuses an invalid module path with the path error', () => {
    expect(() => escapePath('Example.com/m')).toThrow(InvalidPathError);
    expect(() => escapePath('example.com/m!')).toThrow(/invalid char '!'/);
  });

  it('answers a repeated path as the first time (remembered escapes) and refuses a bad one every time', () => {
    const paths = ['github.com/Foo/Bar', 'example.com/x/y', 'github.com/Foo/Bar'];
    const fresh = paths.map((p) => escapePath(p));
    expect(paths.map((p) => escapePath(p))).toEqual(fresh);
    expect(fresh).toEqual(['github.com/!foo/!bar', 'example.com/x/y', 'github.com/!foo/!bar']);
    for (let i = 0; i < 2; i++) expect(() => escapePath('example.com/m!')).toThrow(InvalidPathError);
  });
});

describe('escapeVersion', () => {
  it('escapes upper case, including a leading upper-case letter (leading "!")', () => {
    expect(escapeVersion('v1.0.0-RC1')).toBe('v1.0.0-!r!c1');
    expect(escapeVersion('V1')).toBe('!v1');
    expect(unescapeVersion('!v1')).toBe('V1');
    expect(escapeVersion('v1.2.3')).toBe('v1.2.3');
  });

  it.each(['v1/2', 'v1\\2', 'v1:2', 'v1\u00002', 'v1\n', 'v1\u007f', 'v1!', '', '..', 'v1.', 'v1*', 'con'])(
    'rejects %j',
    (v) => {
      let err: unknown;
      try {
        escapeVersion(v);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidModuleVersionError);
      expect(isMochiPkgError(err, 'module-version-invalid')).toBe(true);
      expect((err as Error).message).toContain(JSON.stringify(v));
    },
  );

  it('rejects non-ASCII letters, which the escape cannot represent', () => {
    expect(() => escapeVersion('v1.0.0-é')).toThrow(InvalidModuleVersionError);
  });
});

describe('unescapePath and unescapeVersion', () => {
  it.each([
    ['github.com/!', 'trailing "!"'],
    ['github.com/!Foo', 'not followed by a lower-case letter'],
    ['github.com/!1', 'not followed by a lower-case letter'],
    ['github.com/!!a', 'not followed by a lower-case letter'],
    ['github.com/Foo', 'raw upper-case'],
    ['github.com/é', 'non-ASCII'],
  ])('unescapePath rejects %j (%s)', (escaped, why) => {
    expect(() => unescapePath(escaped)).toThrow(InvalidEscapedError);
    expect(() => unescapePath(escaped)).toThrow(why);
  });

  it('unescapePath rejects an escape of an invalid module path, with the path error as cause', () => {
    try {
      unescapePath('!example.com/m');
      expect.unreachable();
    } catch (e) {
      expect(isMochiPkgError(e, 'module-escaped-invalid')).toBe(true);
      expect((e as Error).cause).toBeInstanceOf(InvalidPathError);
    }
  });

  it('unescapeVersion rejects bad escapes and bad file names', () => {
    expect(() => unescapeVersion('v1.0.0!')).toThrow(/trailing/);
    expect(() => unescapeVersion('v1.0.0-!X')).toThrow(InvalidEscapedError);
    expect(() => unescapeVersion('v1:0')).toThrow(InvalidEscapedError);
  });

  it.each(['github.com/Spf13/Cobra', 'go.uber.org/Zap', 'github.com/AAA/BBB', 'example.com/lower/v2'])(
    'round-trips %s through escape and unescape',
    (p) => {
      expect(unescapePath(escapePath(p))).toBe(p);
    },
  );

  it('round-trips every valid generated path and version', () => {
    const elem = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}[A-Za-z0-9_~-]$/);
    const path = fc
      .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}\.[a-z]{2,4}$/), fc.array(elem, { maxLength: 4 }))
      .map(([d, es]) => [d, ...es].join('/'));
    fc.assert(
      fc.property(path, (p) => {
        let valid = true;
        try {
          checkPath(p);
        } catch {
          valid = false;
        }
        fc.pre(valid);
        const e = escapePath(p);
        expect(e).not.toMatch(/[A-Z]/);
        expect(unescapePath(e)).toBe(p);
      }),
    );
  });
});

describe('checkPath', () => {
  it.each([
    ['github.com/spf13/cobra', 'ok'],
    ['example.com/m/v2', 'ok'],
    ['gopkg.in/yaml.v2', 'ok'],
    ['gopkg.in/check.v1', 'ok'],
    ['gopkg.in/yaml.v3-unstable', 'ok'],
    ['example.com/Upper_Case~x', 'ok'],
    ['', 'empty'],
    ['-x.com/m', 'leading-dash'],
    ['x.com//m', 'double-slash'],
    ['x.com/m/', 'trailing-slash'],
    ['/x.com/m', 'empty-element'],
    ['x.com/../m', 'dots-only-element'],
    ['x.com/.m', 'leading-dot'],
    ['x.com/m.', 'trailing-dot'],
    ['x.com/m+', 'invalid-char'],
    ['x.com/m@v1', 'invalid-char'],
    ['x.com/é', 'invalid-char'],
    ['x.com/aux', 'windows-reserved-name'],
    ['x.com/COM1.txt', 'windows-reserved-name'],
    ['x.com/progra~1', 'windows-short-name'],
    ['localhost/m', 'first-element-missing-dot'],
    ['Example.com/m', 'first-element-invalid-char'],
    ['x_y.com/m', 'first-element-invalid-char'],
    ['example.com/m/v1', 'bad-major-version-suffix'],
    ['example.com/m/v0', 'bad-major-version-suffix'],
    ['example.com/m/v02', 'bad-major-version-suffix'],
    ['example.com/m/v2.0', 'bad-major-version-suffix'],
    ['gopkg.in/yaml', 'bad-major-version-suffix'],
    ['gopkg.in/yaml.v02', 'bad-major-version-suffix'],
  ])('%j → %s', (path, rule) => {
    expect(ruleOf(() => checkPath(path))).toBe(rule);
  });

  it('names the path, the kind and the rule in the error', () => {
    try {
      checkPath('x.com/m+');
      expect.unreachable();
    } catch (e) {
      expect(isMochiPkgError(e, 'module-path-invalid')).toBe(true);
      expect((e as Error).message).toBe(
        'malformed module path "x.com/m+": invalid char \'+\'; module paths allow ASCII letters, digits and - . _ ~',
      );
      expect((e as InvalidPathError).kind).toBe('module');
    }
  });

  it('refuses paths longer than MAX_PATH_LENGTH with a typed error', () => {
    const long = `example.com/${'a'.repeat(MAX_PATH_LENGTH)}`;
    expect(ruleOf(() => checkPath(long))).toBe('too-long');
    expect(ruleOf(() => checkFilePath(long))).toBe('too-long');
    expect(ruleOf(() => checkPath(long.slice(0, MAX_PATH_LENGTH)))).toBe('ok');
  });

  it('treats lone surrogates as malformed text', () => {
    expect(ruleOf(() => checkFilePath('a/\uD800'))).toBe('invalid-utf16');
    expect(ruleOf(() => checkFilePath('a/\u{10400}'))).toBe('ok'); // a letter outside the BMP
  });
});

describe('checkImportPath and checkFilePath', () => {
  it.each([
    ['example.com/c++', 'ok', 'ok'],
    ['example.com/.dot', 'ok', 'ok'],
    ['x/-dash', 'ok', 'ok'],
    ['-x', 'leading-dash', 'ok'],
    ['a/b c', 'invalid-char', 'ok'],
    ['a/héllo', 'invalid-char', 'ok'],
    ['a/b~1', 'windows-short-name', 'ok'],
    ['a/NuL', 'windows-reserved-name', 'windows-reserved-name'],
    ['a/lpt9.go', 'windows-reserved-name', 'windows-reserved-name'],
    ['a/b:c', 'invalid-char', 'invalid-char'],
    ['a/b\\c', 'invalid-char', 'invalid-char'],
    ['a/b"c', 'invalid-char', 'invalid-char'],
    ['a/b\u0000', 'invalid-char', 'invalid-char'],
    ['a/1\u0663', 'invalid-char', 'invalid-char'], // a non-ASCII digit is not a letter
    ['a/...', 'dots-only-element', 'dots-only-element'],
    ['a//b', 'double-slash', 'double-slash'],
  ])('%j → import %s, file %s', (path, importRule, fileRule) => {
    expect(ruleOf(() => checkImportPath(path))).toBe(importRule);
    expect(ruleOf(() => checkFilePath(path))).toBe(fileRule);
  });
});

describe('splitPathVersion, check and canonicalVersion', () => {
  it('splits /vN and gopkg.in .vN suffixes', () => {
    expect(splitPathVersion('example.com/m/v2')).toEqual({ prefix: 'example.com/m', pathMajor: '/v2' });
    expect(splitPathVersion('example.com/m')).toEqual({ prefix: 'example.com/m', pathMajor: '' });
    expect(splitPathVersion('gopkg.in/yaml.v2')).toEqual({ prefix: 'gopkg.in/yaml', pathMajor: '.v2' });
    expect(splitPathVersion('gopkg.in/yaml.v0')).toEqual({ prefix: 'gopkg.in/yaml', pathMajor: '.v0' });
    expect(splitPathVersion('example.com/m/v1')).toBeUndefined();
  });

  it('check matches the version major to the path', () => {
    expect(() => check('example.com/m/v2', 'v2.1.0')).not.toThrow();
    expect(() => check('example.com/m', 'v1.5.0')).not.toThrow();
    expect(() => check('example.com/m', 'v2.0.0+incompatible')).not.toThrow();
    expect(() => check('gopkg.in/check.v1', 'v0.0.0-20161208181325-20d25e280405')).not.toThrow();
    expect(() => check('example.com/m', 'v2.0.0')).toThrow('should be v0 or v1, not v2');
    expect(() => check('example.com/m/v3', 'v2.0.0')).toThrow('should be v3, not v2');
    expect(() => check('example.com/m', 'latest')).toThrow(InvalidModuleVersionError);
    expect(() => check('example.com/m/v1', 'v1.0.0')).toThrow(InvalidPathError);
  });

  it('canonicalVersion keeps +incompatible and drops other build metadata', () => {
    expect(canonicalVersion('v2.0.0+incompatible')).toBe('v2.0.0+incompatible');
    expect(canonicalVersion('v2.0+incompatible')).toBe(''); // shorthands take no suffix
    expect(canonicalVersion('v1.2.3+meta')).toBe('v1.2.3');
    expect(canonicalVersion('bad')).toBe('');
  });
});

describe('public surface', () => {
  it("exports the issue's codec and checks, the documented extras, error classes and the cap", () => {
    expect(Object.keys(moduleNamespace).sort()).toEqual([
      'InvalidEscapedError',
      'InvalidModuleVersionError',
      'InvalidPathError',
      'MAX_PATH_LENGTH',
      'canonicalVersion',
      'check',
      'checkFilePath',
      'checkImportPath',
      'checkPath',
      'escapePath',
      'escapeVersion',
      'splitPathVersion',
      'unescapePath',
      'unescapeVersion',
      'versionFitsPath',
    ]);
  });
});
