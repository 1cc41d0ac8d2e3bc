// pip's own resolver scenarios (tests/functional/test_new_resolver*.py of pypa/pip: version choice, extras,
// markers, Requires-Python, pre-releases, yanked files, local versions, `===`, repeated requirements,
// backtracking, conflicts) as one table, each served as a local index and resolved both by the closure
// resolver and by pip 23 (`pip install --dry-run --report … --only-binary=:all:`): the same outcome,
// the same picks, and on a conflict an explanation that names the requirements pip names.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeName } from '../../../src/python/importspec/index.js';
import { specifierSetToString } from '../../../src/python/pep440/index.js';
import { parseRequirement } from '../../../src/python/pep508/index.js';
import { normalizeIndexUrl } from '../../../src/python/registry/client.js';
import { closureTarget, IndexSession, TargetSource } from '../../../src/python/registry/closure.js';
import { RegistryError } from '../../../src/python/registry/errors.js';
import { ResolverError, resolve } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { type PipOutcome, pipDryRunMany } from '../../support/pip.js';
import {
  type GenDep,
  type GenRelease,
  genRelease,
  serveIndex,
  writeUniverse,
} from '../../support/pyindex.js';

/** A release: version, then what it needs (Requires-Dist lines), its extras, Requires-Python, yanked. */
interface Rel {
  readonly deps?: readonly string[];
  readonly extras?: Readonly<Record<string, readonly string[]>>;
  /** Requires-Python in the metadata; also on the index page unless `rpOnPage` is false. */
  readonly rp?: string;
  readonly rpOnPage?: boolean;
  readonly yanked?: boolean;
  /** Wheel tags; default `py3-none-any`. */
  readonly tags?: readonly string[];
}

interface Scenario {
  /** pip's test it comes from (or what it adds to it). */
  readonly id: string;
  readonly dists: Readonly<Record<string, Readonly<Record<string, Rel>>>>;
  readonly roots: readonly string[];
  /** What pip 23 does, so that a change of the oracle is seen: the picks, or `fail`. */
  readonly expect: Readonly<Record<string, string>> | 'fail';
}

const base01 = { base: { '0.1.0': {} } };
const pre = (versions: string[]) => ({ pkg: Object.fromEntries(versions.map((v) => [v, {}])) });
const threePkg = { pkg: { '1.0': {}, '2.0': {}, '3.0': {} } };
const yankedTwo = { pkg: { '1.0': {}, '2.0': { yanked: true } } };
const extrasPkg = {
  dep: { '1.0': {} },
  pkg: {
    '1.0': { extras: { ext1: ['dep'], ext2: ['dep'] } },
    '2.0': { extras: { ext1: ['dep'], ext2: ['dep'] } },
  },
};
const rpDep = (rp: string, rpOnPage = true) => ({
  base: { '0.1.0': { deps: ['dep'] } },
  dep: { '0.1.0': {}, '0.2.0': { rp, rpOnPage } },
});

const SCENARIOS: readonly Scenario[] = [
  // test_new_resolver_can_install / _with_version / _picks_latest_version / _installs_dependencies
  { id: 'can-install', dists: base01, roots: ['base'], expect: { base: '0.1.0' } },
  { id: 'with-version', dists: base01, roots: ['base==0.1.0'], expect: { base: '0.1.0' } },
  { id: 'latest', dists: { base: { '0.1.0': {}, '0.2.0': {} } }, roots: ['base'], expect: { base: '0.2.0' } },
  {
    id: 'dependencies',
    dists: { base: { '0.1.0': { deps: ['dep'] } }, dep: { '0.1.0': {} } },
    roots: ['base'],
    expect: { base: '0.1.0', dep: '0.1.0' },
  },
  // test_new_resolver_no_dist_message
  { id: 'no-dist', dists: { a: { '1.0': {} } }, roots: ['b'], expect: 'fail' },
  { id: 'no-version', dists: { a: { '1.0': {} } }, roots: ['a>1.0'], expect: 'fail' },
  // test_new_resolver_installs_extras (both root forms), _warn_missing
  ...['base[add]', 'base[add] >= 0.1.0', 'base[add,missing]'].map((root, i) => ({
    id: `extras-${i}`,
    dists: { base: { '0.1.0': { extras: { add: ['dep'] } } }, dep: { '0.1.0': {} } },
    roots: [root],
    expect: { base: '0.1.0', dep: '0.1.0' },
  })),
  // test_new_resolver_requires_python: a dep whose newest release needs another Python (page or metadata)
  ...[
    ['>=3.12', true],
    ['>=3.12', false],
    ['<3', true],
    ['<3.11', false],
    ['>=3.11', true],
    ['>3.11', true],
    ['~=3.11.0', false],
    ['>=3.11.1', true],
  ].map(([rp, onPage], i) => ({
    id: `requires-python-${i}`,
    dists: rpDep(rp as string, onPage as boolean),
    roots: ['base'],
    expect: {
      base: '0.1.0',
      dep: ['>=3.11', '~=3.11.0'].includes(rp as string) ? '0.2.0' : '0.1.0',
    },
  })),
  // test_new_resolver_requires_python_error (page and metadata only)
  {
    id: 'requires-python-error',
    dists: { base: { '0.1.0': { rp: '<3' } } },
    roots: ['base'],
    expect: 'fail',
  },
  {
    id: 'requires-python-error-meta',
    dists: { base: { '0.1.0': { rp: '<3', rpOnPage: false } } },
    roots: ['base'],
    expect: 'fail',
  },
  // test_new_resolver_handles_prerelease: default, exact-pre, no-stable
  { id: 'pre-default', dists: pre(['1.0', '2.0a1']), roots: ['pkg'], expect: { pkg: '1.0' } },
  { id: 'pre-exact', dists: pre(['1.0', '2.0a1']), roots: ['pkg==2.0a1'], expect: { pkg: '2.0a1' } },
  { id: 'pre-no-stable', dists: pre(['2.0a1']), roots: ['pkg'], expect: { pkg: '2.0a1' } },
  // pre-releases implied by a specifier that names one (PEP 440), alone or with another requirement
  { id: 'pre-implied', dists: pre(['1.0', '2.0b1']), roots: ['pkg>=1.0b1'], expect: { pkg: '2.0b1' } },
  {
    id: 'pre-implied-merged',
    dists: pre(['1.0', '2.0b1']),
    roots: ['pkg>=1', 'pkg>=2.0b1'],
    expect: { pkg: '2.0b1' },
  },
  { id: 'pre-lt', dists: pre(['1.0', '2.0a1']), roots: ['pkg<2.0a2'], expect: { pkg: '1.0' } },
  { id: 'pre-ne', dists: pre(['1.0', '2.0a1']), roots: ['pkg!=1.0'], expect: 'fail' },
  {
    id: 'pre-yanked-final',
    dists: { pkg: { '1.0': { yanked: true }, '2.0a1': {} } },
    roots: ['pkg'],
    expect: 'fail',
  },
  // no final release: an empty specifier falls back to pre-releases, a non-empty one does not (pip 23)
  { id: 'pre-only-spec', dists: pre(['2.0a1']), roots: ['pkg>=1'], expect: 'fail' },
  {
    id: 'pre-only-dep',
    dists: { ...pre(['2.0a1']), a: { '1.0': { deps: ['pkg'] } } },
    roots: ['a'],
    expect: { a: '1.0', pkg: '2.0a1' },
  },
  {
    id: 'pre-only-dep-spec',
    dists: { ...pre(['2.0a1']), a: { '1.0': { deps: ['pkg>=1'] } } },
    roots: ['a'],
    expect: 'fail',
  },
  {
    id: 'pre-via-dep',
    dists: { ...pre(['1.0', '2.0a1']), a: { '1.0': { deps: ['pkg>=2.0a1'] } } },
    roots: ['pkg', 'a'],
    expect: { a: '1.0', pkg: '2.0a1' },
  },
  // test_new_resolver_skips_marker (transitive), and markers on extras' requirements
  {
    id: 'skips-marker',
    dists: { pkg: { '1.0': { deps: ["dep; os_name == 'nonexist_os'"] } }, dep: { '1.0': {} } },
    roots: ['pkg'],
    expect: { pkg: '1.0' },
  },
  {
    id: 'extra-marker',
    dists: {
      pkg: {
        '1.0': {
          extras: {
            x: [
              'dep; extra == "x" and python_version < "3"',
              'other; python_version >= "3" and extra == "x"',
            ],
          },
        },
      },
      dep: { '1.0': {} },
      other: { '1.0': {} },
    },
    roots: ['pkg[x]'],
    expect: { pkg: '1.0', other: '1.0' },
  },
  // test_new_resolver_constraints / conflicting constraints, as repeated requirements
  { id: 'repeat-narrow', dists: threePkg, roots: ['pkg', 'pkg<2.0'], expect: { pkg: '1.0' } },
  { id: 'repeat-window', dists: threePkg, roots: ['pkg>1', 'pkg<3'], expect: { pkg: '2.0' } },
  { id: 'repeat-conflict', dists: { pkg: { '1.0': {} } }, roots: ['pkg==1.0', 'pkg!=1.0'], expect: 'fail' },
  // test_new_resolver_conflict_requirements_file
  {
    id: 'conflict-requirements',
    dists: {
      base: { '1.0': {}, '2.0': {} },
      pkga: { '1.0': { deps: ['base==1.0'] } },
      pkgb: { '1.0': { deps: ['base==2.0'] } },
    },
    roots: ['pkga', 'pkgb'],
    expect: 'fail',
  },
  // test_new_resolver_dont_backtrack_on_extra_if_base_constrained(_in_requirement), both orders
  ...[
    ['pkg[ext1]', 'pkg==1.0'],
    ['pkg==1.0', 'pkg[ext1]'],
    ['pkg[ext1]', 'pkg[ext2]==1.0'],
  ].map((roots, i) => ({
    id: `extra-base-constrained-${i}`,
    dists: extrasPkg,
    roots,
    expect: { pkg: '1.0', dep: '1.0' },
  })),
  // test_new_resolver_dont_backtrack_on_conflicting_constraints_on_extras
  ...[
    ['pkg[ext1]>1', 'pkg==1.0'],
    ['pkg[ext2]==1.0', 'pkg[ext1]>1'],
  ].map((roots, i) => ({ id: `extra-conflict-${i}`, dists: extrasPkg, roots, expect: 'fail' as const })),
  // self-referencing extras: an extra that asks for other extras of its own project
  {
    id: 'self-extras',
    dists: {
      pkg: {
        '1.0': { extras: { all: ['pkg[a]', 'pkg[b]'], a: ['dep1'], b: ['dep2>=2'] } },
      },
      dep1: { '1.0': {} },
      dep2: { '1.0': {}, '2.0': {} },
    },
    roots: ['pkg[all]'],
    expect: { pkg: '1.0', dep1: '1.0', dep2: '2.0' },
  },
  {
    id: 'self-extras-pinned',
    dists: {
      pkg: {
        '1.0': { extras: { all: ['pkg[a]==1.0'], a: ['dep1'] } },
        '2.0': { extras: { all: ['pkg[a]==1.0'], a: ['dep1'] } },
      },
      dep1: { '1.0': {} },
    },
    roots: ['pkg[all]'],
    expect: { pkg: '1.0', dep1: '1.0' },
  },
  {
    id: 'self-dep-excludes',
    dists: { pkg: { '1.0': { deps: ['pkg>=2'] } } },
    roots: ['pkg'],
    expect: 'fail',
  },
  // yanked files (PEP 592): skipped unless the requirements pin exactly and nothing else matches
  { id: 'yanked-skip', dists: yankedTwo, roots: ['pkg'], expect: { pkg: '1.0' } },
  { id: 'yanked-pin', dists: yankedTwo, roots: ['pkg==2.0'], expect: { pkg: '2.0' } },
  { id: 'yanked-arbitrary', dists: yankedTwo, roots: ['pkg===2.0'], expect: { pkg: '2.0' } },
  { id: 'yanked-pin-in-set', dists: yankedTwo, roots: ['pkg>=1,==2.0'], expect: { pkg: '2.0' } },
  { id: 'yanked-pin-merged', dists: yankedTwo, roots: ['pkg>=1', 'pkg==2.0'], expect: { pkg: '2.0' } },
  {
    id: 'yanked-local',
    dists: { pkg: { '1.0': {}, '1.0+local.1': { yanked: true } } },
    roots: ['pkg==1.0'],
    expect: { pkg: '1.0' },
  },
  { id: 'yanked-range', dists: yankedTwo, roots: ['pkg>=2'], expect: 'fail' },
  { id: 'yanked-wildcard', dists: yankedTwo, roots: ['pkg==2.*'], expect: 'fail' },
  { id: 'yanked-only', dists: { pkg: { '1.0': { yanked: true } } }, roots: ['pkg'], expect: 'fail' },
  {
    id: 'yanked-pin-dep',
    dists: { ...yankedTwo, a: { '1.0': { deps: ['pkg==2.0'] } } },
    roots: ['a'],
    expect: { a: '1.0', pkg: '2.0' },
  },
  // local versions
  ...['pkg', 'pkg==1.0', 'pkg<=1.0', 'pkg==1.0+local.1', 'pkg>1.0', 'pkg!=1.0'].map((root, i) => ({
    id: `local-${i}`,
    dists: { pkg: { '0.9': {}, '1.0': {}, '1.0+local.1': {} } },
    roots: [root],
    expect: root === 'pkg>1.0' ? ('fail' as const) : { pkg: root === 'pkg!=1.0' ? '0.9' : '1.0+local.1' },
  })),
  // `===`: arbitrary equality compares the strings
  { id: 'arbitrary', dists: { pkg: { '1.0': {} } }, roots: ['pkg===1.0'], expect: { pkg: '1.0' } },
  { id: 'arbitrary-zeros', dists: { pkg: { '1.0': {} } }, roots: ['pkg===1.0.0'], expect: 'fail' },
  { id: 'arbitrary-spelling', dists: { pkg: { '1.0.0': {} } }, roots: ['pkg===1.0'], expect: 'fail' },
  // post-releases and the clauses packaging 21.3 reads otherwise than packaging 26
  { id: 'post-gt', dists: { pkg: { '1.0': {}, '1.0.post1': {} } }, roots: ['pkg>1.0'], expect: 'fail' },
  {
    id: 'post-ge',
    dists: { pkg: { '1.0': {}, '1.0.post1': {} } },
    roots: ['pkg>=1.0'],
    expect: { pkg: '1.0.post1' },
  },
  { id: 'post-gt-pre', dists: { pkg: { '1.0.post1': {} } }, roots: ['pkg>1.0a1'], expect: 'fail' },
  { id: 'post-lt-pre', dists: pre(['1.0a1']), roots: ['pkg<1.0.post1', 'pkg>=1.0a1'], expect: 'fail' },
  {
    id: 'dev-implied',
    dists: pre(['1.0', '2.0.dev1']),
    roots: ['pkg>=1.0.dev0'],
    expect: { pkg: '2.0.dev1' },
  },
  { id: 'pre-ne-pre', dists: pre(['1.0', '2.0a1', '3.0a1']), roots: ['pkg!=2.0a1'], expect: { pkg: '1.0' } },
  { id: 'arbitrary-form', dists: { pkg: { '1.01': {} } }, roots: ['pkg===1.01'], expect: 'fail' },
  { id: 'arbitrary-normal', dists: { pkg: { '1.01': {} } }, roots: ['pkg===1.1'], expect: { pkg: '1.01' } },
  // extras spelled otherwise than Provides-Extra, an extra marker or'ed with another, a cycle
  ...['base[ADD]', 'base[A_d_d]'].map((root, i) => ({
    id: `extras-spelling-${i}`,
    dists: { base: { '0.1.0': { extras: { add: ['dep'] } } }, dep: { '0.1.0': {} } },
    roots: [root],
    // pip 23 reads `A_d_d` as `a_d_d`, not as `add`: no extra, a warning.
    expect: i === 0 ? { base: '0.1.0', dep: '0.1.0' } : { base: '0.1.0' },
  })),
  {
    id: 'extra-or-base',
    dists: {
      base: { '0.1.0': { extras: { x: ['dep; extra == "x" or python_version >= "3"'] } } },
      dep: { '0.1.0': {} },
    },
    roots: ['base'],
    expect: { base: '0.1.0', dep: '0.1.0' },
  },
  {
    id: 'cycle',
    dists: { a: { '1.0': { deps: ['b'] } }, b: { '1.0': { deps: ['a'] }, '2.0': { deps: ['a>1'] } } },
    roots: ['a'],
    expect: { a: '1.0', b: '1.0' },
  },
  // one version spelled two ways by two wheels: pip keeps the better wheel
  ...['pkg', 'pkg==1.0', 'pkg>=0.5,<=1.0.0'].map((root, i) => ({
    id: `spelled-twice-${i}`,
    dists: {
      pkg: {
        '0.9': {},
        '1.0': {},
        '1.0.0': { tags: ['cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64'] },
      },
    },
    roots: [root],
    expect: { pkg: '1.0.0' },
  })),
  {
    id: 'spelled-twice-better-first',
    dists: {
      pkg: { '1.0': { tags: ['cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64'] }, '1.0.0': {} },
    },
    roots: ['pkg'],
    expect: { pkg: '1.0' },
  },
  // backtracking: the newest a needs a b the root refuses; an older a fits
  {
    id: 'backtrack',
    dists: {
      a: { '1.0': { deps: ['b'] }, '2.0': { deps: ['b==1.0'] } },
      b: { '1.0': {}, '2.0': {} },
    },
    roots: ['a', 'b>=2'],
    expect: { a: '1.0', b: '2.0' },
  },
  // test_new_resolver_presents_messages_when_backtracking_a_lot: every a but the oldest needs a missing c
  {
    id: 'backtrack-a-lot',
    dists: {
      a: Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [`1.${i}`, i === 0 ? { deps: ['b'] } : { deps: ['b', 'c>=9'] }]),
      ),
      b: { '1.0': { deps: ['c<2'] } },
      c: { '1.0': {}, '2.0': {} },
    },
    roots: ['a'],
    expect: { a: '1.0', b: '1.0', c: '1.0' },
  },
  {
    id: 'backtrack-transitive-conflict',
    dists: {
      a: { '1.0': { deps: ['c==1'] }, '2.0': { deps: ['c==2'] } },
      b: { '1.0': { deps: ['c==1'] }, '2.0': { deps: ['c==3'] } },
      c: { '1': {}, '2': {}, '3': {} },
    },
    roots: ['a', 'b'],
    expect: { a: '1.0', b: '1.0', c: '1' },
  },
  {
    id: 'conflict-transitive',
    dists: {
      a: { '1.0': { deps: ['c>=2'] } },
      b: { '1.0': { deps: ['c<2'] } },
      c: { '1': {}, '2': {} },
    },
    roots: ['a', 'b'],
    expect: 'fail',
  },
  {
    id: 'conflict-extra',
    dists: { base: { '1.0': { extras: { x: ['dep<1'] } } }, dep: { '0.5': {}, '1.0': {} } },
    roots: ['base[x]', 'dep>=1'],
    expect: 'fail',
  },
];

const TARGET = closureTarget([3, 11], 'linux');

function release(version: string, rel: Rel): GenRelease {
  const dep = (text: string): GenDep => {
    const r = parseRequirement(text);
    return {
      text,
      name: r.normalizedName,
      specifier: specifierSetToString(r.specifier),
      extras: r.extras,
      active: true,
    };
  };
  return genRelease(version, {
    deps: (rel.deps ?? []).map(dep),
    // A requirement of an extra gets its `extra == "<x>"` marker unless it spells one.
    extras: Object.fromEntries(
      Object.entries(rel.extras ?? {}).map(([x, list]) => [
        x,
        list.map((t) => dep(t.includes('extra ==') ? t : `${t}; extra == "${x}"`)),
      ]),
    ),
    ...(rel.rp ? { requiresPython: { spec: rel.rp, onPage: rel.rpOnPage ?? true, admits311: true } } : {}),
    yanked: rel.yanked ?? false,
    ...(rel.tags ? { tags: rel.tags } : {}),
  });
}

type Mine = { ok: boolean; picks: Record<string, string>; message: string; hint: string };

async function ours(session: IndexSession, indexUrl: string, roots: readonly string[]): Promise<Mine> {
  const source = new TargetSource(session, indexUrl, TARGET);
  try {
    const res = await resolve({
      roots: roots.map((text) => {
        const r = parseRequirement(text);
        return {
          name: r.normalizedName,
          // As an import's extras are read (PEP 685 normal form).
          extras: [...new Set(r.extras.map(normalizeName))].sort(),
          specifier: specifierSetToString(r.specifier),
          label: `your import of \`${text}\``,
        };
      }),
      source,
    });
    return {
      ok: true,
      picks: Object.fromEntries(res.distributions.map((d) => [d.name, d.version])),
      message: '',
      hint: '',
    };
  } catch (e) {
    // As `lock` prints it: the derivation, then the index's notes.
    if (e instanceof ResolverError && e.code === 'resolver-conflict') {
      const message = [e.message, await source.notes()].filter((x) => x !== '').join('\n');
      return { ok: false, picks: {}, message, hint: e.hint ?? '' };
    }
    if (e instanceof RegistryError && e.code === 'registry-not-found')
      return { ok: false, picks: {}, message: e.message, hint: e.hint ?? '' };
    throw e;
  }
}

/** `expect` with its keys in the order of `like` (pip's report order), for a comparison by JSON text. */
function sortKeys(expect: Readonly<Record<string, string>>, like: unknown): Record<string, string> {
  const order = typeof like === 'object' && like !== null ? Object.keys(like) : [];
  const keys = Object.keys(expect).sort(
    (a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9),
  );
  return Object.fromEntries(keys.map((k) => [k, expect[k]!]));
}

/**
 * The requirements pip's "The conflict is caused by:" block names, as [who, requirement]: `root`
 * for "The user requested X" (and for "No matching distribution found for X" and each name of
 * "Cannot install X and Y"), else the `name version` of the depender. pip prints the
 * "caused by" block on stdout, which `--quiet` silences; its error lines name the same packages.
 */
function pipConflictLines(message: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of message.matchAll(/No matching distribution found for (.+)$/gm))
    out.push(['root', m[1]!.trim()]);
  // "Cannot install a==1.0 and b==1.0 because …": the candidates pip found in conflict, by name.
  for (const m of message.matchAll(/Cannot install (.+) because these package versions/g))
    for (const c of m[1]!.split(/, | and /)) out.push(['root', c.replace(/[<>=!~].*$/, '')]);
  for (const m of message.matchAll(/^ {4}(?:The user requested (.+)|(\S+ \S+) depends on (.+))$/gm)) {
    if (m[1] !== undefined) out.push(['root', m[1].trim()]);
    else out.push([m[2]!, m[3]!.trim()]);
  }
  return out;
}

describeWithOracle(pythonOracle(), "pip's resolver scenarios vs pip 23", () => {
  let work: string;
  const servers: Awaited<ReturnType<typeof serveIndex>>[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-pip-scenarios-'));
    for (const s of SCENARIOS) {
      const dir = join(work, 'index', s.id);
      await writeUniverse(dir, {
        id: s.id,
        dists: Object.entries(s.dists).map(([name, rels]) => ({
          name,
          releases: Object.entries(rels).map(([v, rel]) => release(v, rel)),
        })),
        roots: s.roots,
        conflictFree: false,
      });
      servers.push(await serveIndex(dir, { json: true }));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(work, { recursive: true, force: true });
  });

  it(`agrees with pip on the ${SCENARIOS.length} scenarios and names what conflicts`, async () => {
    const pip: PipOutcome[] = await pipDryRunMany(
      SCENARIOS.map((s, i) => ({
        indexes: [servers[i]!.url],
        roots: s.roots,
        tag: s.id,
        platform: 'linux' as const,
      })),
      work,
    );
    const session = new IndexSession({ cacheDir: join(work, 'cache') });
    const failures: string[] = [];
    for (const [i, s] of SCENARIOS.entries()) {
      const o = pip[i]!;
      const pipSays = o.ok ? Object.fromEntries([...o.picks].map(([n, [v]]) => [n, v])) : 'fail';
      // The table records pip 23's answer; a different answer means the oracle changed.
      if (
        JSON.stringify(pipSays) !== JSON.stringify(s.expect === 'fail' ? 'fail' : sortKeys(s.expect, pipSays))
      )
        failures.push(
          `${s.id}: the table says pip 23 gives ${JSON.stringify(s.expect)}, pip gives ${JSON.stringify(pipSays)}\n${o.message}`,
        );
      const mine = await ours(session, normalizeIndexUrl(servers[i]!.url), s.roots);
      const where = `${s.id} (${s.roots.join(' ')})`;
      if (mine.ok !== o.ok) {
        failures.push(
          `${where}: pip ${o.ok ? `picks ${JSON.stringify(pipSays)}` : 'fails'}; we ${mine.ok ? `pick ${JSON.stringify(mine.picks)}` : `fail:\n${mine.message}`}`,
        );
        continue;
      }
      if (o.ok) {
        if (
          JSON.stringify(Object.entries(mine.picks).sort()) !== JSON.stringify(Object.entries(pipSays).sort())
        )
          failures.push(`${where}: pip picks ${JSON.stringify(pipSays)}, we ${JSON.stringify(mine.picks)}`);
        continue;
      }
      // Each requirement pip blames must be in our explanation, with who asked for it.
      for (const [who, req] of pipConflictLines(o.message)) {
        const r = parseRequirement(req);
        const spec = specifierSetToString(r.specifier);
        const names =
          mine.message.includes(`${r.normalizedName}${r.extras.length ? `[${r.extras.join(',')}]` : ''}`) &&
          (spec === '' || mine.message.includes(spec));
        const source = who === 'root' || mine.message.includes(who.replace(' ', '=='));
        if (!names || !source)
          failures.push(`${where}: pip blames ${who} → ${req}; we said:\n${mine.message}`);
      }
      // pip: "Ignored the following versions that require a different python version: 0.1.0 Requires-Python <3; …"
      const ignored = /that require a different python version: (.+)$/m.exec(o.message)?.[1] ?? '';
      for (const entry of ignored === '' ? [] : ignored.split('; ')) {
        const [version, , spec] = entry.split(' ');
        if (!mine.message.includes(`${version} (Requires-Python ${spec})`))
          failures.push(`${where}: pip ignored ${entry}; we said:\n${mine.message}`);
      }
      if (!mine.message.includes('your import of') || mine.hint === '')
        failures.push(`${where}: our explanation names no import or has no hint:\n${mine.message}`);
    }
    expect(failures.join('\n\n')).toBe('');
  }, 600_000);
});
