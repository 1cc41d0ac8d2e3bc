// Minimal version selection against cmd/go's own MVS table: the `build` (mvs.BuildList) and `req`
// (mvs.Req) cases of GOROOT/src/cmd/go/internal/mvs/mvs_test.go, read from the installed Go release.
// Its versions are single letters and digits compared as strings ("A1", "B5.hidden"); here they become
// v1.N.0 (hidden versions only matter to upgrade and downgrade, which mochi-pkg does not do).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ModuleGraph, type ModuleVersion, minimalRequirements, modKey } from '../../../src/go/mvs/index.js';
import { describeWithOracle, goOracle } from '../../support/oracles.js';

interface Case {
  readonly scenario: string;
  readonly line: string;
  readonly kind: 'build' | 'req';
  readonly target: ModuleVersion;
  readonly base: readonly string[];
  readonly want: string;
  readonly reqs: ReadonlyMap<string, readonly ModuleVersion[]>;
}

/** `A` → the target (version ""); `B12` → B v1.12.0; `B5.hidden` → B v1.5.0. */
function mod(s: string): ModuleVersion {
  const v = s.slice(1);
  return {
    path: s.slice(0, 1),
    version: v === '' || v === 'none' ? v : `v1.${v.replace(/\.hidden$/, '')}.0`,
  };
}

/** A build list or requirement list written back in the table's notation (hidden suffixes dropped). */
function show(list: readonly ModuleVersion[]): string {
  return list
    .map((m) => m.path + (m.version === '' || m.version === 'none' ? m.version : m.version.split('.')[1]))
    .join(' ');
}

/** The `build` and `req` lines of the table, each with its scenario's requirements. */
function cases(table: string): Case[] {
  const out: Case[] = [];
  let scenario = '';
  let reqs = new Map<string, ModuleVersion[]>();
  for (const raw of table.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().split(/\s+/);
    const val = line.slice(colon + 1).trim();
    const want = val
      .split(/\s+/)
      .filter(Boolean)
      .map((f) => f.replace(/\.hidden$/, ''))
      .join(' ');
    if (key[0] === 'name') {
      scenario = val;
      reqs = new Map();
    } else if (key[0] === 'build' || key[0] === 'req') {
      out.push({ scenario, line, kind: key[0], target: mod(key[1]!), base: key.slice(2), want, reqs });
    } else if (key.length === 1 && /^[A-Z]/.test(key[0]!)) {
      const rs = val.split(/\s+/).filter(Boolean).map(mod);
      for (const r of rs) if (!reqs.has(modKey(r))) reqs.set(modKey(r), []);
      reqs.set(modKey(mod(key[0]!)), rs);
    }
  }
  return out;
}

/** The unpruned graph from `target`: every reachable module's requirements, as mvs.BuildList walks them. */
function graphFrom(target: ModuleVersion, reqs: ReadonlyMap<string, readonly ModuleVersion[]>): ModuleGraph {
  const g = new ModuleGraph([target]);
  const queue = [target];
  const seen = new Set([modKey(target)]);
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i]!;
    const rs = reqs.get(modKey(m));
    if (rs === undefined) continue;
    g.require(m, rs);
    for (const r of rs) {
      if (r.version !== 'none' && !seen.has(modKey(r))) {
        seen.add(modKey(r));
        queue.push(r);
      }
    }
  }
  return g;
}

describeWithOracle(goOracle(), "cmd/go's MVS table (mvs_test.go)", () => {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const source = readFileSync(join(goroot, 'src/cmd/go/internal/mvs/mvs_test.go'), 'utf8');
  const start = source.indexOf('var tests = `');
  const table = source.slice(
    start + 'var tests = `'.length,
    source.indexOf('`', start + 'var tests = `'.length),
  );
  const all = cases(table);

  it('reads the table (Go 1.19 has 37 build and 12 req lines)', () => {
    expect(all.filter((c) => c.kind === 'build').length).toBeGreaterThanOrEqual(37);
    expect(all.filter((c) => c.kind === 'req').length).toBeGreaterThanOrEqual(12);
  });

  it('gives every build list and minimal requirement list the table gives', () => {
    const wrong: string[] = [];
    for (const c of all) {
      const g = graphFrom(c.target, c.reqs);
      const got =
        c.kind === 'build'
          ? show(g.buildList())
          : show(minimalRequirements(c.target, c.base, g, (m) => c.reqs.get(modKey(m)) ?? []));
      if (got !== c.want) wrong.push(`${c.scenario}: "${c.line}" gave "${got}"`);
    }
    expect(wrong).toEqual([]);
  });
});
