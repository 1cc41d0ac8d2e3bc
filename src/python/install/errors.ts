// Typed errors of installing locked wheels into a project environment.
import { type ErrorOptions, MochiPkgError } from '../../errors.js';

/**
 * Stable codes of {@link InstallError}:
 *
 * - `install-bad-wheel` — the wheel cannot be installed safely: an unsafe or duplicate path, a
 *   symlink or special file, an unknown `.data` key, a missing or malformed `.dist-info`.
 * - `install-record-mismatch` — RECORD does not match the archive (a file without a row, a row
 *   without a file, a wrong hash or size, a weak hash algorithm).
 * - `install-bad-entry-point` — a console or GUI entry point is not `name = module:attr`.
 * - `install-conflict` — two distributions of one environment install the same file.
 * - `install-store-corrupt` — an unpacked wheel in the store no longer matches its manifest.
 */
export type InstallErrorCode =
  | 'install-bad-wheel'
  | 'install-record-mismatch'
  | 'install-bad-entry-point'
  | 'install-conflict'
  | 'install-store-corrupt';

/** A wheel cannot be installed as the lock asks. The message names the wheel and the member. */
export class InstallError extends MochiPkgError {
  declare readonly code: InstallErrorCode;
  constructor(code: InstallErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}
