// The closure of a project's index imports for every target: resolve per target, pick wheels, merge into lock entries.
import type { LockedDistribution, LockedWheel } from '../lockfile/distribution.js';
import { ResolverError } from '../resolver/errors.js';
import { resolve } from '../resolver/solver.js';
import type { Dependency } from '../resolver/types.js';
import { type ClosureTarget, type IndexSession, TargetSource } from './closure.js';

/** One root requirement: an index import of the project. */
export interface ClosureRoot {
  /** PEP 503 name. */
  readonly name: string;
  /** PEP 440 specifier text (empty: any version). */
  readonly specifier: string;
  /** The normalised index URL the import resolves on. */
  readonly indexUrl: string;
  /** How explanations name it: ``your import of `httpx>=0.27` (app.mochi:3)``. */
  readonly label: string;
}

/** Inputs of {@link resolveClosure}. */
export interface ClosureRequest {
  readonly roots: readonly ClosureRoot[];
  /** The environments to cover, in the order they are resolved (the first one leads). */
  readonly targets: readonly ClosureTarget[];
  readonly session: IndexSession;
  /** The `[[python-distribution]]` entries of the lock on disk: their versions are kept while they fit. */
  readonly previous?: readonly LockedDistribution[];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function requirementText(d: Dependency): string {
  return d.requirement ?? `${d.name}${d.extras.length ? `[${d.extras.join(',')}]` : ''}${d.specifier}`;
}

/**
 * Resolves the roots on each target (roots on different indexes are resolved separately, one
 * closure per index) and merges the results: one entry per (name, version, index) with the targets
 * that need it, the requirements that apply on some target, and the wheel each target installs.
 * Versions in `previous`, then those an earlier target chose, are preferred, so an unchanged
 * project relocks to the same bytes and a new import moves as few pins as possible.
 *
 * @throws {ResolverError} `resolver-conflict` naming the target, with the derivation.
 */
export async function resolveClosure(req: ClosureRequest): Promise<LockedDistribution[]> {
  const byIndex = new Map<string, ClosureRoot[]>();
  for (const r of req.roots) byIndex.set(r.indexUrl, [...(byIndex.get(r.indexUrl) ?? []), r]);
  const merged = new Map<
    string,
    {
      name: string;
      version: string;
      indexUrl: string;
      extras: Set<string>;
      targets: Set<string>;
      deps: Set<string>;
      wheels: Map<string, { file: string; size?: number; sha256: string; targets: Set<string> }>;
    }
  >();
  for (const [indexUrl, roots] of [...byIndex].sort(([a], [b]) => cmp(a, b))) {
    const preferences = new Map<string, string>();
    for (const d of req.previous ?? []) if (d.indexUrl === indexUrl) preferences.set(d.name, d.version);
    for (const target of req.targets) {
      const source = new TargetSource(req.session, indexUrl, target);
      let resolution: Awaited<ReturnType<typeof resolve>>;
      try {
        resolution = await resolve({
          roots: roots.map((r) => ({ name: r.name, extras: [], specifier: r.specifier, label: r.label })),
          source,
          preferences,
        });
      } catch (e) {
        if (!(e instanceof ResolverError && e.code === 'resolver-conflict')) throw e;
        const notes = await source.wheellessNotes();
        throw new ResolverError(
          'resolver-conflict',
          `the imports cannot be resolved for target ${target.id}:\n${e.message}${notes ? `\n${notes}` : ''}`,
          e.hint === undefined ? { cause: e } : { cause: e, hint: e.hint },
        );
      }
      for (const d of resolution.distributions) {
        preferences.set(d.name, d.version);
        const key = `${d.name}\n${d.version}\n${indexUrl}`;
        let m = merged.get(key);
        if (!m) {
          m = {
            name: d.name,
            version: d.version,
            indexUrl,
            extras: new Set(),
            targets: new Set(),
            deps: new Set(),
            wheels: new Map(),
          };
          merged.set(key, m);
        }
        for (const x of d.extras) m.extras.add(x);
        m.targets.add(target.id);
        for (const dep of d.dependencies) m.deps.add(requirementText(dep));
        const file = await source.wheel(d.name, d.version);
        const sha256 = file.hashes.sha256!;
        const w = m.wheels.get(file.filename) ?? {
          file: file.filename,
          ...(file.size === undefined ? {} : { size: file.size }),
          sha256,
          targets: new Set<string>(),
        };
        w.targets.add(target.id);
        m.wheels.set(file.filename, w);
      }
    }
  }
  return [...merged.values()].map((m) => ({
    name: m.name,
    version: m.version,
    indexUrl: m.indexUrl,
    extras: [...m.extras].sort(cmp),
    targets: [...m.targets].sort(cmp),
    dependencies: [...m.deps].sort(cmp),
    wheels: [...m.wheels.values()]
      .sort((a, b) => cmp(a.file, b.file))
      .map(
        (w): LockedWheel => ({
          file: w.file,
          ...(w.size === undefined ? {} : { size: w.size }),
          sha256: w.sha256,
          targets: [...w.targets].sort(cmp),
        }),
      ),
  }));
}
