import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fromBuildResult, parseToml, renderToml } from '../../../src/python/lockfile/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { manifest, tomlValues } from './arbitraries.js';
import { twoTargetBuild } from './fixtures.js';

// Reads a JSON array of TOML documents on stdin; prints one JSON array of what tomllib made of each.
const TOMLLIB = `
import json, sys, tomllib
docs = json.load(sys.stdin)
print(json.dumps([tomllib.loads(d) for d in docs]))
`;

describeWithOracle(pythonOracle(), 'renderToml against CPython tomllib', () => {
  it('every rendered lock parses with tomllib to the same values (sentinel build and 400 generated manifests)', () => {
    const { req, res } = twoTargetBuild();
    const manifests = [
      fromBuildResult(req, res),
      { entries: [] },
      ...fc.sample(manifest, { numRuns: 400, seed: 6 }),
    ];
    const docs = manifests.map(renderToml);
    const parsed = JSON.parse(runPython(TOMLLIB, [], JSON.stringify(docs))) as unknown[];
    expect(parsed).toHaveLength(manifests.length);
    manifests.forEach((m, i) => {
      expect(parsed[i], docs[i]).toEqual(tomlValues(m));
    });
  });

  it('reads the bundled example lock to the same values as parseToml', () => {
    const full = readFileSync(
      new URL('../../../examples/weather-report/mochi.lock', import.meta.url),
      'utf8',
    );
    // The [[python-package]] part; the [[python-distribution]] and [[go-package]] tables have their own tests.
    const ends = ['[[python-distribution]]', '[[go-package]]']
      .map((t) => full.indexOf(t))
      .filter((i) => i >= 0);
    const text = ends.length === 0 ? full : full.slice(0, Math.min(...ends));
    const [fromPython] = JSON.parse(runPython(TOMLLIB, [], JSON.stringify([text]))) as unknown[];
    const ours = parseToml(text);
    expect(ours.entries.length).toBe(5);
    expect(fromPython).toEqual(tomlValues(ours));
    expect(renderToml(ours)).toBe(text);
  });
});
