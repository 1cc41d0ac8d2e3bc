// Typed errors of the lockfile layer: where in mochi.lock a problem is, with stable codes.
import { type ErrorOptions, MochiPkgError } from '../errors.js';

/**
 * Stable codes of {@link LockfileError}:
 * - `lockfile-syntax`: the bytes are not TOML (or not UTF-8).
 * - `lockfile-too-large`: the document exceeds {@link MAX_LOCK_BYTES}.
 * - `lockfile-schema-version`: `schema-version` is missing or not one this build reads.
 * - `lockfile-invalid-entry`: a table lacks a required key, holds an unknown key, a value of the
 *   wrong type, or an unknown source token; also unknown top-level keys.
 * - `lockfile-duplicate-entry`: two entries share the diff key `<name>:<alias>`.
 * - `lockfile-build-mismatch`: `fromBuildResult` got a result that does not answer its request.
 * - `lockfile-drift`: `check` found the lock out of date (the error carries the diff).
 */
export type LockfileErrorCode =
  | 'lockfile-syntax'
  | 'lockfile-too-large'
  | 'lockfile-schema-version'
  | 'lockfile-invalid-entry'
  | 'lockfile-duplicate-entry'
  | 'lockfile-build-mismatch'
  | 'lockfile-drift';

/** Where a lockfile problem is. Every field is optional: a whole-document problem has none. */
export interface LockfileLocation {
  /** The table kind of `entryIndex`, e.g. `go-package`; absent means `python-package`. */
  readonly table?: string | undefined;
  /** 0-based index of the entry among the tables of its kind, in document order. */
  readonly entryIndex?: number | undefined;
  /** The TOML key at fault, e.g. `source`. */
  readonly key?: string | undefined;
  /** 1-based line in the document. */
  readonly line?: number | undefined;
  /** 1-based column, when known. */
  readonly column?: number | undefined;
}

/** Largest lock document `parseToml` accepts (a 10,000-entry lock is about 3 MiB). */
export const MAX_LOCK_BYTES = 32 * 1024 * 1024;

/** Any problem with a `mochi.lock` document or with building one. */
export class LockfileError extends MochiPkgError {
  declare readonly code: LockfileErrorCode;
  /** The table kind of `entryIndex` (`go-package`), or undefined for `python-package` and document problems. */
  readonly table: string | undefined;
  readonly entryIndex: number | undefined;
  readonly key: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: LockfileErrorCode,
    message: string,
    where: LockfileLocation = {},
    options: ErrorOptions = {},
  ) {
    super(code, message, options);
    this.table = where.table;
    this.entryIndex = where.entryIndex;
    this.key = where.key;
    this.line = where.line;
    this.column = where.column;
  }
}
