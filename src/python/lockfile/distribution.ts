// mochi.lock's [[python-distribution]] tables: the resolved closure of the index imports, pinned by wheel hashes.
import { isTable, kindOf, type LockDocument } from '../../lock/document.js';
import type { LockfileLocation } from '../../lock/errors.js';
import { quoteValue } from '../../lock/render.js';

/** The table name. */
export const DIST_TABLE = 'python-distribution';

/** One wheel a distribution is installed from, and the targets that use it. */
export interface LockedWheel {
  /** The wheel's file name. */
  readonly file: string;
  /** Its size in bytes, when the index gives it (PEP 700) or the wheel was downloaded. */
  readonly size?: number;
  /** Lowercase hex SHA-256 of the wheel. */
  readonly sha256: string;
  /** Target ids (`3.12-linux`) that install this wheel, sorted. */
  readonly targets: readonly string[];
}

/** One distribution of the resolved closure. */
export interface LockedDistribution {
  /** PEP 503-normalised name. */
  readonly name: string;
  readonly version: string;
  /** The normalised simple index URL it came from. */
  readonly indexUrl: string;
  /** Extras some requirement activated, sorted. */
  readonly extras: readonly string[];
  /** Target ids that need this distribution, sorted. */
  readonly targets: readonly string[];
  /** Its requirements that apply on at least one target, as its metadata writes them (markers kept), sorted. */
  readonly dependencies: readonly string[];
  /** Wheels used, sorted by file name. */
  readonly wheels: readonly LockedWheel[];
}

/** Keys of a [[python-distribution]] table, in the order they are written. */
export const DIST_KEYS = [
  'name',
  'version',
  'index-url',
  'extras',
  'targets',
  'dependencies',
  'wheels',
] as const;
/** Keys of one wheel's inline table, in the order they are written. */
export const WHEEL_KEYS = ['file', 'size', 'sha256', 'targets'] as const;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sort order of the tables: name, then version text, then index. */
export function compareDistributions(a: LockedDistribution, b: LockedDistribution): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.indexUrl, b.indexUrl);
}

function strings(list: readonly string[], where: () => string): string {
  return `[${[...new Set(list)]
    .sort(cmp)
    .map((v) => quoteValue(v, where))
    .join(', ')}]`;
}

/**
 * The `[[python-distribution]]` tables: sorted by (name, version, index-url), keys in the order of
 * {@link DIST_KEYS}, `extras` omitted when empty, `dependencies` and `wheels` one value per line,
 * each wheel an inline table with the keys of {@link WHEEL_KEYS} (`size` omitted when unknown), a
 * blank line after each table. No distributions → `''`, so a lock without index imports keeps its bytes.
 */
export function renderDistributions(list: readonly LockedDistribution[]): string {
  return [...list]
    .sort(compareDistributions)
    .map((d, i) => {
      const where = () => `[[${DIST_TABLE}]] entry ${i} (${d.name})`;
      let out = `[[${DIST_TABLE}]]\n`;
      out += `name = ${quoteValue(d.name, where)}\n`;
      out += `version = ${quoteValue(d.version, where)}\n`;
      out += `index-url = ${quoteValue(d.indexUrl, where)}\n`;
      if (d.extras.length > 0) out += `extras = ${strings(d.extras, where)}\n`;
      out += `targets = ${strings(d.targets, where)}\n`;
      const deps = [...new Set(d.dependencies)].sort(cmp);
      out +=
        deps.length === 0
          ? 'dependencies = []\n'
          : `dependencies = [\n${deps.map((x) => `  ${quoteValue(x, where)},\n`).join('')}]\n`;
      const wheels = [...d.wheels].sort((a, b) => cmp(a.file, b.file));
      out += `wheels = [\n${wheels
        .map(
          (w) =>
            `  { file = ${quoteValue(w.file, where)}${w.size === undefined ? '' : `, size = ${w.size}`}, sha256 = ${quoteValue(w.sha256, where)}, targets = ${strings(w.targets, where)} },\n`,
        )
        .join('')}]\n`;
      return `${out}\n`;
    })
    .join('');
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The `[[python-distribution]]` tables of a parsed lock document, strictly: every key of
 * {@link DIST_KEYS} but `extras` is required, strings non-empty, arrays of strings, `wheels` a
 * non-empty array of inline tables with `file`, `sha256` (64 lowercase hex), `targets` and an
 * optional non-negative integer `size`; unknown keys and two tables for one (name, version,
 * index-url) are refused, with file, line, table, entry and key in the error.
 */
export function decodeDistributions(document: LockDocument): LockedDistribution[] {
  const out: LockedDistribution[] = [];
  const seen = new Set<string>();
  document.tables(DIST_TABLE).forEach((table: unknown, index) => {
    const at = (key?: string): LockfileLocation => ({
      table: DIST_TABLE,
      entryIndex: index,
      ...(key === undefined ? {} : { key }),
      line: document.line(DIST_TABLE, index, key),
    });
    const bad = (key: string | undefined, problem: string): never =>
      document.fail('lockfile-invalid-entry', at(key), problem);
    if (!isTable(table)) bad(undefined, `expected a table, got ${kindOf(table)}`);
    const t = table as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (!(DIST_KEYS as readonly string[]).includes(key))
        bad(key, `unknown key (expected one of ${DIST_KEYS.join(', ')})`);
    }
    const str = (key: string, v: unknown = t[key]): string => {
      if (v === undefined) bad(key, `missing required key ${JSON.stringify(key)}`);
      if (typeof v !== 'string' || v === '') bad(key, `expected a non-empty string, got ${kindOf(v)}`);
      return v as string;
    };
    const list = (key: string, v: unknown = t[key], optional = false): string[] => {
      if (v === undefined && optional) return [];
      if (!Array.isArray(v)) bad(key, `expected an array of strings, got ${kindOf(v)}`);
      return (v as unknown[]).map((x) => str(key, x));
    };
    const name = str('name');
    const version = str('version');
    const indexUrl = str('index-url');
    const wheelsRaw = t.wheels;
    if (!Array.isArray(wheelsRaw) || wheelsRaw.length === 0)
      bad('wheels', `expected a non-empty array of wheel tables, got ${kindOf(wheelsRaw)}`);
    const wheels = (wheelsRaw as unknown[]).map((w): LockedWheel => {
      if (!isTable(w)) bad('wheels', `expected a wheel table, got ${kindOf(w)}`);
      const wt = w as Record<string, unknown>;
      for (const key of Object.keys(wt)) {
        if (!(WHEEL_KEYS as readonly string[]).includes(key))
          bad(
            'wheels',
            `unknown wheel key ${JSON.stringify(key)} (expected one of ${WHEEL_KEYS.join(', ')})`,
          );
      }
      const sha256 = str('wheels', wt.sha256);
      if (!SHA256.test(sha256))
        bad('wheels', `sha256 ${JSON.stringify(sha256)} is not 64 lowercase hex digits`);
      const size = wt.size;
      // A size past 2^53 - 1 would read back as another number (tomllib reads it exactly).
      if (
        size !== undefined &&
        (typeof size !== 'bigint' || size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) &&
        !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)
      )
        bad(
          'wheels',
          `size must be a non-negative integer up to ${Number.MAX_SAFE_INTEGER}, got ${typeof size === 'bigint' ? String(size) : kindOf(size)}`,
        );
      return {
        file: str('wheels', wt.file),
        ...(size === undefined ? {} : { size: Number(size) }),
        sha256,
        targets: list('wheels', wt.targets),
      };
    });
    const d: LockedDistribution = {
      name,
      version,
      indexUrl,
      extras: list('extras', t.extras, true),
      targets: list('targets'),
      dependencies: list('dependencies'),
      wheels,
    };
    const key = `${name}\n${version}\n${indexUrl}`;
    if (seen.has(key))
      document.fail(
        'lockfile-duplicate-entry',
        at('name'),
        `${name} ${version} from ${indexUrl} appears twice`,
      );
    seen.add(key);
    out.push(d);
  });
  return out;
}

/** One drift of the closure: a distribution added, removed, or changed in some keys. */
export interface DistributionDiffEntry {
  readonly table: typeof DIST_TABLE;
  readonly kind: 'added' | 'removed' | 'changed';
  /** `name` (or `name==version` when the closure holds two versions of it). */
  readonly key: string;
  /** For `changed`: the keys that diverged, in {@link DIST_KEYS} order. */
  readonly fields: readonly string[];
}

function fieldValue(d: LockedDistribution, key: (typeof DIST_KEYS)[number]): string {
  switch (key) {
    case 'name':
      return d.name;
    case 'version':
      return d.version;
    case 'index-url':
      return d.indexUrl;
    case 'extras':
      return JSON.stringify([...d.extras].sort(cmp));
    case 'targets':
      return JSON.stringify([...d.targets].sort(cmp));
    case 'dependencies':
      return JSON.stringify([...new Set(d.dependencies)].sort(cmp));
    case 'wheels':
      return JSON.stringify(
        [...d.wheels]
          .sort((a, b) => cmp(a.file, b.file))
          .map((w) => [w.file, w.size ?? null, w.sha256, [...w.targets].sort(cmp)]),
      );
  }
}

/**
 * Drift from `before` (the lock on disk) to `after` (what `lock` would write), per distribution and
 * key. Distributions are matched by name (by name and version for a name locked twice).
 */
export function compareDistributionLists(
  before: readonly LockedDistribution[],
  after: readonly LockedDistribution[],
): DistributionDiffEntry[] {
  const counts = new Map<string, number>();
  for (const side of [before, after]) {
    const names = new Map<string, number>();
    for (const d of side) names.set(d.name, (names.get(d.name) ?? 0) + 1);
    for (const [n, c] of names) counts.set(n, Math.max(counts.get(n) ?? 0, c));
  }
  const keyOf = (d: LockedDistribution) =>
    (counts.get(d.name) ?? 0) > 1 ? `${d.name}==${d.version}` : d.name;
  const a = new Map(before.map((d) => [keyOf(d), d]));
  const b = new Map(after.map((d) => [keyOf(d), d]));
  const out: DistributionDiffEntry[] = [];
  for (const [k, d] of a) {
    const other = b.get(k);
    if (!other) {
      out.push({ table: DIST_TABLE, kind: 'removed', key: k, fields: [] });
      continue;
    }
    const fields = DIST_KEYS.filter((key) => fieldValue(d, key) !== fieldValue(other, key));
    if (fields.length > 0) out.push({ table: DIST_TABLE, kind: 'changed', key: k, fields });
  }
  for (const k of b.keys()) if (!a.has(k)) out.push({ table: DIST_TABLE, kind: 'added', key: k, fields: [] });
  return out.sort((x, y) => cmp(x.key, y.key));
}
