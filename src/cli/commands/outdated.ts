// `mochi-pkg outdated`: for each locked Go module and Python distribution, the newest version the
// imports allow and the newest overall, from the project's module proxy and package index.
import { Querier } from '../../go/query/index.js';
import { goProxyList, lazyGoSource } from '../../project/goSource.js';
import { absoluteIndexUrl, readProjectLock } from '../../project/lock.js';
import { goOutdated, type OutdatedRow, pythonOutdated, renderOutdated } from '../../project/outdated.js';
import { projectRoot } from '../../project/root.js';
import { scanProject } from '../../project/scan.js';
import { loadSettings } from '../../project/settingsFile.js';
import { tryParseTargetName } from '../../python/lockfile/target.js';
import { specifierSetToString } from '../../python/pep440/index.js';
import { canonicalizeName, tryParseRequirement } from '../../python/pep508/index.js';
import { closureTarget, IndexSession, TargetSource } from '../../python/registry/index.js';
import { type Command, ExitCode, parseCommandArgs, printJson, UsageError } from '../context.js';
import { settingFlags, settingsFromFlags } from '../settings-flags.js';

/** The setting flags of `lock` that `outdated` refuses, and why they would change nothing. */
const UNUSED_FLAGS = [
  ['index-url', 'each distribution is looked up on the index mochi.lock records for it'],
  ['index', 'each distribution is looked up on the index mochi.lock records for it'],
  ['stubs-dir', 'stubs play no part in which versions exist'],
  ['target', 'each distribution is compared on the first target mochi.lock locks it for'],
  ['go-cache-dir', 'Go versions come from the module proxy, not the module cache'],
] as const;

export const command: Command = {
  name: 'outdated',
  summary: 'show, per locked Go module and Python distribution, the newest version allowed and overall',
  help: `Usage: mochi-pkg outdated [--cwd <dir>] [--json] [--go-proxy <list>] [--cache-dir <dir>]

For each Go module and each Python distribution mochi.lock pins from a module proxy or a package
index, prints the locked version, the newest version the imports allow, and the newest overall
(releases only; a prerelease only when a module has nothing else). Go: as \`go list -m -u\`
offers an update, with the query resolution lock uses (its upgrade query): nothing below the
locked version (the newest release above it, else the newest prerelease above it, else the locked
version), no version the module's latest go.mod retracts (a retracted locked version is offered a
newer prerelease), each version as the proxy's .info names it (a listed v2.0.0 of a path without
/v2 is no update); an import's query bounds it
(\`@v1\`: the newest v1.x; \`@v1.2\`: v1.2.x; a range such as \`@<v2.0.0\`: the newest in it; an
exact version: that version; \`@latest\` or an indirect module the bridge go.mod requires: any
version of its path, as \`lock --upgrade-package\` moves it; an indirect module no built package
comes from: its locked version, since go mod tidy puts it back where its requirers put it). Python:
the specifiers of its import and of the locked distributions that require it, on the first target
the lock names (versions with a wheel for that target, not yanked). Versions come from go.proxy
and the index each distribution was locked from (see \`mochi-pkg config\`). Changes nothing; exit 0 whether or not something is outdated.
Of lock's setting flags, only those that change the answer are taken: --index-url, --index,
--stubs-dir, --target and --go-cache-dir are refused (exit 2), since the lock names each
distribution's index and targets.

Flags:
  --cwd <dir>          the project directory (default: the nearest directory, from the current
                       one up, that holds mochi.toml or mochi.lock; else the current one)
  --json               {"rows": [{ecosystem, name, locked, allowed, newest}]}
  --go-proxy <list>    go.proxy: the module proxy Go versions are listed from
  --cache-dir <dir>    python.cache-dir: where index pages are cached
  -h, --help           show this help

Examples:
  mochi-pkg outdated --cwd examples/weather-report
  mochi-pkg outdated --json | jq '.rows[] | select(.allowed != .locked)'

Exit codes: 0 shown · 1 a proxy or index could not be read · 2 bad usage, mochi.lock missing or unreadable`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'outdated', {
      cwd: { type: 'string' },
      json: { type: 'boolean' },
      ...settingFlags,
    });
    if (positionals.length > 0) {
      throw new UsageError(`outdated: unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    // Setting flags that would change nothing here are refused, not silently ignored.
    for (const [flag, why] of UNUSED_FLAGS) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `outdated: --${flag} is not used: ${why}`,
          'run `mochi-pkg outdated --help` for usage',
        );
      }
    }
    const root = projectRoot(ctx.cwd, values.cwd);
    const lock = await readProjectLock(root);
    const settings = await loadSettings({
      cwd: ctx.cwd,
      project: values.cwd,
      env: ctx.env,
      flags: settingsFromFlags(values),
    });
    const rows: OutdatedRow[] = [];

    // Go: the queries of each module's imports, by alias.
    const scan = await scanProject(root);
    const queryOf = new Map<string, string>();
    for (const imp of scan.imports) {
      if (imp.language !== 'go') continue;
      const at = imp.spec.indexOf('@');
      queryOf.set(imp.alias, at < 0 ? '' : imp.spec.slice(at + 1));
    }
    const goEnv = { ...ctx.env, ...settings.goEnv() };
    const source = lazyGoSource(goProxyList(goEnv.GOPROXY, ctx.cwd), goEnv);
    const querier = new Querier(source);
    for (const e of lock.go.entries) {
      if (e.version === undefined || e.source !== 'module-proxy') continue;
      // An indirect module the bridge go.mod requires moves as `go get m@v` moves it (any version);
      // one it does not (no package of it is built) is where its requirers put it: go mod tidy drops
      // a requirement on it again, so `lock --upgrade-package` cannot move it either.
      const queries = e.indirect && !e.require ? [e.version] : e.aliases.map((a) => queryOf.get(a) ?? '');
      rows.push(await goOutdated(querier, e.module, e.version, queries));
    }

    // Python: each locked distribution, bounded by its import's specifier and its dependents'.
    const dists = lock.distributions ?? [];
    const specifiers = new Map<string, string[]>();
    const add = (name: string, spec: string) => {
      const k = canonicalizeName(name);
      specifiers.set(k, [...(specifiers.get(k) ?? []), spec]);
    };
    for (const e of lock.python.entries) if (e.specifier !== undefined) add(e.name, e.specifier);
    for (const d of dists) {
      for (const dep of d.dependencies) {
        const req = tryParseRequirement(dep);
        if (req) add(req.name, specifierSetToString(req.specifier));
      }
    }
    const session = new IndexSession({ cacheDir: settings.string('python.cache-dir')! });
    for (const d of dists) {
      const t = tryParseTargetName(d.targets[0] ?? '3.12-linux');
      const target = closureTarget(t?.python ?? [3, 12], t?.platform ?? 'linux');
      const from = new TargetSource(session, absoluteIndexUrl(d.indexUrl, root), target);
      const versions = (await from.versions(d.name)).filter((v) => !v.yanked).map((v) => v.version);
      rows.push(pythonOutdated(d.name, d.version, specifiers.get(canonicalizeName(d.name)) ?? [], versions));
    }
    if (values.json) printJson(ctx, { rows });
    else ctx.stdout.write(renderOutdated(rows));
    return ExitCode.ok;
  },
};
