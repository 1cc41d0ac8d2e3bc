// What a command gets from the CLI shell: its arguments, streams and environment, and small printers.
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseCommandArgs returns: typed flag values and the positionals. */
export type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

import { MochiPkgError, redactUrls } from '../errors.js';
import { nearestWord } from '../util/nearest.js';
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
  /** `--quiet` (errors only), `--verbose` (also how the command decided), else normal. */
  readonly verbosity?: Verbosity;
  /** Whether to color stderr (`--color`, `NO_COLOR`, a terminal); default no color. */
  readonly color?: boolean;
}

/** How much a command says besides its result and errors. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface Command {
  /** Full name as typed, e.g. `go hash`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text: usage, flags, examples, exit codes. */
  readonly help: string;
  run(ctx: CommandContext): Promise<number>;
}

/**
 * parseArgs with strict flags; unknown flags and missing values become a UsageError. An unknown
 * flag's hint names the nearest flag the command has, when one is close.
 */
export function parseCommandArgs<O extends Options>(
  ctx: CommandContext,
  command: string,
  options: O,
): ParsedArgs<O> {
  try {
    return parseArgs({ args: [...ctx.argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      const unknown = /^Unknown option '(-{1,2}[^'=]+)/.exec(e.message)?.[1];
      const flags = [...Object.keys(options).map((o) => `--${o}`), '--help'];
      const near = unknown === undefined ? undefined : nearestWord(unknown, flags);
      // Node's message suggests `--` for positionals that start with a dash; keep its first sentence.
      const message = unknown === undefined ? e.message : `unknown flag ${unknown}`;
      throw new UsageError(
        `${command}: ${message}`,
        near
          ? `did you mean ${near}? (run \`mochi-pkg ${command} --help\` for usage)`
          : `run \`mochi-pkg ${command} --help\` for usage`,
      );
    }
    throw e;
  }
}

/** `1 file`, `2 files`: a count and its noun, plural when the count is not 1. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
  // character is escaped, so no line can move the cursor or rewrite what came before.
  const [first = '', ...rest] = redactUrls(e.message).split('\n');
  const label = `error[${e.code}]`;
  // Color codes are added after escaping, so they are the only escape sequences on the line.
  ctx.stderr.write(`mochi-pkg: ${paint(ctx, '31;1', label)}: ${printable(first)}\n`);
  // Leading tabs stay tabs: evidence is indented with them, as cmd/go prints it (SECURITY ERROR).
  for (const line of rest) {
    const indent = /^\t*/.exec(line)?.[0] ?? '';
    ctx.stderr.write(`${indent}${printable(line.slice(indent.length))}\n`);
  }
  if (e.hint) ctx.stderr.write(`  ${paint(ctx, '36', 'hint:')} ${printable(redactUrls(e.hint))}\n`);
}

/** `text` in an SGR color when the context colors output, else as is. */
export function paint(ctx: CommandContext, sgr: string, text: string): string {
  return ctx.color ? `\x1b[${sgr}m${text}\x1b[0m` : text;
}

/** A `note:` line on stderr, unless `--quiet`. */
export function note(ctx: CommandContext, text: string): void {
  if (ctx.verbosity !== 'quiet') eprintln(ctx, `note: ${text}`);
}

/** A line on stderr only with `--verbose`. */
export function verbose(ctx: CommandContext, text: string): void {
  if (ctx.verbosity === 'verbose') eprintln(ctx, text);
}

/** Writes a value as one line of JSON to stdout. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value)}\n`);
}
