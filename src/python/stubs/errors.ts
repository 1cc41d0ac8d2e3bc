// Typed errors of the stub parser: every refusal names the file and, where it has one, the line and column.
import { MochiPkgError } from '../../errors.js';

/**
 * Stable codes of {@link StubParseError}:
 * - `STUB_SYNTAX` — the source is not valid Python (the first error node of the parse tree);
 * - `STUB_ENCODING` — the bytes are not UTF-8, or the text contains a NUL character;
 * - `STUB_TOO_LARGE` — the file is over {@link MAX_STUB_BYTES};
 * - `STUB_TOO_DEEP` — statements or annotations nest deeper than the parser's depth cap.
 */
export type StubParseErrorCode = 'STUB_SYNTAX' | 'STUB_ENCODING' | 'STUB_TOO_LARGE' | 'STUB_TOO_DEEP';

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
 * Stable codes of {@link StubLoadError}: `STUB_NOT_FOUND` (no such file or directory, or no stub
 * in it), `STUB_TOO_MANY_FILES` (a package over {@link MAX_PACKAGE_FILES}).
 */
export type StubLoadErrorCode = 'STUB_NOT_FOUND' | 'STUB_TOO_MANY_FILES';

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
