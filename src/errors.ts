// The one error base of mochi-pkg: a stable code, a message naming the input, an optional hint.
import { type ErrorCode, type ExitClass, exitClassOf } from './errorCodes.js';

/** Options every mochi-pkg error accepts besides its code and message. */
export interface ErrorOptions {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * Base class of every error mochi-pkg throws on purpose.
 *
 * `code` is stable across releases (scripts may match on it); `message` names the input and what
 * was expected; `hint` says what to do.
 *
 * @example
 * ```ts
 * try { semver.parse('1.0.0') } catch (e) {
 *   if (e instanceof MochiPkgError) console.error(e.code, e.message, e.hint);
 * }
 * ```
 */
export class MochiPkgError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /**
   * How a command that stops on this error exits: `usage` (2), `problem` (1) or `internal` (3),
   * as the code's row in `ERROR_CODES` says (src/errorCodes.ts).
   */
  get exitClass(): ExitClass {
    return exitClassOf(this.code);
  }

  /** A plain object for `--json` output: code, message and hint (no stack, no cause chain). */
  toJSON(): { code: string; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Narrowing helper: true when `e` is a MochiPkgError, optionally with the given code. */
export function isMochiPkgError(e: unknown, code?: string): e is MochiPkgError {
  return e instanceof MochiPkgError && (code === undefined || e.code === code);
}

/**
 * Removes credentials from every URL inside `text` (`https://user:pass@host` → `https://***@host`),
 * so that errors and logs never print a secret taken from GOPROXY, an index URL or ~/.netrc.
 */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
