// Reads mochi.lock's [[go-package]] tables: a strict schema check with the same error locations as [[python-package]].
// The document itself (TOML, schema-version, locations) is mochi.lock's one reader, which lives
// with the Python tables that came first; Go tables are decoded from the same parsed document.
import { isTable, kindOf, type LockDocument } from '../../lock/document.js';
import type { LockfileLocation } from '../../lock/errors.js';
import { isH1Digest } from '../dirhash/hash1.js';
import {
  canonicalVersion,
  check,
  checkPath,
  InvalidModuleVersionError,
  InvalidPathError,
} from '../module/index.js';
import {
  GO_FIELD_ORDER,
  GO_SOURCES,
  GO_TABLE,
  type GoLockEntry,
  type GoManifest,
  type GoSource,
} from './entry.js';

const KEY_TO_FIELD: ReadonlyMap<string, keyof GoLockEntry> = new Map(GO_FIELD_ORDER.map(([f, k]) => [k, f]));
const REQUIRED: Readonly<Record<GoSource, readonly string[]>> = {
  'module-proxy': ['version', 'zip-h1', 'mod-h1'],
  path: ['local-path', 'zip-h1', 'mod-h1'],
};
const FORBIDDEN: Readonly<Record<GoSource, readonly string[]>> = {
  'module-proxy': ['local-path'],
  path: ['version'],
};
const ALIAS_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isGoSource(s: unknown): s is GoSource {
  return s === 'module-proxy' || s === 'path';
}

/**
 * The `[[go-package]]` tables of a parsed lock document. Strict: each needs `module`, `source`
 * (`module-proxy` or `path`) and a non-empty `aliases` array of Mochi identifiers without repeats;
 * a `module-proxy` entry needs a canonical `version` that fits the module path, `zip-h1` and
 * `mod-h1` (`h1:` digests) and no `local-path`; a `path` entry needs `local-path`, `zip-h1`,
 * `mod-h1` and no `version`. Unknown keys, wrong types, empty strings, two entries for one module
 * and one alias in two entries are refused. Errors are `LockfileError`s naming the file, line,
 * `[[go-package]] entry N` and key. Aliases come back sorted.
 */
export function decodeGoPackages(document: LockDocument): GoManifest {
  const fail = document.fail;
  const tables = document.tables(GO_TABLE);
  const entries: GoLockEntry[] = [];
  const modules = new Map<string, number>();
  const aliases = new Map<string, number>();
  tables.forEach((table: unknown, index) => {
    const at = (key?: string): LockfileLocation => ({
      table: GO_TABLE,
      entryIndex: index,
      ...(key === undefined ? {} : { key }),
      line: document.line(GO_TABLE, index, key),
    });
    const bad = (key: string | undefined, problem: string): never =>
      fail('lockfile-invalid-entry', at(key), problem);
    if (!isTable(table)) bad(undefined, `expected a table, got ${kindOf(table)}`);
    const t = table as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (!KEY_TO_FIELD.has(key)) {
        bad(key, `unknown key (expected one of ${GO_FIELD_ORDER.map(([, k]) => k).join(', ')})`);
      }
    }
    for (const key of ['module', 'source', 'aliases']) {
      if (t[key] === undefined) bad(key, `missing required key ${JSON.stringify(key)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [field, key] of GO_FIELD_ORDER) {
      const v = t[key];
      if (v === undefined) continue;
      if (key === 'aliases') {
        if (!Array.isArray(v)) bad(key, `expected an array of strings, got ${kindOf(v)}`);
        const list = v as unknown[];
        if (list.length === 0) bad(key, 'empty array (every entry is imported under at least one alias)');
        for (const a of list) {
          if (typeof a !== 'string')
            bad(key, `expected an array of strings, got an element that is ${kindOf(a)}`);
          if (!ALIAS_RE.test(a as string)) bad(key, `${JSON.stringify(a)} is not a Mochi identifier`);
        }
        if (new Set(list).size !== list.length) bad(key, 'an alias appears twice');
        out[field] = [...(list as string[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        continue;
      }
      if (typeof v !== 'string') bad(key, `expected a string, got ${kindOf(v)}`);
      if (v === '') bad(key, 'empty string (omit the key instead)');
      out[field] = v;
    }
    const e = out as unknown as GoLockEntry;
    if (!isGoSource(e.source)) {
      bad('source', `unknown source ${JSON.stringify(e.source)} (expected one of ${GO_SOURCES.join(', ')})`);
    }
    for (const key of FORBIDDEN[e.source]) {
      if (t[key] !== undefined) bad(key, `not allowed for source ${JSON.stringify(e.source)}`);
    }
    for (const key of REQUIRED[e.source]) {
      if (t[key] === undefined)
        bad(key, `source ${JSON.stringify(e.source)} requires key ${JSON.stringify(key)}`);
    }
    try {
      checkPath(e.module);
    } catch (err) {
      if (!(err instanceof InvalidPathError)) throw err;
      bad('module', `not a valid module path: ${err.message}`);
    }
    if (e.version !== undefined) {
      if (canonicalVersion(e.version) !== e.version)
        bad('version', `${JSON.stringify(e.version)} is not a canonical version`);
      try {
        check(e.module, e.version);
      } catch (err) {
        if (!(err instanceof InvalidModuleVersionError)) throw err;
        bad('version', err.message);
      }
    }
    for (const key of ['zip-h1', 'mod-h1'] as const) {
      const v = t[key];
      if (typeof v === 'string' && !isH1Digest(v))
        bad(key, 'expected an h1: digest ("h1:" and 44 base64 characters)');
    }
    const previous = modules.get(e.module);
    if (previous !== undefined) {
      fail(
        'lockfile-duplicate-entry',
        at('module'),
        `module ${e.module} already appears as entry ${previous} (one version per module)`,
      );
    }
    modules.set(e.module, index);
    for (const a of e.aliases) {
      const other = aliases.get(a);
      if (other !== undefined)
        fail('lockfile-duplicate-entry', at('aliases'), `alias ${a} already belongs to entry ${other}`);
      aliases.set(a, index);
    }
    entries.push(e);
  });
  return { entries };
}
