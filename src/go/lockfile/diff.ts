// Drift between two [[go-package]] manifests, and the checksum mismatches that are security errors rather than drift.
import { MochiPkgError } from '../../errors.js';
import { compareTables, type TableKind } from '../../lock/diff.js';
import { GO_FIELD_ORDER, GO_TABLE, type GoLockEntry, type GoLockField, type GoManifest } from './entry.js';

/** One delta of a Go entry, keyed by module path. */
export interface GoDiffEntry {
  readonly table: typeof GO_TABLE;
  readonly kind: 'added' | 'removed' | 'changed';
  /** The module path. */
  readonly key: string;
  /** For `changed`: the TOML keys that diverged, in the lock's key order; empty otherwise. */
  readonly fields: readonly string[];
}

function same(a: GoLockEntry[GoLockField], b: GoLockEntry[GoLockField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const x = [...a].sort();
    const y = [...b].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

const GO_KIND: TableKind<GoLockEntry> = {
  keyOf: (e) => e.module,
  fields: GO_FIELD_ORDER,
  same,
  describe: (module) => `module ${module}`,
  table: GO_TABLE,
};

/**
 * Every difference from `before` (the lock on disk) to `after` (what locking produces now), sorted
 * by module: `added`, `removed`, or `changed` with the diverging keys in key order (`version`,
 * `source`, `local-path`, `zip-h1`, `mod-h1`, `aliases`). Pure.
 *
 * @throws {LockfileError} `lockfile-duplicate-entry` when a manifest holds one module twice.
 */
export function compareGoManifests(before: GoManifest, after: GoManifest): GoDiffEntry[] {
  return compareTables(before.entries, after.entries, GO_KIND).map((d) => ({ table: GO_TABLE, ...d }));
}

/** One locked hash that differs from the hash of what the module source serves for the same version. */
export interface ChecksumMismatch {
  readonly module: string;
  readonly version: string;
  /** `zip-h1` or `mod-h1`. */
  readonly key: 'zip-h1' | 'mod-h1';
  readonly locked: string;
  readonly actual: string;
}

/**
 * The hashes `before` pins for a module version that `after` holds at the same version and
 * source but with a different hash. A published module version never changes, so such a
 * difference is not drift: either the lock was tampered with or the source serves other bytes.
 */
export function checksumMismatches(before: GoManifest, after: GoManifest): ChecksumMismatch[] {
  const now = new Map(after.entries.map((e) => [e.module, e]));
  const out: ChecksumMismatch[] = [];
  for (const e of before.entries) {
    const o = now.get(e.module);
    if (!o || o.source !== e.source || o.version !== e.version || o.localPath !== e.localPath) continue;
    // A directory is the user's own code: its hash changing is ordinary drift, not an attack.
    if (e.source === 'path') continue;
    for (const [field, key] of [
      ['zipH1', 'zip-h1'],
      ['modH1', 'mod-h1'],
    ] as const) {
      const locked = e[field];
      const actual = o[field];
      if (locked !== undefined && actual !== undefined && locked !== actual) {
        out.push({ module: e.module, version: e.version ?? '', key, locked, actual });
      }
    }
  }
  return out.sort((x, y) => (x.module < y.module ? -1 : x.module > y.module ? 1 : x.key < y.key ? -1 : 1));
}

/**
 * A locked `h1:` hash does not match what the module source serves for the same module version.
 * Code `go-checksum-mismatch`; a security error, never reported as drift.
 */
export class GoChecksumError extends MochiPkgError {
  declare readonly code: 'go-checksum-mismatch';
  readonly mismatches: readonly ChecksumMismatch[];
  constructor(mismatches: readonly ChecksumMismatch[]) {
    super(
      'go-checksum-mismatch',
      `SECURITY ERROR: mochi.lock pins hashes that the module source no longer serves:\n${mismatches
        .map((m) => `  ${m.module}@${m.version} ${m.key}: locked ${m.locked}, served ${m.actual}`)
        .join('\n')}`,
      {
        hint: 'a published module version must never change: the lock was edited, or the proxy (or the cache it filled) serves other bytes; find out which before accepting anything',
      },
    );
    this.mismatches = mismatches;
  }
}
