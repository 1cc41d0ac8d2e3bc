// The resolver's contract with the outside world: what it asks a package source, what it returns (types only).

/** One release of a distribution as the source offers it to the resolver. */
export interface CandidateVersion {
  /** The version as the index spells it (PEP 440). */
  readonly version: string;
  /** True when every usable file of this version is yanked (PEP 592). */
  readonly yanked: boolean;
}

/** A dependency as the resolver sees it: markers already evaluated for the target, URLs refused. */
export interface Dependency {
  /** PEP 503-normalised distribution name. */
  readonly name: string;
  /** Normalised extras requested, sorted. */
  readonly extras: readonly string[];
  /** PEP 440 specifier set text; empty means any version. */
  readonly specifier: string;
  /**
   * How the explanation names this requirement when it comes from the root: e.g.
   * ``your import of `tabulate>=1` (app.mochi:3)``. Unset for a distribution's own requirements.
   */
  readonly label?: string;
  /** The requirement as the metadata writes it (markers included), for the lock. */
  readonly requirement?: string;
}

/** What a release needs, or why it cannot be used on the target. */
export type Dependencies =
  | { readonly kind: 'ok'; readonly dependencies: readonly Dependency[] }
  | {
      readonly kind: 'unusable';
      /** Completes "Because {name}=={version} …", e.g. `requires Python >=3.13 (the target is 3.12)`. */
      readonly reason: string;
    };

/**
 * Where releases and their requirements come from, injected (an index client in the CLI, a table
 * in tests). Both calls may be asked many times for the same input; the source caches.
 */
export interface PackageSource {
  /**
   * The releases usable on the target (a compatible wheel, a `Requires-Python` on the index that
   * admits the target), in any order. An unknown project has none.
   */
  versions(name: string): Promise<readonly CandidateVersion[]>;
  /**
   * The requirements of one release: its base requirements when `extra` is undefined, else the
   * requirements active only with that extra (markers evaluated with `extra` set).
   */
  dependencies(name: string, version: string, extra: string | undefined): Promise<Dependencies>;
  /** Optional: called with names the resolver will probably ask about soon (prefetch hint). */
  prefetch?(names: readonly string[]): void;
}

/** Inputs of {@link resolve}. */
export interface ResolveInput {
  /** The root requirements (the project's imports), each with a `label` for explanations. */
  readonly roots: readonly Dependency[];
  readonly source: PackageSource;
  /** Versions to keep when they still fit (the lock on disk): name → version. */
  readonly preferences?: ReadonlyMap<string, string>;
  /** Abort after this many decisions (a hostile index cannot make the resolver run forever). */
  readonly maxSteps?: number;
}

/** One chosen distribution. */
export interface ResolvedDistribution {
  readonly name: string;
  readonly version: string;
  /** Extras some requirement activated, sorted. */
  readonly extras: readonly string[];
  /** Its requirements that apply on the target, as resolved (names of chosen distributions). */
  readonly dependencies: readonly Dependency[];
}

/** A successful resolution: every distribution of the closure, sorted by name. */
export interface Resolution {
  readonly distributions: readonly ResolvedDistribution[];
}
