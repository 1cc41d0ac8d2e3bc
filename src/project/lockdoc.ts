// The whole mochi.lock: its [[python-package]] and [[go-package]] tables read, rendered and compared together.
// The Go table modules directly, not the lockfile index (which loads pinning, the proxy client and the cache).
import { compareGoManifests, type GoDiffEntry } from '../go/lockfile/diff.js';
import type { GoManifest } from '../go/lockfile/entry.js';
import { decodeGoPackages } from '../go/lockfile/parse.js';
import { renderGoTables } from '../go/lockfile/render.js';
import { readLockDocument } from '../lock/document.js';
import {
  compareDistributionLists,
  DIST_TABLE,
  type DistributionDiffEntry,
  decodeDistributions,
  type LockedDistribution,
  renderDistributions,
} from '../python/lockfile/distribution.js';
import {
  compareManifests,
  type DiffEntry,
  formatDiffEntry,
  type Manifest,
  renderToml,
} from '../python/lockfile/index.js';
import { decodePythonPackages } from '../python/lockfile/parse.js';

/** Every table kind of a lock. */
export interface Lock {
  readonly python: Manifest;
  readonly go: GoManifest;
  /** The `[[python-distribution]]` closure of the index imports (absent or empty: no such tables). */
  readonly distributions?: readonly LockedDistribution[];
}

/** One delta of either table kind: Python entries keyed `<name>:<alias>`, Go entries by module path (`table: 'go-package'`). */
export type LockDiffEntry = DiffEntry | GoDiffEntry | DistributionDiffEntry;

/**
 * The canonical text of a lock: the `[[python-package]]` document exactly as
 * `lockfile.renderToml` writes it, then the `[[python-distribution]]` tables, then the
 * `[[go-package]]` tables. A lock without Go entries or index closure has the same bytes as
 * before those tables existed.
 */
export function renderLock(lock: Lock): string {
  return renderToml(lock.python) + renderDistributions(lock.distributions ?? []) + renderGoTables(lock.go);
}

/**
 * Parses a whole `mochi.lock`: the document rules (`schema-version = 1`, no unknown top-level
 * key), then each table kind strictly. An alias may belong to one entry only across both kinds.
 *
 * @throws {LockfileError} with the file, line, table, entry index and key.
 */
export function parseLock(src: string | Uint8Array, options: { fileName?: string } = {}): Lock {
  const doc = readLockDocument(src, {
    tables: ['python-package', DIST_TABLE, 'go-package'],
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
  });
  const python = decodePythonPackages(doc);
  const go = decodeGoPackages(doc);
  const distributions = decodeDistributions(doc);
  const pythonAliases = new Set(python.entries.map((e) => e.alias));
  go.entries.forEach((e, entryIndex) => {
    const clash = e.aliases.find((a) => pythonAliases.has(a));
    if (clash !== undefined) {
      doc.fail(
        'lockfile-duplicate-entry',
        {
          table: 'go-package',
          entryIndex,
          key: 'aliases',
          line: doc.line('go-package', entryIndex, 'aliases'),
        },
        `alias ${clash} also belongs to a [[python-package]] entry`,
      );
    }
  });
  return distributions.length === 0 ? { python, go } : { python, go, distributions };
}

/** Every delta from `before` (on disk) to `after` (what `lock` would write): Python entries first, then Go. */
export function compareLocks(before: Lock, after: Lock): LockDiffEntry[] {
  return [
    ...compareManifests(before.python, after.python),
    ...compareDistributionLists(before.distributions ?? [], after.distributions ?? []),
    ...compareGoManifests(before.go, after.go),
  ];
}

/** One diff line as `lock --check` prints it: `added k`, `removed k`, `changed k (field, …)`. */
export function formatLockDiff(d: LockDiffEntry): string {
  if ('table' in d && d.table === DIST_TABLE) {
    const key = `[[${DIST_TABLE}]] ${d.key}`;
    return d.kind === 'changed' ? `changed ${key} (${d.fields.join(', ')})` : `${d.kind} ${key}`;
  }
  return formatDiffEntry(d);
}
