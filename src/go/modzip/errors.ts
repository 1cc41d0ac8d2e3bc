// Typed errors of module-zip reading, checking, extracting and creating, with stable codes.
import type { ErrorOptions } from '../../errors.js';
import { ZipError, type ZipErrorCode } from '../../util/zip.js';

/**
 * Stable codes of {@link ModZipError}: those of reading any zip ({@link ZipErrorCode}: `zip-not-zip`,
 * `zip-corrupt`, `zip-overlap`, `zip-unsupported`, `zip-checksum`, `zip-size-mismatch`,
 * `zip-too-large`, `zip-duplicate`, `zip-bad-name`, `zip-io`), and the module-zip rules:
 *
 * - `zip-invalid` — the files break module-zip rules; `files` lists each one with its reason.
 * - `zip-bad-module` — the module path or version is not valid or not canonical.
 * - `zip-target-not-empty` — extraction target exists and is not an empty directory.
 * - `zip-target-invalid` — extraction target is a symbolic link, or lies under a file.
 */
export type ModZipErrorCode =
  | ZipErrorCode
  | 'zip-invalid'
  | 'zip-bad-module'
  | 'zip-target-not-empty'
  | 'zip-target-invalid';

/** One file that a check found invalid or omitted, with the reason (x/mod's `FileError`). */
export interface FileError {
  /** The path as checked: a zip entry name, a path relative to the module root, or a filesystem path. */
  readonly path: string;
  /** Why the file is invalid or omitted, in x/mod's words where x/mod has them. */
  readonly reason: string;
}

/**
 * An error of the module-zip layer (checking, creating, extracting). Problems of the archive
 * itself come from the shared reader as its base class {@link ZipError}.
 */
export class ModZipError extends ZipError<ModZipErrorCode> {
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
