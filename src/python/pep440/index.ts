// PEP 440 versions and specifiers, in agreement with pip's packaging (the 21.3 vendored by pip 23).
export {
  bestVersion,
  contains,
  filterVersions,
  InvalidSpecifierError,
  type Operator,
  type PrereleaseOptions,
  parseSpecifier,
  parseSpecifierSet,
  type Specifier,
  type SpecifierSet,
  specifierProblem,
  tryParseSpecifier,
  tryParseSpecifierSet,
} from './specifier.js';
export {
  baseVersion,
  canonicalizeVersion,
  compareVersions,
  InvalidVersionError,
  isPrerelease,
  type LetterNumber,
  normalizeVersion,
  parseVersion,
  publicVersion,
  tryParseVersion,
  type Version,
} from './version.js';
