// Module versions as cmd/go's module graph sees them: the (path, version) pair, its order, its key.
import * as semver from '../semver/index.js';

/**
 * One module at one version (x/mod `module.Version`). The main module has version `''`; `none`
 * stands for "not required at all".
 */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/** The string key of a module version: `path@version` (`path` alone for the main module). */
export function modKey(m: ModuleVersion): string {
  return m.version === '' ? m.path : `${m.path}@${m.version}`;
}

const parsed = new Map<string, semver.Version | null>();

function parseCached(v: string): semver.Version | undefined {
  let p = parsed.get(v);
  if (p === undefined) {
    p = semver.tryParse(v) ?? null;
    // Versions repeat across a graph; the cache stays bounded by clearing when it grows large.
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(v, p);
  }
  return p ?? undefined;
}

/**
 * x/mod's `semver.Compare`: valid versions in semver order, every invalid string (such as
 * `none`) below every valid one and equal to the others.
 */
export function semverCompare(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseCached(a);
  const pb = parseCached(b);
  if (pa === undefined) return pb === undefined ? 0 : -1;
  if (pb === undefined) return 1;
  return semver.compare(pa, pb);
}

/**
 * cmd/go's `cmpVersion`: the main module's empty version is above every other version; the
 * rest compare as {@link semverCompare}.
 */
export function cmpVersion(a: string, b: string): number {
  if (b === '') return a === '' ? 0 : -1;
  if (a === '') return 1;
  return semverCompare(a, b);
}

/**
 * x/mod's `module.Sort` order: by path (code units), then by version (the part before a `/`
 * suffix such as `/go.mod` compared as semver, then the whole string).
 */
export function compareModuleVersions(a: ModuleVersion, b: ModuleVersion): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const [va = '', fa = ''] = splitSuffix(a.version);
  const [vb = '', fb = ''] = splitSuffix(b.version);
  if (va !== vb) {
    const c = semverCompare(va, vb);
    if (c !== 0) return c;
    return va < vb ? -1 : 1;
  }
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function splitSuffix(v: string): [string, string] {
  const i = v.indexOf('/');
  return i < 0 ? [v, ''] : [v.slice(0, i), v.slice(i)];
}

/** A sorted copy of `list` in {@link compareModuleVersions} order. */
export function sortModuleVersions<T extends ModuleVersion>(list: readonly T[]): T[] {
  return [...list].sort(compareModuleVersions);
}
