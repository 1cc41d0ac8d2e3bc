// `mochi-pkg go info <module>@<version|query>`: the validated .info of a version, or of the version a query resolves to.
import { resolveQuery } from '../../go/cache/download.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { openSource, parseModuleArg, proxyFlags, SHARED_HELP } from '../go-proxy.js';

export const command: Command = {
  name: 'go info',
  summary: "show a module version's .info (version and time) from a GOPROXY",
  help: `Usage: mochi-pkg go info [--json] [--proxy <list>] <module>@<version|query>

Fetches @v/<version>.info and validates it: a canonical Version, an RFC 3339 Time, and exactly
the version asked for. A query is resolved first as \`go list -m <module>@<query>\` and
\`go download\` resolve it: \`latest\` (the newest release, else prerelease, not retracted: not the
proxy's @latest as is), \`vX\` and \`vX.Y\` (the newest with that prefix), the ranges \`<v\`, \`<=v\`,
\`>v\`, \`>=v\` (the nearest release in range), a non-canonical version, or a revision the proxy
resolves. Prints "<version> <time>", or the JSON object with --json.

Flags:
${SHARED_HELP}

Examples:
  mochi-pkg go info golang.org/x/mod@latest
  mochi-pkg go info golang.org/x/mod@v0.8
  mochi-pkg go info --json golang.org/x/mod@v0.8.0

Exit codes: 0 found · 1 not found, no version matches the query, or the proxy failed or lied · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go info', proxyFlags);
    if (positionals.length !== 1) throw new UsageError('go info: expected exactly one module@version');
    const { module, query } = parseModuleArg('go info', positionals[0] ?? '', true, true);
    const source = await openSource(ctx, values.proxy);
    // A version is its own .info; a query is resolved first.
    const info = await resolveQuery(source, module, query);
    if (values.json) printJson(ctx, { Path: module, ...info });
    else println(ctx, info.Time === undefined ? info.Version : `${info.Version} ${info.Time}`);
    return ExitCode.ok;
  },
};
