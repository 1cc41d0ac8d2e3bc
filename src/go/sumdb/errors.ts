// The one error class of the checksum database client, with its stable codes.
import { MochiPkgError } from '../../errors.js';

/** Stable codes of {@link SumdbError}. */
export type SumdbErrorCode =
  | 'sumdb-config'
  | 'sumdb-key-invalid'
  | 'sumdb-note-malformed'
  | 'sumdb-unknown-key'
  | 'sumdb-bad-signature'
  | 'sumdb-malformed'
  | 'sumdb-security'
  | 'sumdb-http'
  | 'sumdb-timeout'
  | 'sumdb-locked';

/** An error of the checksum database protocol (notes, tlog, client). */
export class SumdbError extends MochiPkgError {
  declare readonly code: SumdbErrorCode;
  /** For `sumdb-http`: the HTTP status the database answered, when it answered. */
  readonly status: number | undefined;
  constructor(
    code: SumdbErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown; status?: number } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
  }
}
