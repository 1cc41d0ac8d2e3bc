// Renders [[go-package]] tables of mochi.lock byte for byte (hand-rendered for the same reason as the Python tables).
import { quoteValue } from '../../lock/render.js';
import { compareGoEntries, GO_FIELD_ORDER, GO_TABLE, type GoLockEntry, type GoManifest } from './entry.js';

function renderEntry(e: GoLockEntry, index: number): string {
  let out = `[[${GO_TABLE}]]\n`;
  for (const [field, key] of GO_FIELD_ORDER) {
    const value = e[field];
    if (value === undefined || value === '') continue;
    const where = () => `[[${GO_TABLE}]] entry ${index} (${e.module}), key ${key}`;
    if (typeof value === 'string') {
      out += `${key} = ${quoteValue(value, where)}\n`;
    } else {
      const sorted = [...new Set(value)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      out += `${key} = [${sorted.map((v) => quoteValue(v, where)).join(', ')}]\n`;
    }
  }
  return `${out}\n`;
}

/**
 * The `[[go-package]]` tables of a lock, to follow the `[[python-package]]` tables: entries sorted
 * by (module, version), keys in the fixed order `module`, `version`, `source`, `local-path`,
 * `zip-h1`, `mod-h1`, `aliases` (sorted), absent keys omitted, a blank line after each table.
 * An empty manifest renders as `''`, so a lock without Go imports keeps its bytes.
 *
 * @example
 * ```ts
 * renderGoTables({ entries: [{ module: 'example.com/greet', version: 'v1.1.0', source: 'module-proxy', zipH1, modH1, aliases: ['greet'] }] })
 * ```
 */
export function renderGoTables(m: GoManifest): string {
  return [...m.entries]
    .sort(compareGoEntries)
    .map((e, i) => renderEntry(e, i))
    .join('');
}
