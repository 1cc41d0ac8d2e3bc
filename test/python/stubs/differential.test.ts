import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import type { PythonTarget } from '../../../src/python/build/types.js';
import {
  decodeStub,
  type FunctionDef,
  loadStubParser,
  type ModuleSurface,
  type StubParser,
} from '../../../src/python/stubs/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { pyiFiles, TOPLEVEL_PY, TYPESHED } from './typeshed.js';

interface Reference {
  functions?: [string, boolean][];
  classes?: string[];
  signatures?: unknown[];
  error?: string;
}

/** JSON with object keys sorted and undefined members dropped, so both sides compare as text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Sorted, de-duplicated `name` / `async name` lines and class names: what both sides must agree on. */
function names(functions: [string, boolean][], classes: string[]): string {
  return canonical({
    functions: [...new Set(functions.map(([n, a]) => (a ? `async ${n}` : n)))].sort(),
    classes: [...new Set(classes)].sort(),
  });
}

function signature(owner: string, d: FunctionDef): unknown {
  return {
    name: owner + d.name,
    async: d.async,
    params: d.params.map((p) => ({
      name: p.name,
      kind: p.kind,
      hasDefault: p.hasDefault,
      annotation: p.annotation,
    })),
    returns: d.returns,
  };
}

/** Signatures of top-level functions and of top-level classes' methods, canonical and sorted. */
function signatures(s: ModuleSurface): string[] {
  return [
    ...s.functions.flatMap((g) => g.defs.map((d) => signature('', d))),
    ...s.classes.flatMap((c) => c.methods.flatMap((g) => g.defs.map((d) => signature(`${c.name}.`, d)))),
  ]
    .map(canonical)
    .sort();
}

const files = pyiFiles(TYPESHED);

describeWithOracle(pythonOracle(), 'typeshed surfaces agree with CPython ast', () => {
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

  // 3.12/linux also compares every signature (parameter kinds, defaults, annotations as TypeExpr,
  // return annotations); the second target checks branch evaluation on names alone.
  const targets: [PythonTarget, boolean][] = [
    [{ version: [3, 12], platform: 'linux' }, true],
    [{ version: [3, 9], platform: 'win32' }, false],
  ];
  it.each(targets)('for Python %o (signatures: %s)', { timeout: 600_000 }, (target, withSignatures) => {
    const ref = JSON.parse(
      runPython(
        readFileSync(TOPLEVEL_PY, 'utf8'),
        [],
        JSON.stringify({ files, ...target, signatures: withSignatures }),
      ),
    ) as { results: Record<string, Reference> };
    let agree = 0;
    let compared = 0;
    const differ: string[] = [];
    for (const file of files) {
      const theirs = ref.results[file]!;
      expect(theirs.error, `${file} must parse with CPython`).toBeUndefined();
      const s = parser.parseModule(decodeStub(readFileSync(file), file), { file, target });
      const ours = names(
        s.functions.flatMap((g) => g.defs.map((d): [string, boolean] => [d.name, d.async])),
        s.classes.map((c) => c.name),
      );
      let same = ours === names(theirs.functions ?? [], theirs.classes ?? []);
      if (!same) differ.push(`${file}: names differ`);
      if (withSignatures) {
        const a = signatures(s);
        const b = (theirs.signatures ?? []).map(canonical).sort();
        compared += b.length;
        if (a.join('\n') !== b.join('\n')) {
          same = false;
          const inB = new Set(b);
          differ.push(
            `${file}: ours only ${a
              .filter((x) => !inB.has(x))
              .slice(0, 2)
              .join(' ')}`,
          );
        }
      }
      if (same) agree++;
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(agree).toBe(files.length);
    if (withSignatures) expect(compared).toBeGreaterThan(50_000);
  });
});
