// Module path and version rules and the proxy escape codec (golang.org/x/mod/module).
export {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  InvalidModuleVersionError,
  InvalidPathError,
  MAX_PATH_LENGTH,
  type PathKind,
  type PathRule,
  splitPathVersion,
  versionFitsPath,
} from './check.js';
export {
  type EscapedPath,
  type EscapedVersion,
  escapePath,
  escapeVersion,
  InvalidEscapedError,
  unescapePath,
  unescapeVersion,
} from './escape.js';
