// The commands users run constantly, answered without loading the command line: `mochi-pkg --version`
// and a `lock --check` whose memo (src/project/checkMemo.ts) holds the answer. bin/mochi-pkg.js asks
// here first and runs the full CLI (main.ts) only when this gives no answer. Anything this does not
// recognise exactly (another flag, a repeated one, `-v`, `--help`), and any check the memo cannot
// answer, is left to main.ts, so the output and exit code are those of main.ts in every case.
import { LOCK_FILE } from '../project/lockFile.js';
import { VERSION } from '../version.js';
import type { CommandContext } from './context.js';

/** The `lock --check` flags answered here, with whether each takes a value. */
const CHECK_FLAGS: ReadonlyMap<string, boolean> = new Map([
  ['--check', false],
  ['--offline', false],
  ['--json', false],
  ['--cwd', true],
]);

/** A `lock --check` this module can answer from the memo: its flags, or undefined. */
export function quickCheckArgs(
  argv: readonly string[],
): { cwd?: string; offline: boolean; json: boolean; quiet: boolean } | undefined {
  // -q / --quiet are global flags (main.ts takes them anywhere); nothing else global is handled here.
  const quiet = argv.some((a) => a === '-q' || a === '--quiet');
  const rest = argv.filter((a) => a !== '-q' && a !== '--quiet');
  if (rest[0] !== 'lock') return undefined;
  const seen = new Map<string, string | true>();
  for (let i = 1; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takesValue = CHECK_FLAGS.get(name);
    if (takesValue === undefined || seen.has(name)) return undefined;
    if (!takesValue) {
      if (name !== arg) return undefined;
      seen.set(name, true);
      continue;
    }
    const value = name !== arg ? arg.slice(eq + 1) : rest[++i];
    // An empty value or one that looks like a flag: main.ts decides what it means.
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    seen.set(name, value);
  }
  if (!seen.has('--check')) return undefined;
  const cwd = seen.get('--cwd');
  return {
    ...(typeof cwd === 'string' ? { cwd } : {}),
    offline: seen.has('--offline'),
    json: seen.has('--json'),
    quiet,
  };
}

/**
 * The exit code of a command answered here, or undefined when main.ts must run it. Writes exactly
 * what main.ts would write for the same argv.
 */
export async function quick(ctx: CommandContext): Promise<number | undefined> {
  const { argv } = ctx;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    ctx.stdout.write(`mochi-pkg ${VERSION}\n`);
    return 0;
  }
  const check = quickCheckArgs(argv);
  if (check === undefined) return undefined;
  const { recallCheck } = await import('../project/checkMemo.js');
  const entries = await recallCheck({
    cwd: ctx.cwd,
    env: ctx.env,
    project: check.cwd,
    offline: check.offline,
  });
  if (entries === undefined) return undefined;
  // As lock.ts prints an up-to-date check (a recalled check has no drift, no note and no warnings).
  if (check.json) ctx.stdout.write(`${JSON.stringify({ upToDate: true, diff: [] })}\n`);
  else ctx.stdout.write(`${LOCK_FILE} is up to date (${entries === 1 ? '1 entry' : `${entries} entries`})\n`);
  return 0;
}
