// Import specs with extras (`name[x]@<specifier>`) resolved the way `lock` resolves them (parseImportSpec →
// resolveClosure), against pip 23's `pip install --dry-run --report 'name[x]<specifier>'` on generated
// indexes: the same outcome, the same picks where the universe has one solution, and the same warnings
// for extras a release does not provide (pip warns and goes on).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseImportSpec } from '../../../src/python/importspec/index.js';
import { specifierSetToString } from '../../../src/python/pep440/index.js';
import { parseRequirement } from '../../../src/python/pep508/index.js';
import { normalizeIndexUrl } from '../../../src/python/registry/client.js';
import { closureTarget, IndexSession } from '../../../src/python/registry/closure.js';
import { resolveClosure } from '../../../src/python/registry/lockClosure.js';
import { ResolverError } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { pipDryRunMany } from '../../support/pip.js';
import { type GenUniverse, generateUniverse, serveIndex, writeUniverse } from '../../support/pyindex.js';

const COUNT = 16;

/** pip evaluates markers for the interpreter it runs on (CPython 3.11 on Linux); so does this target. */
const TARGET = closureTarget([3, 11], 'linux');

/**
 * The universe's roots with extras on the first one: `x` (which some releases declare), and on every
 * other universe also `nope`, which none declares. Returns pip's requirement and the import spec.
 */
function withExtras(u: GenUniverse, seed: number): { pip: string; spec: string }[] {
  return u.roots.map((text, k) => {
    const r = parseRequirement(text);
    const extras = k === 0 ? (seed % 2 === 0 ? ['x', 'nope'] : ['x']) : [...r.extras];
    const spec = specifierSetToString(r.specifier);
    const bracket = extras.length > 0 ? `[${extras.join(',')}]` : '';
    return { pip: `${r.name}${bracket}${spec}`, spec: `${r.name}${bracket}${spec === '' ? '' : `@${spec}`}` };
  });
}

type Mine = { ok: boolean; picks: Map<string, string>; warnings: string[]; message: string };

async function ours(session: IndexSession, indexUrl: string, specs: readonly string[]): Promise<Mine> {
  const warnings: string[] = [];
  try {
    const dists = await resolveClosure({
      roots: specs.map((s) => {
        const spec = parseImportSpec(s);
        if (spec.source !== 'registry') throw new Error(`not a registry spec: ${s}`);
        return {
          name: spec.name,
          specifier: spec.specifier ?? '',
          ...(spec.extras ? { extras: spec.extras } : {}),
          indexUrl,
          label: `your import of \`${s}\``,
        };
      }),
      targets: [TARGET],
      session,
      onWarning: (m) => warnings.push(m),
    });
    return { ok: true, picks: new Map(dists.map((d) => [d.name, d.version])), warnings, message: '' };
  } catch (e) {
    if (e instanceof ResolverError && e.code === 'resolver-conflict')
      return { ok: false, picks: new Map(), warnings, message: e.message };
    throw e;
  }
}

describeWithOracle(pythonOracle(), 'import specs with extras vs pip 23 on generated indexes', () => {
  let work: string;
  let server: Awaited<ReturnType<typeof serveIndex>>;
  const universes: GenUniverse[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-pip-extras-'));
    for (let i = 0; i < COUNT; i++) universes.push(generateUniverse(500 + i, i % 4 !== 3));
    for (const u of universes) await writeUniverse(join(work, 'index'), u);
    server = await serveIndex(join(work, 'index'), { json: true });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it(`agrees with pip on the closure and the warnings of ${COUNT} universes whose first import names extras`, async () => {
    const session = new IndexSession({ cacheDir: join(work, 'cache') });
    const indexUrl = normalizeIndexUrl(server.url);
    const roots = universes.map((u, i) => withExtras(u, i));
    const mine: Mine[] = [];
    for (const r of roots)
      mine.push(
        await ours(
          session,
          indexUrl,
          r.map((x) => x.spec),
        ),
      );
    const pip = await pipDryRunMany(
      universes.map((u, i) => ({
        indexes: [server.url],
        roots: roots[i]!.map((x) => x.pip),
        tag: `extras-${u.id}`,
        platform: 'linux' as const,
      })),
      work,
    );
    let extended = 0;
    let unknown = 0;
    for (const [i, u] of universes.entries()) {
      const a = mine[i]!;
      const o = pip[i]!;
      const where = `${u.id} roots ${roots[i]!.map((x) => x.pip).join(' ')}`;
      expect(
        a.ok,
        `${where}: pip ${o.ok ? 'solved it' : `failed:\n${o.message}`}; we said:\n${a.message}`,
      ).toBe(o.ok);
      if (!a.ok || !u.conflictFree) continue;
      expect(Object.fromEntries(a.picks), where).toEqual(
        Object.fromEntries([...o.picks].map(([n, [v]]) => [n, v])),
      );
      const pipWarnings = [
        ...(o.stderr ?? '').matchAll(/WARNING: (.* does not provide the extra '.*')/g),
      ].map((m) => m[1]!);
      expect([...new Set(a.warnings)].sort(), `${where}: warnings`).toEqual([...new Set(pipWarnings)].sort());
      if (a.warnings.some((w) => w.endsWith("the extra 'nope'"))) unknown++;
      const first = u.dists[0]!;
      const chosen = first.releases.find((rel) => rel.version === a.picks.get(first.name));
      if ((chosen?.extras.x?.length ?? 0) > 0) extended++;
    }
    // The comparison means something only when extras added requirements and unknown ones were named.
    expect(extended, 'universes whose first import took requirements from its extra').toBeGreaterThan(0);
    expect(unknown, 'universes with an unknown extra').toBeGreaterThan(0);
  }, 300_000);
});
