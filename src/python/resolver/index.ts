// Dependency resolution of a Python closure: PubGrub over an injected package source, with explanations.
export { ResolverError, type ResolverErrorCode } from './errors.js';
export { resolve } from './solver.js';
export type {
  CandidateVersion,
  Dependencies,
  Dependency,
  PackageSource,
  Resolution,
  ResolvedDistribution,
  ResolveInput,
} from './types.js';
