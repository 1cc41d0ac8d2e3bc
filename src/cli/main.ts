// The mochi-pkg command line: parse argv, find the command, run it, map errors to exit codes.
import { EXIT_STATUS } from '../errorCodes.js';
import { MochiPkgError, redactUrls } from '../errors.js';
import { VERSION } from '../version.js';
import { type CommandEntry, commands, groups } from './commands/index.js';
import { type CommandContext, ExitCode, UsageError } from './context.js';

const USAGE = `mochi-pkg ${VERSION}: safe, reproducible foreign imports for Mochi

Usage:
  mochi-pkg <command> [flags]
  mochi-pkg <command> --help      details and examples for one command

Global flags:
  -h, --help       show this help
  -V, --version    print the version
`;

function groupOf(name: string): string {
  return name.split(' ')[0] ?? name;
}

/** The top-level help: every group with its commands. */
export function renderHelp(): string {
  let out = USAGE;
  for (const [group, about] of Object.entries(groups)) {
    out += `\n${group}: ${about}\n`;
    const inGroup = commands.filter((c) => groupOf(c.name) === group);
    if (inGroup.length === 0) out += '  (reserved)\n';
    for (const c of inGroup) out += `  mochi-pkg ${c.name.padEnd(18)} ${c.summary}\n`;
  }
  out += `
Exit codes: 0 success · 1 the command found a problem (drift, corruption, a failed fetch)
            2 bad usage or unusable input · 3 internal error (please report it)
`;
  return out;
}

/** Longest command name that prefixes argv (`go zip` before `go`). */
function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: { entry: CommandEntry; rest: string[] } | undefined;
  for (const entry of commands) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.entry.name.split(' ').length)) {
      best = { entry, rest: argv.slice(words.length) };
    }
  }
  return best;
}

function printError(ctx: CommandContext, e: MochiPkgError): void {
  ctx.stderr.write(`mochi-pkg: error[${e.code}]: ${redactUrls(e.message)}\n`);
  if (e.hint) ctx.stderr.write(`  hint: ${redactUrls(e.hint)}\n`);
}

/** Runs the CLI with the given context and returns the exit code. Never calls process.exit. */
export async function main(ctx: CommandContext): Promise<number> {
  const argv = ctx.argv;
  try {
    if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') {
      ctx.stdout.write(renderHelp());
      return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
    }
    if (argv[0] === '-V' || argv[0] === '--version') {
      ctx.stdout.write(`mochi-pkg ${VERSION}\n`);
      return ExitCode.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      const group = argv[0] ?? '';
      if (group in groups) {
        const names = commands.filter((c) => groupOf(c.name) === group).map((c) => `mochi-pkg ${c.name}`);
        throw new UsageError(
          `unknown ${group} command: ${JSON.stringify(argv.slice(0, 2).join(' '))}`,
          names.length
            ? `available: ${names.join(', ')}`
            : `the ${group} group has no commands in this build`,
        );
      }
      throw new UsageError(
        `unknown command: ${JSON.stringify(group)}`,
        'run `mochi-pkg --help` for the list',
      );
    }
    const { command } = await found.entry.load();
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      ctx.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
      return ExitCode.ok;
    }
    return await command.run({ ...ctx, argv: found.rest });
  } catch (e) {
    if (e instanceof MochiPkgError) {
      printError(ctx, e);
      return EXIT_STATUS[e.exitClass];
    }
    ctx.stderr.write(
      `mochi-pkg: internal error (please report it): ${redactUrls(String((e as Error)?.stack ?? e))}\n`,
    );
    return ExitCode.internal;
  }
}
