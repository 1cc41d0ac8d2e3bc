// The in-memory model of mochi.lock's [[go-package]] entries: one table per module, its aliases, its h1: sums.

import { compareCodeUnits as cmp } from '../../lock/model.js';
import { splitPathVersion } from '../module/index.js';
import * as semver from '../semver/index.js';

/** Where a Go module comes from: the module proxy (GOPROXY), or a directory of the project. */
export type GoSource = 'module-proxy' | 'path';

/** Every valid {@link GoSource}. */
export const GO_SOURCES: readonly GoSource[] = ['module-proxy', 'path'];

/** The TOML array-of-tables key of Go entries. */
export const GO_TABLE = 'go-package';

/**
 * One `[[go-package]]` table: what every `import go` of one module is pinned to. A project uses
 * one version per module (Go's rule), so the module path identifies the entry.
 */
export interface GoLockEntry {
  /** The module path, e.g. `github.com/google/uuid`. */
  readonly module: string;
  /** The resolved canonical version (`module-proxy` entries; absent for `path`). */
  readonly version?: string;
  readonly source: GoSource;
  /** The directory as written in the import (`path` entries only). */
  readonly localPath?: string;
  /** `h1:` hash of the module zip: go.sum's `<module> <version> h1:…` value. */
  readonly zipH1?: string;
  /** `h1:` hash of the go.mod: go.sum's `<module> <version>/go.mod h1:…` value. */
  readonly modH1?: string;
  /** The Mochi aliases the module is imported under, sorted, without repeats. */
  readonly aliases: readonly string[];
}

/** The `[[go-package]]` part of a lock. */
export interface GoManifest {
  readonly entries: readonly GoLockEntry[];
}

/** The field names of an entry, in the fixed TOML key order. */
export type GoLockField = keyof GoLockEntry;

/** Entry fields in their fixed order, with their TOML keys. */
export const GO_FIELD_ORDER: readonly (readonly [GoLockField, string])[] = [
  ['module', 'module'],
  ['version', 'version'],
  ['source', 'source'],
  ['localPath', 'local-path'],
  ['zipH1', 'zip-h1'],
  ['modH1', 'mod-h1'],
  ['aliases', 'aliases'],
];

/** Orders two entries by (module, version): module paths by code unit, versions as cmd/go orders them. */
export function compareGoEntries(a: GoLockEntry, b: GoLockEntry): number {
  return cmp(a.module, b.module) || semver.compareStrings(a.version ?? '', b.version ?? '');
}

/** A copy of `m` with entries sorted by (module, version) and each entry's aliases sorted. */
export function sortGoManifest(m: GoManifest): GoManifest {
  return {
    entries: m.entries
      .map((e) => ({ ...e, aliases: [...new Set(e.aliases)].sort(cmp) }))
      .sort(compareGoEntries),
  };
}

/**
 * The version under which a `path` module's directory is hashed: cmd/go's zero pseudo-version
 * (`v0.0.0-00010101000000-000000000000`, with the path's major for `/vN` modules), the version it
 * gives a module that only a directory replacement provides.
 */
export function pathModuleVersion(module: string): string {
  const pathMajor = splitPathVersion(module)?.pathMajor.replace(/-unstable$/, '') ?? '';
  const n = Number(pathMajor.slice(2));
  return `v${n >= 2 ? n : 0}.0.0-00010101000000-000000000000`;
}
