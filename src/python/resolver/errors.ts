// Typed errors of dependency resolution.
import { type ErrorOptions, MochiPkgError, redactUrls } from '../../errors.js';

/**
 * Stable codes of {@link ResolverError}:
 *
 * - `resolver-conflict` — no set of versions satisfies every requirement; the message is the
 *   derivation (PubGrub style) from the imports at the root to the contradiction.
 * - `resolver-too-many-steps` — the search was cut off before it finished (hostile or huge index).
 * - `resolver-bad-requirement` — a distribution's metadata holds a requirement that cannot be used
 *   (not PEP 508, a direct URL, an invalid specifier).
 * - `resolver-no-wheel` — a chosen release has no wheel for one of the project's targets.
 */
export type ResolverErrorCode =
  | 'resolver-conflict'
  | 'resolver-too-many-steps'
  | 'resolver-bad-requirement'
  | 'resolver-no-wheel';

/** Every error of the resolver. Messages never hold credentials (URLs are redacted). */
export class ResolverError extends MochiPkgError {
  declare readonly code: ResolverErrorCode;
  constructor(code: ResolverErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, redactUrls(message), options);
  }
}
