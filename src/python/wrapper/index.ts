// mochi-pkg/python wrapper: surface -> wrapper items and skips; the shim, its SHA-256, capabilities.
export {
  MANIFEST_FILE,
  renderSkipped,
  SHIM_FILE,
  SKIPPED_FILE,
  type WrapperFolderInput,
  wrapperFiles,
} from './files.js';
export { renderClassMember, renderShim, shimSha256 } from './shim.js';
export type * from './types.js';
export {
  MOCHI_KEYWORDS,
  mochiName,
  publicNames,
  type WrapOptions,
  WrapperError,
  wrapModule,
} from './wrap.js';
