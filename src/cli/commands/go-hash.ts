// `mochi-pkg go hash`: the h1: hash of a module zip, a module directory or a go.mod file.
import { hashGoMod, hashZip } from '../../go/dirhash/index.js';
import { hashModuleDir } from '../../go/modzip/index.js';
import { readRegularFile } from '../../util/read.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { isDirectory, MODULE_FLAGS, moduleOf, positionals, runReporting } from './go-zip-shared.js';

const NAME = 'go hash';

export const command: Command = {
  name: NAME,
  summary: 'print the h1: hash of a module zip, a module directory or a go.mod file',
  help: `Usage:
  mochi-pkg go hash <module.zip> [--module M --version V] [--json]
  mochi-pkg go hash <dir> --module M --version V [--json]
  mochi-pkg go hash --gomod <go.mod> [--json]

Prints the h1: hash that go.sum and the checksum database record (golang.org/x/mod/sumdb/dirhash).
For a zip, every entry must start with M@V/ (taken from the first entry when not given). For a
directory, the hash is that of the module zip \`mochi-pkg go zip create\` would write from it (VCS
folders, nested modules and vendored packages left out), without writing it.

Flags:
  --module M     module path (e.g. example.com/foo)
  --version V    module version (canonical, e.g. v1.2.3)
  --gomod        hash the file as a go.mod (the "<module> <version>/go.mod h1:…" line of go.sum)
  --json         print {"h1": …, "module": …, "version": …}

Examples:
  mochi-pkg go hash example.com/foo@v1.0.0.zip
  mochi-pkg go hash ./foo --module example.com/foo --version v1.0.0
  mochi-pkg go hash --gomod go.mod

Exit codes: 0 hash printed · 1 the zip is corrupt, hostile or invalid · 2 bad usage, missing file,
not a zip, bad module path or version · 3 internal error`,
  async run(ctx) {
    const { values, positionals: args } = parseCommandArgs(ctx, NAME, {
      ...MODULE_FLAGS,
      gomod: { type: 'boolean' },
    });
    const json = values.json === true;
    const [target] = positionals(NAME, args, [values.gomod ? 'go.mod' : 'zip-or-dir']);
    const path = target!;
    return runReporting(ctx, json, async () => {
      let h1: string;
      let mod: { module?: string; version?: string } = {};
      if (values.gomod) {
        let bytes: Buffer;
        try {
          // go.mod is capped at 16 MiB, as in module zips; a device or FIFO is refused unread.
          bytes = await readRegularFile(path, { maxBytes: 16 << 20, what: 'go.mod' });
        } catch (e) {
          if (
            (e as NodeJS.ErrnoException).code !== 'ENOENT' &&
            (e as NodeJS.ErrnoException).code !== 'ENOTDIR'
          )
            throw e;
          throw new UsageError(`${path}: cannot read go.mod: ${(e as Error).message}`);
        }
        h1 = hashGoMod(bytes);
      } else if (await isDirectory(path)) {
        if (values.module === undefined || values.version === undefined) {
          throw new UsageError(`${NAME}: hashing a directory needs --module and --version`);
        }
        h1 = await hashModuleDir(path, { path: values.module, version: values.version });
        mod = { module: values.module, version: values.version };
      } else {
        const m = await moduleOf(NAME, path, values);
        h1 = await hashZip(path, m.path, m.version);
        mod = { module: m.path, version: m.version };
      }
      if (json) printJson(ctx, { h1, ...mod });
      else println(ctx, h1);
      return ExitCode.ok;
    });
  },
};
