// Choosing a version and a wheel from a project page, the way pip does (pure, no I/O).
import { normalizeName } from '../importspec/index.js';
import {
  bestVersion,
  compareVersions,
  contains,
  parseSpecifierSet,
  type SpecifierSet,
  tryParseSpecifierSet,
  tryParseVersion,
} from '../pep440/index.js';
import { RegistryError } from './errors.js';
import type { DistributionFile, ProjectPage } from './simple.js';
import {
  DEFAULT_TARGET,
  parseWheelName,
  sdistVersion,
  tagRanks,
  type WheelTarget,
  wheelRank,
} from './tags.js';

/** What {@link selectRelease} decided. */
export interface Selection {
  /** The chosen version, as the file name spells it. */
  readonly version: string;
  /** The best wheel of that version for the target, or undefined when it has only sdists. */
  readonly wheel: DistributionFile | undefined;
}

/** True when the set pins one exact version (`==1.2.3` or `===1.2.3`): yanked files become eligible (PEP 592). */
export function isExactPin(set: SpecifierSet): boolean {
  if (set.specifiers.length !== 1) return false;
  const s = set.specifiers[0]!;
  return s.operator === '===' || (s.operator === '==' && !s.version.endsWith('.*'));
}

interface Candidate {
  readonly version: string;
  readonly file: DistributionFile;
  /** Tag rank for wheels; undefined for sdists. */
  readonly rank: number | undefined;
  readonly build: readonly [number, string] | undefined;
}

/**
 * Picks the version pip would install for `specifier` from `page` and the best wheel of it:
 * files must belong to the project, have a PEP 440 version, not be yanked (unless the specifier
 * pins exactly), and admit the target Python through `Requires-Python` (an invalid one is ignored,
 * as pip does). Versions count when they have a compatible wheel or an sdist; the highest that
 * satisfies the specifier wins (PEP 440 pre-release rules). Its wheel is the one whose best tag
 * ranks first, then the highest build tag, then the file name.
 *
 * @throws {RegistryError} `registry-no-version`, listing the versions that exist and why others were left out.
 */
export function selectRelease(
  page: ProjectPage,
  specifier: string,
  target: WheelTarget = DEFAULT_TARGET,
  indexLabel = '',
): Selection {
  const set = parseSpecifierSet(specifier);
  const pinned = isExactPin(set);
  const ranks = tagRanks(target);
  const pythonVersion = `${target.python[0]}.${target.python[1]}`;
  const project = normalizeName(page.name);
  const seen = new Set<string>();
  let yankedOut = 0;
  let pythonOut = 0;
  let platformOut = 0;
  const candidates: Candidate[] = [];
  for (const file of page.files) {
    const wheel = parseWheelName(file.filename);
    const version = wheel
      ? wheel.name === project
        ? wheel.version
        : undefined
      : sdistVersion(file.filename, project);
    if (version === undefined) continue;
    seen.add(version);
    if (file.yanked !== false && !pinned) {
      yankedOut++;
      continue;
    }
    if (file.requiresPython !== undefined) {
      const rp = tryParseSpecifierSet(file.requiresPython);
      if (rp !== undefined && !contains(rp, pythonVersion)) {
        pythonOut++;
        continue;
      }
    }
    const rank = wheel ? wheelRank(wheel, ranks) : undefined;
    if (wheel && rank === undefined) {
      platformOut++;
      continue;
    }
    candidates.push({ version, file, rank, build: wheel?.build });
  }
  const best = bestVersion(
    set,
    candidates.map((c) => c.version),
  );
  if (best === undefined) {
    const exist = [...seen]
      .map((v) => ({ v, p: tryParseVersion(v)! }))
      .sort((a, b) => compareVersions(a.p, b.p))
      .map((x) => x.v);
    const shown = exist.length > 30 ? ['…', ...exist.slice(-30)] : exist;
    const why: string[] = [];
    if (yankedOut) why.push(`${yankedOut} yanked file(s) skipped`);
    if (pythonOut) why.push(`${pythonOut} file(s) require a Python other than ${pythonVersion}`);
    if (platformOut) why.push(`${platformOut} wheel(s) not for this platform`);
    const on = indexLabel === '' ? '' : ` on ${indexLabel}`;
    throw new RegistryError(
      'registry-no-version',
      `no version of ${project}${on} matches ${JSON.stringify(specifier === '' ? '(any)' : specifier)}; ` +
        (exist.length === 0
          ? 'the project lists no installable files'
          : `versions there: ${shown.join(', ')}`) +
        (why.length ? ` (${why.join('; ')})` : ''),
      { hint: 'widen the specifier in the import, or check the index URL' },
    );
  }
  const bestParsed = tryParseVersion(best)!;
  const same = candidates.filter((c) => compareVersions(tryParseVersion(c.version)!, bestParsed) === 0);
  const wheels = same.filter((c) => c.rank !== undefined);
  wheels.sort(
    (a, b) =>
      a.rank! - b.rank! ||
      (b.build?.[0] ?? -1) - (a.build?.[0] ?? -1) ||
      (a.file.filename < b.file.filename ? -1 : a.file.filename > b.file.filename ? 1 : 0),
  );
  return { version: same[0]!.version, wheel: wheels[0]?.file };
}
