// The whole typeshed corpus (stdlib + 201 third-party distributions) through the build, twice.
import { describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../../src/python/typemap/reasons.js';
import { type CorpusPass, corpusPass, typeshedDistributions } from '../support/corpus.js';

describe('typeshed corpus through the build', () => {
  const dists = typeshedDistributions();
  let first: CorpusPass;

  it('holds the stdlib and 201 third-party distributions', () => {
    expect(dists[0]?.name).toBe('stdlib');
    expect(dists.length).toBe(202);
  });

  it('wraps every module without a crash, accounting for every public name', {
    timeout: 600_000,
  }, async () => {
    first = await corpusPass(dists);
    expect(first.parseErrors).toEqual([]);
    const unaccounted = [...first.perDist.values()].flatMap((c) => c.unaccounted);
    expect(unaccounted).toEqual([]);
    for (const reason of first.skipReasons.keys()) expect(Object.keys(SKIP_REASONS)).toContain(reason);
    const total = [...first.perDist.values()].reduce((n, c) => n + c.functions + c.classes, 0);
    expect(total).toBeGreaterThan(10_000);
  });

  it('is deterministic: a second pass with a fresh parser gives byte-identical output', {
    timeout: 600_000,
  }, async () => {
    const second = await corpusPass(dists);
    expect(second.digest).toBe(first.digest);
    expect(second.modules).toBe(first.modules);
  });
});
