// go.mod parse/format behaviour: x/mod's golden files, directive rules, errors with places, bounds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  autoQuote,
  format,
  GoModParseError,
  MAX_GOMOD_BYTES,
  modulePath,
  parse,
  parseLax,
  parseSyntax,
} from '../../../src/go/modfile/index.js';
import { describeWithOracle, goOracle } from '../../support/oracles.js';
import { XMOD_TESTDATA, xmodTestdata } from './corpus.js';

function parseError(f: () => unknown): GoModParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof GoModParseError) return e;
    throw e;
  }
  throw new Error('expected a GoModParseError');
}

// x/mod's testdata comes with the Go oracle's x/mod (golang-golang-x-mod-dev).
describeWithOracle(goOracle(), "x/mod's modfile/testdata", () => {
  for (const c of goOracle().available ? xmodTestdata() : []) {
    if (c.name.endsWith('.golden')) {
      // x/mod TestPrintGolden: a golden file's syntax formats as itself.
      it(`formats ${c.name} as itself`, () => {
        expect(format(parseSyntax(c.name, c.data))).toBe(c.data.toString('utf8'));
      });
    } else if (!c.name.startsWith('work')) {
      // Parse rewrites quoted paths and short versions and Format gives the golden file; block.in and
      // comment.in hold unknown or repeated directives, so only their syntax is formatted.
      const syntaxOnly = c.name === 'block.in' || c.name === 'comment.in';
      it(`${syntaxOnly ? 'formats the syntax of' : 'parses'} ${c.name} as its golden file`, () => {
        const want = readFileSync(join(XMOD_TESTDATA, c.name.replace(/\.in$/, '.golden')), 'utf8');
        const syntax = syntaxOnly ? parseSyntax(c.name, c.data) : parse(c.name, c.data).syntax;
        expect(format(syntax)).toBe(want);
      });
    }
  }
});

describe('parse', () => {
  it('reads every directive, canonicalises versions and keeps comments for format', () => {
    const f = parse(
      'go.mod',
      [
        '// Deprecated: use example.com/n',
        'module "example.com/m"',
        'go 1.19',
        'require (',
        '\trsc.io/quote v1.5 // indirect',
        '\tx.com/y/v2 v2.0.0',
        ')',
        'exclude rsc.io/quote v1.4.0',
        'replace rsc.io/quote v1.5.0 => ../quote',
        'replace x.com/y/v2 => z.com/y/v2 v2.1.0',
        '// broken',
        'retract [v1.0.0, v1.0.5]',
        '',
      ].join('\n'),
    );
    expect(f.module?.mod.path).toBe('example.com/m');
    expect(f.module?.deprecated).toBe('use example.com/n');
    expect(f.go?.version).toBe('1.19');
    expect(f.require.map((r) => [r.mod.path, r.mod.version, r.indirect])).toEqual([
      ['rsc.io/quote', 'v1.5.0', true],
      ['x.com/y/v2', 'v2.0.0', false],
    ]);
    expect(f.exclude.map((x) => x.mod)).toEqual([{ path: 'rsc.io/quote', version: 'v1.4.0' }]);
    expect(f.replace.map((r) => [r.old, r.new])).toEqual([
      [
        { path: 'rsc.io/quote', version: 'v1.5.0' },
        { path: '../quote', version: '' },
      ],
      [
        { path: 'x.com/y/v2', version: '' },
        { path: 'z.com/y/v2', version: 'v2.1.0' },
      ],
    ]);
    expect(f.retract.map((r) => [r.low, r.high, r.rationale])).toEqual([['v1.0.0', 'v1.0.5', 'broken']]);
    expect(format(f.syntax)).toContain('module example.com/m\n');
    expect(format(f.syntax)).toContain('\trsc.io/quote v1.5.0 // indirect\n');
  });

  it('reports every problem with line and column in x/mod wording', () => {
    const e = parseError(() => parse('go.mod', 'module m\ngo 1.19.1\nrequire x.com v2.0.0\nfoo\n'));
    expect(e.code).toBe('gomod-parse');
    expect(e.message).toBe(
      [
        "go.mod:2: invalid go version '1.19.1': must match format 1.23",
        'go.mod:3: require x.com: version "v2.0.0" invalid: should be v0 or v1, not v2',
        'go.mod:4: unknown directive: foo',
      ].join('\n'),
    );
    expect(e.issues.map((i) => i.line)).toEqual([2, 3, 4]);
    const lex = parseError(() => parse('go.mod', 'module m\n  /* c */\n'));
    expect([lex.line, lex.column, lex.message]).toEqual([
      2,
      3,
      'go.mod:2:3: mod files must use // comments (not /* */ comments)',
    ]);
  });

  it('ParseLax reads what cmd/go reads from a dependency and ignores the rest', () => {
    const text = 'module x.com/m\ngo 1.21.0\ntoolchain go1.21.0\nreplace a.com => ./a\nretract [v1.0.0\n';
    expect(parseError(() => parse('go.mod', text)).issues.map((i) => i.line)).toEqual([2, 3, 5]);
    const f = parseLax('go.mod', text);
    expect([f.go?.version, f.replace, f.retract]).toEqual(['1.21', [], []]);
  });

  it('refuses a file over the size cap before reading it', () => {
    const e = parseError(() => parse('go.mod', new Uint8Array(MAX_GOMOD_BYTES + 1)));
    expect(e.message).toMatch(/more than the 16777216 a go\.mod may have/);
  });

  it('quotes tokens that need it, as AutoQuote does', () => {
    expect([
      autoQuote('x.com/m'),
      autoQuote('a b'),
      autoQuote(''),
      autoQuote('a//b'),
      autoQuote('é'),
    ]).toEqual(['x.com/m', '"a b"', '""', '"a//b"', 'é']);
  });

  it('runs the example of docs/go.md', () => {
    const f = parse('go.mod', 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5 // indirect\n');
    expect(f.require[0]).toMatchObject({ mod: { path: 'rsc.io/quote', version: 'v1.5.0' }, indirect: true });
    expect(format(f.syntax)).toBe(
      'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.0 // indirect\n',
    );
  });

  it('finds the module path leniently, as ModulePath does', () => {
    expect(modulePath('// c\nmodule "x.com/m" \nbroken (\n')).toBe('x.com/m');
    expect(modulePath('module `x.com/raw`\n')).toBe('x.com/raw');
    expect(modulePath('modulex y\n')).toBe('');
  });
});
