// PEP 508 markers: parse, print and evaluate for a target environment, as packaging 26 does.
import { specifierAdmits, tryParseSpecifier } from '../pep440/index.js';
import { InvalidMarkerError, MarkerEvaluationError } from './errors.js';
import { canonicalizeName } from './name.js';
import { parseMarkerTokens } from './parser.js';
import { SyntaxProblem } from './tokenizer.js';
import type { Marker, MarkerComparison, MarkerElement, MarkerList, MarkerOperand } from './types.js';

/** Longest marker or requirement text we parse (they come from metadata files and imports). */
export const MAX_PEP508_LENGTH = 64 * 1024;

/** Code-point offset of a UTF-16 offset, so columns match Python's. */
export function codePointOffset(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < index) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Spans in code points for a syntax problem found at UTF-16 offsets. */
export function spanOf(text: string, p: SyntaxProblem): { start: number; end: number } {
  return { start: codePointOffset(text, p.start), end: codePointOffset(text, p.end) };
}

/**
 * packaging normalises the extra names of `extra == "…"` comparisons at the top level of a
 * marker (not inside parentheses) when it parses one.
 */
export function normalizeExtraValues(list: MarkerList): MarkerList {
  return list.map((e) => {
    if (typeof e === 'string' || Array.isArray(e)) return e;
    const c = e as MarkerComparison;
    if (c.left.kind === 'variable' && c.left.name === 'extra')
      return { ...c, right: { kind: 'value', value: canonicalizeName(operandText(c.right)) } };
    if (c.right.kind === 'variable' && c.right.name === 'extra')
      return { ...c, left: { kind: 'value', value: canonicalizeName(operandText(c.left)) } };
    return c;
  });
}

function operandText(o: MarkerOperand): string {
  return o.kind === 'variable' ? o.name : o.value;
}

/**
 * Parses a marker expression (packaging's `Marker(text)`); throws {@link InvalidMarkerError}
 * with packaging's reason and the column.
 *
 * @example
 * ```ts
 * markerToString(parseMarker("python_version>='3.8' and os.name=='posix'"))
 * // 'python_version >= "3.8" and os_name == "posix"'
 * ```
 */
export function parseMarker(text: string): Marker {
  if (text.length > MAX_PEP508_LENGTH)
    throw new InvalidMarkerError(text.slice(0, 80), `longer than ${MAX_PEP508_LENGTH} characters`, {
      start: 0,
      end: 0,
    });
  try {
    return { expression: normalizeExtraValues(parseMarkerTokens(text)) };
  } catch (e) {
    if (e instanceof SyntaxProblem) throw new InvalidMarkerError(text, e.reason, spanOf(text, e));
    throw e;
  }
}

/** Parses a marker, or returns undefined when it is not valid. */
export function tryParseMarker(text: string): Marker | undefined {
  try {
    return parseMarker(text);
  } catch (e) {
    if (e instanceof InvalidMarkerError) return undefined;
    throw e;
  }
}

function serialize(o: MarkerOperand): string {
  return o.kind === 'variable' ? o.name : `"${o.value}"`;
}

function format(m: MarkerElement, first: boolean): string {
  if (typeof m === 'string') return m;
  if (!Array.isArray(m)) {
    const c = m as MarkerComparison;
    return `${serialize(c.left)} ${c.op} ${serialize(c.right)}`;
  }
  const list = m as MarkerList;
  // A one-item list around a list or comparison prints as its item, without parentheses.
  if (list.length === 1 && typeof list[0] !== 'string') return format(list[0]!, true);
  const inner = list.map((x) => format(x, false)).join(' ');
  return first ? inner : `(${inner})`;
}

/**
 * packaging's `str(Marker)`: variables bare, values in double quotes (not escaped, as packaging
 * prints them), single spaces, redundant parentheses dropped.
 */
export function markerToString(marker: Marker): string {
  return format(marker.expression, true);
}

// --- evaluation ---

/** Marker variables and their values; `extras` and `dependency_groups` hold sets. */
export type MarkerEnvironment = Readonly<Record<string, string | ReadonlySet<string>>>;

/** packaging's evaluation contexts: what `extra` / `extras` / `dependency_groups` default to. */
export type EvaluateContext = 'metadata' | 'lock_file' | 'requirement';

/** Options of {@link evaluateMarker}. */
export interface EvaluateOptions {
  /** `metadata` (default): `extra` defaults to `""`; `lock_file`: `extras` and `dependency_groups` to empty sets. */
  readonly context?: EvaluateContext;
}

const ALLOWING_SET = new Set(['extras', 'dependency_groups']);
const REQUIRING_VERSION = new Set([
  'implementation_version',
  'platform_release',
  'python_full_version',
  'python_version',
]);

function lookup(env: Map<string, string | ReadonlySet<string>>, key: string) {
  const v = env.get(key);
  if (v === undefined)
    throw new MarkerEvaluationError(
      'undefined-environment-name',
      `the marker variable ${JSON.stringify(key)} is not in the target environment`,
      'give the environment every marker variable (see defaultEnvironment)',
    );
  return v;
}

function evalOp(lhs: string, c: MarkerComparison, rhs: string | ReadonlySet<string>, key: string): boolean {
  if (REQUIRING_VERSION.has(key) && typeof rhs === 'string') {
    const spec = tryParseSpecifier(`${c.op}${rhs}`);
    if (spec !== undefined) return specifierAdmits(spec, lhs);
  }
  const has = (x: string | ReadonlySet<string>) => (typeof x === 'string' ? x.includes(lhs) : x.has(lhs));
  switch (c.op) {
    case 'in':
      return has(rhs);
    case 'not in':
      return !has(rhs);
    case '<':
    case '>':
      return false;
    case '<=':
    case '==':
    case '>=':
      return typeof rhs === 'string' && lhs === rhs;
    case '!=':
      return !(typeof rhs === 'string' && lhs === rhs);
    default:
      throw new MarkerEvaluationError(
        'undefined-comparison',
        `undefined comparison ${JSON.stringify(lhs)} ${c.op} ${JSON.stringify(typeof rhs === 'string' ? rhs : [...rhs])} in a marker`,
        `${c.op} compares versions; use == or != to compare ${key} as a string`,
      );
  }
}

function evalComparison(c: MarkerComparison, env: Map<string, string | ReadonlySet<string>>): boolean {
  let key: string;
  let lhs: string | ReadonlySet<string>;
  let rhs: string | ReadonlySet<string>;
  if (c.left.kind === 'variable') {
    key = c.left.name;
    lhs = lookup(env, key);
    rhs = c.right.kind === 'variable' ? c.right.name : c.right.value;
  } else {
    lhs = c.left.value;
    key = c.right.kind === 'variable' ? c.right.name : c.right.value;
    rhs = lookup(env, key);
  }
  if (typeof lhs !== 'string')
    throw new MarkerEvaluationError(
      'invalid-comparison',
      `the set-valued marker variable ${JSON.stringify(key)} must be on the right, as in "name" in ${key}`,
      `write "name" in ${key}`,
    );
  if (key !== 'extra' && ALLOWING_SET.has(key)) {
    lhs = canonicalizeName(lhs);
    rhs = typeof rhs === 'string' ? canonicalizeName(rhs) : new Set([...rhs].map(canonicalizeName));
  }
  return evalOp(lhs, c, rhs, key);
}

function evalList(list: MarkerList, env: Map<string, string | ReadonlySet<string>>): boolean {
  // packaging evaluates every comparison (errors included) before combining: or-groups of and-runs.
  const groups: boolean[][] = [[]];
  for (const m of list) {
    if (m === 'or') groups.push([]);
    else if (m === 'and') continue;
    else if (Array.isArray(m)) groups.at(-1)!.push(evalList(m as MarkerList, env));
    else groups.at(-1)!.push(evalComparison(m as MarkerComparison, env));
  }
  return groups.some((g) => g.every(Boolean));
}

/**
 * packaging's `Marker.evaluate(environment, context)` for a target environment given in full (we
 * never look at the machine we run on; {@link defaultEnvironment} builds one). `extra` is
 * normalised (PEP 685); a `python_full_version` ending in `+` reads as `…+local`. Throws
 * {@link MarkerEvaluationError} for a variable missing from the environment and for comparisons
 * packaging cannot make (`os_name ~= "posix"`).
 *
 * @example
 * ```ts
 * evaluateMarker(parseMarker('python_version >= "3.8"'), defaultEnvironment('3.11', 'manylinux_2_17_x86_64')) // true
 * ```
 */
export function evaluateMarker(
  marker: Marker,
  environment: MarkerEnvironment,
  options: EvaluateOptions = {},
): boolean {
  const context = options.context ?? 'metadata';
  const env = new Map<string, string | ReadonlySet<string>>();
  if (context === 'lock_file') {
    env.set('extras', new Set());
    env.set('dependency_groups', new Set());
  } else if (context === 'metadata') {
    env.set('extra', '');
  }
  for (const [k, v] of Object.entries(environment)) env.set(k, v);
  const extra = env.get('extra');
  if (extra !== undefined)
    env.set('extra', typeof extra === 'string' && extra !== '' ? canonicalizeName(extra) : '');
  const full = env.get('python_full_version');
  if (typeof full === 'string' && full.endsWith('+')) env.set('python_full_version', `${full}local`);
  return evalList(marker.expression, env);
}

/** The marker variables of a CPython target (packaging's `default_environment()` keys). */
// A type alias (not an interface) so that it is assignable to MarkerEnvironment.
export type TargetEnvironment = {
  readonly implementation_name: string;
  readonly implementation_version: string;
  readonly os_name: string;
  readonly platform_machine: string;
  readonly platform_release: string;
  readonly platform_system: string;
  readonly platform_version: string;
  readonly python_full_version: string;
  readonly platform_python_implementation: string;
  readonly python_version: string;
  readonly sys_platform: string;
};

const PLATFORM_RE =
  /^(manylinux_\d+_\d+|manylinux\d*|musllinux_\d+_\d+|linux|macosx_\d+_\d+|win32|win)(?:_(.+))?$/;

/**
 * The marker environment of CPython `pythonVersion` (`3.11` or `3.11.4`) on the platform of a
 * wheel platform tag (`manylinux_2_17_x86_64`, `musllinux_1_2_aarch64`, `macosx_11_0_arm64`,
 * `win_amd64`, `win32`, `linux_x86_64`). Values the tag cannot tell (`platform_release`,
 * `platform_version`) are empty, as packaging reports them when unknown.
 *
 * @example
 * ```ts
 * defaultEnvironment('3.11', 'win_amd64').sys_platform // 'win32'
 * ```
 */
export function defaultEnvironment(pythonVersion: string, platformTag: string): TargetEnvironment {
  const v = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pythonVersion);
  if (v === null)
    throw new MarkerEvaluationError(
      'invalid-target',
      `the Python version ${JSON.stringify(pythonVersion)} is not major.minor or major.minor.micro`,
      'write e.g. 3.11 or 3.11.4',
    );
  const full = `${v[1]}.${v[2]}.${v[3] ?? '0'}`;
  const p = PLATFORM_RE.exec(platformTag);
  if (p === null)
    throw new MarkerEvaluationError(
      'invalid-target',
      `the platform tag ${JSON.stringify(platformTag)} is not a linux, manylinux, musllinux, macosx or win tag`,
      'write e.g. manylinux_2_17_x86_64, macosx_11_0_arm64 or win_amd64',
    );
  const family = p[1]!;
  const arch = p[2] ?? '';
  let os: Pick<TargetEnvironment, 'os_name' | 'sys_platform' | 'platform_system' | 'platform_machine'>;
  if (family === 'win' || family === 'win32') {
    const machine =
      family === 'win32' ? 'x86' : arch === 'amd64' ? 'AMD64' : arch === 'arm64' ? 'ARM64' : arch;
    os = { os_name: 'nt', sys_platform: 'win32', platform_system: 'Windows', platform_machine: machine };
  } else if (family.startsWith('macosx')) {
    // A universal wheel runs on both; arm64 is the machine Apple sells today.
    const machine = arch === 'universal2' || arch === 'universal' ? 'arm64' : arch;
    os = { os_name: 'posix', sys_platform: 'darwin', platform_system: 'Darwin', platform_machine: machine };
  } else {
    os = { os_name: 'posix', sys_platform: 'linux', platform_system: 'Linux', platform_machine: arch };
  }
  return {
    implementation_name: 'cpython',
    implementation_version: full,
    ...os,
    platform_release: '',
    platform_version: '',
    python_full_version: full,
    platform_python_implementation: 'CPython',
    python_version: `${v[1]}.${v[2]}`,
  };
}
