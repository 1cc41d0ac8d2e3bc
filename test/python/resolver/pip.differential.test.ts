// The closure resolver against pip's resolver on generated universes served from a local index.
// pip: `pip install --dry-run --ignore-installed --report … --only-binary=:all: --python-version 3.11
// --platform manylinux2014_x86_64` (pip 23 wants --target with platform options; nothing is installed).
// Default 30 universes; MOCHI_PIP_UNIVERSES=<n> runs more (pip costs about a second per call, so
// universes pip should solve are batched — independent name spaces — and only failures run alone).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contains, specifierSetToString } from '../../../src/python/pep440/index.js';
import { parseRequirement } from '../../../src/python/pep508/index.js';
import { closureTarget, IndexSession, TargetSource } from '../../../src/python/registry/closure.js';
import { ResolverError, resolve } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { type PipOutcome, pipDryRun } from '../../support/pip.js';
import { type GenUniverse, generateUniverse, serveIndex, writeUniverse } from '../../support/pyindex.js';

const COUNT = Number(process.env.MOCHI_PIP_UNIVERSES ?? 30);
const BATCH = 12;

type Outcome = PipOutcome;

const runPip = (indexUrl: string, roots: readonly string[], work: string, tag: string) =>
  pipDryRun([indexUrl], roots, work, tag);

/** pip's way of saying "no solution" (as opposed to a crash or a network error). */
function pipSaysImpossible(message: string): boolean {
  return /ResolutionImpossible|Could not find a version that satisfies|No matching distribution found/.test(
    message,
  );
}

async function ours(session: IndexSession, indexUrl: string, roots: readonly string[]): Promise<Outcome> {
  const source = new TargetSource(session, indexUrl, closureTarget([3, 11], 'linux'));
  try {
    const res = await resolve({
      roots: roots.map((text) => {
        const r = parseRequirement(text);
        return {
          name: r.normalizedName,
          extras: [...r.extras],
          specifier: specifierSetToString(r.specifier),
          label: text,
        };
      }),
      source,
    });
    const picks = new Map<string, [string, string]>();
    for (const d of res.distributions)
      picks.set(d.name, [d.version, (await source.wheel(d.name, d.version)).filename]);
    return { ok: true, picks, message: '' };
  } catch (e) {
    if (e instanceof ResolverError && e.code === 'resolver-conflict')
      return { ok: false, picks: new Map(), message: e.message };
    throw e;
  }
}

/** Every requirement of the universe holds for `picks` (markers as the generator knows them). */
function check(u: GenUniverse, picks: Map<string, [string, string]>): string[] {
  const problems: string[] = [];
  const extrasOf = new Map<string, Set<string>>();
  const need = (name: string, spec: string, extras: readonly string[], why: string) => {
    const got = picks.get(name);
    if (got === undefined || !contains(spec, got[0], { prereleases: true })) {
      problems.push(`${why} needs ${name}${spec}, got ${got?.[0] ?? 'nothing'}`);
    }
    for (const x of extras) extrasOf.set(name, (extrasOf.get(name) ?? new Set()).add(x));
  };
  for (const root of u.roots) {
    const r = parseRequirement(root);
    need(r.normalizedName, specifierSetToString(r.specifier), r.extras, 'the root');
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const d of u.dists) {
      const got = picks.get(d.name);
      if (!got) continue;
      const rel = d.releases.find((x) => x.version === got[0])!;
      if (rel.requiresPython && !rel.requiresPython.admits311)
        problems.push(`${d.name} ${rel.version} needs another Python`);
      for (const dep of rel.deps)
        if (dep.active) need(dep.name, dep.specifier, dep.extras, `${d.name} ${rel.version}`);
      for (const x of extrasOf.get(d.name) ?? []) {
        for (const dep of rel.extras[x] ?? [])
          need(dep.name, dep.specifier, dep.extras, `${d.name}[${x}] ${rel.version}`);
      }
    }
  }
  return [...new Set(problems)];
}

describeWithOracle(pythonOracle(), 'closure resolver vs pip 23 on generated indexes', () => {
  let work: string;
  const universes: GenUniverse[] = [];
  const servers: Awaited<ReturnType<typeof serveIndex>>[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-pip-diff-'));
    for (let i = 0; i < COUNT; i++) universes.push(generateUniverse(i + 1, i % 3 !== 2));
    for (const u of universes) await writeUniverse(join(work, 'index'), u);
    servers.push(await serveIndex(join(work, 'index'), { json: true }));
    servers.push(await serveIndex(join(work, 'index'), { json: false }));
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await s.close();
    await rm(work, { recursive: true, force: true });
  });

  it(
    `agrees with pip on ${COUNT} universes (JSON and HTML indexes, PEP 658 metadata and wheels)`,
    async () => {
      const tally = { solved: 0, conflicts: 0, exact: 0, batches: 0 };
      const mine = new Map<string, Outcome>();
      const pip = new Map<string, Outcome>();
      // Even universes go through the JSON index, odd ones through the HTML one.
      const server = (i: number) => servers[i % 2]!;
      const sessions = [0, 1].map(() => new IndexSession({ cacheDir: join(work, 'cache') }));
      for (const [i, u] of universes.entries())
        mine.set(u.id, await ours(sessions[i % 2]!, server(i).url, u.roots));
      for (const parity of [0, 1]) {
        const solvable = universes.filter((u, i) => i % 2 === parity && mine.get(u.id)!.ok);
        for (let b = 0; b < solvable.length; b += BATCH) {
          const batch = solvable.slice(b, b + BATCH);
          tally.batches++;
          const out = await runPip(
            server(parity).url,
            batch.flatMap((u) => u.roots),
            work,
            `b${parity}-${b}`,
          );
          if (out.ok) {
            for (const u of batch) {
              const picks = new Map([...out.picks].filter(([n]) => n.startsWith(`${u.id}p`)));
              pip.set(u.id, { ok: true, picks, message: '' });
            }
          }
        }
      }
      for (const [i, u] of universes.entries()) {
        if (pip.has(u.id)) continue;
        pip.set(u.id, await runPip(server(i).url, u.roots, work, u.id));
      }
      for (const u of universes) {
        const a = mine.get(u.id)!;
        const p = pip.get(u.id)!;
        const where = `${u.id} roots ${u.roots.join(' ')}`;
        if (!p.ok)
          expect(pipSaysImpossible(p.message), `${where}: pip failed otherwise:\n${p.message}`).toBe(true);
        expect(
          a.ok,
          `${where}: pip ${p.ok ? 'solved it' : 'found no solution'}; we said:\n${a.message}`,
        ).toBe(p.ok);
        if (!a.ok) {
          tally.conflicts++;
          expect(a.message).toMatch(/cannot all be satisfied|no solution exists/);
          continue;
        }
        tally.solved++;
        expect(check(u, a.picks), where).toEqual([]);
        const same =
          [...p.picks].every(([n, [v, f]]) => {
            const o = a.picks.get(n);
            return o !== undefined && o[0] === v && o[1] === f;
          }) && p.picks.size === a.picks.size;
        if (u.conflictFree) {
          expect(Object.fromEntries(a.picks), where).toEqual(Object.fromEntries(p.picks));
        }
        // Where both pick the same version, both pick the same wheel for the target.
        for (const [n, [v, f]] of p.picks) {
          const o = a.picks.get(n);
          if (o?.[0] === v) expect(o[1], `${where}: wheel of ${n} ${v}`).toBe(f);
        }
        if (same) tally.exact++;
      }
      // Both outcomes and both index forms must be exercised for the comparison to mean something.
      expect(tally.solved).toBeGreaterThan(COUNT / 3);
      expect(tally.conflicts).toBeGreaterThan(0);
      console.log(`pip differential: ${JSON.stringify(tally)}`);
    },
    Math.max(600_000, COUNT * 20_000),
  );
});
