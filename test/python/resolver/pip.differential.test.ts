// The closure resolver against pip's resolver on generated universes served from a local index,
// for each lock platform. pip: `pip install --dry-run --ignore-installed --report … --only-binary=:all:
// --python-version 3.11 --platform <manylinux2014_x86_64 | macosx_14_0_arm64 | win_amd64>` (pip 23
// wants --target with platform options; nothing is installed), run through pip's own entry point
// in one interpreter. Default 30 universes; MOCHI_PIP_UNIVERSES=<n> runs more (universes pip should
// solve are batched — independent name spaces — and only failures run alone).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contains, specifierSetToString } from '../../../src/python/pep440/index.js';
import { parseRequirement } from '../../../src/python/pep508/index.js';
import {
  type ClosureTarget,
  closureTarget,
  IndexSession,
  TargetSource,
} from '../../../src/python/registry/closure.js';
import { ResolverError, resolve } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { type PipJob, type PipOutcome, type PipPlatform, pipDryRunMany } from '../../support/pip.js';
import { type GenUniverse, generateUniverse, serveIndex, writeUniverse } from '../../support/pyindex.js';

const COUNT = Number(process.env.MOCHI_PIP_UNIVERSES ?? 30);
const BATCH = 12;
const PLATFORMS: readonly PipPlatform[] = ['linux', 'darwin', 'win32'];

type Outcome = PipOutcome;

/**
 * What pip resolves for with `--python-version 3.11 --platform <p>` on this machine: the wheels of
 * platform `p`, but markers evaluated for the interpreter pip runs on (CPython 3.11 on Linux), whatever
 * `--platform` says. Our target is made the same, so the two resolve the same problem; markers of
 * the real platforms are checked against packaging in the pep508 differential.
 */
function pipTarget(platform: PipPlatform): ClosureTarget {
  return { ...closureTarget([3, 11], platform), env: closureTarget([3, 11], 'linux').env };
}

/** pip's way of saying "no solution" (as opposed to a crash or a network error). */
/**
 * Whether pip's failure means "no solution": a conflict, no matching version, or (pip's own wording
 * when every candidate of a requirement is for another Python) "requires a different Python".
 */
function pipSaysImpossible(message: string): boolean {
  return /ResolutionImpossible|Could not find a version that satisfies|No matching distribution found|requires a different Python/.test(
    message,
  );
}

async function ours(
  session: IndexSession,
  indexUrl: string,
  roots: readonly string[],
  target: ClosureTarget,
): Promise<Outcome> {
  const source = new TargetSource(session, indexUrl, target);
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
    `agrees with pip on ${COUNT} universes × ${PLATFORMS.join(', ')} (JSON and HTML indexes, PEP 658 metadata and wheels)`,
    async () => {
      const tally = { solved: 0, conflicts: 0, exact: 0, pipRuns: 0, wheelsCompared: 0 };
      const perPlatform: Record<string, number> = {};
      // Even universes go through the JSON index, odd ones through the HTML one.
      const server = (i: number) => servers[i % 2]!;
      const sessions = [0, 1].map(() => new IndexSession({ cacheDir: join(work, 'cache') }));
      const key = (p: PipPlatform, u: GenUniverse) => `${p}/${u.id}`;
      const mine = new Map<string, Outcome>();
      const pip = new Map<string, Outcome>();
      const t0 = performance.now();
      for (const p of PLATFORMS) {
        for (const [i, u] of universes.entries())
          mine.set(key(p, u), await ours(sessions[i % 2]!, server(i).url, u.roots, pipTarget(p)));
      }
      // One pip process for every batch of universes we solved, then one for everything left alone.
      const batches: { job: PipJob; members: GenUniverse[]; platform: PipPlatform }[] = [];
      for (const p of PLATFORMS) {
        for (const parity of [0, 1]) {
          const solvable = universes.filter((u, i) => i % 2 === parity && mine.get(key(p, u))!.ok);
          for (let b = 0; b < solvable.length; b += BATCH) {
            const members = solvable.slice(b, b + BATCH);
            const job = {
              indexes: [server(parity).url],
              roots: members.flatMap((u) => u.roots),
              tag: `${p}-b${parity}-${b}`,
              platform: p,
            };
            batches.push({ job, members, platform: p });
          }
        }
      }
      const t1 = performance.now();
      // Universes we could not solve run alone, in a second pip process next to the batches'.
      const single = (p: PipPlatform, i: number, u: GenUniverse) => ({
        job: { indexes: [server(i).url], roots: u.roots, tag: `${p}-${u.id}`, platform: p },
        k: key(p, u),
      });
      const alone = PLATFORMS.flatMap((p) =>
        universes.flatMap((u, i) => (mine.get(key(p, u))!.ok ? [] : [single(p, i, u)])),
      );
      const [batchOut, aloneOut] = await Promise.all([
        pipDryRunMany(
          batches.map((b) => b.job),
          work,
        ),
        pipDryRunMany(
          alone.map((a) => a.job),
          work,
        ),
      ]);
      for (const [k, out] of aloneOut.entries()) pip.set(alone[k]!.k, out);
      for (const [k, out] of batchOut.entries()) {
        if (!out.ok) continue;
        for (const u of batches[k]!.members) {
          const picks = new Map([...out.picks].filter(([n]) => n.startsWith(`${u.id}p`)));
          pip.set(key(batches[k]!.platform, u), { ok: true, picks, message: '' });
        }
      }
      // A batch pip could not solve: its universes run alone (then the comparison below says which).
      const retry = PLATFORMS.flatMap((p) =>
        universes.flatMap((u, i) => (pip.has(key(p, u)) ? [] : [single(p, i, u)])),
      );
      const retryOut = await pipDryRunMany(
        retry.map((a) => a.job),
        work,
      );
      for (const [k, out] of retryOut.entries()) pip.set(retry[k]!.k, out);
      tally.pipRuns += batches.length + alone.length + retry.length;
      // Where the time goes (a figure in the log, never asserted).
      const ms = { ours: Math.round(t1 - t0), pip: Math.round(performance.now() - t1) };

      for (const p of PLATFORMS) {
        perPlatform[p] = 0;
        for (const u of universes) {
          const a = mine.get(key(p, u))!;
          const o = pip.get(key(p, u))!;
          const where = `${p} ${u.id} roots ${u.roots.join(' ')}`;
          if (!o.ok)
            expect(pipSaysImpossible(o.message), `${where}: pip failed otherwise:\n${o.message}`).toBe(true);
          expect(
            a.ok,
            `${where}: pip ${o.ok ? 'solved it' : 'found no solution'}; we said:\n${a.message}`,
          ).toBe(o.ok);
          if (!a.ok) {
            tally.conflicts++;
            expect(a.message).toMatch(/cannot all be satisfied|no solution exists/);
            continue;
          }
          tally.solved++;
          perPlatform[p]++;
          expect(check(u, a.picks), where).toEqual([]);
          const same =
            [...o.picks].every(([n, [v, f]]) => {
              const mineFor = a.picks.get(n);
              return mineFor !== undefined && mineFor[0] === v && mineFor[1] === f;
            }) && o.picks.size === a.picks.size;
          if (u.conflictFree) {
            expect(Object.fromEntries(a.picks), where).toEqual(Object.fromEntries(o.picks));
          }
          // Where both pick the same version, both pick the same wheel for the platform.
          for (const [n, [v, f]] of o.picks) {
            const mineFor = a.picks.get(n);
            if (mineFor?.[0] !== v) continue;
            tally.wheelsCompared++;
            expect(mineFor[1], `${where}: wheel of ${n} ${v}`).toBe(f);
          }
          if (same) tally.exact++;
        }
        // Both outcomes must be exercised on every platform for the comparison to mean something.
        expect(perPlatform[p], `${p}: universes solved`).toBeGreaterThan(COUNT / 3);
      }
      expect(tally.conflicts).toBeGreaterThan(0);
      console.log(`pip differential: ${JSON.stringify({ ...tally, solvedPerPlatform: perPlatform, ms })}`);
    },
    Math.max(600_000, COUNT * 20_000),
  );
});
