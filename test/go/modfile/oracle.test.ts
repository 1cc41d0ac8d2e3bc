// Differential test of src/go/modfile against golang.org/x/mod/modfile: accept/refuse, error text, parsed directives, Format output.
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { buildGoProgram, describeWithOracle, goOracle, runOracle } from '../../support/oracles.js';
import { oracleAnswer, ourAnswer } from './answers.js';
import {
  diskGoMods,
  EDGE_CASES,
  type GoModCase,
  mutate,
  prng,
  scriptGoMods,
  testProxyGoMods,
  xmodTestdata,
} from './corpus.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const ORACLE_SRC = fileURLToPath(new URL('../../oracles/modfile/main.go', import.meta.url));

interface Corpus {
  readonly name: string;
  readonly cases: GoModCase[];
}

function corpora(): Corpus[] {
  const seeds = [...testProxyGoMods(), ...scriptGoMods(), ...diskGoMods(repo)];
  const rand = prng(14);
  const mutants: GoModCase[] = [];
  for (const s of [...seeds, ...xmodTestdata()]) {
    for (const [i, m] of mutate(s.data, rand, 4).entries()) {
      mutants.push({ name: `${s.name}~${i}`, data: Buffer.from(m) });
    }
  }
  return [
    { name: "x/mod's modfile/testdata", cases: xmodTestdata() },
    { name: "cmd/go's test proxy", cases: testProxyGoMods() },
    { name: "cmd/go's script tests", cases: scriptGoMods() },
    { name: 'go.mod files on disk', cases: diskGoMods(repo) },
    {
      name: 'hand-written edge cases',
      cases: EDGE_CASES.map((t, i) => ({ name: `edge${i}`, data: Buffer.from(t) })),
    },
    { name: 'mutants', cases: mutants },
  ];
}

describeWithOracle(goOracle(), 'go.mod parsing and formatting equal x/mod modfile', () => {
  // Without the oracle the suite is skipped (or fails under MOCHI_REQUIRE_ORACLES); the corpora need Go's sources.
  const all = goOracle().available ? corpora() : [];
  const answers = new Map<string, unknown[]>();
  beforeAll(() => {
    const bin = buildGoProgram(ORACLE_SRC);
    const requests: string[] = [];
    for (const c of all) {
      for (const k of c.cases) {
        for (const lax of [false, true]) {
          requests.push(JSON.stringify({ name: 'go.mod', data: k.data.toString('base64'), lax }));
        }
      }
    }
    // One process answers every file of every corpus.
    const lines = runOracle(bin, [], `${requests.join('\n')}\n`)
      .trimEnd()
      .split('\n');
    let i = 0;
    for (const c of all) {
      answers.set(
        c.name,
        lines.slice(i, i + c.cases.length * 2).map((l) => oracleAnswer(JSON.parse(l))),
      );
      i += c.cases.length * 2;
    }
    expect(i).toBe(lines.length);
  });

  for (const c of all) {
    it(`agrees on ${c.cases.length} files of ${c.name} (Parse and ParseLax)`, () => {
      const theirs = answers.get(c.name)!;
      const diffs: string[] = [];
      let refused = 0;
      for (const [i, k] of c.cases.entries()) {
        for (const [j, lax] of [false, true].entries()) {
          const want = theirs[i * 2 + j] as { err?: string };
          if (want.err !== undefined) refused++;
          const got = ourAnswer('go.mod', k.data, lax);
          try {
            expect(got).toEqual(want);
          } catch {
            diffs.push(
              `${k.name} (${lax ? 'lax' : 'strict'}):\n  ours:  ${JSON.stringify(got)}\n  x/mod: ${JSON.stringify(want)}`,
            );
          }
        }
      }
      expect(diffs.slice(0, 5).join('\n'), `${diffs.length} disagreements`).toBe('');
      expect(c.cases.length).toBeGreaterThan(0);
      // The corpus exercises both outcomes (except the all-valid real files).
      if (c.name === 'mutants' || c.name === 'hand-written edge cases') expect(refused).toBeGreaterThan(0);
    });
  }
});
