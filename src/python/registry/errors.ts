// Typed errors of index resolution: stable codes, the import and URL named, credentials redacted.
import { type ErrorOptions, MochiPkgError, redactUrls } from '../../errors.js';

/**
 * Stable codes of {@link RegistryError}:
 *
 * - `registry-bad-url` — the index URL or a file URL on a page is not http(s) or file.
 * - `registry-unreachable` — the index could not be reached (network error, timeout, missing file).
 * - `registry-http` — the index answered with an unexpected HTTP status.
 * - `registry-not-found` — the index has no such project (404).
 * - `registry-api-version` — the page speaks a Simple API major version we do not know.
 * - `registry-bad-page` — the project page is malformed (JSON, HTML or content type).
 * - `registry-too-large` — a page or a distribution exceeds its size cap.
 * - `registry-no-version` — no version satisfies the specifier; the message lists what exists.
 * - `registry-no-wheel` — the chosen version has no wheel for the target Python.
 * - `registry-unhashed` — the index gives no sha256 for the file, so it cannot be verified.
 * - `registry-hash-mismatch` / `registry-size-mismatch` — the download is not what the index said.
 * - `registry-bad-wheel` — the wheel is not a safe, well-formed zip (traversal, bombs, corruption).
 * - `registry-no-stubs` — neither the distribution nor a stub-only package has type information.
 * - `registry-offline` — `--offline` and what is needed is not in the cache.
 * - `registry-bad-metadata` — a distribution's core metadata (METADATA or PEP 658 file) is unusable.
 * - `registry-bad-target` — a lock target names a platform this client does not know.
 */
export type RegistryErrorCode =
  | 'registry-bad-url'
  | 'registry-unreachable'
  | 'registry-http'
  | 'registry-not-found'
  | 'registry-api-version'
  | 'registry-bad-page'
  | 'registry-too-large'
  | 'registry-no-version'
  | 'registry-no-wheel'
  | 'registry-unhashed'
  | 'registry-hash-mismatch'
  | 'registry-size-mismatch'
  | 'registry-bad-wheel'
  | 'registry-no-stubs'
  | 'registry-offline'
  | 'registry-bad-metadata'
  | 'registry-bad-target';

/** Every error of the registry layer. Messages never hold credentials (URLs are redacted). */
export class RegistryError extends MochiPkgError {
  declare readonly code: RegistryErrorCode;
  constructor(code: RegistryErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, redactUrls(message), options);
  }

  /**
   * The same error with the import that caused it in front: `import python "httpx@>=1" (app.mochi:3): …`.
   * Used by the resolver so that every failure names the declaration a user has to look at.
   */
  withImport(where: string): RegistryError {
    const e = new RegistryError(this.code, `${where}: ${this.message}`, {
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      cause: this.cause ?? this,
    });
    return e;
  }
}
