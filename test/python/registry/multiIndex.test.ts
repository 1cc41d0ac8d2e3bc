// Imports from several indexes resolved in one resolution: pinned names, first-index lookup, no dependency confusion.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDistribution } from '../../../src/python/lockfile/distribution.js';
import { closureTarget, IndexSession } from '../../../src/python/registry/closure.js';
import { type ClosureRoot, resolveClosure } from '../../../src/python/registry/lockClosure.js';
import { ResolverError } from '../../../src/python/resolver/index.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { pipDryRun } from '../../support/pip.js';
import {
  type GenDep,
  type GenDist,
  genDep,
  genRelease,
  serveIndex,
  writeUniverse,
} from '../../support/pyindex.js';

const dep = (name: string, specifier = '') => genDep(name, specifier);
const rel = (version: string, deps: GenDep[] = []) => genRelease(version, { deps });

/** The company's index: its own projects, and one (`sharedcore`) that its projects pin low. */
const INTERNAL: GenDist[] = [
  { name: 'corpapp', releases: [rel('1.0', [dep('corplib', '>=1'), dep('utillite', '>=1')])] },
  { name: 'corplib', releases: [rel('1.0'), rel('1.1')] },
  { name: 'corpold', releases: [rel('1.0', [dep('sharedcore', '<2')])] },
];

/** The public index: an attacker's `corplib` with a higher version, and what everyone uses. */
const PUBLIC: GenDist[] = [
  { name: 'corplib', releases: [rel('99.0', [dep('evil')])] },
  { name: 'evil', releases: [rel('1.0')] },
  { name: 'utillite', releases: [rel('1.0'), rel('2.0')] },
  { name: 'sharedcore', releases: [rel('1.0'), rel('2.0')] },
  { name: 'tool', releases: [rel('1.0', [dep('sharedcore', '>=1')])] },
  { name: 'toolnew', releases: [rel('1.0', [dep('sharedcore', '>=2')])] },
];

const names = (list: readonly LockedDistribution[]) =>
  list.map((d) => `${d.name} ${d.version} ${d.indexUrl}`).sort();

describe('resolveClosure over several indexes', () => {
  let work: string;
  let internal: Awaited<ReturnType<typeof serveIndex>>;
  let publicUrl: string;
  const targets = [closureTarget([3, 11], 'linux')];
  let n = 0;
  const session = () => new IndexSession({ cacheDir: join(work, `cache${n++}`) });
  const fromInternal = (name: string, specifier = ''): ClosureRoot => ({
    name,
    specifier,
    indexUrl: internal.url,
    indexId: 'internal',
    label: `your import of \`${name}@internal+…\` (app.mochi:1)`,
  });
  const fromDefault = (name: string, specifier = ''): ClosureRoot => ({
    name,
    specifier,
    indexUrl: publicUrl,
    label: `your import of \`${name}${specifier}\` (app.mochi:2)`,
  });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-multi-'));
    await writeUniverse(join(work, 'internal'), { id: 'i', dists: INTERNAL, roots: [], conflictFree: true });
    await writeUniverse(join(work, 'public'), { id: 'p', dists: PUBLIC, roots: [], conflictFree: true });
    internal = await serveIndex(join(work, 'internal'), { json: true });
    // The public index is a directory: file:// URLs work as indexes too.
    publicUrl = `${pathToFileURL(join(work, 'public', 'simple')).href}/`;
  });
  afterAll(async () => {
    await internal.close();
    await rm(work, { recursive: true, force: true });
  });

  it('takes each name from the first index that has it, the default index last', async () => {
    const list = await resolveClosure({
      roots: [fromInternal('corpapp')],
      targets,
      session: session(),
      defaultIndexUrl: publicUrl,
    });
    // corplib is on both indexes: the internal one is asked first, so 99.0 (and evil) never enter.
    expect(names(list)).toEqual([
      `corpapp 1.0 ${internal.url}`,
      `corplib 1.1 ${internal.url}`,
      `utillite 2.0 ${publicUrl}`,
    ]);
  });

  it('never takes a name an import pins to one index from another', async () => {
    const s = session();
    const err = await resolveClosure({
      roots: [fromInternal('utillite'), fromDefault('tool')],
      targets,
      session: s,
      defaultIndexUrl: publicUrl,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolverError);
    expect((err as ResolverError).code).toBe('resolver-conflict');
    expect((err as ResolverError).message).toContain('your import of `utillite@internal+…` (app.mochi:1)');
    expect((err as ResolverError).message).toContain(
      `note: utillite is taken only from ${internal.url}, the index its import names`,
    );
    // A pinned corplib stays on the internal index even when the default import comes first.
    const list = await resolveClosure({
      roots: [fromDefault('utillite'), fromInternal('corplib')],
      targets,
      session: s,
      defaultIndexUrl: publicUrl,
    });
    expect(names(list)).toEqual([`corplib 1.1 ${internal.url}`, `utillite 2.0 ${publicUrl}`]);
  });

  it('resolves imports from different indexes together: one version of a shared dependency', async () => {
    const list = await resolveClosure({
      roots: [fromInternal('corpold'), fromDefault('tool')],
      targets,
      session: session(),
      defaultIndexUrl: publicUrl,
    });
    // Resolved separately, the public closure would take sharedcore 2.0 and the internal one 1.0.
    expect(names(list)).toEqual([
      `corpold 1.0 ${internal.url}`,
      `sharedcore 1.0 ${publicUrl}`,
      `tool 1.0 ${publicUrl}`,
    ]);
    const err = await resolveClosure({
      roots: [fromInternal('corpold'), fromDefault('toolnew')],
      targets,
      session: session(),
      defaultIndexUrl: publicUrl,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolverError);
    const msg = (err as ResolverError).message;
    expect(msg).toContain('your import of `corpold@internal+…` (app.mochi:1)');
    expect(msg).toContain('your import of `toolnew` (app.mochi:2)');
  });

  it('keeps locked versions across indexes and relocks to the same entries', async () => {
    const s = session();
    const roots = [fromInternal('corpapp', ''), fromDefault('utillite', '<2')];
    const first = await resolveClosure({ roots, targets, session: s, defaultIndexUrl: publicUrl });
    expect(names(first)).toContain(`utillite 1.0 ${publicUrl}`);
    const widened = [fromInternal('corpapp', ''), fromDefault('utillite', '')];
    const again = await resolveClosure({
      roots: widened,
      targets,
      session: s,
      defaultIndexUrl: publicUrl,
      previous: first,
    });
    expect(again).toEqual(first);
  });

  it('refuses two imports that take one name, or one index id, from different indexes', async () => {
    const both = await resolveClosure({
      roots: [fromInternal('corplib'), fromDefault('corplib')],
      targets,
      session: session(),
      defaultIndexUrl: publicUrl,
    }).catch((e: unknown) => e);
    expect(both).toBeInstanceOf(ResolverError);
    expect((both as ResolverError).code).toBe('resolver-index-conflict');
    expect((both as ResolverError).message).toContain('one name comes from one index');
    const ids = await resolveClosure({
      roots: [fromInternal('corplib'), { ...fromDefault('tool'), indexId: 'internal' }],
      targets,
      session: session(),
      defaultIndexUrl: publicUrl,
    }).catch((e: unknown) => e);
    expect((ids as ResolverError).code).toBe('resolver-index-conflict');
    expect((ids as ResolverError).message).toContain('the index id "internal" names');
  });

  describe("mochi.toml's named indexes and [python.sources]", () => {
    // A registry import pinned by [python.sources] resolves on the named index, with no index id.
    const pinnedRoot = (name: string): ClosureRoot => ({
      name,
      specifier: '',
      indexUrl: internal.url,
      label: `your import of \`${name}\` (app.mochi:1)`,
    });
    const named = (explicit: boolean) => [{ name: 'internal', url: internal.url, explicit }];

    it('searches an explicit index only for the names pinned to it', async () => {
      const only = await resolveClosure({
        roots: [pinnedRoot('corpapp')],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(true),
        sources: new Map([['corpapp', internal.url]]),
      });
      // corplib is not pinned and the explicit index is never searched: the public one answers.
      expect(names(only)).toEqual([
        `corpapp 1.0 ${internal.url}`,
        `corplib 99.0 ${publicUrl}`,
        `evil 1.0 ${publicUrl}`,
        `utillite 2.0 ${publicUrl}`,
      ]);
      const pinned = await resolveClosure({
        roots: [pinnedRoot('corpapp')],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(true),
        sources: new Map([
          ['corpapp', internal.url],
          ['corplib', internal.url],
        ]),
      });
      // A source pins a dependency anywhere in the closure, not only an import.
      expect(names(pinned)).toEqual([
        `corpapp 1.0 ${internal.url}`,
        `corplib 1.1 ${internal.url}`,
        `utillite 2.0 ${publicUrl}`,
      ]);
    });

    it('searches a named index that is not explicit before the default index', async () => {
      const list = await resolveClosure({
        roots: [pinnedRoot('corpapp')],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(false),
        sources: new Map([['corpapp', internal.url]]),
      });
      // corplib, not pinned, comes from the first index that has it: the named one.
      expect(names(list)).toEqual([
        `corpapp 1.0 ${internal.url}`,
        `corplib 1.1 ${internal.url}`,
        `utillite 2.0 ${publicUrl}`,
      ]);
    });

    it('explains a pinned name the named index lacks, and refuses imports that disagree with mochi.toml', async () => {
      const err = await resolveClosure({
        roots: [fromDefault('tool')],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(true),
        sources: new Map([['sharedcore', internal.url]]),
      }).catch((e: unknown) => e);
      expect((err as ResolverError).code).toBe('resolver-conflict');
      expect((err as ResolverError).message).toContain(
        `note: sharedcore is taken only from ${internal.url}, the index mochi.toml's [python.sources] names`,
      );
      const byId = await resolveClosure({
        roots: [{ ...fromDefault('tool'), indexId: 'internal' }],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(false),
      }).catch((e: unknown) => e);
      expect((byId as ResolverError).code).toBe('resolver-index-conflict');
      expect((byId as ResolverError).message).toContain(
        `but mochi.toml's [[python.index]] "internal" is ${internal.url}`,
      );
      const bySource = await resolveClosure({
        roots: [fromDefault('corplib')],
        targets,
        session: session(),
        defaultIndexUrl: publicUrl,
        indexes: named(true),
        sources: new Map([['corplib', internal.url]]),
      }).catch((e: unknown) => e);
      expect((bySource as ResolverError).code).toBe('resolver-index-conflict');
      expect((bySource as ResolverError).message).toContain(
        `mochi.toml's [python.sources] corplib = { index = "internal" } takes corplib from ${internal.url}`,
      );
    });
  });
});

describeWithOracle(pythonOracle(), 'several indexes against pip (names on one index each)', () => {
  let work: string;
  const servers: Awaited<ReturnType<typeof serveIndex>>[] = [];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-multi-pip-'));
    // pip merges every index, we take each name from its first one: equal when no name is on two.
    const internal = INTERNAL.filter((d) => d.name !== 'corplib');
    await writeUniverse(join(work, 'a'), { id: 'a', dists: internal, roots: [], conflictFree: true });
    await writeUniverse(join(work, 'b'), { id: 'b', dists: PUBLIC, roots: [], conflictFree: true });
    servers.push(await serveIndex(join(work, 'a'), { json: true }));
    servers.push(await serveIndex(join(work, 'b'), { json: false }));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) await s.close();
    await rm(work, { recursive: true, force: true });
  });

  it('chooses the same versions as pip for imports spread over two indexes', async () => {
    const [a, b] = [servers[0]!.url, servers[1]!.url];
    const roots: ClosureRoot[] = [
      { name: 'corpold', specifier: '', indexUrl: a, indexId: 'internal', label: 'corpold' },
      { name: 'tool', specifier: '', indexUrl: b, label: 'tool' },
      { name: 'utillite', specifier: '', indexUrl: b, label: 'utillite' },
    ];
    const ours = await resolveClosure({
      roots,
      targets: [closureTarget([3, 11], 'linux')],
      session: new IndexSession({ cacheDir: join(work, 'cache') }),
      defaultIndexUrl: b,
    });
    const out = await pipDryRun([b, a], ['corpold', 'tool', 'utillite'], work, 'multi');
    expect(out.message).toBe('');
    const pip = new Map([...out.picks].map(([name, [version]]) => [name, version]));
    expect(new Map(ours.map((d) => [d.name, d.version]))).toEqual(pip);
    expect(pip.get('sharedcore')).toBe('1.0');
  }, 60_000);
});
