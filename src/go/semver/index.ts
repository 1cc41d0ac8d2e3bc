// Go's semver dialect (golang.org/x/mod/semver): parse, compare, sort.
export { compare, compareStrings } from './compare.js';
export {
  build,
  canonical,
  InvalidVersionError,
  type InvalidVersionReason,
  isPrerelease,
  isPseudoVersion,
  isValid,
  MAX_VERSION_LENGTH,
  major,
  parse,
  prerelease,
  tryParse,
  type Version,
} from './parse.js';
export { MAX_SORT_LENGTH, max, sort } from './sort.js';
