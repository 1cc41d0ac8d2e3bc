// Wheel and sdist file names (PEP 427, PEP 625) and the target's compatibility tags, in preference order.
import { normalizeName } from '../importspec/index.js';
import { tryParseVersion } from '../pep440/index.js';

/** A parsed wheel file name. */
export interface WheelName {
  /** PEP 503-normalised distribution name. */
  readonly name: string;
  /** The version as written in the file name. */
  readonly version: string;
  /** The build tag's number and rest (`1abc` → [1, 'abc']), or undefined. */
  readonly build: readonly [number, string] | undefined;
  /** Every `python-abi-platform` tag the name stands for (compressed tag sets expanded). */
  readonly tags: readonly string[];
}

// Python's `[\w\d._]` under re.UNICODE: letters, the three numeric categories, `_` and `.`.
const WHEEL_NAME_RE = /^[\p{L}\p{Nd}\p{Nl}\p{No}_.]+$/u;

/**
 * Parses `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, or returns undefined when the
 * name is not a wheel name or its version is not PEP 440.
 */
export function parseWheelName(filename: string): WheelName | undefined {
  if (!filename.endsWith('.whl')) return undefined;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts as [string, string];
  // No whitespace anywhere: Python's Version() would strip it, pip's file-name rules refuse it.
  if (name === '' || /\s/.test(filename) || tryParseVersion(version) === undefined) return undefined;
  // packaging's parse_wheel_filename: the name is escaped as PEP 427 says, so it holds only word
  // characters (Python's Unicode `\w`), `.` and `_`, and never `__`.
  if (!WHEEL_NAME_RE.test(name) || name.includes('__')) return undefined;
  let build: [number, string] | undefined;
  if (parts.length === 6) {
    const m = /^(\d+)(.*)$/.exec(parts[2]!);
    if (!m) return undefined;
    build = [Number(m[1]), m[2]!];
  }
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  const tags: string[] = [];
  for (const x of py.split('.'))
    for (const y of abi.split('.'))
      for (const z of plat.split('.')) tags.push(`${x}-${y}-${z}`.toLowerCase());
  return { name: normalizeName(name), version, build, tags };
}

/**
 * The version of a source distribution named `{name}-{version}.tar.gz` (or `.zip`), given the
 * project's normalised name; undefined for other files. The name part may contain `-`, so the
 * split is found by matching the project name rather than guessed.
 */
export function sdistVersion(filename: string, project: string): string | undefined {
  const m = /^(.*)\.(?:tar\.gz|zip)$/.exec(filename);
  if (!m) return undefined;
  const stem = m[1]!;
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    if (normalizeName(stem.slice(0, i)) === project) {
      const v = stem.slice(i + 1);
      return tryParseVersion(v) === undefined ? undefined : v;
    }
  }
  return undefined;
}

/** The Python a resolution is for: its version and the platforms whose binary wheels it accepts. */
export interface WheelTarget {
  /** `[major, minor]`; default [3, 12]. */
  readonly python: readonly [number, number];
  /** Platform tags, most preferred first; default manylinux/linux x86_64. */
  readonly platforms: readonly string[];
}

// The legacy names of three glibc versions, listed right after them (PEP 600).
const LEGACY_MANYLINUX: Readonly<Record<number, string>> = {
  17: 'manylinux2014',
  12: 'manylinux2010',
  5: 'manylinux1',
};

/**
 * packaging's Linux platforms on x86-64 with glibc 2.39: every `manylinux_2_N` from 2.39 down to
 * 2.5 (the oldest x86-64 manylinux), each legacy alias after its glibc version, then `linux`.
 */
function defaultPlatforms(): string[] {
  const out: string[] = [];
  for (let minor = 39; minor >= 5; minor--) {
    out.push(`manylinux_2_${minor}_x86_64`);
    const legacy = LEGACY_MANYLINUX[minor];
    if (legacy !== undefined) out.push(`${legacy}_x86_64`);
  }
  out.push('linux_x86_64');
  return out;
}

/** CPython 3.12 on x86-64 Linux. */
export const DEFAULT_TARGET: WheelTarget = { python: [3, 12], platforms: defaultPlatforms() };

/**
 * The tags a CPython of `target` accepts, most preferred first — the order of packaging's
 * `sys_tags()` for CPython: `cpXY-cpXY-plat`, `cpXY-abi3-plat`, `cpXY-none-plat`, older `abi3`,
 * then `pyXY-none-plat` down to `py30`, then `cpXY-none-any`, `pyXY-none-any`, `py3-none-any`, older.
 */
export function supportedTags(target: WheelTarget = DEFAULT_TARGET): string[] {
  const [major, minor] = target.python;
  const cp = `cp${major}${minor}`;
  const plats = target.platforms;
  const out: string[] = [];
  for (const p of plats) out.push(`${cp}-${cp}-${p}`);
  for (const p of plats) out.push(`${cp}-abi3-${p}`);
  for (const p of plats) out.push(`${cp}-none-${p}`);
  for (let m = minor - 1; m >= 2; m--) for (const p of plats) out.push(`cp${major}${m}-abi3-${p}`);
  const pyVersions = [`py${major}${minor}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) pyVersions.push(`py${major}${m}`);
  for (const py of pyVersions) for (const p of plats) out.push(`${py}-none-${p}`);
  out.push(`${cp}-none-any`);
  for (const py of pyVersions) out.push(`${py}-none-any`);
  return out;
}

/** Index of each supported tag (lower is better), for ranking wheels. */
export function tagRanks(target: WheelTarget = DEFAULT_TARGET): ReadonlyMap<string, number> {
  return new Map(supportedTags(target).map((t, i) => [t, i]));
}

/** The best (lowest) rank among a wheel's tags, or undefined when none is supported. */
export function wheelRank(wheel: WheelName, ranks: ReadonlyMap<string, number>): number | undefined {
  let best: number | undefined;
  for (const t of wheel.tags) {
    const r = ranks.get(t);
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}
