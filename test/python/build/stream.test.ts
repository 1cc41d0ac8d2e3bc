import { describe, expect, it } from 'vitest';
import { buildWhileParsing, buildWith } from '../../../src/python/build/build.js';
import type { BuildTarget } from '../../../src/python/build/types.js';
import { StubParseError } from '../../../src/python/stubs/index.js';
import type { PackageSurface } from '../../../src/python/stubs/types.js';
import type { ExternalModules } from '../../../src/python/typemap/scope.js';
import { renderShim } from '../../../src/python/wrapper/shim.js';
import { wrapModule } from '../../../src/python/wrapper/wrap.js';
import { useParser } from '../stubs/support.js';
import { typeshedDistributions } from '../support/corpus.js';

const parser = useParser();

function target(alias: string, files: Record<string, string>, module = alias): BuildTarget {
  return { spec: alias, alias, stubs: { module, files: new Map(Object.entries(files)) } };
}

/** A module's shim: what the corpus pass does with `each`. */
function shimOf(m: string, s: PackageSurface, externals: ExternalModules | undefined): string {
  return renderShim(wrapModule(s, m, externals ? { externals } : {}));
}

describe('buildWhileParsing', () => {
  it('gives what parsing everything and then buildWith give, with workers parsing meanwhile', async () => {
    // The stdlib (whose `builtins` and `typing` every target needs, parsed late in name order)
    // and a tenth of the third-party distributions, which name stdlib classes.
    const all = typeshedDistributions()
      .filter((d, i) => d.name === 'stdlib' || i % 10 === 0)
      .flatMap((d) => d.targets);
    let shares = { workers: 0, here: 0 };
    const streamed = await buildWhileParsing(
      { targets: all },
      {
        parse: { threads: 2, minParallelChars: 0, keepGoing: true, report: (s) => (shares = { ...s }) },
        each: (_, m, s, externals) => shimOf(m, s, externals),
      },
    );
    expect(shares.workers).toBeGreaterThan(0);
    const surfaces = new Map(
      all.map((t) => [t.stubs, parser().parsePackage(t.stubs, undefined, { keepGoing: true })]),
    );
    const plain = buildWith({ targets: all }, (stubs) => surfaces.get(stubs)!);
    expect(streamed.result.targets.length).toBe(all.length);
    expect(JSON.stringify(streamed.result.targets)).toBe(JSON.stringify(plain.targets));
    const expected = all.map((t) => {
      const s = surfaces.get(t.stubs)!;
      return [...s.modules.keys()]
        .filter((m) => m !== t.stubs.module)
        .map((m) => shimOf(m, s, plain.externals));
    });
    expect(JSON.stringify(streamed.each)).toBe(JSON.stringify(expected));
  });

  it('wraps a target that names a class of a later target as if all were parsed first', async () => {
    const filler = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`m${i}.pyi`, `def f${i}(x: int) -> int: ...\n`.repeat(200)]),
    );
    const all = [
      target('first', { '__init__.pyi': 'from last import Thing\ndef make() -> Thing: ...\n' }),
      target('middle', { '__init__.pyi': 'X: int\n', ...filler }),
      target('last', { '__init__.pyi': 'class Thing:\n    size: int\n' }),
    ];
    for (const threads of [1, 2]) {
      const res = await buildWhileParsing({ targets: all }, { parse: { threads, minParallelChars: 0 } });
      expect(res.result.targets[0]!.shim).toContain('fun make(): last.Thing');
      expect(res.result.targets[0]!.skipped).toEqual([]);
    }
  });

  it('throws the first parse error in target order, as build does', async () => {
    const all = [
      target('ok', { '__init__.pyi': 'def f(a: int) -> int: ...\n' }),
      target('bad', { '__init__.pyi': 'def (:\n' }),
      target('worse', { '__init__.pyi': 'class C:\n  x: int\n y: int\n' }),
    ];
    for (const threads of [1, 2]) {
      const err = await buildWhileParsing(
        { targets: all },
        { parse: { threads, minParallelChars: 0 } },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StubParseError);
      expect((err as StubParseError).line).toBe(1);
    }
  });
});
