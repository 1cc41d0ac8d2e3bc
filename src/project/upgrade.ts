// `lock --upgrade` / `--upgrade-package`: which pins of the lock on disk are still preferred, and what moved.
import { MochiPkgError } from '../errors.js';
import type { GoLockEntry } from '../go/lockfile/index.js';
import * as semver from '../go/semver/index.js';
import { normalizeVersion, tryParseVersion } from '../python/pep440/version.js';
import { canonicalizeName } from '../python/pep508/name.js';
import type { Lock } from './lockdoc.js';

/** One `--upgrade-package` value: a Go module path or a Python distribution name, maybe with a version. */
export interface UpgradeRequest {
  /** As written (for messages). */
  readonly text: string;
  /** The Go module path as written, or the PEP 503-normalised distribution name. */
  readonly name: string;
  /** The exact version asked for (`v1.2.3` for Go, a PEP 440 version for Python). */
  readonly version?: string;
}

/** What `lock` may move: everything (`--upgrade`), or only the named pins. */
export interface UpgradeOptions {
  readonly all?: boolean | undefined;
  readonly packages?: readonly string[] | undefined;
}

/** A pin that differs between the lock on disk and the lock written. */
export interface LockChange {
  readonly ecosystem: 'go' | 'python';
  readonly name: string;
  /** Absent: newly pinned. */
  readonly from?: string;
  /** Absent: no longer pinned. */
  readonly to?: string;
}

function invalid(text: string, why: string): MochiPkgError {
  return new MochiPkgError('lock-upgrade-invalid', `--upgrade-package ${JSON.stringify(text)}: ${why}`, {
    hint: 'write <name> or <name>@<version>, e.g. example.com/geo@v1.2.0 or toposort@1.9',
  });
}

/**
 * Parses `<name>[@<version>]`. A Go module path (it has a `/` or a `.` and the version is a
 * semantic version `vX.Y.Z`) keeps its spelling; a Python name is normalised per PEP 503 and its
 * version may be written `==<version>`.
 */
export function parseUpgradeRequest(text: string): UpgradeRequest {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  if (name === '' || /\s/.test(name)) throw invalid(text, 'the name is empty or holds spaces');
  if (at < 0) return { text, name };
  const spec = text.slice(at + 1);
  if (spec.startsWith('v')) {
    if (!semver.isValid(spec) || semver.canonical(spec) !== spec.replace(/\+incompatible$/, '')) {
      throw invalid(text, `${JSON.stringify(spec)} is not a full Go semantic version (vX.Y.Z)`);
    }
    return { text, name, version: spec };
  }
  const bare = spec.startsWith('==') ? spec.slice(2) : spec;
  if (tryParseVersion(bare) === undefined) {
    throw invalid(text, `${JSON.stringify(spec)} is not a Go version (vX.Y.Z) or a PEP 440 version (==X.Y)`);
  }
  return { text, name: canonicalizeName(name), version: normalizeVersion(bare) };
}

function goNames(lock: Lock): Set<string> {
  return new Set(lock.go.entries.map((e) => e.module));
}

function pythonNames(lock: Lock): Set<string> {
  return new Set([
    ...(lock.distributions ?? []).map((d) => canonicalizeName(d.name)),
    ...lock.python.entries.map((e) => canonicalizeName(e.name)),
  ]);
}

/**
 * The lock whose pins `lock` prefers: `previous` without the pins the user lets move (all of them
 * when `all`). Go entries keep their hashes only when their version is kept (a version asked for
 * has none yet).
 *
 * @throws {MochiPkgError} `lock-upgrade-unknown` naming a request that matches no pin.
 */
export function preferredLock(
  previous: Lock | undefined,
  requests: readonly UpgradeRequest[],
  all: boolean,
): Lock | undefined {
  const go = previous === undefined ? new Set<string>() : goNames(previous);
  const py = previous === undefined ? new Set<string>() : pythonNames(previous);
  for (const r of requests) {
    const asPython = canonicalizeName(r.name);
    if (!go.has(r.name) && !py.has(asPython)) {
      throw new MochiPkgError(
        'lock-upgrade-unknown',
        `--upgrade-package ${JSON.stringify(r.text)}: ${r.name} is not a Go module or Python distribution in mochi.lock`,
        { hint: 'name a module path or distribution the lock pins (`mochi-pkg tree` lists them)' },
      );
    }
  }
  if (previous === undefined) return undefined;
  if (all) return { python: previous.python, go: { entries: [] }, distributions: [] };
  if (requests.length === 0) return previous;
  const goReq = new Map(requests.filter((r) => go.has(r.name)).map((r) => [r.name, r]));
  const pyReq = new Map(requests.map((r) => [canonicalizeName(r.name), r]));
  const goEntries: GoLockEntry[] = [];
  for (const e of previous.go.entries) {
    const r = goReq.get(e.module);
    if (r === undefined || e.source !== 'module-proxy') goEntries.push(e);
    else if (r.version !== undefined) {
      // An indirect module asked for at a version becomes a requirement at it, as `go get m@v`
      // writes `m v // indirect`; tidy keeps it while it provides a package.
      const { zipH1: _zip, modH1: _mod, ...rest } = e;
      goEntries.push({ ...rest, version: r.version, ...(e.indirect ? { require: true } : {}) });
    } else if (e.indirect) {
      // Without a version, it stays a requirement that moves to its `@upgrade` version
      // ({@link indirectUpgrades}), as `go get m` moves it: nothing imports it to re-resolve.
      goEntries.push({ ...e, require: true });
    }
  }
  const distributions = (previous.distributions ?? []).flatMap((d) => {
    const r = pyReq.get(canonicalizeName(d.name));
    if (r === undefined) return [d];
    return r.version === undefined || r.version.startsWith('v') ? [] : [{ ...d, version: r.version }];
  });
  return { ...previous, go: { entries: goEntries }, distributions };
}

/**
 * The indirect Go modules of `previous` that a request names without a version: `lock` moves
 * each to its `@upgrade` version (the newest release, never down), as `go get <module>` does.
 */
export function indirectUpgrades(
  previous: Lock | undefined,
  requests: readonly UpgradeRequest[],
): Set<string> {
  const asked = new Set(requests.filter((r) => r.version === undefined).map((r) => r.name));
  return new Set(
    (previous?.go.entries ?? [])
      .filter((e) => e.indirect && e.source === 'module-proxy' && asked.has(e.module))
      .map((e) => e.module),
  );
}

/**
 * The requests with a version that the new lock does not hold at that version.
 */
export function unmetRequests(requests: readonly UpgradeRequest[], lock: Lock): UpgradeRequest[] {
  return requests.filter((r) => {
    if (r.version === undefined) return false;
    const go = lock.go.entries.find((e) => e.module === r.name);
    if (go !== undefined) return go.version !== r.version;
    const dists = (lock.distributions ?? []).filter(
      (d) => canonicalizeName(d.name) === canonicalizeName(r.name),
    );
    return dists.length === 0 || dists.some((d) => normalizeVersion(d.version) !== r.version);
  });
}

function versionsOf(lock: Lock): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>([
    ['go', new Map()],
    ['python', new Map()],
  ]);
  for (const e of lock.go.entries) {
    if (e.version !== undefined) out.get('go')!.set(e.module, e.version);
  }
  const py = out.get('python')!;
  for (const d of lock.distributions ?? []) {
    const n = canonicalizeName(d.name);
    const v = py.get(n);
    py.set(n, v === undefined ? d.version : [...new Set([...v.split(', '), d.version])].sort().join(', '));
  }
  return out;
}

/** The Go module and Python distribution versions that differ from `before` to `after`, sorted. */
export function lockChanges(before: Lock | undefined, after: Lock): LockChange[] {
  const a = before === undefined ? new Map<string, Map<string, string>>() : versionsOf(before);
  const b = versionsOf(after);
  const out: LockChange[] = [];
  for (const ecosystem of ['go', 'python'] as const) {
    const x = a.get(ecosystem) ?? new Map<string, string>();
    const y = b.get(ecosystem)!;
    for (const name of [...new Set([...x.keys(), ...y.keys()])].sort()) {
      const from = x.get(name);
      const to = y.get(name);
      if (from === to) continue;
      out.push({
        ecosystem,
        name,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      });
    }
  }
  return out;
}
