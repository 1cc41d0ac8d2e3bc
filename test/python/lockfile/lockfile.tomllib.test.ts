import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseLock, renderLock } from '../../../src/project/index.js';
import {
  fromBuildResult,
  type LockedDistribution,
  type LockedWheel,
  parseToml,
  renderToml,
} from '../../../src/python/lockfile/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { manifest, text, tomlValues } from './arbitraries.js';
import { twoTargetBuild } from './fixtures.js';

// Reads a JSON array of TOML documents on stdin; prints one JSON array of what tomllib made of each.
const TOMLLIB = `
import json, sys, tomllib
docs = json.load(sys.stdin)
print(json.dumps([tomllib.loads(d) for d in docs]))
`;

const texts = (min: number) => fc.uniqueArray(text, { minLength: min, maxLength: 3 });
const wheel: fc.Arbitrary<LockedWheel> = fc
  .record({
    file: text,
    size: fc.option(fc.nat(), { nil: undefined }),
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    targets: texts(0),
  })
  .map(({ size, ...w }) => (size === undefined ? w : { ...w, size }));
const distributions: fc.Arbitrary<LockedDistribution[]> = fc.uniqueArray(
  fc.record({
    name: text,
    version: text,
    indexUrl: text,
    extras: texts(0),
    targets: texts(0),
    dependencies: texts(0),
    wheels: fc.uniqueArray(wheel, { minLength: 1, maxLength: 3, selector: (w) => w.file }),
  }),
  { maxLength: 4, selector: (d) => `${d.name}\n${d.version}\n${d.indexUrl}` },
);

/** The TOML values of `[[python-distribution]]` tables as rendered: `extras` and `size` omitted when absent. */
function distributionValues(list: readonly LockedDistribution[]): Record<string, unknown>[] {
  return list.map((d) => ({
    name: d.name,
    version: d.version,
    'index-url': d.indexUrl,
    ...(d.extras.length === 0 ? {} : { extras: d.extras }),
    targets: d.targets,
    dependencies: d.dependencies,
    wheels: d.wheels.map((w) => ({ ...w })),
  }));
}

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

  it('every rendered [[python-distribution]] table parses with tomllib to the values parseLock reads (200 generated locks)', () => {
    const lists = fc.sample(distributions, { numRuns: 200, seed: 11 });
    const docs = lists.map((d) =>
      renderLock({ python: { entries: [] }, go: { entries: [] }, distributions: d }),
    );
    const parsed = JSON.parse(runPython(TOMLLIB, [], JSON.stringify(docs))) as Record<string, unknown>[];
    lists.forEach((list, i) => {
      const ours = parseLock(docs[i]!).distributions ?? [];
      expect(ours).toHaveLength(list.length);
      const want = ours.length === 0 ? {} : { 'python-distribution': distributionValues(ours) };
      expect(parsed[i], docs[i]).toEqual({ 'schema-version': 1, ...want });
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
