// `mochi-pkg go mod <module>@<version>`: the go.mod a proxy serves for a version.
import { hashGoMod } from '../../go/dirhash/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, UsageError } from '../context.js';
import { openSource, parseModuleArg, proxyFlags, SHARED_HELP } from '../go-proxy.js';

export const command: Command = {
  name: 'go mod',
  summary: 'print the go.mod a GOPROXY serves for a module version',
  help: `Usage: mochi-pkg go mod [--json] [--proxy <list>] <module>@<version>

Fetches @v/<version>.mod (at most 4 MiB) and prints it unchanged. With --json prints
{"Path", "Version", "GoModSum", "GoMod"} where GoMod is the file's text.

Flags:
${SHARED_HELP}

Examples:
  mochi-pkg go mod golang.org/x/mod@v0.8.0
  mochi-pkg go mod --json example.com/foo@v1.0.0

Exit codes: 0 printed · 1 not found, or the proxy failed · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go mod', proxyFlags);
    if (positionals.length !== 1) throw new UsageError('go mod: expected exactly one module@version');
    const { module, query } = parseModuleArg('go mod', positionals[0] ?? '');
    const source = await openSource(ctx, values.proxy);
    const version = query === 'latest' ? (await source.latest(module)).Version : query;
    const mod = await source.mod(module, version);
    if (values.json) {
      printJson(ctx, {
        Path: module,
        Version: version,
        GoModSum: hashGoMod(mod),
        GoMod: Buffer.from(mod).toString('utf8'),
      });
    } else {
      ctx.stdout.write(Buffer.from(mod));
    }
    return ExitCode.ok;
  },
};
