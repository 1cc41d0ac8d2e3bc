// [[python-package]] entries of mochi.lock: model, render, parse, diff, capabilities.

export {
  LockfileError,
  type LockfileErrorCode,
  type LockfileLocation,
  MAX_LOCK_BYTES,
} from '../../lock/errors.js';
export { LOCK_HEADER } from '../../lock/render.js';
export { CAPABILITIES, type Capability, extractCapabilities, isCapability } from './capabilities.js';
export {
  check,
  compareManifests,
  type DiffEntry,
  type DiffKind,
  formatDiffEntry,
  LockDriftError,
} from './diff.js';
export {
  compareEntries,
  entryKey,
  FIELD_ORDER,
  isSource,
  type LockEntry,
  type LockField,
  type Manifest,
  SCHEMA_VERSION,
  SOURCES,
  type Source,
  sortManifest,
} from './entry.js';
export { type FromBuildOptions, fromBuildResult, type Resolution } from './fromBuild.js';
export { type ParseOptions, parseToml } from './parse.js';
export { renderToml } from './render.js';
