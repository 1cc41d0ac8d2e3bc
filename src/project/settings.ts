// Project settings: mochi.toml's [python] and [go] tables parsed strictly, and every setting resolved
// flag > environment > project file > default, each value with where it came from. Pure: the file's
// text, the flags, the environment and the defaults come in; nothing is read here.
import { isAbsolute, resolve } from 'node:path';
import { MochiPkgError } from '../errors.js';
import { ProxyConfigError } from '../go/proxy/errors.js';
import { parseGoProxy } from '../go/proxy/goproxy.js';
import { parseGosumdb } from '../go/sumdb/policy.js';
import { isValidName, normalizeName } from '../python/importspec/parse.js';
import { tryParseTargetName } from '../python/lockfile/target.js';
import { nearestWord } from '../util/nearest.js';
import { parseToml, TomlError } from '../util/toml.js';
import { goProxyList } from './goProxyList.js';

/** The settings file at a project's root. */
export const SETTINGS_FILE = 'mochi.toml';

/** The largest mochi.toml read (a settings file is a few lines). */
export const SETTINGS_MAX_BYTES = 256 * 1024;

/** Where a value came from, in precedence order. */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

/** How a setting's text is read. */
type SettingKind =
  /** A string kept as written. */
  | 'string'
  /** A comma-separated list (GOPRIVATE-style); the file may also give an array of strings. */
  | 'pattern-list'
  /** A directory, relative to the file (or to the working directory for flags and environment). */
  | 'path'
  /** Directories; the environment gives them separated by the path delimiter. */
  | 'path-list'
  /** A URL, or a local directory (resolved like a path). */
  | 'url-or-path'
  /** A GOPROXY list: entries starting with `.` or `/` are directories (resolved like paths). */
  | 'proxy-list'
  /** `<X.Y>-<platform>` strings. */
  | 'target-list'
  /** Named indexes: `[[python.index]]` tables in the file, `<name>=<url>` in flags and the environment. */
  | 'index-list'
  /** `[python.sources]`: distribution name → `{ index = "<name>" }` (file only). */
  | 'source-list';

/** One setting: its key in mochi.toml, its flag and environment variable, and what it means. */
export interface SettingSpec {
  /** `python.index-url`: the table and the key. */
  readonly key: SettingKey;
  readonly kind: SettingKind;
  /** The `lock` flag that sets it (`--index-url`), when there is one. */
  readonly flag?: string;
  /** The environment variable that sets it, when there is one. */
  readonly env?: string;
  /** One line for `mochi-pkg config` and the docs. */
  readonly about: string;
}

/** Every key mochi.toml accepts, as `<table>.<key>`. */
export type SettingKey =
  | 'python.index-url'
  | 'python.index'
  | 'python.sources'
  | 'python.stubs-dirs'
  | 'python.cache-dir'
  | 'python.targets'
  | 'go.proxy'
  | 'go.private'
  | 'go.nosumdb'
  | 'go.sumdb'
  | 'go.cache-dir';

/** The settings, in the order `mochi-pkg config` lists them. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'python.index-url',
    kind: 'url-or-path',
    flag: '--index-url',
    env: 'MOCHI_PYTHON_INDEX_URL',
    about: 'Simple API index of registry imports (a URL, or a local directory)',
  },
  {
    key: 'python.index',
    kind: 'index-list',
    flag: '--index',
    env: 'MOCHI_PYTHON_INDEX',
    about: 'named indexes (<name>=<url>), searched in order before the default index unless explicit',
  },
  {
    key: 'python.sources',
    kind: 'source-list',
    about: 'distributions pinned to a named index ([python.sources] name = { index = "<name>" })',
  },
  {
    key: 'python.stubs-dirs',
    kind: 'path-list',
    flag: '--stubs-dir',
    env: 'MOCHI_PYTHON_STUBS',
    about: 'typeshed-style stub directories, searched before the index',
  },
  {
    key: 'python.cache-dir',
    kind: 'path',
    flag: '--cache-dir',
    env: 'MOCHI_PYTHON_CACHE',
    about: 'cache of git and index stub sources',
  },
  {
    key: 'python.targets',
    kind: 'target-list',
    flag: '--target',
    about: 'environments the closure of the index imports is locked for (<X.Y>-<platform>)',
  },
  {
    key: 'go.proxy',
    kind: 'proxy-list',
    flag: '--go-proxy',
    env: 'GOPROXY',
    about: 'GOPROXY list (URLs, off, or directories served as file:// proxies)',
  },
  {
    key: 'go.private',
    kind: 'pattern-list',
    env: 'GOPRIVATE',
    about: 'module path patterns that are private (GOPRIVATE)',
  },
  {
    key: 'go.nosumdb',
    kind: 'pattern-list',
    env: 'GONOSUMDB',
    about: 'module path patterns the checksum database does not verify (GONOSUMDB)',
  },
  {
    key: 'go.sumdb',
    kind: 'string',
    env: 'GOSUMDB',
    about: 'the checksum database (GOSUMDB: off, a name, a key, or a key and a URL)',
  },
  {
    key: 'go.cache-dir',
    kind: 'path',
    flag: '--go-cache-dir',
    env: 'MOCHI_GO_BRIDGE_CACHE',
    about: 'the verified Go module cache',
  },
];

/** The value type of each kind. */
type ValueOf<K extends SettingKind> = K extends 'path-list' | 'target-list' | 'index-list' | 'source-list'
  ? string[]
  : string;

/** One entry of a setting made of named entries (`python.index`, `python.sources`). */
export interface SettingItem {
  /** The index name, or the distribution name of a source. */
  readonly name: string;
  /** The index URL (absolute path or URL), or the index name a source pins to. */
  readonly value: string;
  /** Where this entry came from (`--index`, `$MOCHI_PYTHON_INDEX`, `mochi.toml:7`). */
  readonly origin: string;
  /** A named index that serves only the distributions `[python.sources]` pins to it. */
  readonly explicit?: boolean;
}

/** A named index as lock uses it. */
export interface NamedIndex {
  readonly name: string;
  /** A URL, or an absolute local directory. */
  readonly url: string;
  /** Serves only the distributions pinned to it, never a name looked up by order. */
  readonly explicit: boolean;
  readonly origin: string;
}

/** One effective setting. */
export interface ResolvedSetting {
  readonly key: SettingKey;
  /** The value; paths absolute, lists possibly empty. `undefined`: no layer set it and it has no default. */
  readonly value: string | readonly string[] | undefined;
  readonly source: SettingSource;
  /** Where exactly: `--index-url`, `$GOPROXY`, `mochi.toml:4`, or `default`. */
  readonly origin: string;
  /** The entries of a named-entry setting, each with its own origin (the value lists them as `name=value`). */
  readonly items?: readonly SettingItem[];
}

/** A flag value as parsed (a string, or the list of a repeatable flag). */
export type FlagValue = string | readonly string[] | undefined;

/** What {@link resolveSettings} combines. */
export interface SettingsInput {
  /** The shell's working directory: flag and environment paths are relative to it. */
  readonly cwd: string;
  /** Flag values by setting key; an absent or `undefined` value is not set. */
  readonly flags?: Partial<Record<SettingKey, FlagValue>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The parsed project file, when the project has one. */
  readonly file?: SettingsFile | undefined;
  /** Default values (cache directories depend on the machine, so the caller computes them). */
  readonly defaults?: Partial<Record<SettingKey, string | readonly string[]>>;
  /** Where a default came from when it is not the built-in one (`mochi.lock`); default `default`. */
  readonly defaultOrigins?: Partial<Record<SettingKey, string>>;
  /** The path delimiter of list environment variables (`:`; `;` on Windows). */
  readonly delimiter?: string;
}

/** The effective settings: every key, and a typed getter for the values commands ask for. */
export class Settings {
  private readonly byKey: ReadonlyMap<SettingKey, ResolvedSetting>;
  /** The project file the settings read, if any. */
  readonly file: string | undefined;

  constructor(entries: readonly ResolvedSetting[], file: string | undefined) {
    this.byKey = new Map(entries.map((e) => [e.key, e]));
    this.file = file;
  }

  /** Every setting in {@link SETTINGS} order. */
  all(): ResolvedSetting[] {
    return SETTINGS.map((s) => this.byKey.get(s.key)!);
  }

  /** One setting with its source. */
  get(key: SettingKey): ResolvedSetting {
    return this.byKey.get(key)!;
  }

  /** A string setting's value (`undefined` when unset with no default). */
  string(key: SettingKey): string | undefined {
    const v = this.get(key).value;
    return typeof v === 'string' ? v : undefined;
  }

  /** A list setting's value (empty when unset). */
  list(key: SettingKey): readonly string[] {
    const v = this.get(key).value;
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }

  /** The named indexes in search order (`python.index`). */
  indexes(): NamedIndex[] {
    return (this.get('python.index').items ?? []).map((i) => ({
      name: i.name,
      url: i.value,
      explicit: i.explicit === true,
      origin: i.origin,
    }));
  }

  /** Distribution name (PEP 503-normalised) → the name of the index it is pinned to (`python.sources`). */
  sources(): ReadonlyMap<string, string> {
    return new Map((this.get('python.sources').items ?? []).map((i) => [i.name, i.value]));
  }

  /**
   * The Go variables as cmd/go names them (GOPROXY, GOPRIVATE, GONOSUMDB, GOSUMDB), each only when
   * some layer set it: merge over the process environment to hand to Go code.
   */
  goEnv(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, name] of [
      ['go.proxy', 'GOPROXY'],
      ['go.private', 'GOPRIVATE'],
      ['go.nosumdb', 'GONOSUMDB'],
      ['go.sumdb', 'GOSUMDB'],
    ] as const) {
      const v = this.string(key);
      if (v !== undefined && this.get(key).source !== 'default') out[name] = v;
    }
    return out;
  }
}

/** mochi.toml cannot be used: not TOML, an unknown key, or a value of the wrong type (code `settings-invalid`). */
export class SettingsError extends MochiPkgError {
  declare readonly code: 'settings-invalid';
  /** 1-based line and column, when known. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(file: string, message: string, at: { line?: number; column?: number }, hint?: string) {
    const where =
      at.line === undefined ? file : `${file}:${at.line}${at.column === undefined ? '' : `:${at.column}`}`;
    super('settings-invalid', `${where}: ${message}`, {
      hint: hint ?? `see docs/settings.md for the keys of ${SETTINGS_FILE}`,
    });
    this.line = at.line;
    this.column = at.column;
  }
}

/** A parsed project file: each key's value (paths still as written) and its line. */
export interface SettingsFile {
  /** The file's path (for messages and `config`). */
  readonly path: string;
  /** Its directory: relative paths in it are relative to this. */
  readonly dir: string;
  readonly values: ReadonlyMap<
    SettingKey,
    { readonly value: string | readonly string[]; readonly line: number }
  >;
  /** `[[python.index]]` entries in file order, paths as written. */
  readonly indexes?: readonly FileEntry[];
  /** `[python.sources]` entries, names normalised. */
  readonly sources?: readonly FileEntry[];
}

/** One named entry of the file, with its line. */
export interface FileEntry {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  readonly explicit?: boolean;
}

const TABLES = ['python', 'go'] as const;

/** Finds the line and column of a key (or table header) in the source; only used on the way to a message. */
function locate(lines: readonly string[], table: string, key?: string): { line?: number; column?: number } {
  let current = '';
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyRe = (k: string) => new RegExp(`^(\\s*)(?:${esc(k)}|"${esc(k)}"|'${esc(k)}')\\s*=`);
  for (const [i, line] of lines.entries()) {
    const header = /^\s*\[\s*([^\]\s]+)\s*\]/.exec(line);
    if (header) {
      current = header[1]!.replace(/^["']|["']$/g, '');
      if (key === undefined && current === table) return { line: i + 1, column: line.indexOf('[') + 1 };
      continue;
    }
    const m =
      key === undefined
        ? current === '' && keyRe(table).exec(line)
        : current === table
          ? keyRe(key).exec(line)
          : current === '' && keyRe(`${table}.${key}`).exec(line);
    if (m) return { line: i + 1, column: m[1]!.length + 1 };
  }
  return {};
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint' || typeof v === 'number') return 'a number';
  if (isTable(v)) return 'a table';
  if (v instanceof Date || (v !== null && typeof v === 'object')) return 'a date-time';
  return `a ${typeof v}`;
}

/**
 * Parses mochi.toml strictly: only the [python] and [go] tables, only the keys of {@link SETTINGS},
 * each of its type. A problem is a {@link SettingsError} naming `path:line:column`.
 */
export function parseSettingsFile(text: string, path: string, dir: string): SettingsFile {
  if (text.length > SETTINGS_MAX_BYTES) {
    throw new SettingsError(path, `is larger than ${SETTINGS_MAX_BYTES} bytes`, {});
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
      throw new SettingsError(path, `not valid TOML: ${first}`, { line: e.line, column: e.column });
    }
    throw e;
  }
  const lines = text.split(/\r?\n/);
  const values = new Map<SettingKey, { value: string | readonly string[]; line: number }>();
  let indexes: FileEntry[] | undefined;
  let sources: FileEntry[] | undefined;
  for (const [table, body] of Object.entries(doc)) {
    if (!(TABLES as readonly string[]).includes(table)) {
      const near = nearestWord(table, TABLES);
      throw new SettingsError(
        path,
        `unknown table or key ${JSON.stringify(table)}; ${SETTINGS_FILE} has the tables [python] and [go]`,
        locate(lines, table),
        near ? `did you mean [${near}]?` : undefined,
      );
    }
    if (!isTable(body)) {
      throw new SettingsError(path, `${table} must be a table, not ${kindOf(body)}`, locate(lines, table));
    }
    const known = SETTINGS.filter((s) => s.key.startsWith(`${table}.`));
    for (const [name, raw] of Object.entries(body)) {
      const spec = known.find((s) => s.key === `${table}.${name}`);
      const at = locate(lines, table, name);
      if (!spec) {
        const near = nearestWord(
          name,
          known.map((s) => s.key.slice(table.length + 1)),
        );
        throw new SettingsError(
          path,
          `unknown key ${JSON.stringify(name)} in [${table}]; the keys are ${known.map((s) => s.key.slice(table.length + 1)).join(', ')}`,
          at,
          near ? `did you mean ${near}?` : undefined,
        );
      }
      if (spec.kind === 'index-list') {
        indexes = fileIndexes(raw, path, lines, at);
        values.set(spec.key, { value: indexes.map((i) => `${i.name}=${i.value}`), line: at.line ?? 1 });
        continue;
      }
      if (spec.kind === 'source-list') {
        sources = fileSources(raw, path, lines, at);
        values.set(spec.key, { value: sources.map((i) => `${i.name}=${i.value}`), line: at.line ?? 1 });
        continue;
      }
      const value = fileValue(spec, raw, path, at);
      checkGoValue(spec.key, value as string, path, dir, at);
      if (spec.key === 'python.index-url') checkIndexUrl(spec.key, value as string, path, at);
      values.set(spec.key, { value, line: at.line ?? 1 });
    }
  }
  return { path, dir, values, ...(indexes ? { indexes } : {}), ...(sources ? { sources } : {}) };
}

/** The most named indexes, and sources, a file may declare. */
const MAX_ENTRIES = 256;
/** An index name: what an `index` import's id may be (`name@<id>+<url>`). */
const INDEX_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const INDEX_KEYS = ['name', 'url', 'explicit'] as const;

/** The line of the `n`-th `[[python.index]]` header (0-based), or of `key` inside that entry. */
function locateIndexEntry(
  lines: readonly string[],
  n: number,
  fallback: { line?: number; column?: number },
  key?: string,
): { line?: number; column?: number } {
  const header = /^\s*\[\[\s*python\s*\.\s*index\s*\]\]/;
  let seen = -1;
  for (const [i, line] of lines.entries()) {
    if (!header.test(line)) continue;
    seen++;
    if (seen !== n) continue;
    if (key === undefined) return { line: i + 1, column: line.indexOf('[') + 1 };
    for (let j = i + 1; j < lines.length && !/^\s*\[/.test(lines[j]!); j++) {
      const m = new RegExp(`^(\\s*)["']?${key}["']?\\s*=`).exec(lines[j]!);
      if (m) return { line: j + 1, column: m[1]!.length + 1 };
    }
    return { line: i + 1, column: line.indexOf('[') + 1 };
  }
  return fallback;
}

/** `[[python.index]]`: each a table of `name`, `url` and optionally `explicit`; names unique. */
function fileIndexes(
  raw: unknown,
  path: string,
  lines: readonly string[],
  at: { line?: number; column?: number },
): FileEntry[] {
  if (!Array.isArray(raw) || raw.length > MAX_ENTRIES) {
    throw new SettingsError(
      path,
      `python.index must be an array of tables ([[python.index]]) of at most ${MAX_ENTRIES}, not ${kindOf(raw)}`,
      at,
    );
  }
  const out: FileEntry[] = [];
  for (const [n, entry] of raw.entries()) {
    const where = (key?: string) => locateIndexEntry(lines, n, at, key);
    if (!isTable(entry)) {
      throw new SettingsError(path, `python.index entries must be tables, not ${kindOf(entry)}`, where());
    }
    for (const key of Object.keys(entry)) {
      if (!(INDEX_KEYS as readonly string[]).includes(key)) {
        const near = nearestWord(key, INDEX_KEYS);
        throw new SettingsError(
          path,
          `unknown key ${JSON.stringify(key)} in [[python.index]]; the keys are ${INDEX_KEYS.join(', ')}`,
          where(key),
          near ? `did you mean ${near}?` : undefined,
        );
      }
    }
    const { name, url, explicit } = entry;
    if (typeof name !== 'string' || !INDEX_NAME_RE.test(name)) {
      throw new SettingsError(
        path,
        `[[python.index]] needs a name of letters, digits and . _ - inside, not ${name === undefined ? 'nothing' : JSON.stringify(name)}`,
        where(name === undefined ? undefined : 'name'),
      );
    }
    if (typeof url !== 'string' || url === '') {
      throw new SettingsError(
        path,
        `[[python.index]] ${JSON.stringify(name)} needs a url (a URL, or a local directory)`,
        where(url === undefined ? undefined : 'url'),
      );
    }
    checkIndexUrl(`[[python.index]] ${JSON.stringify(name)}: url`, url, path, where('url'));
    if (explicit !== undefined && typeof explicit !== 'boolean') {
      throw new SettingsError(
        path,
        `[[python.index]] ${JSON.stringify(name)}: explicit must be true or false, not ${kindOf(explicit)}`,
        where('explicit'),
      );
    }
    if (out.some((o) => o.name === name)) {
      throw new SettingsError(
        path,
        `the index name ${JSON.stringify(name)} is declared twice`,
        where('name'),
      );
    }
    out.push({ name, value: url, line: where().line ?? 1, ...(explicit ? { explicit: true } : {}) });
  }
  return out;
}

/** `[python.sources]`: `<distribution> = { index = "<name>" }`; names PEP 503-normalised and unique. */
function fileSources(
  raw: unknown,
  path: string,
  lines: readonly string[],
  at: { line?: number; column?: number },
): FileEntry[] {
  if (!isTable(raw)) throw new SettingsError(path, `python.sources must be a table, not ${kindOf(raw)}`, at);
  const out: FileEntry[] = [];
  for (const [dist, value] of Object.entries(raw)) {
    const where =
      locate(lines, 'python.sources', dist).line === undefined ? at : locate(lines, 'python.sources', dist);
    if (!isValidName(dist)) {
      throw new SettingsError(
        path,
        `python.sources: ${JSON.stringify(dist)} is not a distribution name`,
        where,
      );
    }
    if (!isTable(value) || Object.keys(value).some((k) => k !== 'index') || typeof value.index !== 'string') {
      throw new SettingsError(
        path,
        `python.sources.${dist} must be { index = "<name of a [[python.index]]>" }`,
        where,
      );
    }
    const name = normalizeName(dist);
    if (out.some((o) => o.name === name)) {
      throw new SettingsError(path, `python.sources names ${name} twice`, where);
    }
    if (out.length >= MAX_ENTRIES)
      throw new SettingsError(path, `python.sources has over ${MAX_ENTRIES} entries`, where);
    out.push({ name, value: value.index, line: where.line ?? 1 });
  }
  return out;
}

function fileValue(
  spec: SettingSpec,
  raw: unknown,
  path: string,
  at: { line?: number; column?: number },
): string | readonly string[] {
  const list = spec.kind === 'path-list' || spec.kind === 'target-list';
  const wrong = (expected: string) =>
    new SettingsError(path, `${spec.key} must be ${expected}, not ${kindOf(raw)}`, at);
  if (list || spec.kind === 'pattern-list') {
    if (typeof raw === 'string' && spec.kind === 'pattern-list') return raw;
    const expected = spec.kind === 'pattern-list' ? 'a string or an array of strings' : 'an array of strings';
    if (!Array.isArray(raw)) throw wrong(expected);
    // An array it is: name the item that is not a string ("not an array" would contradict the file).
    const item = raw.findIndex((x) => typeof x !== 'string');
    if (item >= 0) {
      throw new SettingsError(
        path,
        `${spec.key} must be ${expected}; item ${item + 1} is ${kindOf(raw[item])}`,
        at,
      );
    }
    const items = raw as string[];
    if (spec.kind === 'target-list') {
      // An empty list would lock for no environment; read as "unset" it meant the default silently.
      if (items.length === 0) {
        throw new SettingsError(
          path,
          `${spec.key} is empty; a lock is made for at least one target`,
          at,
          'remove the key to lock for the default target (the --python/--platform pair, 3.12-linux), or list the targets: targets = ["3.12-linux", "3.12-darwin"]',
        );
      }
      // The platforms a lock can be made for; a typo is an error at its line.
      const bad = items.find((t) => tryParseTargetName(t) === undefined);
      if (bad !== undefined) {
        throw new SettingsError(
          path,
          `${spec.key}: ${JSON.stringify(bad)} is not <X.Y>-<linux|darwin|win32> (e.g. "3.12-linux")`,
          at,
        );
      }
    }
    return spec.kind === 'pattern-list' ? items.join(',') : items;
  }
  if (typeof raw !== 'string') throw wrong('a string');
  if (raw === '' && spec.kind !== 'string')
    throw new SettingsError(path, `${spec.key} must not be empty`, at);
  return raw;
}

/** What go.proxy accepts, for the hint of a value that is refused. */
const GO_PROXY_ACCEPTED =
  'a GOPROXY list: http(s) or file URLs, directories, off or direct, separated by , or |';

/** What go.sumdb (GOSUMDB, serve's --sumdb) accepts, for the hint of a value that is refused. */
const GO_SUMDB_ACCEPTED =
  'a GOSUMDB value: off, sum.golang.org, <name>+<hash>+<key>, or "<name>+<hash>+<key> <url>"';

/**
 * Reads go.proxy and go.sumdb as cmd/go will, so a value it would refuse is refused here, at its line:
 * found later, the error named neither the file nor the key (`GOPROXY: invalid proxy URL scheme`,
 * reported against the first module fetched).
 */
function checkGoValue(
  key: SettingKey,
  value: string,
  path: string,
  dir: string,
  at: { line?: number; column?: number },
): void {
  try {
    if (key === 'go.proxy') parseGoProxy(goProxyList(value, dir));
    else if (key === 'go.sumdb') parseGosumdb(value);
  } catch (e) {
    if (!(e instanceof MochiPkgError) || (e.code !== 'proxy-config' && e.code !== 'sumdb-config')) throw e;
    const expected = key === 'go.proxy' ? GO_PROXY_ACCEPTED : GO_SUMDB_ACCEPTED;
    throw new SettingsError(
      path,
      `${key}: ${e.message.replace(/^GOPROXY: /, '')}`,
      at,
      `${key} is ${expected}`,
    );
  }
}

/**
 * The same check for a GOPROXY list given by a flag or the environment (`origin`: `--go-proxy`,
 * `$GOPROXY`): a list cmd/go would refuse is a `proxy-config` usage error naming `origin` and what it
 * accepts, before anything is fetched. `list` is the list as the command reads it (for the project
 * commands, directories already made `file://` URLs by {@link goProxyList}: `directories` says so);
 * `undefined` is the default proxy.
 */
export function checkGoProxyList(list: string | undefined, origin: string, directories = true): void {
  try {
    parseGoProxy(list);
  } catch (e) {
    if (!(e instanceof ProxyConfigError) || e.code !== 'proxy-config') throw e;
    const accepted = directories ? GO_PROXY_ACCEPTED : GO_PROXY_ACCEPTED.replace(', directories', '');
    throw new MochiPkgError('proxy-config', `${origin}: ${e.message.replace(/^GOPROXY: /, '')}`, {
      hint: `${origin} is ${accepted}`,
    });
  }
}

/**
 * The same check for a GOSUMDB value given by a flag or the environment (`origin`: `$GOSUMDB`,
 * serve's `--sumdb`): a value cmd/go would refuse is a `sumdb-config` usage error naming `origin`
 * and what it accepts, before anything is fetched. Unset or empty is the default database.
 */
export function checkGosumdb(value: string | undefined, origin: string): void {
  try {
    parseGosumdb(value);
  } catch (e) {
    if (!(e instanceof MochiPkgError) || e.code !== 'sumdb-config') throw e;
    throw new MochiPkgError('sumdb-config', `${origin}: ${e.message}`, {
      hint: `${origin} is ${GO_SUMDB_ACCEPTED}`,
      cause: e,
    });
  }
}

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * An index URL of the file must be one the index client reads (http, https, file; anything without
 * `<scheme>://` is a directory): found later, the error named neither the file nor the key.
 */
function checkIndexUrl(
  what: string,
  value: string,
  path: string,
  at: { line?: number; column?: number },
): void {
  if (!URL_RE.test(value)) return;
  let ok = false;
  try {
    ok = ['http:', 'https:', 'file:'].includes(new URL(value).protocol);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  if (!ok) {
    throw new SettingsError(
      path,
      `${what}: ${JSON.stringify(value)} is not an http, https or file URL`,
      at,
      'an index is an http(s) or file URL of a simple index root, or a local directory',
    );
  }
}

/** Makes a value's relative paths absolute against `base` (the file's directory, or the working directory). */
function absolute(
  kind: SettingKind,
  value: string | readonly string[],
  base: string,
): string | readonly string[] {
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  switch (kind) {
    case 'path':
      return path(value as string);
    case 'path-list':
      return (value as readonly string[]).map(path);
    case 'url-or-path':
      return URL_RE.test(value as string) ? value : path(value as string);
    case 'proxy-list':
      return (value as string)
        .split(/([,|])/)
        .map((part) => {
          const t = part.trim();
          return t.startsWith('.') || t.startsWith('/') ? path(t) : part;
        })
        .join('');
    default:
      return value;
  }
}

/** An environment value as a setting value (lists split on the path delimiter, empties dropped). */
function envValue(spec: SettingSpec, text: string, delimiter: string): string | readonly string[] {
  if (spec.kind === 'path-list' || spec.kind === 'target-list')
    return text.split(delimiter).filter((d) => d !== '');
  return text;
}

/**
 * Resolves every setting: a flag wins over the environment, the environment over the project file,
 * the file over the default. Paths become absolute: a flag's and the environment's against `cwd`, the
 * file's against the file's directory. An empty environment variable counts as unset.
 */
export function resolveSettings(input: SettingsInput): Settings {
  const delimiter = input.delimiter ?? ':';
  const out: ResolvedSetting[] = [];
  for (const spec of SETTINGS) {
    if (spec.kind === 'index-list') {
      out.push(resolveIndexes(spec, input));
      continue;
    }
    if (spec.kind === 'source-list') {
      out.push(resolveSources(spec, input, out.find((r) => r.key === 'python.index')?.items ?? []));
      continue;
    }
    const flag = input.flags?.[spec.key];
    const env = spec.env === undefined ? undefined : input.env[spec.env];
    const fromFile = input.file?.values.get(spec.key);
    const dflt = input.defaults?.[spec.key];
    let r: ResolvedSetting;
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      r = {
        key: spec.key,
        value: absolute(spec.kind, flag, input.cwd),
        source: 'flag',
        origin: spec.flag ?? 'flag',
      };
    } else if (env !== undefined && env !== '') {
      r = {
        key: spec.key,
        value: absolute(spec.kind, envValue(spec, env, delimiter), input.cwd),
        source: 'env',
        origin: `$${spec.env}`,
      };
    } else if (fromFile?.value === '' && dflt !== undefined && input.file) {
      // `sumdb = ""` means the default, as GOSUMDB="" does for cmd/go: shown as the default it is.
      r = {
        key: spec.key,
        value: dflt as ValueOf<SettingKind>,
        source: 'default',
        origin: `default; ${SETTINGS_FILE}:${fromFile.line} is empty`,
      };
    } else if (fromFile && input.file) {
      r = {
        key: spec.key,
        value: absolute(spec.kind, fromFile.value, input.file.dir),
        source: 'file',
        origin: `${SETTINGS_FILE}:${fromFile.line}`,
      };
    } else {
      r = {
        key: spec.key,
        value: dflt as ValueOf<SettingKind> | undefined,
        source: 'default',
        origin: input.defaultOrigins?.[spec.key] ?? 'default',
      };
    }
    // The file's value was checked at its line; a flag's or the environment's is checked here.
    if (spec.key === 'go.proxy' && (r.source === 'flag' || r.source === 'env')) {
      checkGoProxyList(goProxyList(r.value as string, input.cwd), r.origin);
    }
    if (spec.key === 'go.sumdb' && (r.source === 'flag' || r.source === 'env')) {
      checkGosumdb(r.value as string, r.origin);
    }
    out.push(r);
  }
  return new Settings(out, input.file?.path);
}

/** Splits `<name>=<url>` entries of a flag or the environment. */
function namedEntries(texts: readonly string[], origin: string, base: string): SettingItem[] {
  const out: SettingItem[] = [];
  for (const t of texts) {
    const eq = t.indexOf('=');
    const name = t.slice(0, eq);
    const url = t.slice(eq + 1);
    if (eq < 0 || !INDEX_NAME_RE.test(name) || url === '') {
      throw new SettingsError(
        origin,
        `${JSON.stringify(t)} is not <name>=<url>`,
        {},
        'e.g. internal=https://pkgs.example/simple/',
      );
    }
    out.push({ name, value: absolute('url-or-path', url, base) as string, origin });
  }
  return out;
}

/**
 * `python.index`, merged by name: the file's `[[python.index]]` entries in file order, each URL
 * replaced by the environment's and then a flag's entry of that name (keeping `explicit`); names
 * only a flag gives come first, then names only the environment gives.
 */
function resolveIndexes(spec: SettingSpec, input: SettingsInput): ResolvedSetting {
  const flagValue = input.flags?.[spec.key];
  const flags = namedEntries(
    flagValue === undefined ? [] : typeof flagValue === 'string' ? [flagValue] : flagValue,
    spec.flag!,
    input.cwd,
  );
  const envText = input.env[spec.env!] ?? '';
  const env = namedEntries(
    envText.split(/\s+/).filter((t) => t !== ''),
    `$${spec.env}`,
    input.cwd,
  );
  const file: SettingItem[] = (input.file?.indexes ?? []).map((e) => ({
    name: e.name,
    value: absolute('url-or-path', e.value, input.file!.dir) as string,
    origin: `${SETTINGS_FILE}:${e.line}`,
    ...(e.explicit ? { explicit: true } : {}),
  }));
  const last = new Map<string, SettingItem>();
  for (const layer of [env, flags]) for (const e of layer) last.set(e.name, e);
  const merged = (e: SettingItem): SettingItem => {
    const over = last.get(e.name);
    return over ? { ...e, value: over.value, origin: `${e.origin}, url from ${over.origin}` } : e;
  };
  const fileNames = new Set(file.map((e) => e.name));
  const items: SettingItem[] = [];
  for (const e of [...flags, ...env]) {
    if (!fileNames.has(e.name) && !items.some((i) => i.name === e.name)) items.push(last.get(e.name)!);
  }
  for (const e of file) items.push(merged(e));
  const source: SettingSource =
    flags.length > 0 ? 'flag' : env.length > 0 ? 'env' : file.length > 0 ? 'file' : 'default';
  const origins = [...new Set(items.map((i) => i.origin))];
  return {
    key: spec.key,
    value: items.map((i) => `${i.name}=${i.value}`),
    source,
    origin: origins.length === 0 ? 'default' : origins.join('; '),
    items,
  };
}

/** `python.sources` (file only); every source must name an index of `indexes`. */
function resolveSources(
  spec: SettingSpec,
  input: SettingsInput,
  indexes: readonly SettingItem[],
): ResolvedSetting {
  const entries = input.file?.sources ?? [];
  const names = indexes.map((i) => i.name);
  for (const e of entries) {
    if (!names.includes(e.value)) {
      const near = nearestWord(e.value, names);
      throw new SettingsError(
        input.file!.path,
        `python.sources.${e.name} names the index ${JSON.stringify(e.value)}, which no [[python.index]] declares${names.length ? ` (the indexes are ${names.join(', ')})` : ''}`,
        { line: e.line },
        near ? `did you mean ${near}?` : 'declare it: [[python.index]] name = "…" url = "…"',
      );
    }
  }
  const items = entries.map((e) => ({ name: e.name, value: e.value, origin: `${SETTINGS_FILE}:${e.line}` }));
  return {
    key: spec.key,
    value: items.map((i) => `${i.name}=${i.value}`),
    source: items.length > 0 ? 'file' : 'default',
    origin: items.length > 0 ? [...new Set(items.map((i) => i.origin))].join('; ') : 'default',
    items,
  };
}
