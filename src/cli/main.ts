// The mochi-pkg command line: parse argv, find the command, run it, map errors to exit codes.
import { EXIT_STATUS } from '../errorCodes.js';
import { MochiPkgError, redactUrls } from '../errors.js';
import { printable } from '../util/printable.js';
import { VERSION } from '../version.js';
import { type CommandEntry, commands, groups, subgroups } from './commands/index.js';
import { type CommandContext, ExitCode, printError, UsageError } from './context.js';

const USAGE = `mochi-pkg ${VERSION}: safe, reproducible foreign imports for Mochi

Usage:
  mochi-pkg <command> [flags]
  mochi-pkg <command> --help      details and examples for one command
  mochi-pkg <group> --help        the commands of one group (go, go zip, python)

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

/** The command-name prefixes that hold other commands (`go`, `go zip`, `python`); a group that is also a command (`lock`) is that command. */
export function commandGroups(): string[] {
  const out = new Set(Object.keys(groups));
  for (const c of commands) {
    const words = c.name.split(' ');
    for (let n = 1; n < words.length; n++) out.add(words.slice(0, n).join(' '));
  }
  return [...out].filter((g) => !commands.some((c) => c.name === g)).sort();
}

/** The help of a group of commands (`mochi-pkg go --help`, `mochi-pkg go zip --help`). */
export function renderGroupHelp(group: string): string {
  const inGroup = commands.filter((c) => c.name.startsWith(`${group} `));
  const about = groups[group] ?? subgroups[group];
  let out = `mochi-pkg ${group}${about ? `: ${about}` : ''}\n\nUsage:\n  mochi-pkg ${group} <command> [flags]\n  mochi-pkg ${group} <command> --help      details and examples for one command\n\nCommands:\n`;
  if (inGroup.length === 0) out += '  (none in this build)\n';
  for (const c of inGroup) out += `  mochi-pkg ${c.name.padEnd(18)} ${c.summary}\n`;
  return out;
}

/** The longest group that prefixes argv (`go zip` before `go`), if any. */
function findGroup(argv: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const g of commandGroups()) {
    const words = g.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.split(' ').length)) best = g;
  }
  return best;
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
      const prefix = findGroup(argv);
      if (prefix !== undefined) {
        const depth = prefix.split(' ').length;
        const rest = argv.slice(depth);
        // `mochi-pkg go --help` (or `go zip -h`) prints the group; a bare `mochi-pkg go` does too, as a usage error.
        if (rest.every((a) => a === '--help' || a === '-h')) {
          ctx.stdout.write(renderGroupHelp(prefix));
          return rest.length > 0 ? ExitCode.ok : ExitCode.usage;
        }
        const names = commands
          .filter((c) => c.name.startsWith(`${prefix} `))
          .map((c) => `mochi-pkg ${c.name}`);
        throw new UsageError(
          `unknown ${prefix} command: ${JSON.stringify(argv.slice(0, depth + 1).join(' '))}`,
          names.length
            ? `available: ${names.join(', ')}`
            : `the ${prefix} group has no commands in this build`,
        );
      }
      const group = argv[0] ?? '';
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
    // A stack trace keeps its lines; each line is still escaped (an error message may carry a name).
    const text = redactUrls(String((e as Error)?.stack ?? e));
    ctx.stderr.write(
      `mochi-pkg: error[internal]: an unexpected failure (please report it): ${text.split('\n').map(printable).join('\n')}\n`,
    );
    return ExitCode.internal;
  }
}
