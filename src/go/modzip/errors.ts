// Typed errors of module-zip reading, checking, extracting and creating, with stable codes.
import { type ErrorOptions, MochiPkgError } from '../../errors.js';

/**
 * Stable codes of {@link ModZipError}:
 *
 * - `zip-not-zip` — no end-of-central-directory record: the input is not a zip file.
 * - `zip-corrupt` — the structure is broken or lies: truncated central directory, bad signatures,
 *   offsets or sizes outside the file, a local header that disagrees with the directory,
 *   compressed data that ends early.
 * - `zip-overlap` — two entries (or an entry and the central directory) share bytes.
 * - `zip-unsupported` — encryption, multi-disk archives, compression methods other than store/deflate.
 * - `zip-checksum` — an entry's CRC-32 does not match its content.
 * - `zip-size-mismatch` — an entry inflates to more or fewer bytes than it declares.
 * - `zip-too-large` — a size limit (zip file, total uncompressed size, central directory) is exceeded.
 * - `zip-duplicate` — two entries have the same name.
 * - `zip-bad-name` — an entry name is unsafe (NUL, backslash, absolute, `.`/`..`, invalid UTF-8).
 * - `zip-invalid` — the files break module-zip rules; `files` lists each one with its reason.
 * - `zip-bad-module` — the module path or version is not valid or not canonical.
 * - `zip-target-not-empty` — extraction target exists and is not an empty directory.
 * - `zip-io` — reading the input or writing the output failed.
 */
export type ModZipErrorCode =
  | 'zip-not-zip'
  | 'zip-corrupt'
  | 'zip-overlap'
  | 'zip-unsupported'
  | 'zip-checksum'
  | 'zip-size-mismatch'
  | 'zip-too-large'
  | 'zip-duplicate'
  | 'zip-bad-name'
  | 'zip-invalid'
  | 'zip-bad-module'
  | 'zip-target-not-empty'
  | 'zip-io';

/** One file that a check found invalid or omitted, with the reason (x/mod's `FileError`). */
export interface FileError {
  /** The path as checked: a zip entry name, a path relative to the module root, or a filesystem path. */
  readonly path: string;
  /** Why the file is invalid or omitted, in x/mod's words where x/mod has them. */
  readonly reason: string;
}

/** Every error of the module-zip layer (and of reading zips for hashing). */
export class ModZipError extends MochiPkgError {
  declare readonly code: ModZipErrorCode;
  /** For `zip-invalid`: the invalid files with their reasons. */
  readonly files: readonly FileError[];

  constructor(
    code: ModZipErrorCode,
    message: string,
    options: ErrorOptions & { files?: readonly FileError[] } = {},
  ) {
    super(code, message, options);
    this.files = options.files ?? [];
  }
}
