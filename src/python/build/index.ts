// mochi-pkg/python build: import targets and stub sources -> wrappers, shims and their SHA-256.
export {
  BuildError,
  type BuildOptions,
  build,
  buildWith,
  DEFAULT_PYTHON,
  type ParsePackage,
  validateRequest,
} from './build.js';
export { bundledTypeshed, typeshedExternals } from './externals.js';
export { type Inspection, type InspectOptions, inspectStubs } from './inspect.js';
export type * from './types.js';
