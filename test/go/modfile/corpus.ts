// go.mod inputs for the differential tests: x/mod's testdata, cmd/go's test proxy and script tests, real files on this machine, mutants.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOPATH_XMOD } from '../../support/oracles.js';
import { parseTxtar } from '../../support/txtar.js';

/** One go.mod input and where it came from. */
export interface GoModCase {
  readonly name: string;
  readonly data: Buffer;
}

export const XMOD_TESTDATA = join(GOPATH_XMOD, 'src/golang.org/x/mod/modfile/testdata');

function goroot(): string {
  return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
}

/** x/mod's modfile/testdata (`*.in` and `*.golden`, go.mod and go.work forms). */
export function xmodTestdata(): GoModCase[] {
  const out: GoModCase[] = [];
  for (const sub of ['', 'work']) {
    const dir = join(XMOD_TESTDATA, sub);
    for (const n of readdirSync(dir).sort()) {
      if (n.endsWith('.in') || n.endsWith('.golden')) {
        out.push({ name: join(sub, n), data: readFileSync(join(dir, n)) });
      }
    }
  }
  return out;
}

/** The `.mod` and `go.mod` of every module version in cmd/go's test proxy (`src/cmd/go/testdata/mod`). */
export function testProxyGoMods(): GoModCase[] {
  const dir = join(goroot(), 'src/cmd/go/testdata/mod');
  const out: GoModCase[] = [];
  for (const n of readdirSync(dir).sort()) {
    if (!n.endsWith('.txt')) continue;
    for (const f of parseTxtar(readFileSync(join(dir, n))).files) {
      if (f.name === '.mod' || f.name === 'go.mod') out.push({ name: `${n}/${f.name}`, data: f.data });
    }
  }
  return out;
}

/** Every go.mod embedded in cmd/go's script tests (`src/cmd/go/testdata/script/*.txt`), broken ones included. */
export function scriptGoMods(): GoModCase[] {
  const dir = join(goroot(), 'src/cmd/go/testdata/script');
  const out: GoModCase[] = [];
  for (const n of readdirSync(dir).sort()) {
    if (!n.endsWith('.txt')) continue;
    for (const f of parseTxtar(readFileSync(join(dir, n))).files) {
      if (f.name.endsWith('go.mod')) out.push({ name: `${n}/${f.name}`, data: f.data });
    }
  }
  return out;
}

/** go.mod files on disk: Debian's /usr/share/gocode/src, the Go release's own, this repository's examples. */
export function diskGoMods(repo: string): GoModCase[] {
  const roots = ['/usr/share/gocode/src', goroot(), join(repo, 'examples')];
  const out: GoModCase[] = [];
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name === 'go.mod') out.push({ name: p, data: readFileSync(p) });
    }
  };
  for (const r of roots) if (existsSync(r)) walk(r);
  return out;
}

/** A small seeded PRNG (mulberry32), so the mutants are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces of go.mod syntax (and near-misses) that mutations insert.
const SNIPPETS = [
  '(',
  ')',
  '"',
  '`',
  '//',
  '/*',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '=>',
  '[',
  ']',
  ',',
  '{',
  '}',
  'v1.2',
  'v1',
  'v2.0.0',
  'v1.2.3-pre',
  '+incompatible',
  'v0.0.0-20200101000000-abcdefabcdef',
  'retract',
  'require',
  'exclude',
  'replace',
  'module',
  'go',
  'go 1.21.0',
  'go 1.18rc1',
  'go v1.17',
  '// indirect',
  '// indirect; why',
  '// Deprecated: use x',
  '\n\n',
  '../dir',
  './x',
  'C:\\x',
  'a\\b',
  'x@v1.0.0',
  'example.com/m/v2',
  'gopkg.in/yaml.v2',
  'example.com/m/v1',
  '"a b"',
  '"\\x41"',
  '"\\u00e9"',
  '"\\q"',
  'é',
  '\u00a0',
  '\u200b',
  '\u0000',
  '\u000b',
  '\ufeff',
  '\u2028',
  'toolchain go1.21',
  'use ./a',
  '[v1.0.0, v1.1.0]',
  'retract (',
  'require (\n',
  ')\n',
  'x.com v1.0.0',
  '\\',
];

/** Mutants of `data`: bytes deleted, snippets inserted, lines duplicated, swapped or dropped (valid UTF-8 kept). */
export function mutate(data: Buffer, rand: () => number, count: number): string[] {
  const text = data.toString('utf8');
  const out: string[] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let k = 0; k < count; k++) {
    let cps = Array.from(text);
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * (cps.length + 1));
      const op = Math.floor(rand() * 5);
      if (op === 0 && cps.length > 0) {
        cps.splice(at, 1 + Math.floor(rand() * 4));
      } else if (op <= 2) {
        cps.splice(at, 0, ...Array.from(pick(SNIPPETS)));
      } else {
        const lines = cps.join('').split('\n');
        const i = Math.floor(rand() * lines.length);
        const j = Math.floor(rand() * lines.length);
        if (op === 3) lines.splice(j, 0, lines[i]!);
        else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        cps = Array.from(lines.join('\n'));
      }
    }
    out.push(cps.join(''));
  }
  return out;
}

/** Hand-written cases for rules the corpora rarely reach. */
export const EDGE_CASES: readonly string[] = [
  '',
  'module x',
  'module "example.com/m"\n',
  'module `example.com/m`\n',
  'module "a\\"b"\n',
  'module example.com/m // Deprecated: use other\n',
  '// Deprecated: gone\nmodule example.com/m\n',
  '// Not\n//\n// Deprecated: gone\n// really\n\n// tail\nmodule example.com/m\n',
  'module (\n\t// Deprecated: in block\n\texample.com/m\n)\n',
  '// Deprecated: on block\nmodule (\n\texample.com/m\n)\n',
  'module example.com/m\nmodule example.com/n\n',
  'module example.com/m\ngo 1.19\ngo 1.20\n',
  'go 1.21.0\n',
  'go 1.18rc1\n',
  'go v1.17\n',
  'go 1.017\n',
  'go 1\n',
  'go\n',
  'go 1.19 1.20\n',
  'require x.com v1.2\n',
  'require x.com v1.2.3+meta\n',
  'require x.com v2.0.0\n',
  'require x.com v2.0.0+incompatible\n',
  'require x.com/v2 v1.0.0\n',
  'require x.com/v1 v1.0.0\n',
  'require gopkg.in/yaml.v2 v2.4.0\n',
  'require gopkg.in/yaml.v2 v3.0.0\n',
  'require gopkg.in/check.v1 v0.0.0-20161208181325-20d25e280405\n',
  'require x.com master\n',
  'require x.com "v1.0.0"\n',
  'require "x.com" v1.0.0\n',
  'require "x com" v1.0.0\n',
  'require x.com v1.0.0 // indirect\n',
  'require x.com v1.0.0 // indirect; for tests\n',
  'require x.com v1.0.0 //indirect\n',
  'require x.com v1.0.0 // indirectly\n',
  'require (\n\tx.com v1.0.0 // indirect\n\ty.com v1.1.0\n\n\t// about z\n\tz.com v0.1.0 // c1\n) // after\n',
  'require (\n)\n',
  'require ()\n',
  'require ( )\n',
  'require (\n\tx.com v1.0.0\n',
  'require (\n\tx.com v1.0.0\n) x\n',
  'require ( x.com v1.0.0 )\n',
  'require x.com\n',
  'exclude x.com v1.0.0\nexclude x.com v1\n',
  'replace x.com => ../x\n',
  'replace x.com v1.0.0 => ../x\n',
  'replace x.com v1.0.0 => y.com v1.2\n',
  'replace x.com => y.com\n',
  'replace x.com => y.com@v1.0.0\n',
  'replace x.com => ./y v1.0.0\n',
  'replace x.com => a\\b\n',
  'replace x.com => C:\\x\n',
  'replace x.com => .\\x\n',
  'replace x.com/v1 => ./x\n',
  'replace x.com v2.0.0 => ./x\n',
  'replace x.com v1.0.0 y.com v1.0.0\n',
  'replace (\n\tx.com => ./x\n\ty.com v1.0.0 => z.com v1.1.0\n)\n',
  'module example.com/m\nretract v1.0.0\n',
  'module example.com/m\nretract v1.0\n',
  'module example.com/m\nretract [v1.0.0, v1.9.9]\n',
  'module example.com/m\nretract [v1.0.0,v1.9.9]\n',
  'module example.com/m\nretract [v1.0.0 v1.9.9]\n',
  'module example.com/m\nretract [v1.0.0, v1.9.9\n',
  'module example.com/m\nretract [\n',
  'module example.com/m\nretract\n',
  'module example.com/m\nretract v1.0.0 v1.1.0\n',
  'module example.com/m\nretract master\n',
  'module example.com/m\n// bad release\nretract v1.0.0 // oops\n',
  'module example.com/m\n// about all\nretract (\n\tv1.0.0\n\t// just this one\n\tv1.1.0 // and why\n\t[v1.2.0, v1.3.0]\n)\n',
  'retract v1.0.0\n',
  'unknown directive\n',
  'toolchain go1.21.0\n',
  'use ./a\n',
  'block (\n\tx\n)\n',
  'block x (\n\ty\n)\n',
  'module example.com/m /* c */\n',
  'module example.com/m\n/* c */\n',
  'module example.com/m\n\u00a0\n',
  'module example.com/m\n\u000b\n',
  'module example.com/m\ufeff\n',
  '\ufeffmodule example.com/m\n',
  'module "unterminated\n',
  'module "unterminated',
  'module "esc\\',
  'module `raw\n',
  'module "\\x41\\101\\u00e9\\U0001F600"\n',
  'module "\\q"\n',
  'module "\\400"\n',
  'module "\\ud800"\n',
  'module "é"\n',
  'module "a//b"\n',
  'module "a,b"\n',
  'module ","\n',
  'module "("\n',
  'module ""\n',
  'module example.com/m\r\n\r\ngo 1.19\r\n\r\nrequire x.com v1.0.0 // indirect\r\n',
  '// only a comment',
  '// one\n\n// two\n',
  'module a // x\n// y\ngo 1.19 // z\n\n\n// end\n',
  'require (\n\t// first\n\n\tx.com v1.0.0\n\n\n\ty.com v1.0.0\n\t// last\n)\n',
  'module m\nrequire x.com v1.0.0 // a\n// b\nrequire y.com v1.0.0\n',
  'x ( y\n  z ) // comment\n',
  'require x.com v1.0.0 // one // two\n',
  'module x\nrequire (x.com v1.0.0)\n',
  'module x\nrequire [x.com v1.0.0]\n',
  'module x\nrequire {x.com} v1.0.0\n',
];
