// Reads mochi.lock's [[python-package]] tables back into a manifest: a strict schema check with locations.

import { isTable, kindOf, type LockDocument, readLockDocument } from '../../lock/document.js';
import type { LockfileLocation } from '../../lock/errors.js';
import { isMochiAlias } from '../../lock/identifier.js';
import { isValidName, normalizeName } from '../importspec/parse.js';
import { isCapability } from './capabilities.js';
import type { LockEntry, Manifest, Source } from './entry.js';
import { entryKey, FIELD_ORDER, isSource, SOURCES } from './entry.js';

/** Options of {@link parseToml}. */
export interface ParseOptions {
  /** Named at the start of every error message, e.g. the lock's path. Default `mochi.lock`. */
  readonly fileName?: string;
}

const TABLE = 'python-package';
const KEY_TO_FIELD: ReadonlyMap<string, keyof LockEntry> = new Map(FIELD_ORDER.map(([f, k]) => [k, f]));
/** Keys that belong to one source only; `version` and the common keys are allowed everywhere. */
const SOURCE_ONLY: Readonly<Record<string, readonly Source[]>> = {
  specifier: ['registry', 'index'],
  'index-url': ['index'],
  'git-url': ['git'],
  'git-rev': ['git'],
  'local-path': ['path'],
};
const REQUIRED_BY_SOURCE: Readonly<Record<Source, string | undefined>> = {
  registry: undefined,
  index: 'index-url',
  git: 'git-url',
  path: 'local-path',
};
const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Parses a `mochi.lock` document. Strict: the `schema-version` must be present and equal to 1;
 * each `[[python-package]]` needs `name`, `alias` and a known `source`; unknown keys, wrong types,
 * empty optional values, keys that do not belong to the entry's source, and two entries with the
 * same `<name>:<alias>` are refused. Every error is a {@link LockfileError} naming the entry
 * index, the key and the line.
 *
 * @example
 * ```ts
 * parseToml(renderToml(manifest)) // deep-equals sortManifest(manifest)
 * ```
 */
export function parseToml(src: string | Uint8Array, options: ParseOptions = {}): Manifest {
  const doc = readLockDocument(src, {
    tables: [TABLE],
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
  });
  return decodePythonPackages(doc);
}

/**
 * The `[[python-package]]` tables of a document {@link readLockDocument} read (which may hold
 * other table kinds), checked as {@link parseToml} describes.
 */
export function decodePythonPackages(document: LockDocument): Manifest {
  const fail = document.fail;
  const tables = document.tables(TABLE);
  const entries: LockEntry[] = [];
  const seen = new Map<string, number>();
  tables.forEach((table: unknown, index) => {
    const at = (key?: string): LockfileLocation => ({
      entryIndex: index,
      ...(key === undefined ? {} : { key }),
      line: document.line(TABLE, index, key),
    });
    if (!isTable(table)) fail('lockfile-invalid-entry', at(), `expected a table, got ${kindOf(table)}`);
    const t = table as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (!KEY_TO_FIELD.has(key)) {
        fail(
          'lockfile-invalid-entry',
          at(key),
          `unknown key (expected one of ${FIELD_ORDER.map(([, k]) => k).join(', ')})`,
        );
      }
    }
    for (const key of ['name', 'alias', 'source']) {
      if (t[key] === undefined)
        fail('lockfile-invalid-entry', at(key), `missing required key ${JSON.stringify(key)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [field, key] of FIELD_ORDER) {
      const v = t[key];
      if (v === undefined) continue;
      if (key === 'capabilities') {
        if (!Array.isArray(v))
          fail('lockfile-invalid-entry', at(key), `expected an array of strings, got ${kindOf(v)}`);
        const caps = v as unknown[];
        if (caps.length === 0) fail('lockfile-invalid-entry', at(key), 'empty array (omit the key instead)');
        for (const c of caps) {
          if (!isCapability(c)) {
            fail(
              'lockfile-invalid-entry',
              at(key),
              `unknown capability ${typeof c === 'string' ? JSON.stringify(c) : kindOf(c)}`,
            );
          }
        }
        out[field] = caps;
        continue;
      }
      if (typeof v !== 'string')
        fail('lockfile-invalid-entry', at(key), `expected a string, got ${kindOf(v)}`);
      const s = v as string;
      if (s === '') fail('lockfile-invalid-entry', at(key), 'empty string (omit the key instead)');
      out[field] = s;
    }
    const e = out as unknown as LockEntry;
    if (!isSource(e.source)) {
      fail(
        'lockfile-invalid-entry',
        at('source'),
        `unknown source ${JSON.stringify(e.source)} (expected one of ${SOURCES.join(', ')})`,
      );
    }
    if (!isValidName(e.name) || normalizeName(e.name) !== e.name) {
      fail(
        'lockfile-invalid-entry',
        at('name'),
        `${JSON.stringify(e.name)} is not a PEP 503-normalised distribution name`,
      );
    }
    if (!isMochiAlias(e.alias))
      fail(
        'lockfile-invalid-entry',
        at('alias'),
        `${JSON.stringify(e.alias)} is not a Mochi identifier (or is a reserved word)`,
      );
    if (e.wrapperSha256 !== undefined && !SHA256_RE.test(e.wrapperSha256)) {
      fail('lockfile-invalid-entry', at('wrapper-sha256'), 'expected 64 lowercase hex digits');
    }
    for (const [key, sources] of Object.entries(SOURCE_ONLY)) {
      if (t[key] !== undefined && !sources.includes(e.source)) {
        fail(
          'lockfile-invalid-entry',
          at(key),
          `not allowed for source ${JSON.stringify(e.source)} (only ${sources.join(', ')})`,
        );
      }
    }
    const required = REQUIRED_BY_SOURCE[e.source];
    if (required !== undefined && t[required] === undefined) {
      fail(
        'lockfile-invalid-entry',
        at(required),
        `source ${JSON.stringify(e.source)} requires key ${JSON.stringify(required)}`,
      );
    }
    const k = entryKey(e);
    const previous = seen.get(k);
    if (previous !== undefined) {
      fail('lockfile-duplicate-entry', at('alias'), `${k} already appears as entry ${previous}`);
    }
    seen.set(k, index);
    entries.push(e);
  });
  return { entries };
}
