// `mochi-pkg go download <module>@<version>...`: fetch into the cache in parallel, verified.

import { MochiPkgError, redactUrls } from '../../errors.js';
import { type DownloadResult, download } from '../../go/cache/download.js';
import { defaultHashThreads, threadHasher, type ZipHasher } from '../../go/cache/hasher.js';
import { mapInOrder } from '../../util/pool.js';
import {
  type Command,
  type CommandContext,
  ExitCode,
  parseCommandArgs,
  printError,
  printJson,
  println,
  UsageError,
} from '../context.js';
import {
  CACHE_HELP,
  cacheFlags,
  type ModuleArg,
  openCommandCache,
  openCommandSums,
  openSource,
  parseModuleArg,
  proxyFlags,
  SHARED_HELP,
} from '../go-proxy.js';
import { createProgress } from '../progress.js';

const DEFAULT_JOBS = 16;

export const command: Command = {
  name: 'go download',
  summary: 'download module versions into the verified cache',
  help: `Usage: mochi-pkg go download [--json] [--jobs N] [--verify] [--proxy <list>] [--cache-dir <dir>]
                            <module>@<version|query>...

Resolves each query as \`go mod download <module>@<query>\` does, as \`lock\` resolves the query of an
\`import go\` spec: \`latest\` (the newest release, else prerelease, not retracted), \`vX\` and \`vX.Y\`
(the newest with that prefix), the ranges \`<v\`, \`<=v\`, \`>v\`, \`>=v\` (the nearest release in range),
a version, or a revision the proxy resolves. Then fetches the version's .info, .mod and .zip into
the cache (Go's cache/download layout, usable as GOPROXY=file://<cache>), checks and hashes the
zip before publishing it, and prints the result.
Versions already in the cache are not fetched again. Downloads run in parallel (--jobs, default
${DEFAULT_JOBS}); output follows the order of the arguments.

Output: "<module> <version> <h1:sum>" per module; with --json one object per line with the field
names of \`go mod download -json\`: Path, Version, Info, GoMod, Zip, Sum, GoModSum, or Error; and
SumDB, the checksum database that vouched for Sum and GoModSum (absent when GOSUMDB=off or the
module is matched by GONOSUMDB/GOPRIVATE). A module the database disagrees with is refused before
it enters the cache (error[sumdb-security], "SECURITY ERROR").
A progress line is shown on a terminal (not when piped or under CI).

Flags:
  --jobs, -j <n>      parallel downloads (default ${DEFAULT_JOBS})
  --verify            re-hash zips already in the cache instead of trusting their .ziphash
${CACHE_HELP}
${SHARED_HELP}

Examples:
  mochi-pkg go download golang.org/x/mod@v0.8.0 golang.org/x/text@latest
  mochi-pkg go download 'golang.org/x/mod@<v0.9.0' golang.org/x/text@v0.3
  GOPROXY=file:///srv/goproxy mochi-pkg go download --json example.com/foo@v1.0.0

Exit codes: 0 all downloaded · 1 at least one failed · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go download', {
      ...proxyFlags,
      ...cacheFlags,
      jobs: { type: 'string', short: 'j' },
      verify: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('go download: expected at least one module@version');
    const jobs = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
      throw new UsageError(
        `go download: --jobs ${JSON.stringify(values.jobs)} is not a number from 1 to 256`,
      );
    }
    const args: ModuleArg[] = [...new Set(positionals)].map((a) =>
      parseModuleArg('go download', a, true, true),
    );
    // Zips are checked and hashed on worker threads while the main thread keeps downloading. With
    // one module there is nothing to overlap the hashing with: a worker would only add its memory.
    const hasher = threadHasher(Math.min(defaultHashThreads(), args.length - 1));
    try {
      return await downloadAll(ctx, args, jobs, values, hasher);
    } finally {
      await hasher.close();
    }
  },
};

/** Downloads every argument (at most `jobs` at once) and prints the results in argument order. */
async function downloadAll(
  ctx: CommandContext,
  args: readonly ModuleArg[],
  jobs: number,
  values: {
    proxy?: string | undefined;
    'cache-dir'?: string | undefined;
    json?: boolean | undefined;
    verify?: boolean | undefined;
  },
  hasher: ZipHasher,
): Promise<number> {
  const cache = await openCommandCache(ctx, values['cache-dir'], { hasher });
  const source = await openSource(ctx, values.proxy);
  const sums = openCommandSums(ctx, values.proxy, cache);
  const progress = createProgress(ctx);
  let finished = 0;
  let failed = 0;
  // The error behind each failed result, printed as every command prints errors (`error[code]`).
  const errors = new Map<DownloadResult, MochiPkgError>();
  const results = await mapInOrder(
    args,
    jobs,
    async ({ module, query }): Promise<DownloadResult> => {
      try {
        return await download(cache, source, module, query, { verify: values.verify === true, sums });
      } catch (e) {
        if (!(e instanceof MochiPkgError)) throw e;
        failed++;
        const r = { Path: module, Version: query, Error: redactUrls(e.message) };
        errors.set(r, e);
        return r;
      } finally {
        finished++;
        progress.update(`downloading: ${finished}/${args.length} done${failed ? `, ${failed} failed` : ''}`);
      }
    },
    (r) => {
      progress.done();
      if (values.json) printJson(ctx, r);
      else if (r.Error !== undefined) printError(ctx, errors.get(r)!);
      else println(ctx, `${r.Path} ${r.Version} ${r.Sum}`);
    },
  );
  progress.done();
  return results.some((r) => r.Error !== undefined) ? ExitCode.failure : ExitCode.ok;
}
