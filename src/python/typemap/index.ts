// mochi-pkg/python typemap: MochiType rendering and the lowering of .pyi annotations, with skip reasons.
export {
  type ClassNamer,
  exprText,
  type LowerContext,
  type LowerResult,
  lowerType,
  MAX_TYPE_DEPTH,
  type Refusal,
} from './lower.js';
export { SKIP_REASONS } from './reasons.js';
export { iface, optional, record, render, renderMember, scalar, union } from './render.js';
export {
  absoluteModule,
  type Binding,
  type ExternalModules,
  PackageScope,
  type Resolution,
} from './scope.js';
export type * from './types.js';
