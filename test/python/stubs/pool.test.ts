import { describe, expect, it } from 'vitest';
import type { StubFiles } from '../../../src/python/build/types.js';
import { StubParseError } from '../../../src/python/stubs/index.js';
import { parsePackages } from '../../../src/python/stubs/pool.js';
import type { PackageSurface } from '../../../src/python/stubs/types.js';
import { typeshedDistributions } from '../support/corpus.js';
import { useParser } from './support.js';

const parser = useParser();

function json(surfaces: readonly PackageSurface[]): string {
  return JSON.stringify(surfaces, (_, v) =>
    v instanceof Map ? [...v] : v instanceof StubParseError ? [v.code, v.message] : v,
  );
}

function stubs(module: string, files: Record<string, string>): StubFiles {
  return { module, files: new Map(Object.entries(files)) };
}

describe('parsePackages', () => {
  it('gives what parsePackage gives one package after the other, with workers doing part of it', async () => {
    // A third of typeshed's distributions, the stdlib first: several MB, so workers are used.
    const jobs = typeshedDistributions()
      .filter((_, i) => i % 3 === 0)
      .flatMap((d) => d.targets.map((t) => t.stubs));
    let shares = { workers: 0, here: 0 };
    const parallel = await parsePackages(jobs, undefined, {
      threads: 3,
      minParallelChars: 0,
      report: (s) => (shares = { ...s }),
    });
    expect(shares.workers).toBeGreaterThan(0);
    const sequential = jobs.map((j) => parser().parsePackage(j));
    expect(parallel.length).toBe(jobs.length);
    expect(json(parallel)).toBe(json(sequential));
  });

  it('throws the first error in job order, or lists every error with keepGoing, as in sequence', async () => {
    const jobs = [
      stubs('ok', { '__init__.pyi': 'def f(a: int) -> int: ...\n' }),
      stubs('bad', {
        '__init__.pyi': 'x: int\n',
        'b.pyi': 'def (:\n',
        'a.pyi': 'class C:\n  x: int\n y: int\n',
      }),
      stubs('worse', { '__init__.pyi': 'def g(\n' }),
    ];
    for (const threads of [1, 2]) {
      const options = { threads, minParallelChars: 0 };
      const err = await parsePackages(jobs, undefined, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StubParseError);
      // `bad.a` comes before `bad.b`: modules are parsed in name order.
      expect((err as StubParseError).file).toBe('a.pyi');
      const kept = await parsePackages(jobs, undefined, { ...options, keepGoing: true });
      expect(kept.map((s) => [...s.modules.keys()])).toEqual([['ok'], ['bad'], []]);
      expect(kept.map((s) => (s.errors ?? []).map((e) => `${e.code} ${e.file}:${e.line}`))).toEqual([
        [],
        ['stub-syntax a.pyi:3', 'stub-syntax b.pyi:1'],
        ['stub-syntax __init__.pyi:1'],
      ]);
      expect(json(kept)).toBe(
        json(jobs.map((j) => parser().parsePackage(j, undefined, { keepGoing: true }))),
      );
    }
  });

  it('parses small inputs in this thread only', async () => {
    let shares = { workers: -1, here: -1 };
    const out = await parsePackages([stubs('m', { '__init__.pyi': 'X: int\n' })], undefined, {
      threads: 4,
      report: (s) => (shares = { ...s }),
    });
    expect(shares).toEqual({ workers: 0, here: 1 });
    expect(out[0]!.modules.get('m')!.constants.map((c) => c.name)).toEqual(['X']);
  });
});
