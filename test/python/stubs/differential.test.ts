import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { PythonTarget } from '../../../src/python/build/types.js';
import { decodeStub, loadStubParser, type StubParser } from '../../../src/python/stubs/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { pyiFiles, TOPLEVEL_PY, TYPESHED } from './typeshed.js';

interface TopLevel {
  functions?: [string, boolean][];
  classes?: string[];
  error?: string;
}

/** Sorted, de-duplicated `name` / `async name` lines and class names: what both sides must agree on. */
function summary(t: TopLevel): { functions: string[]; classes: string[] } {
  return {
    functions: [...new Set((t.functions ?? []).map(([n, a]) => (a ? `async ${n}` : n)))].sort(),
    classes: [...new Set(t.classes ?? [])].sort(),
  };
}

function ours(parser: StubParser, file: string, target: PythonTarget): TopLevel {
  const s = parser.parseModule(decodeStub(readFileSync(file), file), { file, target });
  return {
    functions: s.functions.flatMap((g) => g.defs.map((d): [string, boolean] => [d.name, d.async])),
    classes: s.classes.map((c) => c.name),
  };
}

const files = pyiFiles(TYPESHED);

describeWithOracle(pythonOracle(), 'typeshed top-level names agree with CPython ast', () => {
  let parser: StubParser;
  beforeAll(async () => {
    parser = await loadStubParser();
  });

  it('covers the whole corpus: stdlib and every third-party stub package', () => {
    expect(files.length).toBeGreaterThan(5000);
    const packages = new Set(
      files.filter((f) => f.includes('/stubs/')).map((f) => f.split('/stubs/')[1]!.split('/')[0]),
    );
    expect(packages.size).toBeGreaterThanOrEqual(200);
  });

  const targets: PythonTarget[] = [
    { version: [3, 12], platform: 'linux' },
    { version: [3, 9], platform: 'win32' },
  ];
  it.each(targets)('for Python $version on $platform', (target) => {
    const ref = JSON.parse(
      runPython(readFileSync(TOPLEVEL_PY, 'utf8'), [], JSON.stringify({ files, ...target })),
    ) as { results: Record<string, TopLevel> };
    let agree = 0;
    const differ: string[] = [];
    for (const file of files) {
      const theirs = ref.results[file];
      expect(theirs?.error, `${file} must parse with CPython`).toBeUndefined();
      const a = summary(ours(parser, file, target));
      const b = summary(theirs!);
      if (JSON.stringify(a) === JSON.stringify(b)) agree++;
      else differ.push(`${file}: ours ${JSON.stringify(a)} cpython ${JSON.stringify(b)}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(agree).toBe(files.length);
  });
});
