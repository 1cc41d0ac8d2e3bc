// Typed errors of PEP 508 parsing and marker evaluation, with packaging's reasons and positions.
import type { ErrorCode } from '../../errorCodes.js';
import { MochiPkgError } from '../../errors.js';

/** Where in the input a parse error sits: code-point offsets, as packaging's `span`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

function codeFrame(source: string, span: Span): string {
  return `    ${source}\n    ${' '.repeat(span.start)}${'~'.repeat(Math.max(0, span.end - span.start))}^`;
}

abstract class Pep508SyntaxError extends MochiPkgError {
  constructor(
    code: ErrorCode,
    what: string,
    /** The text that was parsed. */
    readonly input: string,
    /** packaging's reason, e.g. `Expected end or semicolon (after version specifier)`. */
    readonly reason: string,
    /** Where the problem is (code points; `start` is the column, 0-based). */
    readonly span: Span,
    hint: string,
  ) {
    super(
      code,
      `invalid PEP 508 ${what} ${JSON.stringify(input)} at column ${span.start + 1}: ${reason}\n${codeFrame(input, span)}`,
      { hint },
    );
  }
}

/** A requirement string that is not PEP 508 (packaging's `InvalidRequirement`). */
export class InvalidRequirementError extends Pep508SyntaxError {
  constructor(input: string, reason: string, span: Span) {
    super(
      'pep508-invalid-requirement',
      'requirement',
      input,
      reason,
      span,
      'a requirement looks like `name[extra1,extra2]>=1.0,<2; python_version >= "3.8"` or `name @ https://host/file.whl`',
    );
  }
}

/** A marker expression that is not PEP 508 (packaging's `InvalidMarker`). */
export class InvalidMarkerError extends Pep508SyntaxError {
  constructor(input: string, reason: string, span: Span) {
    super(
      'pep508-invalid-marker',
      'marker',
      input,
      reason,
      span,
      'a marker compares a variable with a quoted string, e.g. `python_version >= "3.8" and sys_platform == "linux"`',
    );
  }
}

/** Why a marker could not be evaluated (packaging raises KeyError, UndefinedComparison or asserts). */
export type MarkerEvaluationProblem =
  | 'undefined-environment-name'
  | 'undefined-comparison'
  | 'invalid-comparison'
  | 'invalid-target';

const PROBLEM_CODES: Record<MarkerEvaluationProblem, ErrorCode> = {
  'undefined-environment-name': 'pep508-undefined-environment-name',
  'undefined-comparison': 'pep508-undefined-comparison',
  'invalid-comparison': 'pep508-invalid-comparison',
  'invalid-target': 'pep508-invalid-target',
};

/** A marker that cannot be evaluated in the given environment. Codes `pep508-<problem>`. */
export class MarkerEvaluationError extends MochiPkgError {
  constructor(
    readonly problem: MarkerEvaluationProblem,
    message: string,
    hint: string,
  ) {
    super(PROBLEM_CODES[problem], message, { hint });
  }
}
