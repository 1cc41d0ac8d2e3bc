// `mochi-pkg go zip create`: a module zip from a directory, by x/mod's CreateFromDir rules.
import { hashZip } from '../../go/dirhash/index.js';
import { createFromDir } from '../../go/modzip/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { MODULE_FLAGS, positionals, runReporting } from './go-zip-shared.js';

const NAME = 'go zip create';

export const command: Command = {
  name: NAME,
  summary: 'create a module zip from a directory (x/mod CreateFromDir rules)',
  help: `Usage:
  mochi-pkg go zip create <dir> --module M --version V -o <out.zip> [--json]

Writes the module zip for M@V from the files under <dir>, leaving out .bzr .git .hg .svn folders,
nested modules (folders with their own go.mod), vendored packages and symbolic links, and refusing
invalid or colliding file names, as golang.org/x/mod/zip does. The zip is written atomically and
its h1: hash printed; it equals the hash of the zip the go command would make.

Flags:
  --module M       module path (required)
  --version V      canonical module version (required)
  -o, --output F   where to write the zip (required)
  --json           print {"zip", "h1", "files": […], "omitted": [{path, reason}]}

Examples:
  mochi-pkg go zip create ./foo --module example.com/foo --version v1.0.0 -o foo.zip

Exit codes: 0 written · 1 invalid files or too large · 2 bad usage, missing directory, bad module
path or version · 3 internal error`,
  async run(ctx) {
    const { values, positionals: args } = parseCommandArgs(ctx, NAME, {
      ...MODULE_FLAGS,
      output: { type: 'string', short: 'o' },
    });
    const json = values.json === true;
    const [dir] = positionals(NAME, args, ['dir']);
    if (values.module === undefined || values.version === undefined || values.output === undefined) {
      throw new UsageError(
        `${NAME}: --module, --version and -o are required`,
        `run \`mochi-pkg ${NAME} --help\``,
      );
    }
    const m = { path: values.module, version: values.version };
    const out = values.output;
    return runReporting(ctx, json, async () => {
      const r = await createFromDir(dir!, m, out);
      const h1 = await hashZip(out, m.path, m.version);
      if (json) {
        printJson(ctx, { ok: true, zip: out, h1, files: r.files, omitted: r.omitted });
      } else {
        println(ctx, `${out}: ${r.files.length} files, ${r.omitted.length} left out`);
        println(ctx, h1);
      }
      return ExitCode.ok;
    });
  },
};
