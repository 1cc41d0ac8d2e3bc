// Typed errors of the module cache: a corrupt entry, and a download that disagrees with a stored one.
import { MochiPkgError } from '../../errors.js';

/**
 * A cache entry fails verification: a file is missing, or the zip no longer hashes to its
 * `.ziphash` sidecar. Code `cache-corrupt`. Treat it as a miss: remove the entry and download again.
 */
export class CacheCorruptError extends MochiPkgError {
  readonly module: string;
  readonly version: string;
  /** The file that is missing or wrong. */
  readonly path: string;
  constructor(module: string, version: string, path: string, what: string, cause?: unknown) {
    super('cache-corrupt', `${module}@${version}: cache entry is corrupt: ${what} (${path})`, {
      hint: 'remove the entry (`mochi-pkg go verify --fix` does) and download it again',
      cause,
    });
    this.module = module;
    this.version = version;
    this.path = path;
  }
}

/**
 * A freshly downloaded zip hashes differently from the verified zip already in the cache for the
 * same module version. Code `cache-conflict`. The stored zip is kept (trust on first use): a proxy
 * that serves different bytes for a published version is either broken or hostile.
 */
export class CacheConflictError extends MochiPkgError {
  readonly module: string;
  readonly version: string;
  readonly stored: string;
  readonly downloaded: string;
  constructor(module: string, version: string, stored: string, downloaded: string) {
    super(
      'cache-conflict',
      `${module}@${version}: downloaded zip hashes to ${downloaded} but the cache holds ${stored}`,
      {
        hint: 'the proxy changed a published version; check GOPROXY, or remove the cached entry to accept it',
      },
    );
    this.module = module;
    this.version = version;
    this.stored = stored;
    this.downloaded = downloaded;
  }
}
