// //go:embed patterns and the files they name, against `go list -e -json` (Go 1.19) on packages with tricky cases.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { embedPatterns, indexTree, resolveEmbeds } from '../../src/go/vendor/embed.js';
import { describeWithOracle, goCommandEnv, goOracle } from '../support/oracles.js';

const run = promisify(execFile);

const EMBED = 'import "embed"\n\nvar _ embed.FS\n';
// Package directory → its files. Each package is one case.
const CASES: Record<string, Record<string, string>> = {
  plain: {
    'p.go': `package p\n\n${EMBED}\n//go:embed a.txt b*.txt\nvar x string\n`,
    'a.txt': 'a',
    'b1.txt': '',
    'b2.txt': '',
  },
  quoted: {
    'p.go': `package p\n\n${EMBED}\n//go:embed "sp ace.txt" \`back.txt\` "esc\\u0061.txt"\nvar x string\n`,
    'sp ace.txt': '',
    'back.txt': '',
    'esca.txt': '',
  },
  firstline: { 'p.go': `//go:embed a.txt\npackage p\n\n${EMBED}`, 'a.txt': '' },
  strings: {
    'p.go': `package p\n\n${EMBED}\nvar s = \`\n//go:embed raw.txt\n\`\n/*\n//go:embed block.txt\n*/\n//go:embed\tok.txt\n\t//go:embed indented.txt\nvar y string\n`,
    'raw.txt': '',
    'block.txt': '',
    'ok.txt': '',
    'indented.txt': '',
  },
  noimport: { 'p.go': 'package p\n\n//go:embed a.txt\nvar x string\n', 'a.txt': '' },
  dirs: {
    'p.go': `package p\n\n${EMBED}\n//go:embed d all:e [a-c].txt ?.md\nvar x string\n`,
    'd/x.txt': '',
    'd/.h': '',
    'd/_u': '',
    'd/sub/y.txt': '',
    'd/nested/go.mod': 'module nested\n',
    'd/nested/z.txt': '',
    'e/.h': '',
    'e/_u/v.txt': '',
    'a.txt': '',
    'c.txt': '',
    'd.txt': '',
    'x.md': '',
  },
  tests: {
    'p.go': 'package p\n',
    'p_test.go': `package p\n\n${EMBED}\n//go:embed t.txt\nvar x string\n`,
    'x_test.go': `package p_test\n\n${EMBED}\n//go:embed x.txt\nvar x string\n`,
    't.txt': '',
    'x.txt': '',
  },
  missing: { 'p.go': `package p\n\n${EMBED}\n//go:embed none.txt\nvar x string\n` },
  emptydir: { 'p.go': `package p\n\n${EMBED}\n//go:embed d\nvar x string\n`, 'd/.only': '' },
  badpattern: { 'p.go': `package p\n\n${EMBED}\n//go:embed ../x.txt\nvar x string\n` },
  badclass: { 'p.go': `package p\n\n${EMBED}\n//go:embed [z-a].txt\nvar x string\n` },
  innermod: {
    'p.go': `package p\n\n${EMBED}\n//go:embed m/f.txt\nvar x string\n`,
    'm/go.mod': 'module m\n',
    'm/f.txt': '',
  },
};

interface Listed {
  ImportPath: string;
  EmbedPatterns?: string[];
  TestEmbedPatterns?: string[];
  XTestEmbedPatterns?: string[];
  EmbedFiles?: string[];
  TestEmbedFiles?: string[];
  XTestEmbedFiles?: string[];
  Error?: { Err: string };
}

describeWithOracle(goOracle(), 'go:embed patterns and files match go list', () => {
  let root: string;
  let listed: Map<string, Listed>;
  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'vendor-embed-'));
    root = join(work, 'm');
    for (const [pkg, files] of Object.entries(CASES)) {
      for (const [name, body] of Object.entries(files)) {
        await mkdir(dirname(join(root, pkg, name)), { recursive: true });
        await writeFile(join(root, pkg, name), body);
      }
    }
    await writeFile(join(root, 'go.mod'), 'module example.com/m\n\ngo 1.19\n');
    const { stdout } = await run('go', ['list', '-e', '-json', ...Object.keys(CASES).map((p) => `./${p}`)], {
      cwd: root,
      env: { ...goCommandEnv(work, 'off'), GOFLAGS: '-mod=mod' },
    });
    listed = new Map();
    for (const chunk of stdout.split(/\n(?=\{)/)) {
      const l = JSON.parse(chunk) as Listed;
      listed.set(l.ImportPath.slice('example.com/m/'.length), l);
    }
  }, 60_000);

  it('finds the same patterns and files, and fails where go fails', async () => {
    // The cases are meant to cover both outcomes.
    const failing = [...listed].filter(([, l]) => l.Error !== undefined).map(([p]) => p);
    expect(failing.sort()).toEqual(['badclass', 'badpattern', 'emptydir', 'innermod', 'missing']);
    for (const pkg of Object.keys(CASES)) {
      const l = listed.get(pkg)!;
      const want = new Set([
        ...(l.EmbedPatterns ?? []),
        ...(l.TestEmbedPatterns ?? []),
        ...(l.XTestEmbedPatterns ?? []),
      ]);
      const patterns = new Set<string>();
      // go list resolves the files of non-test patterns only (the vendor test covers test embeds).
      const nonTest = new Set<string>();
      const files = new Set<string>();
      const walk = async (rel: string): Promise<void> => {
        for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
          const p = rel === '' ? e.name : `${rel}/${e.name}`;
          if (e.isDirectory()) await walk(p);
          else files.add(p);
        }
      };
      await walk('');
      for (const name of Object.keys(CASES[pkg]!)) {
        if (name.endsWith('.go') && CASES[pkg]![name]!.includes('"embed"'))
          for (const x of embedPatterns(CASES[pkg]![name]!)) {
            patterns.add(x);
            if (!name.endsWith('_test.go')) nonTest.add(x);
          }
      }
      expect([...patterns].sort(), pkg).toEqual([...want].sort());
      const tree = { files };
      const wantFiles = l.EmbedFiles ?? [];
      const goFailed = l.Error !== undefined && /embed|pattern/.test(l.Error.Err);
      let ours: string[] | 'error';
      try {
        ours = resolveEmbeds(tree, indexTree(tree), pkg, [...nonTest].sort(), pkg);
      } catch {
        ours = 'error';
      }
      expect(ours, `${pkg}: ${l.Error?.Err ?? ''}`).toEqual(
        goFailed ? 'error' : [...new Set(wantFiles)].sort(),
      );
    }
  }, 30_000);
});
