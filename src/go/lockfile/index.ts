// [[go-package]] entries of mochi.lock: `import go` specs, model, render, parse, diff, go.sum, and pinning through the cache.

export {
  BRIDGE_GO_VERSION,
  BRIDGE_MODULE,
  type BuildListOptions,
  type BuildListResult,
  lockBuildList,
  replaceDir,
} from './buildlist.js';
export {
  type ChecksumMismatch,
  checksumMismatches,
  compareGoManifests,
  GoChecksumError,
  type GoDiffEntry,
} from './diff.js';
export {
  compareGoEntries,
  GO_FIELD_ORDER,
  GO_SOURCES,
  GO_TABLE,
  type GoLockEntry,
  type GoLockField,
  type GoManifest,
  type GoSource,
  graphModVersion,
  pathModuleVersion,
  sortGoManifest,
} from './entry.js';
export { type FillOptions, type FillResult, fillCache } from './fill.js';
export { renderGoMod } from './gomod.js';
export { renderGoSum } from './gosum.js';
export { decodeGoPackages } from './parse.js';
export {
  type GoImport,
  GoPinError,
  type PinnedModule,
  type PinOptions,
  type PinResult,
  type PinWarning,
  pinGoImports,
  resolveQuery,
} from './pin.js';
export { renderGoTables } from './render.js';
export {
  type GoImportSpec,
  GoImportSpecError,
  type GoQuery,
  isGoQuery,
  isStandardImportPath,
  matchesQuery,
  parseGoImportSpec,
} from './spec.js';
