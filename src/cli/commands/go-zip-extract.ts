// `mochi-pkg go zip extract`: safe extraction of a module zip (x/mod Unzip rules, nothing left on failure).
import { extract } from '../../go/modzip/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println } from '../context.js';
import { MODULE_FLAGS, moduleOf, positionals, runReporting } from './go-zip-shared.js';

const NAME = 'go zip extract';

export const command: Command = {
  name: NAME,
  summary: 'extract a module zip safely into a new or empty directory',
  help: `Usage:
  mochi-pkg go zip extract <module.zip> <dir> [--module M --version V] [--json]

Checks the whole zip first (the \`go zip check\` rules), then extracts it into <dir>, which must be
missing or empty. Every file is verified while it inflates (declared size, CRC-32), so a zip bomb
stops at its declared size; nothing is written outside <dir>, no symbolic link is created, files
are read-only as the go command leaves them, and a failure leaves nothing behind.

Flags:
  --module M     module path (default: from the zip's first entry)
  --version V    module version (default: from the zip's first entry)
  --json         print {"dir", "files": […]}

Examples:
  mochi-pkg go zip extract example.com/foo@v1.0.0.zip ./foo

Exit codes: 0 extracted · 1 invalid, corrupt or hostile zip · 2 bad usage, missing file, not a
zip, target not empty, bad module path or version · 3 internal error`,
  async run(ctx) {
    const { values, positionals: args } = parseCommandArgs(ctx, NAME, MODULE_FLAGS);
    const json = values.json === true;
    const [zip, dir] = positionals(NAME, args, ['zip', 'dir']);
    return runReporting(ctx, json, async () => {
      const m = await moduleOf(NAME, zip!, values);
      const r = await extract(zip!, m, dir!);
      if (json) printJson(ctx, { ok: true, dir, files: r.files });
      else println(ctx, `${dir}: extracted ${r.files.length} files of ${m.path}@${m.version}`);
      return ExitCode.ok;
    });
  },
};
