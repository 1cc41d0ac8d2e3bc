// Typed errors of dependency resolution.
import { type ErrorOptions, MochiPkgError, redactUrls } from '../../errors.js';

/**
 * Stable codes of {@link ResolverError}:
 *
 * - `resolver-conflict` — no set of versions satisfies every requirement; the message is the
 *   derivation (PubGrub style) from the imports at the root to the contradiction.
 * - `resolver-too-many-steps` — the search was cut off before it finished (hostile or huge index).
 * - `resolver-index-conflict` — two imports take one name, or one index id, from different indexes.
 *
 * A release whose metadata cannot be used (an invalid requirement, a direct URL, a marker that
 * cannot be evaluated, a Requires-Python that excludes the target) is not an error of its own: it
 * is left out, and the conflict explanation says why if that matters.
 */
export type ResolverErrorCode = 'resolver-conflict' | 'resolver-too-many-steps' | 'resolver-index-conflict';

/** Every error of the resolver. Messages never hold credentials (URLs are redacted). */
export class ResolverError extends MochiPkgError {
  declare readonly code: ResolverErrorCode;
  constructor(code: ResolverErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, redactUrls(message), options);
  }
}
