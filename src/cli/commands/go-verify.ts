// `mochi-pkg go verify [<module>@<version>...]`: re-hash cache entries against their .ziphash.

import { lstat } from 'node:fs/promises';
import { redactUrls } from '../../errors.js';
import { CacheCorruptError } from '../../go/cache/errors.js';
import type { Cache } from '../../go/cache/store.js';
import { readIfExists } from '../../go/cache/store.js';
import { hashGoMod } from '../../go/dirhash/index.js';
import { SumdbError } from '../../go/sumdb/index.js';
import { mapInOrder } from '../../util/pool.js';
import { type Command, ExitCode, parseCommandArgs, printError, printJson, println } from '../context.js';
import { CACHE_HELP, cacheFlags, openCommandCache, openCommandSums, parseModuleArg } from '../go-proxy.js';
import { createProgress } from '../progress.js';

interface Verdict {
  Path: string;
  Version: string;
  Sum?: string;
  /** The checksum database that vouched for Sum and the go.mod's hash. */
  SumDB?: string;
  Error?: string;
  Removed?: boolean;
}

/** The verdict of a named entry of which the cache holds no file at all. */
const NOT_IN_CACHE = 'not in cache';

/** Whether the cache holds any file of `module@version` (a partial entry is there, and corrupt). */
async function inCache(cache: Cache, module: string, version: string): Promise<boolean> {
  for (const p of [
    cache.zipPath(module, version),
    cache.zipHashPath(module, version),
    cache.infoPath(module, version),
    cache.modPath(module, version),
  ]) {
    if (
      await lstat(p).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

export const command: Command = {
  name: 'go verify',
  summary: 're-hash cached module zips and report corrupt entries',
  help: `Usage: mochi-pkg go verify [--json] [--fix] [--cache-dir <dir>] [<module>@<version>...]

Re-hashes each named cache entry's zip (or every complete entry when none is named) and compares
it with its .ziphash sidecar. A missing file, an unreadable zip or a mismatch is reported as
corrupt. The zip's and the go.mod's hashes are then checked against the checksum database
(GOSUMDB, as for go download): a disagreement is reported as "mismatch" with the SECURITY ERROR
on stderr (error[sumdb-security]). Entries left incomplete by an interrupted download are not corrupt (the cache does not
report them as present); they are counted, and the next \`go download\` completes them.

Output: "ok <module>@<version> <h1:sum>", "corrupt <module>@<version>: <why>", "mismatch
<module>@<version>: <why>" (the checksum database disagrees) or, for a named entry the cache
holds no file of, "missing <module>@<version>: not in cache" per entry; with --json one object
per line: Path, Version, and Sum (with SumDB, the database that vouched for it) or Error (and
Removed with --fix).

Flags:
  --fix               remove corrupt entries so that the next download fetches them again
  --json              machine-readable output, one JSON object per line
${CACHE_HELP}

Examples:
  mochi-pkg go verify
  mochi-pkg go verify --json golang.org/x/mod@v0.8.0

Exit codes: 0 every entry verified · 1 at least one corrupt or missing entry · 2 bad usage`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'go verify', {
      ...cacheFlags,
      json: { type: 'boolean' },
      fix: { type: 'boolean' },
    });
    // Verifying only reads: a missing cache is an empty one, and stays missing.
    const cache = await openCommandCache(ctx, values['cache-dir'], { create: false });
    const sums = openCommandSums(ctx, undefined, cache);
    let targets: { module: string; version: string }[];
    let incomplete = 0;
    if (positionals.length > 0) {
      targets = [...new Set(positionals)].map((a) => {
        const { module, query } = parseModuleArg('go verify', a);
        return { module, version: query };
      });
    } else {
      await cache.cleanTemps();
      const entries = await cache.entries();
      targets = entries.filter((e) => e.complete);
      incomplete = entries.length - targets.length;
    }
    const progress = createProgress(ctx);
    let checked = 0;
    // Entries the checksum database disagrees with (the cache itself is consistent).
    const refused = new Set<Verdict>();
    const verdicts = await mapInOrder(
      targets,
      2,
      async ({ module, version }): Promise<Verdict> => {
        if (!(await inCache(cache, module, version))) {
          return { Path: module, Version: version, Error: NOT_IN_CACHE };
        }
        try {
          const Sum = await cache.verifyZip(module, version);
          const mod = await readIfExists(cache.modPath(module, version));
          const [byZip, byMod] = await Promise.all([
            sums.zip(module, version, Sum),
            mod === undefined ? undefined : sums.mod(module, version, hashGoMod(mod)),
          ]);
          const by = byZip ?? byMod;
          return { Path: module, Version: version, Sum, ...(by === undefined ? {} : { SumDB: by }) };
        } catch (e) {
          if (e instanceof SumdbError && e.code === 'sumdb-security') {
            if (!values.json) printError(ctx, e);
            const v = { Path: module, Version: version, Error: redactUrls(e.message.split('\n')[0] ?? '') };
            refused.add(v);
            return v;
          }
          if (!(e instanceof CacheCorruptError)) throw e;
          const v: Verdict = { Path: module, Version: version, Error: redactUrls(e.message) };
          if (values.fix) {
            await cache.remove(module, version);
            v.Removed = true;
          }
          return v;
        } finally {
          progress.update(`verifying: ${++checked}/${targets.length}`);
        }
      },
      (v) => {
        progress.done();
        if (values.json) printJson(ctx, v);
        else if (v.Error === undefined) println(ctx, `ok ${v.Path}@${v.Version} ${v.Sum}`);
        else if (refused.has(v)) println(ctx, `mismatch ${v.Path}@${v.Version}: ${v.Error}`);
        else if (v.Error === NOT_IN_CACHE) println(ctx, `missing ${v.Path}@${v.Version}: ${NOT_IN_CACHE}`);
        else println(ctx, `corrupt ${v.Path}@${v.Version}: ${v.Error}${v.Removed ? ' (removed)' : ''}`);
      },
    );
    progress.done();
    if (incomplete > 0 && !values.json) {
      if (ctx.verbosity !== 'quiet')
        ctx.stderr.write(
          `mochi-pkg: ${incomplete} incomplete entr${incomplete === 1 ? 'y' : 'ies'} skipped\n`,
        );
    }
    return verdicts.some((v) => v.Error !== undefined) ? ExitCode.failure : ExitCode.ok;
  },
};
