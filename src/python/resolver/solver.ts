// PubGrub version solving over the finite version lists an index offers (pure; the source is injected).
//
// Each package's versions are known before any term about it is built, so a term is a bit set over
// "not selected" (bit 0) and the package's versions (bit i+1 = i-th version, ascending). A
// requirement no listed version satisfies would be a trivially true term, so its incompatibility
// keeps only the depender's term ("a 1.0 depends on something that does not exist"). Union,
// intersection, complement and subset are then exact integer operations, which keeps PEP 440's
// irregular specifiers (`!=`, `==1.*`, `~=`, local versions) out of the solver entirely.
import {
  compareVersions,
  contains,
  isExactPin,
  parseSpecifierSet,
  type SpecifierSet,
  tryParseVersion,
} from '../pep440/index.js';
import { baseVersion, isPrerelease, normalizeVersion } from '../pep440/version.js';
import { ResolverError } from './errors.js';
import { explain } from './explain.js';
import type {
  CandidateVersion,
  Dependency,
  PackageSource,
  Resolution,
  ResolvedDistribution,
  ResolveInput,
} from './types.js';

/** The key of the root package (the project). */
export const ROOT = '';

/** A package of the solver: a distribution, or one extra of it (`name[extra]`), or the root. */
export interface Pkg {
  readonly key: string;
  readonly name: string;
  readonly extra: string | undefined;
  /** Versions ascending. */
  readonly versions: readonly string[];
  readonly yanked: readonly boolean[];
  /** Every bit: not selected + all versions. */
  readonly all: bigint;
}

/** `term` holds when the package's state is in the set (bit 0 = not selected). */
export interface Term {
  readonly pkg: Pkg;
  readonly set: bigint;
}

export type Cause =
  | { readonly kind: 'root' }
  | { readonly kind: 'dependency'; readonly dep: Dependency }
  | { readonly kind: 'no-versions' }
  | { readonly kind: 'unusable'; readonly reason: string }
  | { readonly kind: 'conflict'; readonly left: Incompatibility; readonly right: Incompatibility };

/** A set of terms that must not all hold. */
export interface Incompatibility {
  readonly terms: readonly Term[];
  readonly cause: Cause;
}

interface Assignment {
  readonly pkg: Pkg;
  readonly set: bigint;
  readonly level: number;
  readonly index: number;
  /** Undefined for decisions. */
  readonly cause: Incompatibility | undefined;
}

export const isPositive = (t: Term): boolean => (t.set & 1n) === 0n;
/** The bit of the i-th version. */
export const bit = (i: number): bigint => 1n << BigInt(i + 1);
const negate = (t: Term): Term => ({ pkg: t.pkg, set: t.pkg.all ^ t.set });

function popcount(x: bigint): number {
  let n = 0;
  while (x !== 0n) {
    x &= x - 1n;
    n++;
  }
  return n;
}

class PartialSolution {
  readonly assignments: Assignment[] = [];
  /** Decided version index per package key. */
  readonly decisions = new Map<string, number>();
  /** The intersection of every assignment per package key. */
  readonly current = new Map<string, bigint>();
  private decisionCount = 0;

  /** Derivations before the root decision are at level 0, the root decision at 1. */
  get level(): number {
    return this.decisionCount;
  }

  private assign(pkg: Pkg, set: bigint, cause: Incompatibility | undefined, level: number): void {
    this.assignments.push({ pkg, set, level, index: this.assignments.length, cause });
    this.current.set(pkg.key, (this.current.get(pkg.key) ?? pkg.all) & set);
  }

  derive(pkg: Pkg, set: bigint, cause: Incompatibility): void {
    this.assign(pkg, set, cause, this.level);
  }

  decide(pkg: Pkg, versionIndex: number): void {
    this.decisionCount++;
    this.decisions.set(pkg.key, versionIndex);
    this.assign(pkg, bit(versionIndex), undefined, this.level);
  }

  backtrack(level: number): void {
    while (this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level) {
      const a = this.assignments.pop()!;
      if (a.cause === undefined) {
        this.decisions.delete(a.pkg.key);
        this.decisionCount--;
      }
    }
    this.current.clear();
    for (const a of this.assignments)
      this.current.set(a.pkg.key, (this.current.get(a.pkg.key) ?? a.pkg.all) & a.set);
  }

  state(pkg: Pkg): bigint {
    return this.current.get(pkg.key) ?? pkg.all;
  }

  /** The earliest assignment after which the accumulated state of `term`'s package lies in `term`. */
  satisfier(term: Term): Assignment {
    let acc = term.pkg.all;
    for (const a of this.assignments) {
      if (a.pkg.key !== term.pkg.key) continue;
      acc &= a.set;
      if ((acc & ~term.set) === 0n) return a;
    }
    throw new Error(`internal: no satisfier for ${term.pkg.key}`);
  }
}

type Relation =
  | { readonly kind: 'satisfied' }
  | { readonly kind: 'contradicted' }
  | { readonly kind: 'almost'; readonly term: Term }
  | { readonly kind: 'inconclusive' };

const byVersion = (a: CandidateVersion, b: CandidateVersion): number =>
  compareVersions(tryParseVersion(a.version)!, tryParseVersion(b.version)!);

/**
 * Resolves the closure of `input.roots` with PubGrub: unit propagation, conflict-driven learning and
 * backjumping. Deterministic for the same source answers. Per package it picks the preferred
 * version when it still fits, else the highest non-yanked final release in the allowed set;
 * pre-releases only when a requirement on the package names one, or when no requirement has a
 * specifier and the project has only pre-releases (pip 23); yanked releases only when nothing else
 * is allowed and a requirement pins one exactly (PEP 592).
 *
 * @throws {ResolverError} `resolver-conflict` with a derivation in its message; `resolver-too-many-steps`.
 */
export async function resolve(input: ResolveInput): Promise<Resolution> {
  const solver = new Solver(input);
  return solver.run();
}

/**
 * Whether a requirement lets pre-releases in, as pip 23's packaging 21.3 decides: one of its
 * inclusive specifiers (`==`, `>=`, `<=`, `~=`, `===`; `==X.*` read as X) names a pre-release.
 * `<2.0a2`, `>1.0b1` and `!=2.0a1` do not.
 */
function namesPrerelease(spec: SpecifierSet): boolean {
  return spec.specifiers.some((s) => {
    if (!['==', '>=', '<=', '~=', '==='].includes(s.operator)) return false;
    const v = tryParseVersion(
      s.operator === '==' && s.version.endsWith('.*') ? s.version.slice(0, -2) : s.version,
    );
    return v !== undefined && isPrerelease(v);
  });
}

/**
 * Whether `version` satisfies `spec` (pre-releases admitted; the choice filters them) as pip 23's
 * packaging 21.3 reads it where it differs from packaging 26 (our `contains`): `<V.postN` refuses
 * every pre-release of V's release, `>V.preN` every post-release of it, and `===` compares the
 * version's normal form (`1.01` is `1.1`), not its spelling.
 */
function pip23Contains(spec: SpecifierSet, version: string): boolean {
  const v = tryParseVersion(version);
  if (v === undefined) return contains(spec, version, { prereleases: true });
  const arbitrary = spec.specifiers.filter((s) => s.operator === '===');
  const rest =
    arbitrary.length === 0
      ? spec
      : parseSpecifierSet(
          spec.specifiers
            .filter((s) => s.operator !== '===')
            .map((s) => `${s.operator}${s.version}`)
            .join(','),
        );
  if (!contains(rest, version, { prereleases: true })) return false;
  const normal = normalizeVersion(version).toLowerCase();
  return spec.specifiers.every((s) => {
    if (s.operator === '===') return normal === s.version.toLowerCase();
    const sv = tryParseVersion(s.version);
    if (sv === undefined) return true;
    const sameBase = compareVersions(baseVersion(v), baseVersion(sv)) === 0;
    if (s.operator === '<') return !(sameBase && !isPrerelease(sv) && isPrerelease(v));
    if (s.operator === '>') return !(sameBase && sv.post === undefined && v.post !== undefined);
    return true;
  });
}

class Solver {
  private readonly pkgs = new Map<string, Pkg>();
  private readonly incompat = new Map<string, Incompatibility[]>();
  private readonly solution = new PartialSolution();
  private readonly source: PackageSource;
  /** Packages where some requirement names a pre-release (pip 23's rule, see namesPrerelease). */
  private readonly allowPre = new Set<string>();
  /** Packages some requirement restricts with a specifier. */
  private readonly constrained = new Set<string>();
  /** Per package, the versions a requirement with an exact pin (`==v`, `===v`) matches. */
  private readonly pinned = new Map<string, Set<string>>();
  private readonly discovered: string[] = [];
  private readonly depsOf = new Map<string, readonly Dependency[]>();
  private readonly lists = new Map<string, readonly CandidateVersion[]>();
  private readonly root: Pkg;
  private steps = 0;

  constructor(private readonly input: ResolveInput) {
    this.source = input.source;
    this.root = { key: ROOT, name: ROOT, extra: undefined, versions: ['0'], yanked: [false], all: 3n };
    this.pkgs.set(ROOT, this.root);
  }

  async run(): Promise<Resolution> {
    this.addIncompatibility({ terms: [{ pkg: this.root, set: 1n }], cause: { kind: 'root' } });
    let next: string | undefined = ROOT;
    const maxSteps = this.input.maxSteps ?? 200_000;
    while (next !== undefined) {
      this.propagate(next);
      next = await this.choose();
      if (++this.steps > maxSteps) {
        throw new ResolverError(
          'resolver-too-many-steps',
          `resolution gave up after ${maxSteps} steps without finding a solution or a proof that none exists`,
          { hint: 'narrow the specifiers of the imports so that fewer versions need trying' },
        );
      }
    }
    return this.result();
  }

  /** Fetches the version lists of `names` (concurrently); packages are then made in a fixed order. */
  private async fetchVersions(names: readonly string[]): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        if (this.lists.has(name)) return;
        const list = [...(await this.source.versions(name))]
          .filter((c) => tryParseVersion(c.version) !== undefined)
          .sort(byVersion);
        this.lists.set(name, list);
      }),
    );
  }

  private pkg(key: string, name: string, extra: string | undefined): Pkg {
    const known = this.pkgs.get(key);
    if (known) return known;
    const list = this.lists.get(name);
    if (list === undefined) throw new Error(`internal: versions of ${name} not fetched`);
    const versions = list.map((c) => c.version);
    const yanked = list.map((c) => c.yanked);
    const all = (1n << BigInt(versions.length + 1)) - 1n;
    const p: Pkg = { key, name, extra, versions, yanked, all };
    this.pkgs.set(key, p);
    this.discovered.push(key);
    return p;
  }

  /** The bit set of versions of `pkg` that satisfy `specifier` (pre-releases included; the choice filters them). */
  private setOf(pkg: Pkg, specifier: string): bigint {
    const spec = parseSpecifierSet(specifier);
    let set = 0n;
    pkg.versions.forEach((v, i) => {
      if (pip23Contains(spec, v)) set |= bit(i);
    });
    if (spec.specifiers.length > 0) this.constrained.add(pkg.name);
    if (namesPrerelease(spec)) this.allowPre.add(pkg.name);
    // pip 23's is_pinned: yanked releases come in then (`>=1,==2.0` too).
    if (isExactPin(spec)) {
      const pins = this.pinned.get(pkg.name) ?? new Set<string>();
      this.pinned.set(pkg.name, pins);
      pkg.versions.forEach((v, i) => {
        if (set & bit(i)) pins.add(v);
      });
    }
    return set;
  }

  private addIncompatibility(inc: Incompatibility): void {
    for (const t of inc.terms) {
      const list = this.incompat.get(t.pkg.key);
      if (list) list.push(inc);
      else this.incompat.set(t.pkg.key, [inc]);
    }
  }

  private relation(inc: Incompatibility): Relation {
    let unsatisfied: Term | undefined;
    for (const t of inc.terms) {
      const state = this.solution.state(t.pkg);
      if ((state & ~t.set) === 0n) continue; // satisfied
      if ((state & t.set) === 0n) return { kind: 'contradicted' };
      if (unsatisfied !== undefined) return { kind: 'inconclusive' };
      unsatisfied = t;
    }
    return unsatisfied === undefined ? { kind: 'satisfied' } : { kind: 'almost', term: unsatisfied };
  }

  private propagate(start: string): void {
    const changed = [start];
    while (changed.length > 0) {
      const key = changed.pop()!;
      const list = this.incompat.get(key) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const inc = list[i]!;
        const rel = this.relation(inc);
        if (rel.kind === 'satisfied') {
          const rootCause = this.resolveConflict(inc);
          changed.length = 0;
          const r = this.relation(rootCause);
          if (r.kind !== 'almost') throw new Error('internal: learned clause is not almost satisfied');
          const neg = negate(r.term);
          this.solution.derive(neg.pkg, neg.set, rootCause);
          changed.push(neg.pkg.key);
          break;
        }
        if (rel.kind === 'almost') {
          const neg = negate(rel.term);
          this.solution.derive(neg.pkg, neg.set, inc);
          if (!changed.includes(neg.pkg.key)) changed.push(neg.pkg.key);
        }
      }
    }
  }

  private isFailure(inc: Incompatibility): boolean {
    return (
      inc.terms.length === 0 ||
      (inc.terms.length === 1 && inc.terms[0]!.pkg.key === ROOT && isPositive(inc.terms[0]!))
    );
  }

  private resolveConflict(start: Incompatibility): Incompatibility {
    let inc = start;
    let learned = false;
    while (!this.isFailure(inc)) {
      let recentTerm: Term | undefined;
      let recent: Assignment | undefined;
      let difference: bigint | undefined;
      let previousLevel = 1;
      for (const term of inc.terms) {
        const sat = this.solution.satisfier(term);
        if (recent === undefined || recent.index < sat.index) {
          if (recent !== undefined) previousLevel = Math.max(previousLevel, recent.level);
          recentTerm = term;
          recent = sat;
          difference = undefined;
          const diff = sat.set & ~term.set & term.pkg.all;
          if (diff !== 0n) {
            difference = diff;
            const before = this.solution.satisfier({ pkg: term.pkg, set: term.pkg.all ^ diff });
            previousLevel = Math.max(previousLevel, before.level);
          }
        } else {
          previousLevel = Math.max(previousLevel, sat.level);
        }
      }
      if (previousLevel < recent!.level || recent!.cause === undefined) {
        this.solution.backtrack(previousLevel);
        if (learned) this.addIncompatibility(inc);
        return inc;
      }
      const merged = new Map<string, Term>();
      const add = (t: Term) => {
        const prev = merged.get(t.pkg.key);
        merged.set(t.pkg.key, prev ? { pkg: t.pkg, set: prev.set & t.set } : t);
      };
      for (const t of inc.terms) if (t !== recentTerm) add(t);
      for (const t of recent!.cause.terms) if (t.pkg.key !== recent!.pkg.key) add(t);
      if (difference !== undefined) add({ pkg: recentTerm!.pkg, set: recentTerm!.pkg.all ^ difference });
      let terms = [...merged.values()];
      if (terms.length !== 1 && terms.some((t) => t.pkg.key === ROOT && isPositive(t))) {
        terms = terms.filter((t) => !(t.pkg.key === ROOT && isPositive(t)));
      }
      inc = { terms, cause: { kind: 'conflict', left: inc, right: recent!.cause } };
      learned = true;
    }
    throw new ResolverError('resolver-conflict', explain(inc), {
      hint: 'change the specifier of one of the imports named above, or widen what the index offers',
    });
  }

  /** The next package to decide: undecided with a positive derivation, fewest choices first. */
  private async choose(): Promise<string | undefined> {
    let best: { pkg: Pkg; count: number; order: number } | undefined;
    this.discovered.forEach((key, order) => {
      if (this.solution.decisions.has(key)) return;
      const pkg = this.pkgs.get(key)!;
      const state = this.solution.state(pkg);
      if (!this.solution.current.has(key) || (state & 1n) !== 0n) return;
      const count = popcount(state);
      if (best === undefined || count < best.count) best = { pkg, count, order };
    });
    if (this.solution.decisions.size === 0) {
      this.solution.decide(this.root, 0);
      await this.addDependencies(this.root, 0, this.input.roots);
      return ROOT;
    }
    if (best === undefined) return undefined;
    const { pkg } = best;
    const state = this.solution.state(pkg);
    const index = this.pick(pkg, state);
    if (index === undefined) {
      this.addIncompatibility({ terms: [{ pkg, set: state & ~1n }], cause: { kind: 'no-versions' } });
      return pkg.key;
    }
    const version = pkg.versions[index]!;
    const deps = await this.source.dependencies(pkg.name, version, pkg.extra);
    const self: Term = { pkg, set: bit(index) };
    if (deps.kind === 'unusable') {
      this.addIncompatibility({ terms: [self], cause: { kind: 'unusable', reason: deps.reason } });
      return pkg.key;
    }
    const list: Dependency[] = [...deps.dependencies];
    const conflict = await this.addDependencies(pkg, index, list);
    if (!conflict) {
      this.solution.decide(pkg, index);
      this.depsOf.set(`${pkg.key}\n${version}`, list);
    }
    return pkg.key;
  }

  /** Adds one incompatibility per (dependency, package) and tells whether one is already violated. */
  private async addDependencies(pkg: Pkg, index: number, deps: readonly Dependency[]): Promise<boolean> {
    this.source.prefetch?.(deps.map((d) => d.name));
    const self: Term = { pkg, set: bit(index) };
    let conflict = false;
    await this.fetchVersions(deps.map((d) => d.name));
    const edges: { target: Pkg; set: bigint; dep: Dependency }[] = [];
    if (pkg.extra !== undefined) {
      // `name[extra]` at v stands for name at v: it carries only the requirements the extra adds.
      const base = this.pkg(pkg.name, pkg.name, undefined);
      const version = pkg.versions[index]!;
      edges.push({
        target: base,
        set: bit(index),
        dep: { name: pkg.name, extras: [], specifier: `==${version}` },
      });
    }
    for (const d of deps) {
      const base = this.pkg(d.name, d.name, undefined);
      const set = this.setOf(base, d.specifier);
      edges.push({ target: base, set, dep: d });
      for (const x of d.extras) edges.push({ target: this.pkg(`${d.name}[${x}]`, d.name, x), set, dep: d });
    }
    for (const { target, set, dep } of edges) {
      if (target.key === pkg.key) {
        // A dependency on itself is trivially true or false at this version (pip and uv alike
        // refuse a version outside its own requirement); it never names another package.
        if ((set & bit(index)) !== 0n) continue;
        this.addIncompatibility({ terms: [self], cause: { kind: 'dependency', dep } });
        if (pkg.key !== ROOT) conflict = true;
        continue;
      }
      const term: Term = { pkg: target, set: target.all ^ set };
      if (set === 0n) {
        this.addIncompatibility({ terms: [self], cause: { kind: 'dependency', dep } });
        if (pkg.key !== ROOT) conflict = true;
        continue;
      }
      this.addIncompatibility({ terms: [self, term], cause: { kind: 'dependency', dep } });
      if (pkg.key !== ROOT && (this.solution.state(target) & ~term.set) === 0n) conflict = true;
    }
    return conflict;
  }

  /**
   * The version index to try for `pkg` within `state`, or undefined when none may be chosen. As
   * pip 23 (its packaging 21.3) filters candidates: pre-releases only when a requirement names one,
   * or when no requirement has a specifier and the project has no final release at all; yanked
   * releases only when nothing else is left and a requirement pins them exactly (PEP 592).
   */
  private pick(pkg: Pkg, state: bigint): number | undefined {
    const pre = pkg.versions.map((v) => isPrerelease(tryParseVersion(v)!));
    const preOk = this.allowPre.has(pkg.name) || (!this.constrained.has(pkg.name) && pre.every(Boolean));
    const pins = this.pinned.get(pkg.name);
    const applicable: number[] = [];
    for (let i = pkg.versions.length - 1; i >= 0; i--) {
      if ((state & bit(i)) !== 0n && (preOk || !pre[i])) applicable.push(i);
    }
    const current = applicable.filter((i) => !pkg.yanked[i]);
    const pool =
      current.length > 0 ? current : applicable.filter((i) => pins?.has(pkg.versions[i]!) === true);
    if (pool.length === 0) return undefined;
    // An extra follows its base package; the base follows the lock when it still fits.
    const baseDecided = pkg.extra === undefined ? undefined : this.solution.decisions.get(pkg.name);
    if (baseDecided !== undefined && pool.includes(baseDecided)) return baseDecided;
    const preferred = this.input.preferences?.get(pkg.name);
    if (preferred !== undefined) {
      const i = pool.find((j) => pkg.versions[j] === preferred);
      if (i !== undefined) return i;
    }
    return pool[0];
  }

  private result(): Resolution {
    const byName = new Map<string, { version: string; extras: Set<string>; deps: Dependency[] }>();
    for (const [key, index] of this.solution.decisions) {
      if (key === ROOT) continue;
      const pkg = this.pkgs.get(key)!;
      const version = pkg.versions[index]!;
      const e = byName.get(pkg.name) ?? { version, extras: new Set<string>(), deps: [] };
      byName.set(pkg.name, e);
      if (pkg.extra !== undefined) e.extras.add(pkg.extra);
      for (const d of this.depsOf.get(`${key}\n${version}`) ?? []) {
        if (pkg.extra !== undefined && d.name === pkg.name) continue;
        e.deps.push(d);
      }
    }
    const distributions: ResolvedDistribution[] = [...byName]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, e]) => ({
        name,
        version: e.version,
        extras: [...e.extras].sort(),
        dependencies: dedupeDeps(e.deps),
      }));
    return { distributions };
  }
}

function dedupeDeps(deps: readonly Dependency[]): Dependency[] {
  const seen = new Map<string, Dependency>();
  for (const d of deps) {
    const key = `${d.name}[${d.extras.join(',')}]${d.specifier}`;
    if (!seen.has(key))
      seen.set(key, {
        name: d.name,
        extras: d.extras,
        specifier: d.specifier,
        ...(d.requirement === undefined ? {} : { requirement: d.requirement }),
      });
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}
