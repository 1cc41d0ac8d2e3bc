import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { GO_FIELD_ORDER, type GoManifest, sortGoManifest } from '../../../src/go/lockfile/index.js';
import { parseLock, renderLock } from '../../../src/project/index.js';
import { tomlValues } from '../../python/lockfile/arbitraries.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { arbGoManifest } from './arbitraries.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const TOMLLIB = `
import json, sys, tomllib
print(json.dumps([tomllib.loads(d) for d in json.load(sys.stdin)]))
`;

/** What a TOML reader should make of the Go tables: key order irrelevant, values as rendered (no empty arrays). */
function goValues(m: GoManifest): Record<string, unknown>[] {
  return sortGoManifest(m).entries.map((e) =>
    Object.fromEntries(
      GO_FIELD_ORDER.filter(([f]) => {
        const v = e[f];
        return v !== undefined && !(Array.isArray(v) && v.length === 0);
      }).map(([f, k]) => [k, e[f]]),
    ),
  );
}

describeWithOracle(pythonOracle(), '[[go-package]] tables against CPython tomllib', () => {
  it('every rendered Go lock, direct and indirect entries, parses with tomllib to the same values (300 generated manifests)', () => {
    const manifests = fc.sample(arbGoManifest, { numRuns: 300, seed: 8 });
    const docs = manifests.map((go) => renderLock({ python: { entries: [] }, go }));
    const parsed = JSON.parse(runPython(TOMLLIB, [], JSON.stringify(docs))) as Record<string, unknown>[];
    manifests.forEach((go, i) => {
      const want =
        go.entries.length === 0
          ? { 'schema-version': 1 }
          : { 'schema-version': 1, 'go-package': goValues(go) };
      expect(parsed[i], docs[i]).toEqual(want);
    });
  });

  it('reads the bundled example lock (Python, closure and Go tables) to the same values as parseLock', async () => {
    const text = await readFile(`${repo}/examples/weather-report/mochi.lock`, 'utf8');
    const [fromPython] = JSON.parse(runPython(TOMLLIB, [], JSON.stringify([text]))) as unknown[];
    const ours = parseLock(text);
    expect(ours.go.entries.length).toBe(4);
    // The [[python-distribution]] tables have their own tomllib test; here they must name the same pins.
    const { 'python-distribution': dists, ...rest } = fromPython as Record<string, unknown>;
    expect(rest).toEqual({ ...tomlValues(ours.python), 'go-package': goValues(ours.go) });
    expect((dists as { name: string; version: string }[]).map((d) => [d.name, d.version])).toEqual(
      (ours.distributions ?? []).map((d) => [d.name, d.version]),
    );
    expect(renderLock(ours)).toBe(text);
  });
});
