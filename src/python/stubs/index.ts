// .pyi source -> stub surface, parser-backed (tree-sitter-python); see parser.ts for why this parser.
export { DEFAULT_TARGET } from './condition.js';
export {
  MAX_PACKAGE_FILES,
  MAX_STUB_BYTES,
  StubLoadError,
  type StubLoadErrorCode,
  StubParseError,
  type StubParseErrorCode,
} from './errors.js';
export { MAX_BLOCK_DEPTH } from './extract.js';
export { decodeStub, type ReadStubOptions, readStubFiles } from './load.js';
export {
  loadStubParser,
  type ModuleLocation,
  moduleForPath,
  type ParseModuleOptions,
  type ParsePackageOptions,
  parseModule,
  parsePackage,
  StubParser,
} from './parse.js';
export { type ParsePackagesOptions, parsePackages } from './pool.js';
export { MAX_TYPE_DEPTH } from './typeexpr.js';
export type * from './types.js';
