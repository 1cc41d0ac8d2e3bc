// The closure of a project's index imports for every target: one resolution over every index per target, wheels picked, merged into lock entries.
import type { LockedDistribution, LockedWheel } from '../lockfile/distribution.js';
import { ResolverError } from '../resolver/errors.js';
import { resolve } from '../resolver/solver.js';
import type { Dependencies, Dependency, PackageSource } from '../resolver/types.js';
import { type ClosureTarget, type IndexSession, TargetSource } from './closure.js';

/** One root requirement: an index import of the project. */
export interface ClosureRoot {
  /** PEP 503 name. */
  readonly name: string;
  /** PEP 440 specifier text (empty: any version). */
  readonly specifier: string;
  /** The extras the import requests (`name[extra]`), normalised and sorted; absent: none. */
  readonly extras?: readonly string[];
  /** The normalised index URL the import resolves on: the import pins its name to it. */
  readonly indexUrl: string;
  /** The index's id when the import names one (`name@<id>+<url>`); absent for the default index. */
  readonly indexId?: string;
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
  /**
   * The default index (normalised URL): the last one a name no import pins is looked up on. Absent:
   * only the roots' indexes are searched.
   */
  readonly defaultIndexUrl?: string;
  /**
   * The project's named indexes (mochi.toml `[[python.index]]`, normalised URLs), in search order.
   * An `explicit` one serves only the names {@link sources} pins to it.
   */
  readonly indexes?: readonly ClosureIndex[];
  /** Distribution name → the normalised URL of the named index it must come from (`[python.sources]`). */
  readonly sources?: ReadonlyMap<string, string>;
  /**
   * Called once per distinct warning, in resolution order: an extra a chosen release does not
   * declare, in pip's words (`requests 2.31.0 does not provide the extra 'foo'`); it adds nothing.
   */
  readonly onWarning?: (message: string) => void;
}

/** A named index of the project. */
export interface ClosureIndex {
  readonly name: string;
  readonly url: string;
  readonly explicit: boolean;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function requirementText(d: Dependency): string {
  return d.requirement ?? `${d.name}${d.extras.length ? `[${d.extras.join(',')}]` : ''}${d.specifier}`;
}

/**
 * Which index each name comes from, decided once per run (so every target agrees): a name a root
 * imports is pinned to that root's index and never looked up anywhere else; any other name comes
 * from the first index, in {@link ClosureRequest} order, whose page lists a file for it ("first
 * index", uv's default strategy). A project on an internal index can thus never be replaced by a
 * public project of the same name.
 */
class IndexChoice {
  private readonly chosen = new Map<string, Promise<string>>();

  constructor(
    private readonly session: IndexSession,
    readonly pinned: ReadonlyMap<string, string>,
    readonly order: readonly string[],
    /** Why each pinned name is pinned, for notes: "the index its import names". */
    readonly why: ReadonlyMap<string, string> = new Map(),
  ) {}

  of(name: string): Promise<string> {
    let p = this.chosen.get(name);
    if (!p) {
      p = this.find(name);
      this.chosen.set(name, p);
    }
    return p;
  }

  private async find(name: string): Promise<string> {
    const pin = this.pinned.get(name);
    if (pin !== undefined) return pin;
    for (const url of this.order) {
      if ((await this.session.page(url, name)).files.length > 0) return url;
    }
    // No index has it: the last one answers (with no versions), so the explanation says so.
    return this.order[this.order.length - 1]!;
  }
}

/** The indexes of one run seen from one target, as one {@link PackageSource}: each name asks its own index. */
class MultiIndexSource implements PackageSource {
  private readonly sources = new Map<string, TargetSource>();

  constructor(
    private readonly session: IndexSession,
    private readonly choice: IndexChoice,
    readonly target: ClosureTarget,
  ) {}

  source(indexUrl: string): TargetSource {
    let s = this.sources.get(indexUrl);
    if (!s) {
      s = new TargetSource(this.session, indexUrl, this.target);
      this.sources.set(indexUrl, s);
    }
    return s;
  }

  async of(name: string): Promise<TargetSource> {
    return this.source(await this.choice.of(name));
  }

  prefetch(names: readonly string[]): void {
    for (const n of names) {
      void this.of(n)
        .then((s) => s.prefetch([n]))
        .catch(() => {});
    }
  }

  async versions(name: string) {
    return (await this.of(name)).versions(name);
  }

  async undeclaredExtra(name: string, version: string, extra: string): Promise<boolean> {
    return (await this.of(name)).undeclaredExtra(name, version, extra);
  }

  async dependencies(name: string, version: string, extra: string | undefined): Promise<Dependencies> {
    return (await this.of(name)).dependencies(name, version, extra);
  }

  async wheel(name: string, version: string) {
    return (await this.of(name)).wheel(name, version);
  }

  /** The notes of every index for the end of a conflict message (wheelless projects, versions for another Python, pinned names). */
  async notes(): Promise<string> {
    const lines: string[] = [];
    for (const url of [...this.sources.keys()].sort(cmp)) {
      const n = await this.sources.get(url)!.notes();
      if (n !== '') lines.push(n);
    }
    for (const [name, url] of [...this.choice.pinned].sort(([a], [b]) => cmp(a, b))) {
      const why = this.choice.why.get(name) ?? 'the index its import names';
      if (this.choice.order.length < 2 && !this.choice.why.has(name)) continue;
      if ((await this.session.page(url, name)).files.length > 0) continue;
      lines.push(
        `note: ${name} is taken only from ${url}, ${why}, and that index has no files for it; other indexes are never asked for it`,
      );
    }
    return lines.join('\n');
  }
}

/**
 * Builds the index order and the pins of a run from its roots, the project's named indexes and
 * `[python.sources]`.
 *
 * @throws {ResolverError} `resolver-index-conflict` when two imports pin one name, or one index id, to different indexes
 */
function indexPlan(req: ClosureRequest): {
  pinned: Map<string, string>;
  order: string[];
  why: Map<string, string>;
} {
  const pinned = new Map<string, { url: string; label: string }>();
  const ids = new Map<string, { url: string; label: string }>();
  const named = new Map((req.indexes ?? []).map((i) => [i.name, i]));
  const why = new Map<string, string>();
  for (const [name, url] of req.sources ?? []) {
    const index = (req.indexes ?? []).find((i) => i.url === url);
    const label = `mochi.toml's [python.sources] ${name} = { index = ${JSON.stringify(index?.name ?? url)} }`;
    pinned.set(name, { url, label });
    why.set(name, "the index mochi.toml's [python.sources] names");
  }
  for (const r of req.roots) {
    if (r.indexId !== undefined) {
      const declared = named.get(r.indexId);
      if (declared !== undefined && declared.url !== r.indexUrl) {
        throw new ResolverError(
          'resolver-index-conflict',
          `${r.label} names the index ${JSON.stringify(r.indexId)} with ${r.indexUrl}, but mochi.toml's [[python.index]] ${JSON.stringify(r.indexId)} is ${declared.url}`,
          {
            hint: `write the import as "${r.name}" and pin it with [python.sources] ${r.name} = { index = "${r.indexId}" }`,
          },
        );
      }
    }
    const had = pinned.get(r.name);
    if (had !== undefined && had.url !== r.indexUrl) {
      throw new ResolverError(
        'resolver-index-conflict',
        `${had.label} takes ${r.name} from ${had.url}, but ${r.label} takes it from ${r.indexUrl}; one name comes from one index`,
        { hint: `import ${r.name} from one index only` },
      );
    }
    pinned.set(r.name, { url: r.indexUrl, label: r.label });
    if (r.indexId !== undefined) {
      const seen = ids.get(r.indexId);
      if (seen !== undefined && seen.url !== r.indexUrl) {
        throw new ResolverError(
          'resolver-index-conflict',
          `the index id ${JSON.stringify(r.indexId)} names ${seen.url} in ${seen.label} but ${r.indexUrl} in ${r.label}`,
          { hint: 'give each index URL its own id' },
        );
      }
      ids.set(r.indexId, { url: r.indexUrl, label: r.label });
    }
  }
  // mochi.toml's named indexes in their order, then the imports' index ids, then any other root
  // index by URL, the default index last; an explicit index is never searched by order.
  const explicit = new Set((req.indexes ?? []).filter((i) => i.explicit).map((i) => i.url));
  const order: string[] = [];
  const add = (url: string) => {
    if (url !== req.defaultIndexUrl && !explicit.has(url) && !order.includes(url)) order.push(url);
  };
  for (const i of req.indexes ?? []) add(i.url);
  for (const [, { url }] of [...ids].sort(([a], [b]) => cmp(a, b))) add(url);
  for (const url of [...new Set(req.roots.map((r) => r.indexUrl))].sort(cmp)) add(url);
  if (req.defaultIndexUrl !== undefined) order.push(req.defaultIndexUrl);
  return { pinned: new Map([...pinned].map(([n, { url }]) => [n, url])), order, why };
}

/**
 * Resolves all the roots together, once per target, over every index at once: each root's name
 * comes from the index its import names, every other name from the first index that has it (see
 * {@link IndexChoice}). The results are merged into one entry per (name, version, index) with the
 * targets that need it, the requirements that apply on some target, and the wheel each target
 * installs. Versions in `previous`, then those an earlier target chose, are preferred, so an
 * unchanged project relocks to the same bytes and a new import moves as few pins as possible.
 *
 * @throws {ResolverError} `resolver-conflict` naming the target, with the derivation;
 *   `resolver-index-conflict` when imports disagree about where a name comes from.
 */
export async function resolveClosure(req: ClosureRequest): Promise<LockedDistribution[]> {
  if (req.roots.length === 0) return [];
  const plan = indexPlan(req);
  const choice = new IndexChoice(req.session, plan.pinned, plan.order, plan.why);
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
  const preferences = new Map<string, string>();
  const warned = new Set<string>();
  for (const d of req.previous ?? []) {
    const pin = plan.pinned.get(d.name);
    if (pin === undefined || pin === d.indexUrl) preferences.set(d.name, d.version);
  }
  for (const target of req.targets) {
    const source = new MultiIndexSource(req.session, choice, target);
    let resolution: Awaited<ReturnType<typeof resolve>>;
    try {
      resolution = await resolve({
        roots: req.roots.map((r) => ({
          name: r.name,
          extras: r.extras ?? [],
          specifier: r.specifier,
          label: r.label,
        })),
        source,
        preferences,
      });
    } catch (e) {
      if (!(e instanceof ResolverError && e.code === 'resolver-conflict')) throw e;
      const notes = await source.notes();
      throw new ResolverError(
        'resolver-conflict',
        `the imports cannot be resolved for target ${target.id}:\n${e.message}${notes ? `\n${notes}` : ''}`,
        e.hint === undefined ? { cause: e } : { cause: e, hint: e.hint },
      );
    }
    for (const d of resolution.distributions) {
      for (const x of d.extras) {
        if (!(await source.undeclaredExtra(d.name, d.version, x))) continue;
        const message = `${d.name} ${d.version} does not provide the extra '${x}'`;
        if (!warned.has(message)) req.onWarning?.(message);
        warned.add(message);
      }
      preferences.set(d.name, d.version);
      const indexUrl = await choice.of(d.name);
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
