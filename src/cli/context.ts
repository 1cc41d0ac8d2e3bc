// What a command gets from the CLI shell: its arguments, streams and environment, and small printers.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseCommandArgs returns: typed flag values and the positionals. */
export type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

import { MochiPkgError, redactUrls } from '../errors.js';
import { printable } from '../util/printable.js';

/** Exit codes scripts can rely on (documented in the README). */
export const ExitCode = {
  ok: 0,
  /** The command ran and found a problem: drift, corruption, a failed download, an invalid zip. */
  failure: 1,
  /** Bad usage or unusable input (unknown flag, missing or unparsable file). */
  usage: 2,
  /** A bug in mochi-pkg: an unexpected exception. */
  internal: 3,
} as const;

/** Thrown for bad command lines; the shell prints it with a pointer to `--help` and exits 2. */
export class UsageError extends MochiPkgError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint === undefined ? {} : { hint });
  }
}

export interface CommandContext {
  /** Arguments after the command's own name. */
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** Full name as typed, e.g. `go hash`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text: usage, flags, examples, exit codes. */
  readonly help: string;
  run(ctx: CommandContext): Promise<number>;
}

/** parseArgs with strict flags; unknown flags and missing values become a UsageError. */
export function parseCommandArgs<O extends Options>(
  ctx: CommandContext,
  command: string,
  options: O,
): ParsedArgs<O> {
  try {
    return parseArgs({ args: [...ctx.argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${command}: ${e.message}`, `run \`mochi-pkg ${command} --help\` for usage`);
    }
    throw e;
  }
}

/**
 * Writes one line to stdout. Control characters in `text` (from zip entry names, server replies,
 * file contents) are escaped, so one call is always exactly one line on the terminal.
 */
export function println(ctx: CommandContext, text = ''): void {
  ctx.stdout.write(`${printable(text)}\n`);
}

/** Writes a note or warning line to stderr, control characters escaped as in {@link println}. */
export function eprintln(ctx: CommandContext, text: string): void {
  ctx.stderr.write(`${printable(text)}\n`);
}

/**
 * Prints an error the one way every command does: `mochi-pkg: error[code]: message` and an
 * indented hint, credentials redacted and control characters escaped.
 */
export function printError(ctx: CommandContext, e: MochiPkgError): void {
  // A message may list several lines on purpose (each problem of a check); every other control
  // character is escaped, so no line can move the cursor or rewrite what came before. Leading tabs
  // stay tabs: evidence is indented with them, as cmd/go prints it (SECURITY ERROR).
  const lines = `mochi-pkg: error[${e.code}]: ${redactUrls(e.message)}`.split('\n');
  for (const line of lines) {
    const indent = /^\t*/.exec(line)?.[0] ?? '';
    ctx.stderr.write(`${indent}${printable(line.slice(indent.length))}\n`);
  }
  if (e.hint) eprintln(ctx, `  hint: ${redactUrls(e.hint)}`);
}

/** Writes a value as one line of JSON to stdout. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value)}\n`);
}
