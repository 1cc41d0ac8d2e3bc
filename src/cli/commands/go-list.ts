// `mochi-pkg go list <module>`: the versions a proxy has for a module.
import { redactUrls } from '../../errors.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { openSource, parseModuleArg, proxyFlags, SHARED_HELP } from '../go-proxy.js';

export const command: Command = {
  name: 'go list',
  summary: 'list the versions a GOPROXY has for a module',
  help: `Usage: mochi-pkg go list [--json] [--proxy <list>] <module>

Prints the module's released versions from the proxy's @v/list, semver-sorted, one per line
(pseudo-versions and invalid lines are dropped, as cmd/go does).

Flags:
${SHARED_HELP}

Examples:
  mochi-pkg go list golang.org/x/mod
  mochi-pkg go list --json --proxy file:///srv/goproxy example.com/foo

Exit codes: 0 listed · 1 the proxy failed or does not know the module · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go list', proxyFlags);
    if (positionals.length !== 1) throw new UsageError('go list: expected exactly one module path');
    const { module } = parseModuleArg('go list', positionals[0] ?? '', false);
    const source = await openSource(ctx, values.proxy);
    const versions = await source.list(module);
    if (values.json) printJson(ctx, { Path: module, Versions: versions });
    else for (const v of versions) println(ctx, redactUrls(v));
    return ExitCode.ok;
  },
};
