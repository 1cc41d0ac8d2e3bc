// The in-memory model of mochi.lock's [[python-package]] entries: sources, entries, manifests.
import { compareCodeUnits as cmp } from '../../lock/model.js';
import type { Capability } from './capabilities.js';

export { SCHEMA_VERSION } from '../../lock/model.js';

/** Where a Python import's stubs come from (MEP-71 §5): exactly these four tokens. */
export type Source = 'registry' | 'index' | 'git' | 'path';

/** Every valid {@link Source}, in documentation order. */
export const SOURCES: readonly Source[] = ['registry', 'index', 'git', 'path'];

/**
 * True exactly for the four source tokens `registry`, `index`, `git`, `path`.
 *
 * @example
 * ```ts
 * isSource('git') // true
 * isSource('pypi') // false
 * ```
 */
export function isSource(token: unknown): token is Source {
  return token === 'registry' || token === 'index' || token === 'git' || token === 'path';
}

/**
 * One `[[python-package]]` table: what one `import python "…" as alias` is pinned to.
 * Optional fields are absent (never empty strings) when they do not apply.
 */
export interface LockEntry {
  /** PEP 503-normalised distribution name, e.g. `httpx`. */
  readonly name: string;
  /** The Mochi alias after `as`; one distribution under two aliases is two entries. */
  readonly alias: string;
  readonly source: Source;
  /** The resolved version (from an `==N.N.N` spec, or what the stub provider resolved). */
  readonly version?: string;
  /** The PEP 440 specifier as written in the import, e.g. `>=0.27,<0.28`. */
  readonly specifier?: string;
  /** Index URL, for `index` sources. */
  readonly indexUrl?: string;
  /** Repository URL, for `git` sources. */
  readonly gitUrl?: string;
  /** Revision after `#`, for `git` sources that name one. */
  readonly gitRev?: string;
  /** The directory, as written, for `path` sources. */
  readonly localPath?: string;
  /** Lowercase-hex SHA-256 of the generated shim: changes exactly when the Mochi surface changes. */
  readonly wrapperSha256?: string;
  /** Sorted, de-duplicated capability tokens of the wrapper; absent when the surface is empty. */
  readonly capabilities?: readonly Capability[];
}

/**
 * The `[[python-package]]` part of a lock. It is one table kind of the `mochi.lock` document;
 * other kinds (e.g. `[[go-package]]`) are meant to sit beside it as their own fields.
 */
export interface Manifest {
  readonly entries: readonly LockEntry[];
}

/** The field names of an entry, in the fixed TOML key order. */
export type LockField = keyof LockEntry;

/** Entry fields in the fixed order of DESIGN.md §3, with their TOML keys. */
export const FIELD_ORDER: readonly (readonly [LockField, string])[] = [
  ['name', 'name'],
  ['alias', 'alias'],
  ['source', 'source'],
  ['version', 'version'],
  ['specifier', 'specifier'],
  ['indexUrl', 'index-url'],
  ['gitUrl', 'git-url'],
  ['gitRev', 'git-rev'],
  ['localPath', 'local-path'],
  ['wrapperSha256', 'wrapper-sha256'],
  ['capabilities', 'capabilities'],
];

/** The diff key of an entry: `<name>:<alias>`. */
export function entryKey(entry: Pick<LockEntry, 'name' | 'alias'>): string {
  return `${entry.name}:${entry.alias}`;
}

/** Orders two entries by (name, alias) ascending. */
export function compareEntries(a: LockEntry, b: LockEntry): number {
  return cmp(a.name, b.name) || cmp(a.alias, b.alias);
}

/**
 * A copy of `m` with entries sorted by (name, alias) ascending, so round trips are deterministic.
 *
 * @example
 * ```ts
 * sortManifest({ entries: [{ name: 'b', alias: 'x', source: 'registry' }, { name: 'a', alias: 'y', source: 'registry' }] })
 * // entries: a:y, b:x
 * ```
 */
export function sortManifest(m: Manifest): Manifest {
  return { entries: [...m.entries].sort(compareEntries) };
}
