// The typed errors of `serve`: bad configuration, a failing store, an upstream artifact that fails verification.
import { MochiPkgError } from '../errors.js';

/** Codes of {@link ServeError}. */
export type ServeErrorCode = 'serve-config' | 'serve-storage' | 'serve-verify';

/**
 * A `serve` failure: `serve-config` (a flag or setting that cannot work), `serve-storage` (the
 * store refused or failed an operation), `serve-verify` (an upstream artifact failed its hash,
 * checksum-database or size check and was neither stored nor served).
 */
export class ServeError extends MochiPkgError {
  constructor(code: ServeErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}
