// The mochi.lock document shared by every table kind: bytes to TOML, schema-version, top-level keys, error locations.
import { parseToml, TomlError } from '../util/toml.js';
import { LockfileError, type LockfileLocation, MAX_LOCK_BYTES } from './errors.js';
import { SCHEMA_VERSION } from './model.js';

/** Options of {@link readLockDocument}. */
export interface DocumentOptions {
  /** Named at the start of every error message, e.g. the lock's path. Default `mochi.lock`. */
  readonly fileName?: string;
  /**
   * The array-of-tables keys the caller decodes (e.g. `python-package`, `go-package`); any other
   * top-level key besides `schema-version` is refused. The first one is the default table of
   * error locations that name none.
   */
  readonly tables: readonly string[];
}

/** A parsed mochi.lock whose document-level rules hold; tables are left to their decoders. */
export interface LockDocument {
  /** The top-level TOML table (smol-toml's, integers as bigint). */
  readonly doc: Readonly<Record<string, unknown>>;
  /** The tables of kind `table` in document order (`[]` when absent); refuses a non-array. */
  tables(table: string): unknown[];
  /** 1-based line of `key` inside entry `index` of `table` (its header when the key is absent). */
  line(table: string, index: number, key?: string): number | undefined;
  /** Throws the {@link LockfileError} for a problem at `where`, with the file and location in the message. */
  fail(code: LockfileError['code'], where: LockfileLocation, problem: string): never;
}

/**
 * Finds lines for error messages. smol-toml returns values without positions, so on the error
 * path (only) the source is scanned for table headers and `key =` lines; values inside
 * multi-line strings are skipped so they cannot be mistaken for keys.
 */
class Locator {
  private lines: string[] | undefined;
  private readonly headers = new Map<string, number[]>();
  private tableStarts: number[] | undefined;

  constructor(
    private readonly src: string,
    private readonly tableNames: readonly string[],
  ) {}

  private scan(): void {
    if (this.lines) return;
    this.lines = this.src.split(/\r?\n/);
    this.tableStarts = [];
    const res = this.tableNames.map((t) => {
      const k = escapeRe(t);
      return [t, new RegExp(`^\\s*\\[\\[\\s*(?:${k}|"${k}"|'${k}')\\s*\\]\\]`)] as const;
    });
    for (const [t] of res) this.headers.set(t, []);
    let inMultiline: string | undefined;
    this.lines.forEach((line, i) => {
      if (inMultiline) {
        if (line.includes(inMultiline)) inMultiline = undefined;
        return;
      }
      if (/^\s*\[/.test(line)) {
        this.tableStarts!.push(i);
        for (const [t, re] of res) if (re.test(line)) this.headers.get(t)!.push(i);
      }
      for (const q of ['"""', "'''"]) {
        const at = line.indexOf(q);
        if (at >= 0 && line.indexOf(q, at + 3) < 0) inMultiline = q;
      }
    });
  }

  private findKey(key: string, from: number, to: number): number | undefined {
    const k = escapeRe(key);
    const re = new RegExp(`^\\s*(?:${k}|"${k}"|'${k}')\\s*=`);
    for (let i = from; i < to; i++) if (re.test(this.lines![i]!)) return i + 1;
    return undefined;
  }

  /** 1-based line of a top-level key, or undefined. */
  topLevel(key: string): number | undefined {
    this.scan();
    return this.findKey(key, 0, this.tableStarts![0] ?? this.lines!.length);
  }

  /** 1-based line of `key` inside entry `index` of `table` (its header line when the key is absent). */
  entry(table: string, index: number, key?: string): number | undefined {
    this.scan();
    const header = this.headers.get(table)?.[index];
    if (header === undefined) return this.topLevel(table);
    const end = this.tableStarts!.find((s) => s > header) ?? this.lines!.length;
    return (key === undefined ? undefined : this.findKey(key, header + 1, end)) ?? header + 1;
  }
}

/** A line git writes around a conflict: `<<<<<<< ours`, `|||||||`, `=======`, `>>>>>>> theirs`. */
const CONFLICT_MARKER = /^(?:<{7}|>{7}|\|{7})(?: |\r?$)|^={7}\r?$/m;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How a TOML value is described in error messages: `a string`, `an array`, `a table`, … */
export function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return 'an integer';
  if (typeof v === 'number') return 'a float';
  if (v !== null && typeof v === 'object') return isTable(v) ? 'a table' : 'a date-time';
  return `a ${typeof v}`;
}

/** smol-toml builds tables without a prototype; dates are class instances. */
export function isTable(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

function describeTables(tables: readonly string[]): string {
  const shown = tables.map((t) => `[[${t}]]`);
  return shown.length <= 1
    ? `schema-version and ${shown[0] ?? 'no'} tables`
    : `schema-version, ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)} tables`;
}

/**
 * Reads a `mochi.lock` document up to its tables: size cap, UTF-8, TOML syntax, no top-level key
 * besides `schema-version` and `options.tables`, and `schema-version = 1`. Every error is a
 * {@link LockfileError} naming the file and, where known, the line.
 */
export function readLockDocument(src: string | Uint8Array, options: DocumentOptions): LockDocument {
  const file = options.fileName ?? 'mochi.lock';
  const defaultTable = options.tables[0] ?? 'python-package';
  let where: Locator | undefined;
  const fail = (code: LockfileError['code'], at: LockfileLocation, problem: string): never => {
    const parts = [
      at.line === undefined ? undefined : `line ${at.line}${at.column === undefined ? '' : `:${at.column}`}`,
      at.entryIndex === undefined ? undefined : `[[${at.table ?? defaultTable}]] entry ${at.entryIndex}`,
      at.key === undefined ? undefined : `key ${JSON.stringify(at.key)}`,
    ].filter((s) => s !== undefined);
    throw new LockfileError(code, `${file}${parts.length ? ` (${parts.join(', ')})` : ''}: ${problem}`, at, {
      hint: 'run `mochi-pkg lock` to regenerate the lock',
    });
  };

  let text: string;
  if (typeof src === 'string') {
    if (src.length > MAX_LOCK_BYTES) fail('lockfile-too-large', {}, `larger than ${MAX_LOCK_BYTES} bytes`);
    text = src;
  } else {
    if (src.byteLength > MAX_LOCK_BYTES)
      fail('lockfile-too-large', {}, `larger than ${MAX_LOCK_BYTES} bytes`);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(src);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      return fail('lockfile-syntax', {}, 'not valid UTF-8');
    }
  }

  // A merge left unresolved is named as such: "not valid TOML" would hide what to do.
  const marker = CONFLICT_MARKER.exec(text);
  if (marker) {
    const line = text.slice(0, marker.index).split('\n').length;
    throw new LockfileError(
      'lockfile-conflict',
      `${file} (line ${line}): unresolved merge conflict marker ${JSON.stringify(marker[0].slice(0, 7))}`,
      { line },
      {
        hint: 'resolve the conflict (keep one side of each table, or delete mochi.lock) and run `mochi-pkg lock` again',
      },
    );
  }

  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text, { integersAsBigInt: true, maxDepth: 32 });
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const first = e.message.split('\n')[0] ?? e.message;
    return fail('lockfile-syntax', { line: e.line, column: e.column }, `not valid TOML: ${first}`);
  }

  const locator = new Locator(text, options.tables);
  where = locator;
  const known = new Set(['schema-version', ...options.tables]);
  for (const key of Object.keys(doc)) {
    if (!known.has(key)) {
      fail(
        'lockfile-invalid-entry',
        { key, line: where.topLevel(key) },
        `unknown top-level key (expected ${describeTables(options.tables)})`,
      );
    }
  }
  const version = doc['schema-version'];
  if (version === undefined) {
    fail(
      'lockfile-schema-version',
      { key: 'schema-version', line: 1 },
      `missing schema-version (expected schema-version = ${SCHEMA_VERSION})`,
    );
  }
  if (version !== BigInt(SCHEMA_VERSION)) {
    fail(
      'lockfile-schema-version',
      { key: 'schema-version', line: where.topLevel('schema-version') },
      `unknown schema-version ${typeof version === 'bigint' ? String(version) : kindOf(version)} (this mochi-pkg reads schema-version = ${SCHEMA_VERSION})`,
    );
  }

  return {
    doc,
    tables(table) {
      const value = doc[table] ?? [];
      if (!Array.isArray(value)) {
        return fail(
          'lockfile-invalid-entry',
          { key: table, line: locator.topLevel(table) },
          `expected an array of tables, got ${kindOf(value)}`,
        );
      }
      return value;
    },
    line: (table, index, key) => locator.entry(table, index, key),
    fail,
  };
}
