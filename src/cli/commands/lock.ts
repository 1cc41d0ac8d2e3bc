// `mochi-pkg lock` and `mochi-pkg lock --check`: pin a project's Python and Go imports in mochi.lock, or verify it.
import { delimiter } from 'node:path';
import { isMochiPkgError, redactUrls } from '../../errors.js';
import type { BuildFn, LockPlan, LockSettings, PythonBuildOptions } from '../../project/index.js';
import { LOCK_FILE } from '../../project/lockFile.js';
import type { Settings } from '../../project/settings.js';
import { loadSettings } from '../../project/settingsFile.js';
import type { LockfileError } from '../../python/lockfile/index.js';
import {
  type Command,
  type CommandContext,
  ExitCode,
  eprintln,
  note,
  parseCommandArgs,
  plural,
  printError,
  printJson,
  println,
  UsageError,
  verbose,
} from '../context.js';
import { checkDirFlag, checkOutputFileFlag } from '../pathFlags.js';
import { createProgress } from '../progress.js';
import {
  checkTargetFlags,
  PYTHON_TARGET_HELP,
  parsePythonTarget,
  pythonTargetFlags,
} from '../python-target.js';
import { settingsFromFlags } from '../settings-flags.js';

const HELP = `mochi-pkg lock: pin every \`import python\` and \`import go\` of a Mochi project in mochi.lock

Usage:
  mochi-pkg lock [flags]            write mochi.lock (only when its bytes change)
  mochi-pkg lock --check [flags]    verify mochi.lock is up to date; change nothing

Reads every *.mochi file under the project (node_modules, .git, and the generated python_wrap/
and .mochi/ at its root skipped), finds each
\`import python "<spec>" as <alias>\`, gets the stubs from the spec's source, builds the Mochi
wrapper, and records one [[python-package]] entry per import: source, specifier, version,
wrapper-sha256 and capabilities. Stub sources: \`name@path+<dir>\` (a local directory),
\`name@git+<url>[#rev]\` (cloned with git into the cache), and bare names or PEP 440
specifiers (\`name\`, \`name@>=1,<2\`) from a typeshed-style stub directory when one is given
and has them, else from the package index: the highest version that satisfies the specifier, its
wheel verified by sha256 and cached, its .pyi files (or py.typed sources, or the stub-only package
types-<name> / <name>-stubs). \`name@<id>+<url>\` imports use their own index.

Each \`import go "<module>[@<version>|@latest|@vX|@vX.Y]" as <alias>\` is pinned as one
[[go-package]] entry per module: the version (a query is resolved through the module proxy once,
then kept while the imports allow it), and the zip-h1 / mod-h1 hashes go.sum would hold. Every
module is downloaded into the verified module cache; \`<module>@path+<dir>\` hashes a local
directory instead, and standard-library paths (\`strings\`) are not pinned. With every module
cached, --check makes no network request. A locked hash that differs from what the proxy serves
for the same version is a security error (go-checksum-mismatch), never drift.
Before a module's hashes enter the lock they are checked against the checksum database as cmd/go
does (GOSUMDB, default sum.golang.org, reached through the Go proxy list first; GONOSUMDB and
GOPRIVATE exclude module path prefixes; GOSUMDB=off turns it off): a disagreement is a SECURITY
ERROR (sumdb-security) and nothing is written. Hashes the lock already holds are trusted as go.sum
lines are and not looked up again; --check asks no checksum database. With --json, "sumdb" lists
each module version a database vouched for in this run. Database requests carry netrc credentials
($NETRC, else ~/.netrc) and time out after 30 s without data (sumdb-timeout; MOCHI_SUMDB_TIMEOUT_MS
sets it in ms).

Wrapper files: lock writes python_wrap/<alias>/ for each Python import (wrapper.mochi: the shim,
whose SHA-256 is the entry's wrapper-sha256; SKIPPED.txt: one line per name not wrapped, and why;
manifest.json), each only when its bytes change, and removes the folders of aliases no longer
imported. They are real folders of regular files: a python_wrap/ or alias folder that is a symbolic
link is replaced (the link only, nothing is written or removed through it), and a file there that
is not a regular file (a FIFO, a device) is never read; --check reports what is below a link, and
such a file, as edited.

Upgrades: lock keeps each Go module and Python distribution at the version mochi.lock pins while
the imports allow it. --upgrade re-resolves them all; --upgrade-package <name>[@<version>] only the
ones named. Both print one line per pin that moved (\`go example.com/geo: v1.0.0 -> v1.1.0\`).

Settings: the project's mochi.toml ([python] and [go] tables) holds the stub directories, index,
targets, GOPROXY, GOPRIVATE, GONOSUMDB, GOSUMDB and cache directories. A flag wins over its
environment variable, which wins over mochi.toml; \`mochi-pkg config\` shows each effective value
and where it came from (docs/settings.md).

Flags:
  --check              compare mochi.lock with what lock would write; exit 1 on drift
  --json               machine-readable output (\`lock\`: {"written", "path", "wrappers", totals,
                       "changes": [{ecosystem, name, from?, to?}]}; with --check: {"upToDate", "diff": [{kind, key, fields}],
                       "wrappers"?: [{alias, path, problem}]}; both: "warnings"?: the Python side's
                       warnings as strings, "goWarnings"?: [{module, version, kind: "deprecated"|
                       "retracted", message}], all also printed on stderr)
  --skipped            also list the names that were not wrapped, and why
  --cwd <dir>          the project directory (default: the nearest directory, from the current
                       one up, that holds mochi.toml or mochi.lock; else the current one)
  --stubs-dir <dir>    a typeshed-style stub directory (stubs/<Distribution>/, stdlib/); repeatable.
                       Default: $MOCHI_PYTHON_STUBS (a ${delimiter}-separated list),
                       else mochi.toml python.stubs-dirs
  --index-url <url>    Simple API index of registry imports (PEP 691 JSON or PEP 503 HTML; http,
                       https, file:// or a local directory). Default: $MOCHI_PYTHON_INDEX_URL,
                       else mochi.toml python.index-url, else https://pypi.org/simple/
  --index <name>=<url> a named index (mochi.toml [[python.index]]): searched before the default
                       index, or, for a name mochi.toml declares, its URL replaced (explicit
                       kept); repeatable. Default: $MOCHI_PYTHON_INDEX (space-separated), then
                       mochi.toml. [python.sources] pins distributions to a named index
  --offline            no network: index imports from the cache (pages and wheels fetched before)
                       and Go modules from the module cache; local (file://, directory) indexes and
                       Go proxies are still read
  --cache-dir <dir>    cache for git and index sources (default: $MOCHI_PYTHON_CACHE, else mochi.toml
                       python.cache-dir, else $XDG_CACHE_HOME/mochi-pkg/python)
${PYTHON_TARGET_HELP}
  --target <X.Y-plat>  an environment the closure of the index imports is locked for (e.g.
                       3.12-linux, 3.11-darwin, 3.13-win32); repeatable. Default: the
                       --python/--platform pair (or mochi.toml python.targets), so lock's
                       --platform is linux, darwin or win32. Each target gets the wheel pip would
                       install;
                       a distribution without a wheel for a target is an error (no sdist builds)
  --go-proxy <list>    GOPROXY list for import go (https://…, http://…, file://…, off; a path
                       starting with . or / is a file:// proxy directory). Default: $GOPROXY,
                       else mochi.toml go.proxy, else https://proxy.golang.org
  --go-cache-dir <dir> the verified Go module cache (default: $MOCHI_GO_BRIDGE_CACHE, else mochi.toml
                       go.cache-dir, else $XDG_CACHE_HOME/mochi-pkg/go)
  --go-sum <file>      after locking, also write the go.sum lines of the locked Go modules to <file>
  --go-mod <file>      after locking, also write the go.mod of the program's Go bridge to <file>
                       (module mochi.local/bridge; with --go-sum, \`go build\` needs no network)
  --allow-outside-project
                       let \`path+<dir>\` imports (Python and Go) name a directory outside the
                       project; by default they must lie inside it. The lock records the relative
                       path as written, never an absolute one
  --force              replace a mochi.lock that cannot be read (conflict markers, a newer
                       schema-version, an unknown key, too large); without it \`lock\` refuses such
                       a lock, since its Go hash pins would be lost
  --upgrade            re-resolve every Go module and Python distribution to the newest version the
                       imports allow, ignoring the versions pinned in mochi.lock (a version that stays
                       must keep its locked hashes)
  --upgrade-package <name>[@<version>]
                       let only this Go module (its path) or Python distribution (its name, PEP 503
                       normalised) move: to the newest version the imports allow, or to <version>
                       (Go: vX.Y.Z; Python: X.Y or ==X.Y) when they allow it; every other pin stays.
                       An indirect Go module moves as \`go get <module>[@<version>]\` moves it (to
                       its newest release, or to <version>) while a package of it is built.
                       Repeatable. A name not in mochi.lock is an error (lock-upgrade-unknown), and
                       so is a version the imports do not allow (lock-upgrade-unsatisfiable)
  -h, --help           show this help

Examples:
  mochi-pkg lock --cwd examples/weather-report --stubs-dir examples/weather-report/typeshed
  mochi-pkg lock --index-url https://devpi.example/root/pypi/+simple/
  mochi-pkg lock --check --offline          # in CI, after a warm-up run
  mochi-pkg lock --check --json | jq .diff
  mochi-pkg lock --go-proxy ./goproxy --go-mod bridge/go.mod --go-sum bridge/go.sum
  mochi-pkg lock --upgrade-package example.com/geo --upgrade-package toposort@1.9
  mochi-pkg lock --upgrade --json | jq .changes

Output of --check on drift: one line per entry, \`added <name>:<alias>\`, \`removed <name>:<alias>\`
or \`changed <name>:<alias> (<field>, …)\` for Python entries and the same with the module path
for Go entries (\`changed example.com/greet (version, zip-h1, mod-h1)\`), one line per wrapper file
that is \`missing\` or \`edited\` (\`edited python_wrap/<alias>/wrapper.mochi\`) and per wrapper folder
no import uses (\`unused python_wrap/<alias>\`, which lock removes), then a hint to run
\`mochi-pkg lock\`. A wrapper file that differs only in CRLF line endings (a checkout with git's
core.autocrlf) is not drift: a note names it (\`line-endings\` in --json).

Exit codes:
  0  lock written or already up to date; with --check, the lock is up to date
  1  with --check, the lock drifted; or a stub source failed (git, missing stubs, an unreachable
     index, a hash mismatch, no matching version, offline cache miss); a Go module could not be
     fetched or verified; a locked Go hash does not match (go-checksum-mismatch)
  2  bad usage, or unusable input: mochi.lock unparsable (without --force), missing (with
     --check), not a regular file, a malformed
     import declaration or spec
  3  internal error
`;

/** What `lock` needs that tests replace. */
export interface LockDeps {
  /**
   * Makes the Python build (default: the real one, which loads the .pyi parser, behind the verified
   * build cache). With one given, `lock --check` keeps no memo.
   */
  readonly makeBuild?: (options: PythonBuildOptions) => Promise<BuildFn>;
}

const defaultDeps: LockDeps = {};

/**
 * `lock` without --force on a lock it cannot read: exit 2 with the reader's error, and a hint that
 * says why the lock is kept (its Go hashes are pins, never silently re-taken from the proxy).
 */
function refuseUnreadable(ctx: CommandContext, e: LockfileError): number {
  eprintln(ctx, `mochi-pkg: error[${e.code}]: ${redactUrls(e.message)}`);
  const fix =
    e.code === 'lockfile-conflict'
      ? 'resolve the merge conflict in mochi.lock'
      : 'fix mochi.lock or delete it';
  ctx.stderr.write(
    `  hint: ${fix}, or run \`mochi-pkg lock --force\` to replace it; its Go hash pins would then be taken from the proxy again\n`,
  );
  return ExitCode.usage;
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${n} entries`;
}

/** The Python side's warnings (see {@link LockPlan.pythonWarnings}), credentials in URLs hidden (also what --json lists). */
function pythonWarnings(plan: LockPlan | undefined): string[] {
  return (plan?.pythonWarnings ?? []).map((w) => redactUrls(w));
}

/**
 * The Go warnings as --json lists them (`"goWarnings"`, apart from the Python side's `"warnings"`
 * strings): one object per deprecated or retracted module pinned, with the message printed on stderr.
 */
function goWarningsJson(plan: LockPlan | undefined): { goWarnings?: object[] } {
  const ws = plan?.go?.warnings ?? [];
  if (ws.length === 0) return {};
  return {
    goWarnings: ws.map((w) => ({ module: w.module, version: w.version, kind: w.kind, message: w.message })),
  };
}

/**
 * The Python side's warnings, then, as `go get` does, Go deprecations and retractions (the pin is
 * kept; the user decides).
 */
function printWarnings(ctx: CommandContext, plan: LockPlan | undefined): void {
  if (ctx.verbosity === 'quiet') return;
  for (const w of pythonWarnings(plan)) ctx.stderr.write(`python: warning: ${w}\n`);
  const goWarnings = plan?.go?.warnings ?? [];
  for (const w of goWarnings) {
    ctx.stderr.write(w.kind === 'deprecated' ? `go: ${w.message}\n` : `go: warning: ${w.message}\n`);
  }
  const retracted = [...new Set(goWarnings.filter((w) => w.kind === 'retracted').map((w) => w.module))];
  if (retracted.length > 0) {
    ctx.stderr.write(
      `  hint: to switch to the latest unretracted version, import ${retracted.length === 1 ? retracted[0] : '<module>'}@latest and run \`mochi-pkg lock\`\n`,
    );
  }
}

/** Runs `lock` with injectable dependencies (the exported command uses the real build). */
export async function runLock(ctx: CommandContext, deps: LockDeps): Promise<number> {
  const { values } = parseCommandArgs(ctx, 'lock', {
    check: { type: 'boolean' },
    json: { type: 'boolean' },
    skipped: { type: 'boolean' },
    cwd: { type: 'string' },
    'stubs-dir': { type: 'string', multiple: true },
    'cache-dir': { type: 'string' },
    ...pythonTargetFlags,
    target: { type: 'string', multiple: true },
    'index-url': { type: 'string' },
    index: { type: 'string', multiple: true },
    offline: { type: 'boolean' },
    'go-proxy': { type: 'string' },
    'go-cache-dir': { type: 'string' },
    'go-sum': { type: 'string' },
    'go-mod': { type: 'string' },
    force: { type: 'boolean' },
    'allow-outside-project': { type: 'boolean' },
    upgrade: { type: 'boolean' },
    'upgrade-package': { type: 'string', multiple: true },
  });
  for (const flag of ['upgrade', 'upgrade-package'] as const) {
    if (values.check && values[flag] !== undefined) {
      throw new UsageError(
        `lock: --${flag} moves pins; it cannot be combined with --check`,
        `run \`mochi-pkg lock --${flag}${flag === 'upgrade' ? '' : ' <name>'}\`, then \`mochi-pkg lock --check\``,
      );
    }
  }
  const upgrading = values.upgrade === true || (values['upgrade-package'] ?? []).length > 0;
  for (const flag of ['go-sum', 'go-mod'] as const) {
    if (values.check && values[flag] !== undefined) {
      throw new UsageError(
        `lock: --${flag} writes a file; it cannot be combined with --check`,
        `run \`mochi-pkg lock --${flag} <file>\``,
      );
    }
  }
  checkTargetFlags('lock', values.target);
  for (const flag of ['cache-dir', 'go-cache-dir'] as const) await checkDirFlag(flag, values[flag], ctx.cwd);
  for (const flag of ['go-sum', 'go-mod'] as const) await checkOutputFileFlag(flag, values[flag], ctx.cwd);
  const python = parsePythonTarget('lock', values, true);
  const progress = createProgress(ctx, values.json === true);
  // Listed with -v, then handed down: the lock runs with the settings it listed.
  let loaded: Settings | undefined;
  if (ctx.verbosity === 'verbose') {
    loaded = await loadSettings({
      cwd: ctx.cwd,
      project: values.cwd,
      env: ctx.env,
      flags: settingsFromFlags(values),
      python,
    });
    verbose(ctx, `lock: settings${loaded.file ? ` (${loaded.file})` : ''}:`);
    for (const s of loaded.all()) {
      const v =
        s.value === undefined ? '(unset)' : typeof s.value === 'string' ? s.value : `[${s.value.join(', ')}]`;
      verbose(ctx, `  ${s.key} = ${redactUrls(v)}  (${s.origin})`);
    }
  }
  const settings: LockSettings = {
    cwd: ctx.cwd,
    env: ctx.env,
    project: values.cwd,
    stubsDirs: values['stubs-dir'],
    cacheDir: values['cache-dir'],
    indexUrl: values['index-url'],
    indexes: values.index,
    offline: values.offline,
    python,
    targets: values.target,
    goProxy: values['go-proxy'],
    goCacheDir: values['go-cache-dir'],
    allowOutsideProject: values['allow-outside-project'],
    settings: loaded,
    makeBuild: deps.makeBuild,
    onEvent: (e) => {
      if (e.kind === 'progress') progress.update(e.message);
      else
        note(
          ctx,
          `--force: replacing the unreadable ${LOCK_FILE} (${e.code}); its Go pins are resolved afresh`,
        );
    },
  };
  try {
    if (values.check) {
      const full = async (loaded?: Settings) =>
        (await import('../../project/lockProject.js')).checkLock(
          loaded === undefined ? settings : { ...settings, settings: loaded },
        );
      // The real build's checks are memoised: unchanged inputs give the last check's answer.
      const r =
        deps.makeBuild === undefined
          ? await (await import('../../project/checkMemo.js')).memoisedCheck(settings, full, () =>
              verbose(ctx, 'lock --check: no input changed since the last check found the lock up to date'),
            )
          : await full();
      progress.done();
      printWarnings(ctx, r.plan);
      if (values.json) {
        const warnings = pythonWarnings(r.plan);
        printJson(ctx, {
          upToDate: r.upToDate,
          diff: r.diff,
          ...(r.wrappers.length > 0 ? { wrappers: r.wrappers } : {}),
          ...(warnings.length > 0 ? { warnings } : {}),
          ...goWarningsJson(r.plan),
        });
      } else if (r.upToDate) {
        println(ctx, `${LOCK_FILE} is up to date (${entries(r.totals.entries)})`);
        if (!r.canonical)
          note(ctx, `${LOCK_FILE} is not in canonical form; \`mochi-pkg lock\` would rewrite it`);
        for (const w of r.wrappers) {
          note(
            ctx,
            `${w.path} ends its lines with CRLF (git's core.autocrlf?); \`mochi-pkg lock\` would rewrite it (\`python_wrap/** -text\` in .gitattributes keeps it as written)`,
          );
        }
      } else {
        const { formatLockDiff } = await import('../../project/lockdoc.js');
        for (const d of r.diff) println(ctx, formatLockDiff(d));
        for (const w of r.wrappers) if (w.problem !== 'line-endings') println(ctx, `${w.problem} ${w.path}`);
        const what = r.diff.length > 0 ? `${LOCK_FILE} is out of date` : 'the wrapper files are out of date';
        ctx.stderr.write(`error[lockfile-drift]: ${what}\n  hint: run \`mochi-pkg lock\` to update it\n`);
      }
      return r.upToDate ? ExitCode.ok : ExitCode.failure;
    }
    const { lockProject } = await import('../../project/lockProject.js');
    const r = await lockProject({
      ...settings,
      force: values.force,
      goSum: values['go-sum'],
      goMod: values['go-mod'],
      upgrade: values.upgrade,
      upgradePackages: values['upgrade-package'],
    });
    progress.done();
    printWarnings(ctx, r.plan);
    const { plan, totals: sum, goSum, goMod } = r;
    if (values.json) {
      const warnings = pythonWarnings(plan);
      printJson(ctx, {
        written: r.written,
        path: r.path,
        wrappers: r.wrappers,
        ...sum,
        changes: r.changes,
        ...(goSum ? { goSum } : {}),
        ...(goMod ? { goMod } : {}),
        ...(r.sumdb.length > 0 ? { sumdb: r.sumdb } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
        ...goWarningsJson(plan),
        ...(values.skipped
          ? { skips: plan.targets.flatMap((t) => t.skipped.map((s) => ({ alias: t.import.alias, ...s }))) }
          : {}),
      });
    } else {
      println(
        ctx,
        `${LOCK_FILE}: ${r.written ? 'wrote' : 'up to date,'} ${entries(sum.entries)} (${plural(sum.items, 'item')}, ${plural(sum.skipped, 'skip')}${sum.goModules > 0 ? `; ${plural(sum.goModules, 'Go module')}` : ''}) from ${plural(plan.files.length, 'file')}`,
      );
      // What moved is the point of an upgrade: one line per Go module or Python distribution.
      if (upgrading) {
        for (const c of r.changes) {
          println(ctx, `${c.ecosystem} ${c.name}: ${c.from ?? '(new)'} -> ${c.to ?? '(removed)'}`);
        }
        if (r.changes.length === 0) println(ctx, 'no pin moved');
      }
      if (r.wrappers.written.length > 0 || r.wrappers.removed.length > 0)
        println(
          ctx,
          `python_wrap: wrote ${plural(r.wrappers.written.length, 'file')}, removed ${plural(r.wrappers.removed.length, 'folder')}`,
        );
      if (goSum) println(ctx, `${goSum.path}: wrote ${plural(goSum.lines, 'line')}`);
      if (goMod) println(ctx, `${goMod.path}: wrote the Go bridge's go.mod`);
      if (values.skipped) {
        for (const t of plan.targets) {
          for (const s of t.skipped) {
            println(
              ctx,
              `  ${t.import.alias}: ${s.itemPath}: ${s.reason}: ${s.detail}${s.override ? ` (override: ${s.override})` : ''}`,
            );
          }
        }
      }
    }
    return ExitCode.ok;
  } catch (e) {
    if (!values.check && isMochiPkgError(e)) {
      const { LockfileError } = await import('../../python/lockfile/index.js');
      if (e instanceof LockfileError) return refuseUnreadable(ctx, e);
    }
    // Runs outside the shell (tests, embedding) still get the exit status of unusable input.
    if (isMochiPkgError(e) && e.exitClass === 'usage') {
      printError(ctx, e);
      return ExitCode.usage;
    }
    throw e;
  }
}

/** The `lock` command. */
export const command: Command = {
  name: 'lock',
  summary: 'pin Python and Go imports in mochi.lock; --check verifies it (CI)',
  help: HELP,
  run: (ctx) => runLock(ctx, defaultDeps),
};
