// `mochi-pkg go zip check`: x/mod's CheckZip / CheckDir rules on a module zip or directory.
import { type CheckedFiles, checkDir, checkZip } from '../../go/modzip/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println } from '../context.js';
import { isDirectory, MODULE_FLAGS, moduleOf, positionals, runReporting } from './go-zip-shared.js';

const NAME = 'go zip check';

export const command: Command = {
  name: NAME,
  summary: 'check a module zip or directory against the module zip rules',
  help: `Usage:
  mochi-pkg go zip check <module.zip> [--module M --version V] [--json]
  mochi-pkg go zip check <dir> [--json]

Checks what golang.org/x/mod/zip checks: every entry under M@V/, clean and portable file paths, no
case-insensitive collisions, go.mod only at the root and spelled go.mod, sizes within limits (500 MiB
zip and content, 16 MiB go.mod and LICENSE). Lists valid, omitted and invalid files with reasons.
Entry bodies are not read (\`go zip extract\` and \`go hash\` verify them).

Flags:
  --module M     module path (default: from the zip's first entry)
  --version V    module version (default: from the zip's first entry)
  --json         print {"valid": […], "omitted": [{path, reason}], "invalid": […], "sizeError"?}

Examples:
  mochi-pkg go zip check example.com/foo@v1.0.0.zip
  mochi-pkg go zip check ./foo --json

Exit codes: 0 valid · 1 invalid files or too large, or a corrupt or hostile zip · 2 bad usage,
missing file, not a zip, bad module path or version · 3 internal error`,
  async run(ctx) {
    const { values, positionals: args } = parseCommandArgs(ctx, NAME, MODULE_FLAGS);
    const json = values.json === true;
    const [path] = positionals(NAME, args, ['zip-or-dir']);
    return runReporting(ctx, json, async () => {
      let cf: CheckedFiles;
      if (await isDirectory(path!)) cf = await checkDir(path!);
      else cf = await checkZip(path!, await moduleOf(NAME, path!, values));
      const ok = cf.invalid.length === 0 && cf.sizeError === undefined;
      if (json) {
        printJson(ctx, { ok, ...cf });
      } else {
        println(
          ctx,
          `${path}: ${ok ? 'valid' : 'INVALID'}: ${cf.valid.length} valid, ${cf.omitted.length} omitted, ${cf.invalid.length} invalid`,
        );
        if (cf.sizeError !== undefined) println(ctx, `  size: ${cf.sizeError}`);
        for (const f of cf.invalid) println(ctx, `  invalid: ${f.path}: ${f.reason}`);
        for (const f of cf.omitted) println(ctx, `  omitted: ${f.path}: ${f.reason}`);
      }
      return ok ? ExitCode.ok : ExitCode.failure;
    });
  },
};
