// Choosing a version and a wheel from a project page, the way pip does (pure, no I/O).
import { normalizeName } from '../importspec/index.js';
import {
  bestVersion,
  compareVersions,
  contains,
  filterVersions,
  isExactPin,
  parseSpecifierSet,
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

interface Candidate {
  readonly version: string;
  readonly file: DistributionFile;
  /** Position on the page: pip prefers the later of two files it otherwise ranks equal. */
  readonly index: number;
  /** Tag rank for wheels; undefined for sdists. */
  readonly rank: number | undefined;
  readonly build: readonly [number, string] | undefined;
}

/**
 * Picks the version pip would install for `specifier` from `page` and the best wheel of it:
 * files must belong to the project, have a PEP 440 version and admit the target Python through
 * `Requires-Python` (an invalid one is ignored, as pip does). Versions count when they have a
 * compatible wheel or an sdist, and satisfy the specifier (PEP 440 pre-release rules, over every
 * such file, yanked or not). Yanked files are then left out, unless every file that satisfies is
 * yanked and the specifier pins an exact version ({@link isExactPin}), as pip 23 does (PEP 592).
 * The highest version wins; its wheel is the one whose best tag ranks first, then the highest
 * build tag, then the one later on the page.
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
  let pythonOut = 0;
  let platformOut = 0;
  const candidates: Candidate[] = [];
  for (const [index, file] of page.files.entries()) {
    const wheel = parseWheelName(file.filename);
    const version = wheel
      ? wheel.name === project
        ? wheel.version
        : undefined
      : sdistVersion(file.filename, project);
    if (version === undefined) continue;
    seen.add(version);
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
    candidates.push({ version, file, index, rank, build: wheel?.build });
  }
  const satisfying = new Set(
    filterVersions(
      set,
      candidates.map((c) => c.version),
    ),
  );
  const applicable = candidates.filter((c) => satisfying.has(c.version));
  const yankedAllowed = pinned && applicable.every((c) => c.file.yanked !== false);
  const usable = applicable.filter((c) => yankedAllowed || c.file.yanked === false);
  const yankedOut = yankedAllowed ? 0 : candidates.filter((c) => c.file.yanked !== false).length;
  const best = bestVersion(
    '',
    usable.map((c) => c.version),
    { prereleases: true },
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
  const same = usable.filter((c) => compareVersions(tryParseVersion(c.version)!, bestParsed) === 0);
  const wheels = same.filter((c) => c.rank !== undefined);
  wheels.sort(
    (a, b) => a.rank! - b.rank! || (b.build?.[0] ?? -1) - (a.build?.[0] ?? -1) || b.index - a.index,
  );
  return { version: same[0]!.version, wheel: wheels[0]?.file };
}
