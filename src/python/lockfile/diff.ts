// Drift between two manifests: which entries were added, removed or changed, and in which fields.
import {
  compareTables,
  type DiffKind,
  formatDiffEntry,
  type TableDiffEntry,
  type TableKind,
} from '../../lock/diff.js';
import { LockfileError } from '../../lock/errors.js';
import type { LockEntry, LockField, Manifest } from './entry.js';
import { entryKey, FIELD_ORDER } from './entry.js';

export { type DiffKind, formatDiffEntry };

/** One delta, keyed `<name>:<alias>`. */
export type DiffEntry = TableDiffEntry;

function sameValue(a: LockEntry[LockField], b: LockEntry[LockField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

const PYTHON_KIND: TableKind<LockEntry> = { keyOf: entryKey, fields: FIELD_ORDER, same: sameValue };

/**
 * Every difference from `before` (the lock on disk) to `after` (what a build produces now), sorted
 * by key: `added` (only in `after`), `removed` (only in `before`), `changed` with the diverging
 * TOML keys. Equal manifests give an empty list.
 *
 * @throws {LockfileError} `lockfile-duplicate-entry` when a manifest holds one key twice.
 */
export function compareManifests(before: Manifest, after: Manifest): DiffEntry[] {
  return compareTables(before.entries, after.entries, PYTHON_KIND);
}

/** Thrown by {@link check}: the lock drifted. `diff` holds every delta. */
export class LockDriftError extends LockfileError {
  readonly diff: readonly DiffEntry[];
  constructor(diff: readonly DiffEntry[]) {
    super(
      'lockfile-drift',
      `mochi.lock is out of date:\n${diff.map((d) => `  ${formatDiffEntry(d)}`).join('\n')}`,
      {},
      {
        hint: 'run `mochi-pkg lock` to update it',
      },
    );
    this.diff = diff;
  }
}

/**
 * Succeeds when `onDisk` and `want` pin the same entries with the same fields; otherwise throws
 * {@link LockDriftError} carrying the diff (as `compareManifests(onDisk, want)`).
 */
export function check(onDisk: Manifest, want: Manifest): void {
  const diff = compareManifests(onDisk, want);
  if (diff.length > 0) throw new LockDriftError(diff);
}
