// Import scanning, build constraints with tidy's any-tags rule, and the standard-library table (against `go list std`).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  evalAnyTags,
  parseGoBuild,
  parsePlusBuild,
  shouldBuildAnyTags,
} from '../../../src/go/load/constraint.js';
import { readImports } from '../../../src/go/load/imports.js';
import { modulePrefixes } from '../../../src/go/load/query.js';
import { isStandardPackage, STD_GO_VERSION } from '../../../src/go/load/std.js';
import { STD_PACKAGES } from '../../../src/go/load/std-table.js';
import { parseGoImportSpec } from '../../../src/go/lockfile/index.js';
import { describeWithOracle, goOracle } from '../../support/oracles.js';

describe('readImports', () => {
  it('reads single, grouped, named, dot and blank imports, skipping comments', () => {
    const src = `// Package x.
package x // trailing

import "fmt"
import (
\t"os" // comment
\tf "path/filepath"
\t. "strings"
\t_ \`example.com/raw\`
\t/* block */ "example.com/a/b"
)
import "example.com/c";

func main() { import_ := "not an import"; _ = import_ }
`;
    const r = readImports(src);
    expect(r.imports).toEqual([
      'fmt',
      'os',
      'path/filepath',
      'strings',
      'example.com/raw',
      'example.com/a/b',
      'example.com/c',
    ]);
    expect(r.head).toContain('import "example.com/c";');
    expect(r.head).not.toContain('func');
  });
  it('stops at the first other declaration and at a syntax error, keeping what it read', () => {
    expect(readImports('package p\nvar x = 1\nimport "late"\n').imports).toEqual([]);
    expect(readImports('package p\nimport ( "a" 3 )\nimport "b"\n').imports).toEqual(['a']);
    expect(readImports('no package clause').imports).toEqual([]);
  });
  it('reads the package name (main marks a program)', () => {
    expect(readImports('// Command x.\npackage main\n\nimport "fmt"\n').name).toBe('main');
    expect(readImports('/* doc */ package quote // x\n').name).toBe('quote');
    expect(readImports('no package clause').name).toBeUndefined();
  });
});

describe('build constraints as go mod tidy evaluates them (every tag but ignore, both ways)', () => {
  const cases: [string, boolean][] = [
    ['linux', true],
    ['!linux', true],
    ['linux && !linux', true],
    ['ignore', false],
    ['!ignore', true],
    ['ignore || darwin', true],
    ['(ignore)', false],
    ['!(linux && ignore)', true],
    ['ignore && linux', false],
  ];
  for (const [expr, want] of cases) {
    it(`//go:build ${expr} → ${want}`, () => {
      expect(evalAnyTags(parseGoBuild(expr))).toBe(want);
      expect(shouldBuildAnyTags(`//go:build ${expr}\n\npackage p\n`)).toBe(want);
    });
  }
  it('reads // +build lines in the header only, and refuses two //go:build lines', () => {
    expect(evalAnyTags(parsePlusBuild('ignore')!)).toBe(false);
    expect(shouldBuildAnyTags('// +build ignore\n\npackage p\n')).toBe(false);
    expect(shouldBuildAnyTags('// +build linux,!cgo\n\npackage p\n')).toBe(true);
    expect(shouldBuildAnyTags('package p\n// +build ignore\n')).toBe(true);
    expect(shouldBuildAnyTags('//go:build linux\n//go:build darwin\n\npackage p\n')).toBe(false);
    expect(shouldBuildAnyTags('//go:build (linux\n\npackage p\n')).toBe(false);
  });
});

describe('module path prefixes of a package path', () => {
  it('lists the valid module paths, longest first', () => {
    expect(modulePrefixes('example.com/a/b/c')).toEqual([
      'example.com/a/b/c',
      'example.com/a/b',
      'example.com/a',
      'example.com',
    ]);
  });
});

describe('standard-library packages from the release list', () => {
  it('knows std packages and refuses dotless paths that are not std, or internal ones', () => {
    expect(isStandardPackage('net/http')).toBe(true);
    expect(isStandardPackage('nosuchpkg')).toBe(false);
    expect(parseGoImportSpec('net/http')).toEqual({ kind: 'std', path: 'net/http' });
    expect(() => parseGoImportSpec('nosuchpkg')).toThrow(
      /not a package of the Go 1\.19(\.\d+)? standard library/,
    );
    expect(() => parseGoImportSpec('internal/cpu')).toThrow(
      /use of internal package internal\/cpu not allowed/,
    );
  });
});

describeWithOracle(goOracle(), 'the standard-library table equals go list std', () => {
  it(`lists exactly the packages of ${STD_GO_VERSION}`, () => {
    const env = { ...process.env, GOFLAGS: '', GO111MODULE: 'off' };
    const version = execFileSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' }).trim();
    const std = execFileSync('go', ['list', 'std'], { env, encoding: 'utf8' }).trim().split('\n').sort();
    expect(version).toBe(STD_GO_VERSION);
    expect([...STD_PACKAGES]).toEqual(std);
  });
});
