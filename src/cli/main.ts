// The mochi-pkg command line: parse argv, find the command, run it, map errors to exit codes.
import { EXIT_STATUS } from '../errorCodes.js';
import { MochiPkgError, redactUrls } from '../errors.js';
import { nearestWord } from '../util/nearest.js';
import { printable } from '../util/printable.js';
import { VERSION } from '../version.js';
import { type CommandEntry, commands, groups, subgroups } from './commands/index.js';
import {
  type CommandContext,
  ExitCode,
  printError,
  printJson,
  UsageError,
  type Verbosity,
} from './context.js';

const USAGE = `mochi-pkg ${VERSION}: safe, reproducible foreign imports for Mochi

Usage:
  mochi-pkg <command> [flags]
  mochi-pkg <command> --help      details and examples for one command
  mochi-pkg <group> --help        the commands of one group (go, go zip, python)

Global flags (accepted by every command, anywhere before \`--\`):
  -h, --help       show this help
  -V, --version    print the version (with --json: version, Node.js, platform, cache dirs)
  -q, --quiet      print results and errors only: no notes, warnings or progress
  -v, --verbose    also print how the command decided (settings and where they came from)
  --color <when>   color error labels on stderr: auto (default: on a terminal, unless NO_COLOR
                   is set or TERM=dumb), always, never
`;

function groupOf(name: string): string {
  return name.split(' ')[0] ?? name;
}

export { removeTempsOnSignals } from './interrupt.js';

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

/** The global flags, taken out of argv (up to a `--`), and what is left for the command. */
interface GlobalFlags {
  readonly argv: string[];
  readonly verbosity: Verbosity;
  readonly color: 'auto' | 'always' | 'never';
}

const COLOR_WHEN = ['auto', 'always', 'never'] as const;

function takeGlobalFlags(argv: readonly string[]): GlobalFlags {
  const rest: string[] = [];
  let verbosity: Verbosity = 'normal';
  let color: GlobalFlags['color'] = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '-q' || a === '--quiet') verbosity = 'quiet';
    else if (a === '-v' || a === '--verbose') verbosity = 'verbose';
    else if (a === '--color' || a.startsWith('--color=')) {
      const when = a === '--color' ? argv[++i] : a.slice('--color='.length);
      if (!COLOR_WHEN.includes(when as GlobalFlags['color'])) {
        throw new UsageError(
          `--color ${JSON.stringify(when ?? '')} is not auto, always or never`,
          'e.g. --color=never',
        );
      }
      color = when as GlobalFlags['color'];
    } else rest.push(a);
  }
  return { argv: rest, verbosity, color };
}

/** Whether stderr gets color: `always`, `never`, or (auto) a terminal without NO_COLOR and not TERM=dumb. */
function wantsColor(ctx: CommandContext, when: GlobalFlags['color']): boolean {
  if (when !== 'auto') return when === 'always';
  return ctx.stderr.isTTY === true && !ctx.env.NO_COLOR && ctx.env.TERM !== 'dumb';
}

/** `--version --json`: what a bug report needs. */
async function versionDetails(ctx: CommandContext): Promise<Record<string, unknown>> {
  const { loadSettings } = await import('../project/settingsFile.js');
  const settings = await loadSettings({ cwd: ctx.cwd, env: ctx.env });
  return {
    version: VERSION,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    caches: {
      python: settings.string('python.cache-dir') ?? null,
      go: settings.string('go.cache-dir') ?? null,
    },
    settingsFile: settings.file ?? null,
  };
}

/** Runs the CLI with the given context and returns the exit code. Never calls process.exit. */
export async function main(context: CommandContext): Promise<number> {
  let ctx = context;
  try {
    const global = takeGlobalFlags(context.argv);
    ctx = {
      ...context,
      argv: global.argv,
      verbosity: global.verbosity,
      color: wantsColor(context, global.color),
    };
  } catch (e) {
    if (!(e instanceof MochiPkgError)) throw e;
    printError(context, e);
    return ExitCode.usage;
  }
  const argv = ctx.argv;
  try {
    if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') {
      ctx.stdout.write(renderHelp());
      return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
    }
    if (argv[0] === '-V' || argv[0] === '--version') {
      const rest = argv.slice(1);
      if (rest.some((a) => a !== '--json')) {
        throw new UsageError(
          `--version takes only --json, not ${JSON.stringify(rest.find((a) => a !== '--json'))}`,
        );
      }
      if (rest.length > 0) printJson(ctx, await versionDetails(ctx));
      else ctx.stdout.write(`mochi-pkg ${VERSION}\n`);
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
        const inGroup = commands.filter((c) => c.name.startsWith(`${prefix} `));
        const names = inGroup.map((c) => `mochi-pkg ${c.name}`);
        const near = nearestWord(
          argv[depth] ?? '',
          inGroup.map((c) => c.name.split(' ')[depth]!),
        );
        throw new UsageError(
          `unknown ${prefix} command: ${JSON.stringify(argv.slice(0, depth + 1).join(' '))}`,
          names.length
            ? `${near ? `did you mean \`mochi-pkg ${prefix} ${near}\`? ` : ''}available: ${names.join(', ')}`
            : `the ${prefix} group has no commands in this build`,
        );
      }
      const group = argv[0] ?? '';
      const near = nearestWord(group, [...new Set(commands.map((c) => c.name.split(' ')[0]!))]);
      throw new UsageError(
        `unknown command: ${JSON.stringify(group)}`,
        near
          ? `did you mean \`mochi-pkg ${near}\`? (\`mochi-pkg --help\` lists every command)`
          : 'run `mochi-pkg --help` for the list',
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
