// What the go hash / go zip commands share: module@version inference, error reporting and exit codes.
import { stat } from 'node:fs/promises';
import { EXIT_STATUS } from '../../errorCodes.js';
import { isMochiPkgError, MochiPkgError } from '../../errors.js';
import { checkModuleVersion, listZip, type ModuleVersion } from '../../go/modzip/index.js';
import { type CommandContext, printError, printJson, UsageError } from '../context.js';

/** The flags every go zip command takes: the module@version and --json. */
export const MODULE_FLAGS = {
  module: { type: 'string' },
  version: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * Runs a command body and maps expected errors to their exit class: unusable input → 2, a problem
 * found in the input (corrupt, hostile, invalid zip) → 1. With `--json` the error is printed as
 * `{"ok":false,"error":{code,message,hint}}` on stdout as well.
 */
export async function runReporting(
  ctx: CommandContext,
  json: boolean,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof MochiPkgError) || e instanceof UsageError) throw e;
    if (json) printJson(ctx, { ok: false, error: e.toJSON() });
    printError(ctx, e);
    return EXIT_STATUS[e.exitClass];
  }
}

/** Whether `path` is a directory; a missing path is a usage error naming it. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (e) {
    if (isMochiPkgError(e)) throw e;
    throw new UsageError(
      `${path}: no such file or directory`,
      'give the path of a module zip or a module directory',
    );
  }
}

/**
 * The module@version of a zip: from `--module`/`--version` when given (both or neither), else from
 * the first entry's `module@version/` prefix.
 */
export async function moduleOf(
  command: string,
  zip: string,
  flags: { module?: string | undefined; version?: string | undefined },
): Promise<ModuleVersion> {
  if (flags.module !== undefined && flags.version !== undefined) {
    // A bad --module or --version is bad usage (exit 2), whatever the zip holds.
    const m = { path: flags.module, version: flags.version };
    checkModuleVersion(m);
    return m;
  }
  if (flags.module !== undefined || flags.version !== undefined) {
    throw new UsageError(`${command}: give both --module and --version, or neither`);
  }
  const entries = await listZip(zip);
  const first = entries[0]?.name ?? '';
  const at = first.indexOf('@');
  const slash = at < 0 ? -1 : first.indexOf('/', at);
  if (slash < 0) {
    throw new UsageError(
      `${zip}: cannot tell the module and version from the entry ${JSON.stringify(first)}`,
      `pass --module and --version (run \`mochi-pkg ${command} --help\`)`,
    );
  }
  return { path: first.slice(0, at), version: first.slice(at + 1, slash) };
}

/** Parses `-o`/positional requirements: exactly `n` positionals, else a usage error. */
export function positionals(command: string, got: string[], names: string[]): string[] {
  if (got.length !== names.length) {
    throw new UsageError(
      `${command}: expected ${names.map((n) => `<${n}>`).join(' ')}, got ${got.length} argument(s)`,
      `run \`mochi-pkg ${command} --help\` for usage`,
    );
  }
  return got;
}
