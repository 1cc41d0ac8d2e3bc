// Errors about a Mochi project's sources: where (file:line:column) and what was expected.
import { MochiPkgError } from '../errors.js';

/**
 * Codes: `project-syntax` (the lexer could not read a file: unterminated string or comment),
 * `project-import` (a malformed foreign import, or one alias bound to two specs),
 * `project-too-large` (a file or the project exceeds the scan caps), `project-not-found`,
 * `project-unreadable` (a source file or folder that cannot be read: permissions, a FIFO, a device).
 */
export type ProjectErrorCode =
  | 'project-syntax'
  | 'project-import'
  | 'project-too-large'
  | 'project-not-found'
  | 'project-unreadable';

/** A position in a Mochi source file; line and column are 1-based, columns count code points. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Formats a location the way compilers do: `file:line:column`. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/** A problem in a project's sources; the message starts with `file:line:column` when there is one. */
export class ProjectError extends MochiPkgError {
  declare readonly code: ProjectErrorCode;
  readonly location: SourceLocation | undefined;
  constructor(code: ProjectErrorCode, message: string, location?: SourceLocation, hint?: string) {
    super(
      code,
      location ? `${formatLocation(location)}: ${message}` : message,
      hint === undefined ? {} : { hint },
    );
    this.location = location;
  }
}

/** `lock --check` found no mochi.lock to check (code `lock-missing`). */
export class LockMissingError extends MochiPkgError {
  /** The lock file that does not exist. */
  readonly path: string;
  constructor(path: string) {
    super('lock-missing', `${path} does not exist`, { hint: 'run `mochi-pkg lock` to create it' });
    this.path = path;
  }
}
