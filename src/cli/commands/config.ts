// `mochi-pkg config`: every project setting's effective value and where it came from.
import { redactUrls } from '../../errors.js';
import { SETTINGS, SETTINGS_FILE } from '../../project/settings.js';
import { loadSettings } from '../../project/settingsFile.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { checkTargetFlags } from '../python-target.js';
import { settingFlagHelp, settingFlags, settingsFromFlags } from '../settings-flags.js';

const keyWidth = Math.max(...SETTINGS.map((s) => s.key.length));

function show(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'string') return value === '' ? '""' : redactUrls(value);
  return value.length === 0 ? '[]' : value.map((v) => redactUrls(v)).join(', ');
}

export const command: Command = {
  name: 'config',
  summary: `show each project setting (${SETTINGS_FILE}, environment, flags) and where it came from`,
  help: `Usage: mochi-pkg config [--cwd <dir>] [--json] [setting flags]

Prints every setting \`lock\` uses, its effective value, and where the value came from: a flag,
an environment variable, the project's ${SETTINGS_FILE} (file:line), or the default. A flag wins over
the environment, the environment over ${SETTINGS_FILE}, ${SETTINGS_FILE} over the default. Paths are
shown absolute: relative paths in ${SETTINGS_FILE} are relative to the file, those of flags and the
environment to the working directory. Credentials in URLs are hidden.

Settings (${SETTINGS_FILE} key, flag, environment variable):
${SETTINGS.map((s) => `  ${s.key.padEnd(keyWidth)}  ${(s.flag ?? '-').padEnd(14)} ${s.env ? `$${s.env}` : '-'}\n  ${''.padEnd(keyWidth)}  ${s.about}`).join('\n')}

Flags:
  --cwd <dir>          the project directory (default: the nearest directory, from the current
                       one up, that holds mochi.toml or mochi.lock; else the current one)
  --json               {"file": path|null, "settings": [{key, value, source, origin, items?}]}
                       (items: the named indexes and sources, [{name, value, explicit?, origin}])
${settingFlagHelp}
  -h, --help           show this help

Examples:
  mochi-pkg config --cwd examples/weather-report
  GOPROXY=off mochi-pkg config --json | jq '.settings[] | select(.key == "go.proxy")'

Exit codes: 0 shown · 2 bad usage, or ${SETTINGS_FILE} cannot be used (settings-invalid)`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'config', {
      cwd: { type: 'string' },
      json: { type: 'boolean' },
      ...settingFlags,
    });
    if (positionals.length > 0) {
      throw new UsageError(`config: unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    checkTargetFlags('config', values.target);
    const settings = await loadSettings({
      cwd: ctx.cwd,
      project: values.cwd,
      env: ctx.env,
      flags: settingsFromFlags(values),
    });
    if (values.json) {
      printJson(ctx, {
        file: settings.file ?? null,
        settings: settings.all().map((s) => ({
          key: s.key,
          value:
            s.value === undefined
              ? null
              : typeof s.value === 'string'
                ? redactUrls(s.value)
                : s.value.map((v) => redactUrls(v)),
          source: s.source,
          origin: s.origin,
          ...(s.items
            ? {
                items: s.items.map((i) => ({
                  name: i.name,
                  value: redactUrls(i.value),
                  ...(i.explicit ? { explicit: true } : {}),
                  origin: i.origin,
                })),
              }
            : {}),
        })),
      });
      return ExitCode.ok;
    }
    println(
      ctx,
      `# ${settings.file ?? `no ${SETTINGS_FILE} in the project; flags, environment and defaults`}`,
    );
    for (const s of settings.all()) {
      if (s.items && s.items.length > 0) {
        // One line per named index or source, each with its own origin.
        for (const i of s.items) {
          const key = `${s.key}.${i.name}`;
          println(
            ctx,
            `${key.padEnd(keyWidth)}  ${show(i.value)}${i.explicit ? ' explicit' : ''}  (${i.origin})`,
          );
        }
        continue;
      }
      println(ctx, `${s.key.padEnd(keyWidth)}  ${show(s.value)}  (${s.origin})`);
    }
    return ExitCode.ok;
  },
};
