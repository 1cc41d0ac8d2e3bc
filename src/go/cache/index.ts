// The verify-on-store module cache laid out like GOMODCACHE/cache/download.
export { type DownloadOptions, type DownloadResult, download } from './download.js';
export { CacheConflictError, CacheCorruptError } from './errors.js';
export {
  checkAndHashZip,
  defaultHashThreads,
  inlineHasher,
  type ThreadHasher,
  threadHasher,
  type ZipHasher,
  zipRejection,
} from './hasher.js';
export { type Artifact, artifactPath, CACHE_ENV, defaultCacheRoot, listPath, versionDir } from './layout.js';
export { publishNoReplace } from './publish.js';
export {
  Cache,
  type CacheEntry,
  fingerprintBytes,
  STALE_TEMP_MS,
  type ZipFiller,
  type ZipSource,
} from './store.js';
