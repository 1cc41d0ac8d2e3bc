// Typed errors of the stub parser: every refusal names the file and, where it has one, the line and column.
import { MochiPkgError } from '../../errors.js';

/**
 * Stable codes of {@link StubParseError}:
 * - `stub-syntax` — the source is not valid Python (the first error node of the parse tree);
 * - `stub-encoding` — the bytes are not UTF-8, or the text contains a NUL character;
 * - `stub-too-large` — the file is over {@link MAX_STUB_BYTES};
 * - `stub-too-deep` — statements or annotations nest deeper than the parser's depth cap.
 */
export type StubParseErrorCode = 'stub-syntax' | 'stub-encoding' | 'stub-too-large' | 'stub-too-deep';

/** The largest stub file accepted (typeshed's largest is 0.33 MB; a 10 MB file is refused up front). */
export const MAX_STUB_BYTES = 4 * 1024 * 1024;

/** A stub file that cannot be turned into a surface: where (file, 1-based line and column) and why. */
export class StubParseError extends MochiPkgError {
  declare readonly code: StubParseErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(
    code: StubParseErrorCode,
    where: { file: string; line: number; column: number },
    what: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, `${where.file}:${where.line}:${where.column}: ${what}`, options);
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/**
 * Stable codes of {@link StubLoadError}: `stub-not-found` (no such file or directory, or no stub
 * in it), `stub-too-many-files` (a package over {@link MAX_PACKAGE_FILES}).
 */
export type StubLoadErrorCode = 'stub-not-found' | 'stub-too-many-files';

/** The most source files one package may hold (typeshed's largest stub package has about 700). */
export const MAX_PACKAGE_FILES = 20_000;

/** A stub file or package directory that cannot be read from disk. */
export class StubLoadError extends MochiPkgError {
  declare readonly code: StubLoadErrorCode;
  readonly path: string;

  constructor(
    code: StubLoadErrorCode,
    path: string,
    what: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, `${path}: ${what}`, options);
    this.path = path;
  }
}
