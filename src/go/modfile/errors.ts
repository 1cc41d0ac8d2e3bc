// The error of a go.mod file that does not parse: every problem with its place, worded as x/mod words it.
import { MochiPkgError } from '../../errors.js';
import type { Position } from './syntax.js';

/** One problem in a go.mod file (x/mod `modfile.Error`). */
export interface GoModIssue {
  readonly file: string;
  /** Line from 1; 0 when the problem has no place. */
  readonly line: number;
  /** Rune column from 1. */
  readonly column: number;
  /** The directive, when the problem is about a module path in one (`require`, `replace`…). */
  readonly verb?: string;
  readonly modPath?: string;
  /** What is wrong, without the place. */
  readonly problem: string;
}

/** x/mod's `Error.Error()`: `file:line[:col]: [verb path: ]problem`. */
export function formatIssue(i: GoModIssue): string {
  let pos = '';
  if (i.column > 1) pos = `${i.file}:${i.line}:${i.column}: `;
  else if (i.line > 0) pos = `${i.file}:${i.line}: `;
  else if (i.file !== '') pos = `${i.file}: `;
  let directive = '';
  if (i.modPath) directive = `${i.verb ?? ''} ${i.modPath}: `;
  else if (i.verb) directive = `${i.verb}: `;
  return pos + directive + i.problem;
}

/** An issue at `pos` of `file`. */
export function issueAt(
  file: string,
  pos: Position,
  problem: string,
  extra: { verb?: string; modPath?: string } = {},
): GoModIssue {
  return { file, line: pos.line, column: pos.lineRune, problem, ...extra };
}

/**
 * A go.mod file that is not valid. Code `gomod-parse`. The message is x/mod's (one line per
 * problem, `file:line:col: problem`); `issues` has them one by one.
 */
export class GoModParseError extends MochiPkgError {
  declare readonly code: 'gomod-parse';
  readonly issues: readonly GoModIssue[];
  /** Line and column of the first problem. */
  readonly line: number;
  readonly column: number;

  constructor(issues: readonly GoModIssue[], cause?: unknown) {
    super('gomod-parse', issues.map(formatIssue).join('\n'), {
      hint: 'fix the go.mod file (`go mod edit -fmt` shows what the go command accepts)',
      cause,
    });
    this.issues = issues;
    this.line = issues[0]?.line ?? 0;
    this.column = issues[0]?.column ?? 0;
  }
}
