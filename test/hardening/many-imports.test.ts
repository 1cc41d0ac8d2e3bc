// Issue 13 item 10: a 4 MB source with 130,000 imports is scanned without recursion; lock handles 100,000.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findImports } from '../../src/project/imports.js';
import { scanProject } from '../../src/project/index.js';
import { cleanup, goProject, tempDir } from './support.js';

afterAll(cleanup);

function source(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `import go "example.com/foo@v1.0.0" as a${i}\n`;
  return s;
}

describe('many imports', () => {
  it('scans a 4 MB file with 130,000 import lines (no stack overflow)', async () => {
    const d = await tempDir();
    const text = source(130_000);
    expect(text.length).toBeGreaterThan(4_000_000);
    await writeFile(join(d, 'main.mochi'), text);
    const scan = await scanProject(d);
    expect(scan.imports).toHaveLength(130_000);
    expect(scan.imports.at(-1)).toMatchObject({ alias: 'a129999', location: { line: 130_000, column: 1 } });
    expect(findImports(text, 'main.mochi')).toHaveLength(130_000);
  });

  it('lock and lock --check handle 100,000 imports of one module', async () => {
    const p = await goProject({ 'main.mochi': source(100_000) });
    const w = await p.lock();
    expect(w.err).toBe('');
    expect(w.code).toBe(0);
    const lock = await readFile(join(p.root, 'mochi.lock'), 'utf8');
    expect(lock).toContain('"a99999"');
    const c = await p.lock('--check');
    expect(c).toMatchObject({ code: 0, err: '' });
  }, 120_000);
});
