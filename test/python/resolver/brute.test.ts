// The resolver against exhaustive search on small random universes: a solution exists exactly when
// the resolver finds one, and what it finds satisfies every requirement.
import { describe, expect, it } from 'vitest';
import { contains } from '../../../src/python/pep440/index.js';
import { ResolverError, resolve } from '../../../src/python/resolver/index.js';
import { dep, memorySource, type Universe } from './memory.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const OPS = ['>=', '<', '==', '!=', ''];

function universe(seed: number): { u: Universe; roots: string[] } {
  const r = rng(seed);
  const u: Record<string, Record<string, { deps: string[] }>> = {};
  for (const name of NAMES) {
    u[name] = {};
    const n = 1 + r(3);
    for (let v = 1; v <= n; v++) {
      const deps: string[] = [];
      for (const other of NAMES) {
        if (other === name || r(4) !== 0) continue;
        const op = OPS[r(OPS.length)]!;
        deps.push(op === '' ? other : `${other}${op}${1 + r(3)}`);
      }
      u[name][`${v}`] = { deps };
    }
  }
  const roots = NAMES.filter(() => r(3) === 0).map((n) => (r(2) ? n : `${n}>=${1 + r(2)}`));
  return { u, roots: roots.length ? roots : ['a'] };
}

function satisfies(u: Universe, roots: string[], pick: Map<string, string>): boolean {
  const ok = (req: string) => {
    const d = dep(req);
    const v = pick.get(d.name);
    return v !== undefined && contains(d.specifier, v, { prereleases: true });
  };
  if (!roots.every(ok)) return false;
  for (const [name, v] of pick) if (!(u[name]![v]!.deps ?? []).every(ok)) return false;
  return true;
}

function bruteForce(u: Universe, roots: string[]): boolean {
  const names = Object.keys(u);
  const pick = new Map<string, string>();
  const go = (i: number): boolean => {
    if (i === names.length) return satisfies(u, roots, pick);
    const name = names[i]!;
    if (go(i + 1)) return true;
    for (const v of Object.keys(u[name]!)) {
      pick.set(name, v);
      if (go(i + 1)) return true;
      pick.delete(name);
    }
    return false;
  };
  return go(0);
}

describe('resolve against exhaustive search', () => {
  it('agrees on 400 random universes', async () => {
    let solved = 0;
    let failed = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { u, roots } = universe(seed);
      const exists = bruteForce(u, roots);
      try {
        const res = await resolve({ roots: roots.map((x) => dep(x, x)), source: memorySource(u) });
        const pick = new Map(res.distributions.map((d) => [d.name, d.version]));
        expect(satisfies(u, roots, pick), `seed ${seed}`).toBe(true);
        expect(exists, `seed ${seed}`).toBe(true);
        solved++;
      } catch (e) {
        if (!(e instanceof ResolverError && e.code === 'resolver-conflict')) throw e;
        expect(exists, `seed ${seed}: ${e.message}`).toBe(false);
        expect(e.message).toMatch(/cannot all be satisfied|no solution/);
        failed++;
      }
    }
    // Both outcomes must be exercised for the comparison to mean something.
    expect(solved).toBeGreaterThan(30);
    expect(failed).toBeGreaterThan(20);
  });
});
