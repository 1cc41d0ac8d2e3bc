// Python package indexes (PEP 691 JSON / PEP 503 HTML) and wheels as a stub provider.

export { isExactPin } from '../pep440/index.js';
export {
  defaultPythonCacheRoot,
  PYTHON_CACHE_ENV,
  RegistryCache,
} from './cache.js';
export {
  DEFAULT_INDEX_URL,
  type FetchLike,
  INDEX_URL_ENV,
  IndexClient,
  type IndexClientOptions,
  normalizeIndexUrl,
  registryIndexUrl,
} from './client.js';
export {
  type ClosureTarget,
  closureTarget,
  IndexSession,
  type IndexSessionOptions,
  type TargetPlatform,
  TargetSource,
} from './closure.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export { type ClosureRequest, type ClosureRoot, resolveClosure } from './lockClosure.js';
export { type CoreMetadata, MAX_METADATA_BYTES, parseCoreMetadata, readWheelMetadata } from './metadata.js';
export {
  RegistryResolver,
  type RegistryResolverOptions,
  type ResolvedStubs,
  type StubRequest,
  type UsedDistribution,
  verifyDownload,
} from './resolve.js';
export { type Selection, selectRelease } from './select.js';
export {
  ACCEPT,
  API_VERSION,
  type DistributionFile,
  type ProjectPage,
  parseHtmlPage,
  parseJsonPage,
  parseProjectPage,
} from './simple.js';
export {
  DEFAULT_TARGET,
  parseWheelName,
  sdistVersion,
  supportedTags,
  type WheelName,
  type WheelTarget,
} from './tags.js';
export { extractWheelStubs, unsafeEntryName, type WheelLimits, type WheelStubs } from './wheel.js';
