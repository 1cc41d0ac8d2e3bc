// Renders a manifest's [[python-package]] tables as canonical mochi.lock text (DESIGN.md §3), byte for byte.
import { LockfileError } from '../../lock/errors.js';
import { quoteValue, renderLockHeader } from '../../lock/render.js';
import type { LockEntry, Manifest } from './entry.js';
import { compareEntries, FIELD_ORDER } from './entry.js';

const PLAIN_RE = /^[\u0020-\u0021\u0023-\u005b\u005d-\u007e]*$/;

function where(e: LockEntry, index: number, key: string): string {
  return `entry ${index} (${e.name}:${e.alias}), key ${key}`;
}

function quote(value: string, e: LockEntry, index: number, key: string): string {
  // The fast path again, so that plain values do not allocate the error-message closure.
  if (PLAIN_RE.test(value)) return `"${value}"`;
  return quoteValue(value, () => where(e, index, key));
}

function renderEntry(e: LockEntry, index: number): string {
  let out = '[[python-package]]\n';
  for (const [field, key] of FIELD_ORDER) {
    const value = e[field];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      out += `${key} = [${value.map((v) => quote(v, e, index, key)).join(', ')}]\n`;
    } else if (typeof value === 'string') {
      if (value === '') continue;
      out += `${key} = ${quote(value, e, index, key)}\n`;
    } else {
      throw new LockfileError(
        'lockfile-invalid-entry',
        `${where(e, index, key)}: expected a string, got ${typeof value}`,
      );
    }
  }
  return `${out}\n`;
}

/**
 * The canonical text of a lock: two comment lines, `schema-version = 1`, a blank line, then one
 * `[[python-package]]` table per entry sorted by (name, alias), keys in the fixed order, optional
 * keys omitted when absent or empty, a blank line after each table. Same manifest, same bytes.
 *
 * @example
 * ```ts
 * renderToml({ entries: [{ name: 'httpx', alias: 'http', source: 'registry', specifier: '==0.27.0', version: '0.27.0' }] })
 * ```
 */
export function renderToml(m: Manifest): string {
  const parts: string[] = [renderLockHeader()];
  [...m.entries].sort(compareEntries).forEach((e, i) => {
    parts.push(renderEntry(e, i));
  });
  return parts.join('');
}
