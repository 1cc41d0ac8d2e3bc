// Drift between two lists of lock entries of one table kind: added, removed, changed (with the diverging keys).
import { LockfileError } from './errors.js';
import { compareCodeUnits, type FieldOrder } from './model.js';

/** How an entry differs between the lock on disk and the lock a build would write. */
export type DiffKind = 'added' | 'removed' | 'changed';

/** One delta of one table kind, keyed the way that kind identifies its entries. */
export interface TableDiffEntry {
  readonly kind: DiffKind;
  readonly key: string;
  /** For `changed`: the TOML keys that diverged, in the lock's key order; empty otherwise. */
  readonly fields: readonly string[];
}

/** How {@link compareTables} reads one table kind. */
export interface TableKind<E> {
  /** The key that identifies an entry, e.g. `<name>:<alias>` or the module path. */
  readonly keyOf: (e: E) => string;
  /** The fields compared, with their TOML keys, in key order. */
  readonly fields: FieldOrder<E>;
  /** Whether two values of one field are equal. */
  readonly same: (a: E[keyof E], b: E[keyof E]) => boolean;
  /** The entry named in the duplicate-entry message, e.g. `module example.com/a`; default the key. */
  readonly describe?: (key: string) => string;
  /** The table kind put on the duplicate-entry error (absent for `python-package`). */
  readonly table?: string;
}

function index<E>(entries: readonly E[], kind: TableKind<E>, which: string): Map<string, E> {
  const out = new Map<string, E>();
  entries.forEach((e, i) => {
    const k = kind.keyOf(e);
    if (out.has(k)) {
      throw new LockfileError(
        'lockfile-duplicate-entry',
        `${which} manifest: ${kind.describe?.(k) ?? k} appears twice (entry ${i})`,
        kind.table === undefined ? { entryIndex: i } : { table: kind.table, entryIndex: i },
      );
    }
    out.set(k, e);
  });
  return out;
}

/**
 * Every difference from `before` (the lock on disk) to `after` (what locking produces now), sorted
 * by key: `added` (only in `after`), `removed` (only in `before`), `changed` with the diverging
 * TOML keys in key order. Equal lists give an empty list. Pure.
 *
 * @throws {LockfileError} `lockfile-duplicate-entry` when a list holds one key twice.
 */
export function compareTables<E>(
  before: readonly E[],
  after: readonly E[],
  kind: TableKind<E>,
): TableDiffEntry[] {
  const a = index(before, kind, 'first');
  const b = index(after, kind, 'second');
  const out: TableDiffEntry[] = [];
  for (const [k, e] of a) {
    const other = b.get(k);
    if (!other) {
      out.push({ kind: 'removed', key: k, fields: [] });
      continue;
    }
    const fields = kind.fields.filter(([f]) => !kind.same(e[f], other[f])).map(([, key]) => key);
    if (fields.length > 0) out.push({ kind: 'changed', key: k, fields });
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ kind: 'added', key: k, fields: [] });
  return out.sort((x, y) => compareCodeUnits(x.key, y.key));
}

/** One diff line as `lock --check` prints it: `added k`, `removed k`, `changed k (field, …)`. */
export function formatDiffEntry(d: TableDiffEntry): string {
  return d.kind === 'changed' ? `changed ${d.key} (${d.fields.join(', ')})` : `${d.kind} ${d.key}`;
}
