// An index as the resolver's package source, per target: wheels that fit, their metadata (PEP 658 or METADATA), cached.
import { normalizeName } from '../importspec/index.js';
import type { TargetPlatform } from '../lockfile/target.js';
import {
  canonicalizeVersion,
  contains,
  specifierSetToString,
  tryParseSpecifierSet,
  tryParseVersion,
} from '../pep440/index.js';
import {
  defaultEnvironment,
  evaluateMarker,
  type MarkerEnvironment,
  MarkerEvaluationError,
  tryParseRequirement,
} from '../pep508/index.js';
import type { Dependencies, Dependency, PackageSource } from '../resolver/types.js';
import { RegistryError } from './errors.js';
import type { IndexSession } from './session.js';
import type { DistributionFile, ProjectPage } from './simple.js';
import { DEFAULT_TARGET, parseWheelName, tagRanks, type WheelTarget, wheelRank } from './tags.js';

export { IndexSession, type IndexSessionOptions } from './session.js';

/** A platform a lock can target (its `sys.platform` name); the wheels it accepts are {@link closureTarget}'s. */
export type { TargetPlatform };

/** One environment the lock covers: CPython X.Y on a platform. */
export interface ClosureTarget {
  /** `<X.Y>-<platform>`, e.g. `3.12-linux`: how the lock names it. */
  readonly id: string;
  readonly python: readonly [number, number];
  readonly platform: TargetPlatform;
  /** The wheel tags it accepts, most preferred first. */
  readonly wheel: WheelTarget;
  /** Marker variables (PEP 508) of the target. */
  readonly env: MarkerEnvironment;
}

/**
 * macOS 14 on Apple silicon, as packaging's `mac_platforms((14, 0), "arm64")` lists it: arm64 and
 * universal2 from 14.0 down to 11.0, then universal2 back to 10.4 (a universal2 wheel's x86-64 half
 * may claim an older macOS; its arm64 half still runs).
 */
function macPlatforms(): string[] {
  const out: string[] = [];
  for (let major = 14; major >= 11; major--) {
    out.push(`macosx_${major}_0_arm64`, `macosx_${major}_0_universal2`);
  }
  for (let minor = 16; minor >= 4; minor--) out.push(`macosx_10_${minor}_universal2`);
  return out;
}

/**
 * The target for CPython `python` on `platform`: linux is x86-64 (every manylinux 2.39 down to
 * manylinux1, then linux), darwin is Apple silicon (macOS 14 down to 11, arm64 and universal2, then
 * universal2 down to 10.4),
 * win32 is 64-bit Windows (win_amd64).
 *
 * @throws {RegistryError} `registry-bad-target` for another platform
 */
export function closureTarget(python: readonly [number, number], platform: string): ClosureTarget {
  let platforms: string[];
  if (platform === 'linux') platforms = [...DEFAULT_TARGET.platforms];
  else if (platform === 'darwin') platforms = macPlatforms();
  else if (platform === 'win32') platforms = ['win_amd64'];
  else {
    throw new RegistryError(
      'registry-bad-target',
      `the target platform ${JSON.stringify(platform)} is unknown`,
      {
        hint: 'use linux, darwin or win32',
      },
    );
  }
  const version = `${python[0]}.${python[1]}`;
  return {
    id: `${version}-${platform}`,
    python: [python[0], python[1]],
    platform: platform as TargetPlatform,
    wheel: { python: [python[0], python[1]], platforms },
    env: { ...defaultEnvironment(version, platforms[0]!) },
  };
}

/** A usable wheel of a release for one target. */
interface WheelChoice {
  readonly file: DistributionFile;
  readonly rank: number;
  readonly build: number;
  /** Position on the page: of two wheels pip ranks the same, it takes the later. */
  readonly index: number;
  /** The version as this file's name spells it. */
  readonly version: string;
}

/**
 * One index seen from one target, as the resolver's {@link PackageSource}: a release counts when it
 * has a wheel for the target whose `Requires-Python` (on the page) admits the target's Python;
 * its requirements are read from that wheel's metadata, markers evaluated for the target.
 * Source distributions are never used (building them is out of scope).
 */
export class TargetSource implements PackageSource {
  private readonly ranks: ReadonlyMap<string, number>;
  private readonly releases = new Map<string, Promise<Map<string, WheelChoice[]>>>();
  private readonly pythonVersion: string;

  constructor(
    private readonly session: IndexSession,
    readonly indexUrl: string,
    readonly target: ClosureTarget,
  ) {
    this.ranks = tagRanks(target.wheel);
    this.pythonVersion = `${target.python[0]}.${target.python[1]}`;
  }

  private release(name: string): Promise<Map<string, WheelChoice[]>> {
    let p = this.releases.get(name);
    if (!p) {
      p = this.session.page(this.indexUrl, name).then((page) => this.group(name, page));
      this.releases.set(name, p);
    }
    return p;
  }

  /** Projects whose page lists files but none usable on the target: name → a few of those files. */
  private readonly wheelless = new Map<string, string[]>();

  /** Projects with versions whose page `Requires-Python` excludes the target: name → `version (Requires-Python spec)`. */
  private readonly otherPython = new Map<string, string[]>();

  /**
   * The lines for the end of a conflict message, empty when there is none: one per project the
   * index has files for but no wheel this target can use (sdists are never built), and one per
   * project with versions left out for their `Requires-Python` (pip's "Ignored the following
   * versions that require a different python version").
   */
  async notes(): Promise<string> {
    await Promise.allSettled([...this.releases.values()]);
    const byName = ([a]: [string, string[]], [b]: [string, string[]]) => (a < b ? -1 : a > b ? 1 : 0);
    const some = (list: readonly string[]) => `${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}`;
    return [
      ...[...this.wheelless]
        .sort(byName)
        .map(
          ([name, files]) =>
            `note: ${name} has no wheel for target ${this.target.id} (the index has ${some(files)}); building source distributions is not supported`,
        ),
      ...[...this.otherPython]
        .sort(byName)
        .map(
          ([name, versions]) =>
            `note: ${name} ${some(versions)} left out: ${versions.length === 1 ? 'it requires' : 'they require'} a Python other than ${this.pythonVersion} (target ${this.target.id})`,
        ),
    ].join('\n');
  }

  private group(name: string, page: ProjectPage): Map<string, WheelChoice[]> {
    const byVersion = new Map<string, WheelChoice[]>();
    const other: string[] = [];
    for (const [index, file] of page.files.entries()) {
      const wheel = parseWheelName(file.filename);
      if (wheel === undefined || wheel.name !== name) {
        other.push(file.filename);
        continue;
      }
      if (file.requiresPython !== undefined) {
        const rp = tryParseSpecifierSet(file.requiresPython);
        if (rp !== undefined && !contains(rp, this.pythonVersion, { prereleases: true })) {
          const list = this.otherPython.get(name) ?? [];
          const entry = `${wheel.version} (Requires-Python ${file.requiresPython})`;
          if (!list.includes(entry)) list.push(entry);
          this.otherPython.set(name, list);
          continue;
        }
      }
      const rank = wheelRank(wheel, this.ranks);
      if (rank === undefined) {
        other.push(file.filename);
        continue;
      }
      // One release however its files spell the version (`1.0`, `1.0.0`), as pip compares them.
      const key =
        tryParseVersion(wheel.version) === undefined ? wheel.version : canonicalizeVersion(wheel.version);
      const list = byVersion.get(key) ?? [];
      list.push({ file, rank, build: wheel.build?.[0] ?? -1, index, version: wheel.version });
      byVersion.set(key, list);
    }
    if (byVersion.size === 0 && other.length > 0) this.wheelless.set(name, other.sort());
    const out = new Map<string, WheelChoice[]>();
    for (const list of byVersion.values()) {
      // pip's order: not yanked, best tag, highest build tag, then the later on the page.
      list.sort(
        (a, b) =>
          Number(a.file.yanked !== false) - Number(b.file.yanked !== false) ||
          a.rank - b.rank ||
          b.build - a.build ||
          b.index - a.index,
      );
      // The release is named as its best wheel spells it: the version pip reports.
      out.set(list[0]!.version, list);
    }
    return out;
  }

  prefetch(names: readonly string[]): void {
    for (const n of names) void this.release(n).catch(() => {});
  }

  async versions(name: string) {
    const rel = await this.release(name);
    return [...rel].map(([version, files]) => ({
      version,
      yanked: files.every((f) => f.file.yanked !== false),
    }));
  }

  /** `name version extra` for each extra a release was asked for but does not declare. */
  private readonly undeclared = new Set<string>();

  /**
   * True when {@link dependencies} was asked for an extra of this release that its metadata does
   * not declare (`Provides-Extra`): pip 23 warns "<name> <version> does not provide the extra …".
   */
  undeclaredExtra(name: string, version: string, extra: string): boolean {
    return this.undeclared.has(`${name} ${version} ${extra}`);
  }

  /** The wheel pip would install for this release on this target. */
  async wheel(name: string, version: string): Promise<DistributionFile> {
    const file = (await this.release(name)).get(version)?.[0]?.file;
    if (file === undefined) throw new Error(`internal: no wheel of ${name} ${version} for ${this.target.id}`);
    return file;
  }

  async dependencies(name: string, version: string, extra: string | undefined): Promise<Dependencies> {
    const file = await this.wheel(name, version);
    const meta = await this.session.metadata(this.indexUrl, file);
    if (meta.requiresPython !== undefined) {
      const rp = tryParseSpecifierSet(meta.requiresPython);
      if (rp !== undefined && !contains(rp, this.pythonVersion, { prereleases: true })) {
        return {
          kind: 'unusable',
          reason: `requires Python ${meta.requiresPython} (the target ${this.target.id} has ${this.pythonVersion})`,
        };
      }
    }
    // pip 23 takes an extra's requirements only when the metadata declares it (Provides-Extra); an
    // extra it does not declare adds nothing, and pip warns (see undeclaredExtra).
    if (extra !== undefined && !meta.providesExtra.some((x) => normalizeName(x) === extra)) {
      this.undeclared.add(`${name} ${version} ${extra}`);
      return { kind: 'ok', dependencies: [] };
    }
    const out: Dependency[] = [];
    for (const text of meta.requiresDist) {
      const req = tryParseRequirement(text);
      if (req === undefined) {
        return {
          kind: 'unusable',
          reason: `has an invalid requirement ${JSON.stringify(text)} in its metadata`,
        };
      }
      const env = { ...this.target.env, extra: extra ?? '' };
      let active: boolean;
      let inBase: boolean;
      try {
        active = req.marker === undefined || evaluateMarker(req.marker, env);
        inBase = req.marker === undefined || evaluateMarker(req.marker, { ...env, extra: '' });
      } catch (e) {
        if (!(e instanceof MarkerEvaluationError)) throw e;
        return {
          kind: 'unusable',
          reason: `has a requirement ${JSON.stringify(text)} whose marker cannot be evaluated: ${e.message}`,
        };
      }
      if (!active) continue;
      if (extra !== undefined && inBase) continue; // a base requirement: the base package carries it
      if (req.url !== undefined) {
        return {
          kind: 'unusable',
          reason: `requires ${JSON.stringify(text)}, a direct URL, which resolution from an index does not follow`,
        };
      }
      out.push({
        name: req.normalizedName,
        extras: [...new Set(req.extras.map(normalizeName))].sort(),
        specifier: specifierSetToString(req.specifier),
        requirement: text.trim(),
      });
    }
    return { kind: 'ok', dependencies: out };
  }
}
