// The import rule holds for the source tree, and the check itself catches each kind of planted violation.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImportRules, importsOf } from './support/importRules.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

function sourceTree(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(`${repo}/src`, { recursive: true, encoding: 'utf8' })) {
    const path = `src/${entry.split('\\').join('/')}`;
    if (path.endsWith('.ts')) files.set(path, readFileSync(`${repo}/${path}`, 'utf8'));
  }
  return files;
}

describe('import rule', () => {
  it('holds for src/', () => {
    const files = sourceTree();
    expect(files.size).toBeGreaterThan(100);
    expect(checkImportRules(files)).toEqual([]);
  });

  it('flags go importing python, python importing go, and imports from a layer above', () => {
    const files = new Map([
      ['src/go/a.ts', "import { b } from '../python/b.js';\nexport const a = b;\n"],
      ['src/python/b.ts', "export { c } from '../go/c.js';\nexport const b = 1;\n"],
      ['src/go/c.ts', 'export const c = 1;\n'],
      ['src/util/d.ts', "import { a } from '../go/a.js';\nexport const d = a;\n"],
      ['src/lock/e.ts', "const m = await import('../project/f.js');\nexport const e = m;\n"],
      ['src/project/f.ts', "import { d } from '../util/d.js';\nexport const f = d;\n"],
    ]);
    expect(checkImportRules(files)).toEqual([
      { file: 'src/go/a.ts', import: '../python/b.js', rule: 'go-python' },
      { file: 'src/lock/e.ts', import: '../project/f.js', rule: 'layer' },
      { file: 'src/python/b.ts', import: '../go/c.js', rule: 'go-python' },
      { file: 'src/util/d.ts', import: '../go/a.js', rule: 'layer' },
    ]);
  });

  it('flags a pure module that reaches node:fs, http, child_process or worker_threads, directly or not', () => {
    const files = new Map([
      ['src/go/semver/parse.ts', "import { x } from './helper.js';\nexport const p = x;\n"],
      ['src/go/semver/helper.ts', "import { y } from '../../util/io.js';\nexport const x = y;\n"],
      ['src/util/io.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n"],
      ['src/python/pep440/a.ts', "import 'node:http';\nimport { spawn } from 'child_process';\n"],
      ['src/lock/b.ts', "import type { Worker } from 'node:worker_threads';\nexport type W = Worker;\n"],
      [
        'src/python/typemap/c.ts',
        "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
      ],
    ]);
    expect(checkImportRules(files)).toEqual([
      {
        file: 'src/go/semver/helper.ts',
        import: 'src/go/semver/helper.ts -> src/util/io.ts -> node:fs',
        rule: 'pure',
      },
      {
        file: 'src/go/semver/parse.ts',
        import: 'src/go/semver/parse.ts -> src/go/semver/helper.ts -> src/util/io.ts -> node:fs',
        rule: 'pure',
      },
      { file: 'src/lock/b.ts', import: 'src/lock/b.ts -> node:worker_threads', rule: 'pure' },
      { file: 'src/python/pep440/a.ts', import: 'src/python/pep440/a.ts -> node:http', rule: 'pure' },
    ]);
  });

  it('reads static, type-only, re-exported and dynamic imports', () => {
    expect(
      importsOf(
        "import a from 'x';\nimport type { B } from './b.js';\nexport * from './c.js';\nawait import('./d.js');\n",
      ),
    ).toEqual(['x', './b.js', './c.js', './d.js']);
  });
});
