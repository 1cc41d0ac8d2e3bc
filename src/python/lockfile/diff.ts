// Drift between two manifests: which entries were added, removed or changed, and in which fields.
import type { LockEntry, LockField, Manifest } from './entry.js';
import { entryKey, FIELD_ORDER } from './entry.js';
import { LockfileError } from './errors.js';

/** How an entry differs between the lock on disk and the lock a build would write. */
export type DiffKind = 'added' | 'removed' | 'changed';

/** One delta, keyed `<name>:<alias>`. */
export interface DiffEntry {
  readonly kind: DiffKind;
  readonly key: string;
  /** For `changed`: the TOML keys that diverged, in the lock's key order; empty otherwise. */
  readonly fields: readonly string[];
}

function index(m: Manifest, which: string): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  m.entries.forEach((e, i) => {
    const k = entryKey(e);
    if (out.has(k)) {
      throw new LockfileError(
        'lockfile-duplicate-entry',
        `${which} manifest: ${k} appears twice (entry ${i})`,
        { entryIndex: i },
      );
    }
    out.set(k, e);
  });
  return out;
}

function sameValue(a: LockEntry[LockField], b: LockEntry[LockField]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * Every difference from `before` (the lock on disk) to `after` (what a build produces now), sorted
 * by key: `added` (only in `after`), `removed` (only in `before`), `changed` with the diverging
 * TOML keys. Equal manifests give an empty list.
 *
 * @throws {LockfileError} `lockfile-duplicate-entry` when a manifest holds one key twice.
 */
export function compareManifests(before: Manifest, after: Manifest): DiffEntry[] {
  const a = index(before, 'first');
  const b = index(after, 'second');
  const out: DiffEntry[] = [];
  for (const [k, e] of a) {
    const other = b.get(k);
    if (!other) {
      out.push({ kind: 'removed', key: k, fields: [] });
      continue;
    }
    const fields = FIELD_ORDER.filter(([f]) => !sameValue(e[f], other[f])).map(([, key]) => key);
    if (fields.length > 0) out.push({ kind: 'changed', key: k, fields });
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ kind: 'added', key: k, fields: [] });
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/**
 * One diff line as `lock --check` prints it: `added k`, `removed k`, `changed k (field, …)`.
 */
export function formatDiffEntry(d: DiffEntry): string {
  return d.kind === 'changed' ? `changed ${d.key} (${d.fields.join(', ')})` : `${d.kind} ${d.key}`;
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
