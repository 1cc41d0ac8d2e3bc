// `mochi-pkg lock` and `mochi-pkg lock --check`: pin a project's Python and Go imports in mochi.lock, or verify it.
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMochiPkgError, type MochiPkgError, redactUrls } from '../../errors.js';
import { Cache, defaultCacheRoot } from '../../go/cache/index.js';
import { renderGoSum } from '../../go/lockfile/index.js';
import { fromGoProxy, type ModuleSource } from '../../go/proxy/index.js';
import {
  type BuildFn,
  checkWrapperFolders,
  compareLocks,
  defaultCacheDir,
  formatLockDiff,
  LOCK_FILE,
  type Lock,
  type LockPlan,
  loadPythonBuild,
  type PythonBuildOptions,
  parseLock,
  planLock,
  readLock,
  registryProvider,
  typeshedProvider,
  writeLockIfChanged,
  writeWrapperFolders,
} from '../../project/index.js';
import type { PythonTarget } from '../../python/build/types.js';
import { LockfileError } from '../../python/lockfile/index.js';
import { registryIndexUrl } from '../../python/registry/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import {
  type Command,
  type CommandContext,
  ExitCode,
  parseCommandArgs,
  printJson,
  println,
  UsageError,
} from '../context.js';
import { createProgress } from '../progress.js';

const HELP = `mochi-pkg lock: pin every \`import python\` and \`import go\` of a Mochi project in mochi.lock

Usage:
  mochi-pkg lock [flags]            write mochi.lock (only when its bytes change)
  mochi-pkg lock --check [flags]    verify mochi.lock is up to date; change nothing

Reads every *.mochi file under the project (node_modules and .git skipped), finds each
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

Flags:
  --check              compare mochi.lock with what lock would write; exit 1 on drift
  --json               machine-readable output (with --check: {"upToDate", "diff": [{kind, key, fields}],
                       "wrappers"?: [{alias, path, problem}]})
  --skipped            also list the names that were not wrapped, and why
  --cwd <dir>          the project directory (default: the current directory)
  --stubs-dir <dir>    a typeshed-style stub directory (stubs/<Distribution>/, stdlib/); repeatable.
                       Default: $MOCHI_PYTHON_STUBS (a ${delimiter}-separated list)
  --index-url <url>    Simple API index of registry imports (PEP 691 JSON or PEP 503 HTML; http,
                       https, file:// or a local directory). Default: $MOCHI_PYTHON_INDEX_URL,
                       else https://pypi.org/simple/
  --offline            resolve index imports from the cache only (pages and wheels fetched before),
                       and Go modules from the module cache only (as --go-proxy off)
  --cache-dir <dir>    cache for git and index sources (default: $MOCHI_PYTHON_CACHE, else
                       $XDG_CACHE_HOME/mochi-pkg/python)
  --python <X.Y>       Python version the stubs are evaluated for (default 3.12)
  --platform <name>    sys.platform the stubs are evaluated for (default linux)
  --go-proxy <list>    GOPROXY list for import go (https://…, http://…, file://…, off; a path
                       starting with . or / is a file:// proxy directory). Default: $GOPROXY,
                       else https://proxy.golang.org
  --go-cache-dir <dir> the verified Go module cache (default: $MOCHI_GO_BRIDGE_CACHE, else
                       $XDG_CACHE_HOME/mochi-go-bridge/modules)
  --go-sum <file>      after locking, also write the go.sum lines of the locked Go modules to <file>
  -h, --help           show this help

Examples:
  mochi-pkg lock --cwd examples/weather --stubs-dir node_modules/pyright/dist/typeshed-fallback
  mochi-pkg lock --index-url https://devpi.example/root/pypi/+simple/
  mochi-pkg lock --check --offline          # in CI, after a warm-up run
  mochi-pkg lock --check --json | jq .diff
  mochi-pkg lock --go-proxy ./goproxy --go-sum go.sum

Output of --check on drift: one line per entry, \`added <name>:<alias>\`, \`removed <name>:<alias>\`
or \`changed <name>:<alias> (<field>, …)\` for Python entries and the same with the module path
for Go entries (\`changed example.com/greet (version, zip-h1, mod-h1)\`), one line per wrapper file
that is \`missing\` or \`edited\` (\`edited python_wrap/<alias>/wrapper.mochi\`), then a hint to run
\`mochi-pkg lock\`.

Wrapper files: lock writes python_wrap/<alias>/ for each Python import (wrapper.mochi: the shim,
whose SHA-256 is the entry's wrapper-sha256; SKIPPED.txt: one line per name not wrapped, and why;
manifest.json), each only when its bytes change, and removes the folders of aliases no longer
imported.

Exit codes:
  0  lock written or already up to date; with --check, the lock is up to date
  1  with --check, the lock drifted; or a stub source failed (git, missing stubs, an unreachable
     index, a hash mismatch, no matching version, offline cache miss); a Go module could not be
     fetched or verified; a locked Go hash does not match (go-checksum-mismatch)
  2  bad usage, or unusable input: mochi.lock missing or unparsable (with --check), a malformed
     import declaration or spec
  3  internal error
`;

/** What `lock` needs that tests replace. */
export interface LockDeps {
  /** Makes the Python build (loads the .pyi parser). */
  readonly makeBuild: (options: PythonBuildOptions) => Promise<BuildFn>;
}

const defaultDeps: LockDeps = { makeBuild: loadPythonBuild };

function printError(ctx: CommandContext, e: MochiPkgError): void {
  ctx.stderr.write(`mochi-pkg: error[${e.code}]: ${redactUrls(e.message)}\n`);
  if (e.hint) ctx.stderr.write(`  hint: ${redactUrls(e.hint)}\n`);
}

function parsePython(value: string | undefined, platform: string | undefined): PythonTarget | undefined {
  if (value === undefined && platform === undefined) return undefined;
  const m = /^(\d+)\.(\d+)$/.exec(value ?? '3.12');
  if (!m) throw new UsageError(`lock: --python ${JSON.stringify(value)} is not X.Y`, 'e.g. --python 3.12');
  return { version: [Number(m[1]), Number(m[2])], platform: platform ?? 'linux' };
}

function totals(plan: LockPlan): { entries: number; items: number; skipped: number; goModules: number } {
  const goModules = plan.lock.go.entries.length;
  return {
    entries: plan.manifest.entries.length + goModules,
    goModules,
    items: plan.targets.reduce((n, t) => n + t.items, 0),
    skipped: plan.targets.reduce((n, t) => n + t.skipped.length, 0),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${n} entries`;
}

/** An index given as a URL is kept; anything else is a local directory, relative to `cwd`. */
function indexUrlArg(value: string, cwd: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : pathToFileURL(`${resolve(cwd, value)}/`).href;
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
    python: { type: 'string' },
    platform: { type: 'string' },
    'index-url': { type: 'string' },
    offline: { type: 'boolean' },
    'go-proxy': { type: 'string' },
    'go-cache-dir': { type: 'string' },
    'go-sum': { type: 'string' },
  });
  if (values.check && values['go-sum'] !== undefined) {
    throw new UsageError(
      'lock: --go-sum writes a file; it cannot be combined with --check',
      'run `mochi-pkg lock --go-sum <file>`',
    );
  }
  const root = resolve(ctx.cwd, values.cwd ?? '.');
  const stubDirs =
    values['stubs-dir'] ?? (ctx.env.MOCHI_PYTHON_STUBS ?? '').split(delimiter).filter((d) => d !== '');
  const cacheDir = values['cache-dir']
    ? resolve(ctx.cwd, values['cache-dir'])
    : defaultCacheDir(ctx.env, process.platform, homedir());
  const python = parsePython(values.python, values.platform);
  const indexUrl = indexUrlArg(registryIndexUrl(values['index-url'], ctx.env), ctx.cwd);
  const lockPath = join(root, LOCK_FILE);
  const goCacheDir = values['go-cache-dir']
    ? resolve(ctx.cwd, values['go-cache-dir'])
    : defaultCacheRoot(ctx.env);
  // --offline: Go modules come from the cache only (GOPROXY=off), as Python stubs do.
  const goProxy = values.offline ? 'off' : goProxyList(values['go-proxy'] ?? ctx.env.GOPROXY, ctx.cwd);

  try {
    // With --check the lock on disk is read first: a missing or broken lock is reported before any work.
    let onDisk: { bytes: Buffer; lock: Lock } | undefined;
    // Without --check the lock on disk only lends its Go versions (kept while the imports allow).
    let previous: Lock | undefined;
    const bytes = await readLock(root);
    if (values.check) {
      if (bytes === undefined) {
        ctx.stderr.write(
          `mochi-pkg: error[lock-missing]: ${lockPath} does not exist\n  hint: run \`mochi-pkg lock\` to create it\n`,
        );
        return ExitCode.usage;
      }
      onDisk = { bytes, lock: parseLock(bytes, { fileName: lockPath }) };
      previous = onDisk.lock;
    } else if (bytes !== undefined) {
      try {
        previous = parseLock(bytes, { fileName: lockPath });
      } catch (e) {
        if (!(e instanceof LockfileError)) throw e;
        // As before Go entries existed, `lock` regenerates a broken lock rather than refusing it.
        ctx.stderr.write(
          `note: ignoring the unreadable ${LOCK_FILE} (${e.code}); Go queries are resolved afresh\n`,
        );
      }
    }

    const progress = createProgress(ctx, values.json === true);
    progress.update('mochi-pkg lock: reading the Python build…');
    // The stub directories also resolve names a package imports from elsewhere (the stdlib).
    const build = await deps.makeBuild({ typeshedRoots: stubDirs.map((d) => resolve(ctx.cwd, d)) });
    progress.update(`mochi-pkg lock: scanning ${root}…`);
    const plan = await planLock({
      root,
      cacheDir,
      // Explicit stub directories first; the index serves what they do not have.
      providers: [
        ...stubDirs.map((d) => typeshedProvider(resolve(ctx.cwd, d))),
        registryProvider({
          indexUrl,
          ...(values.offline ? { offline: true } : {}),
          ...(python ? { python } : {}),
        }),
      ],
      build,
      ...(python ? { python } : {}),
      go: async () => ({
        cache: await Cache.open(goCacheDir),
        source: lazySource(goProxy),
        ...(previous ? { previous: previous.go } : {}),
      }),
    });
    progress.done();
    const sum = totals(plan);

    const folders = plan.targets.map((t) => t.folder);
    if (onDisk) {
      const diff = compareLocks(onDisk.lock, plan.lock);
      // An entry that drifted is rewritten with its folder by `lock`: its files are not reported again.
      const drifted = new Set(
        diff.filter((d) => !('table' in d)).map((d) => d.key.slice(d.key.lastIndexOf(':') + 1)),
      );
      const wrappers = await checkWrapperFolders(
        root,
        folders.filter((f) => !drifted.has(f.alias)),
      );
      if (values.json) {
        printJson(ctx, {
          upToDate: diff.length === 0 && wrappers.length === 0,
          diff,
          ...(wrappers.length > 0 ? { wrappers } : {}),
        });
      } else if (diff.length === 0 && wrappers.length === 0) {
        const canonical = onDisk.bytes.equals(Buffer.from(plan.text, 'utf8'));
        println(ctx, `${LOCK_FILE} is up to date (${entries(sum.entries)})`);
        if (!canonical)
          ctx.stderr.write(
            `note: ${LOCK_FILE} is not in canonical form; \`mochi-pkg lock\` would rewrite it\n`,
          );
      } else {
        for (const d of diff) println(ctx, formatLockDiff(d));
        for (const w of wrappers) println(ctx, `${w.problem} ${w.path}`);
        const what = diff.length > 0 ? `${LOCK_FILE} is out of date` : 'the wrapper files are out of date';
        ctx.stderr.write(`${what}\n  hint: run \`mochi-pkg lock\` to update it\n`);
      }
      return diff.length === 0 && wrappers.length === 0 ? ExitCode.ok : ExitCode.failure;
    }

    const written = await writeLockIfChanged(root, plan.text);
    const wrappers = await writeWrapperFolders(root, folders);
    let goSum: { path: string; lines: number } | undefined;
    if (values['go-sum'] !== undefined) {
      const text = renderGoSum(plan.lock.go);
      goSum = {
        path: resolve(ctx.cwd, values['go-sum']),
        lines: text === '' ? 0 : text.split('\n').length - 1,
      };
      await writeFileAtomic(goSum.path, text);
    }
    if (values.json) {
      printJson(ctx, {
        written,
        path: lockPath,
        wrappers,
        ...sum,
        ...(goSum ? { goSum } : {}),
        ...(values.skipped
          ? { skips: plan.targets.flatMap((t) => t.skipped.map((s) => ({ alias: t.import.alias, ...s }))) }
          : {}),
      });
    } else {
      println(
        ctx,
        `${LOCK_FILE}: ${written ? 'wrote' : 'up to date,'} ${entries(sum.entries)} (${plural(sum.items, 'item')}, ${plural(sum.skipped, 'skip')}${sum.goModules > 0 ? `; ${plural(sum.goModules, 'Go module')}` : ''}) from ${plural(plan.files.length, 'file')}`,
      );
      if (goSum) println(ctx, `${goSum.path}: wrote ${plural(goSum.lines, 'line')}`);
      if (wrappers.written.length > 0 || wrappers.removed.length > 0)
        println(
          ctx,
          `python_wrap: wrote ${plural(wrappers.written.length, 'file')}, removed ${plural(wrappers.removed.length, 'folder')}`,
        );
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
    if (isMochiPkgError(e) && e.exitClass === 'usage') {
      printError(ctx, e);
      return ExitCode.usage;
    }
    throw e;
  }
}

/**
 * The GOPROXY list of `--go-proxy` / `$GOPROXY`: as cmd/go reads it, except that an entry starting
 * with `.` or `/` is a directory served as a `file://` proxy (resolved against `cwd`).
 */
function goProxyList(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/([,|])/)
    .map((part) => {
      const t = part.trim();
      return t.startsWith('.') || t.startsWith('/') ? pathToFileURL(resolve(cwd, t)).href : part;
    })
    .join('');
}

/**
 * A module source that parses GOPROXY only when first asked: a fully cached `--check` never
 * needs (or validates) the proxy setting.
 */
function lazySource(goproxy: string | undefined): ModuleSource {
  let src: ModuleSource | undefined;
  const get = (): ModuleSource => {
    src ??= fromGoProxy(goproxy);
    return src;
  };
  return {
    list: (m) => get().list(m),
    info: (m, v) => get().info(m, v),
    latest: (m) => get().latest(m),
    mod: (m, v) => get().mod(m, v),
    zip: (m, v, sink, o) => get().zip(m, v, sink, o),
  };
}

/** The `lock` command. */
export const command: Command = {
  name: 'lock',
  summary: 'pin Python and Go imports in mochi.lock; --check verifies it (CI)',
  help: HELP,
  run: (ctx) => runLock(ctx, defaultDeps),
};
