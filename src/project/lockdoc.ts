// The whole mochi.lock: its [[python-package]] and [[go-package]] tables read, rendered and compared together.
import { compareGoManifests, type GoDiffEntry, type GoManifest } from '../go/lockfile/index.js';
import { decodeGoPackages } from '../go/lockfile/parse.js';
import { renderGoTables } from '../go/lockfile/render.js';
import { readLockDocument } from '../lock/document.js';
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
}

/** One delta of either table kind: Python entries keyed `<name>:<alias>`, Go entries by module path (`table: 'go-package'`). */
export type LockDiffEntry = DiffEntry | GoDiffEntry;

/**
 * The canonical text of a lock: the `[[python-package]]` document exactly as
 * `lockfile.renderToml` writes it, then the `[[go-package]]` tables. A lock without Go entries has
 * the same bytes as before Go entries existed.
 */
export function renderLock(lock: Lock): string {
  return renderToml(lock.python) + renderGoTables(lock.go);
}

/**
 * Parses a whole `mochi.lock`: the document rules (`schema-version = 1`, no unknown top-level
 * key), then each table kind strictly. An alias may belong to one entry only across both kinds.
 *
 * @throws {LockfileError} with the file, line, table, entry index and key.
 */
export function parseLock(src: string | Uint8Array, options: { fileName?: string } = {}): Lock {
  const doc = readLockDocument(src, {
    tables: ['python-package', 'go-package'],
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
  });
  const python = decodePythonPackages(doc);
  const go = decodeGoPackages(doc);
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
  return { python, go };
}

/** Every delta from `before` (on disk) to `after` (what `lock` would write): Python entries first, then Go. */
export function compareLocks(before: Lock, after: Lock): LockDiffEntry[] {
  return [...compareManifests(before.python, after.python), ...compareGoManifests(before.go, after.go)];
}

/** One diff line as `lock --check` prints it: `added k`, `removed k`, `changed k (field, …)`. */
export function formatLockDiff(d: LockDiffEntry): string {
  return formatDiffEntry(d);
}
