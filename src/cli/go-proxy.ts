// What the proxy and cache commands share: --proxy/--cache-dir flags, module@version arguments.
import { isAbsolute, resolve } from 'node:path';
import type { ZipHasher } from '../go/cache/hasher.js';
import { defaultCacheRoot } from '../go/cache/layout.js';
import { Cache } from '../go/cache/store.js';
import { isGoQuery } from '../go/lockfile/spec.js';
import { checkPath, escapeVersion, InvalidModuleVersionError, InvalidPathError } from '../go/module/index.js';
import type { ModuleSource } from '../go/proxy/client.js';
import { type ModuleSums, openModuleSums } from '../go/sumdb/index.js';
import { openGoSource } from '../project/goSource.js';
import { checkGoProxyList, checkGosumdb } from '../project/settings.js';
import { netrcPath } from '../util/netrc.js';
import { type CommandContext, UsageError } from './context.js';
import { checkDirFlag } from './pathFlags.js';

/** Flags every proxy command accepts. */
export const proxyFlags = {
  proxy: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Flags of the commands that use the cache. */
export const cacheFlags = {
  'cache-dir': { type: 'string' },
} as const;

/** The help lines for the shared flags and environment. */
export const SHARED_HELP = `  --proxy <list>      GOPROXY list to use instead of $GOPROXY (default https://proxy.golang.org)
  --json              machine-readable output, one JSON object per line

Environment:
  GOPROXY                 proxy list: URLs (https, http, file) separated by "," (fall through on
                          not-found) or "|" (fall through on any error); "off" disables downloads
  NETRC, ~/.netrc         credentials for proxy and checksum database hosts (never printed)
  GOSUMDB                 checksum database every module is checked against: unset means
                          sum.golang.org (reached through GOPROXY first); "off", a name, a key, or
                          "<key> <url>"; a disagreement is a SECURITY ERROR (exit 1)
  GONOSUMDB, GOPRIVATE    module path prefix globs not checked (GOINSECURE does not disable it)
  MOCHI_SUMDB_TIMEOUT_MS  checksum database request timeout in ms (default 30000)`;

/** The help lines for --cache-dir and the cache's environment. */
export const CACHE_HELP = `  --cache-dir <dir>   cache root (default $MOCHI_GO_BRIDGE_CACHE, else
                      $XDG_CACHE_HOME/mochi-pkg/go, ~/.cache/… or ~/Library/Caches/… on macOS)`;

/**
 * The GOPROXY list of a command: `--proxy`, else `$GOPROXY`. One cmd/go would refuse is a usage
 * error naming the flag or the variable, before anything is fetched.
 */
function commandProxyList(ctx: CommandContext, proxy: string | undefined): string | undefined {
  const list = proxy ?? ctx.env.GOPROXY;
  checkGoProxyList(list, proxy !== undefined ? '--proxy' : '$GOPROXY', false);
  return list;
}

/** The module source for a command: `--proxy`, else `$GOPROXY`; credentials from netrc. */
export function openSource(ctx: CommandContext, proxy: string | undefined): Promise<ModuleSource> {
  return openGoSource(commandProxyList(ctx, proxy), ctx.env);
}

/** The cache for a command: `--cache-dir` (relative to the working directory), else the default root. */
export async function openCommandCache(
  ctx: CommandContext,
  dir: string | undefined,
  options: { hasher?: ZipHasher; create?: boolean } = {},
): Promise<Cache> {
  await checkDirFlag('cache-dir', dir, ctx.cwd);
  const root = dir === undefined ? defaultCacheRoot(ctx.env) : dir;
  return Cache.open(isAbsolute(root) ? root : resolve(ctx.cwd, root), options);
}

/** A `module@query` argument, checked. */
export interface ModuleArg {
  readonly module: string;
  readonly query: string;
}

/**
 * Splits `module@version` at the last `@` and checks both halves; a bad argument is a usage error
 * naming it. `needVersion: false` also accepts a bare module path (query `''`); `queries: true`
 * also accepts the version queries of an `import go` spec (`latest`, `vX`, `vX.Y`, `<v`, `<=v`,
 * `>v`, `>=v`), whose `<` and `>` no version may hold.
 */
export function parseModuleArg(command: string, arg: string, needVersion = true, queries = false): ModuleArg {
  const at = arg.lastIndexOf('@');
  const module = at < 0 ? arg : arg.slice(0, at);
  const query = at < 0 ? '' : arg.slice(at + 1);
  if (needVersion && query === '') {
    throw new UsageError(
      `${command}: ${JSON.stringify(arg)} has no version`,
      'write module@version, e.g. golang.org/x/mod@v0.8.0 or golang.org/x/mod@latest',
    );
  }
  try {
    checkPath(module);
    // A range, well formed or not, is the query resolution's to judge (in cmd/go's words).
    if (query !== '' && !(queries && (isGoQuery(query) || /^[<>]/.test(query)))) escapeVersion(query);
  } catch (e) {
    if (e instanceof InvalidPathError || e instanceof InvalidModuleVersionError) {
      throw new UsageError(`${command}: ${JSON.stringify(arg)}: ${e.message}`, 'write module@version');
    }
    throw e;
  }
  return { module, query };
}

/**
 * The checksum database checks of a command (GOSUMDB, GONOSUMDB, GOPRIVATE), reaching the
 * database through `--proxy` / `$GOPROXY` first; the latest verified tree, tiles and lookups are
 * kept in the cache.
 */
export function openCommandSums(ctx: CommandContext, proxy: string | undefined, cache: Cache): ModuleSums {
  checkGosumdb(ctx.env.GOSUMDB, '$GOSUMDB');
  return openModuleSums({
    env: ctx.env,
    goproxy: commandProxyList(ctx, proxy),
    cacheRoot: cache.root,
    netrc: netrcPath(ctx.env),
  });
}
