// `mochi-pkg go mod <module>@<version|query>`: the go.mod a proxy serves for a version, or for the version a query resolves to.
import { resolveQuery } from '../../go/cache/download.js';
import { hashGoMod } from '../../go/dirhash/index.js';
import { canonicalVersion } from '../../go/module/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, UsageError } from '../context.js';
import { openSource, parseModuleArg, proxyFlags, SHARED_HELP } from '../go-proxy.js';

export const command: Command = {
  name: 'go mod',
  summary: 'print the go.mod a GOPROXY serves for a module version',
  help: `Usage: mochi-pkg go mod [--json] [--proxy <list>] <module>@<version|query>

Fetches @v/<version>.mod (at most 4 MiB) and prints it unchanged. A query (\`latest\`, \`vX\`,
\`vX.Y\`, \`<v\`, \`<=v\`, \`>v\`, \`>=v\`, a non-canonical version, a revision) is resolved first as
\`go mod download <module>@<query>\` and \`go download\` resolve it (retracted versions skipped). With
--json prints {"Path", "Version", "GoModSum", "GoMod"} where GoMod is the file's text.

Flags:
${SHARED_HELP}

Examples:
  mochi-pkg go mod golang.org/x/mod@v0.8.0
  mochi-pkg go mod --json 'example.com/foo@<v1.1.0'

Exit codes: 0 printed · 1 not found, no version matches the query, or the proxy failed · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go mod', proxyFlags);
    if (positionals.length !== 1) throw new UsageError('go mod: expected exactly one module@version');
    const { module, query } = parseModuleArg('go mod', positionals[0] ?? '', true, true);
    const source = await openSource(ctx, values.proxy);
    const version =
      canonicalVersion(query) === query ? query : (await resolveQuery(source, module, query)).Version;
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
