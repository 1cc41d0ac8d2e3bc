// `mochi-pkg go info <module>@<version|latest>`: the proxy's validated .info for a version.
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { openSource, parseModuleArg, proxyFlags, SHARED_HELP } from '../go-proxy.js';

export const command: Command = {
  name: 'go info',
  summary: "show a module version's .info (version and time) from a GOPROXY",
  help: `Usage: mochi-pkg go info [--json] [--proxy <list>] <module>@<version|latest>

Fetches @v/<version>.info (or @latest) and validates it: a canonical Version, an RFC 3339 Time,
and exactly the version asked for. Prints "<version> <time>", or the JSON object with --json.

Flags:
${SHARED_HELP}

Examples:
  mochi-pkg go info golang.org/x/mod@latest
  mochi-pkg go info --json golang.org/x/mod@v0.8.0

Exit codes: 0 found · 1 not found, or the proxy failed or lied · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go info', proxyFlags);
    if (positionals.length !== 1) throw new UsageError('go info: expected exactly one module@version');
    const { module, query } = parseModuleArg('go info', positionals[0] ?? '');
    const source = await openSource(ctx, values.proxy);
    const info = query === 'latest' ? await source.latest(module) : await source.info(module, query);
    if (values.json) printJson(ctx, { Path: module, ...info });
    else println(ctx, info.Time === undefined ? info.Version : `${info.Version} ${info.Time}`);
    return ExitCode.ok;
  },
};
