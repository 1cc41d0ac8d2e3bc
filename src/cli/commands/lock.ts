// `mochi-pkg lock` and `mochi-pkg lock --check`: pin a project's Python imports in mochi.lock, or verify it.
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMochiPkgError, type MochiPkgError, redactUrls } from '../../errors.js';
import {
  type BuildFn,
  defaultCacheDir,
  LOCK_FILE,
  type LockPlan,
  loadPythonBuild,
  type PythonBuildOptions,
  planLock,
  readLock,
  registryProvider,
  typeshedProvider,
  writeLockIfChanged,
} from '../../project/index.js';
import type { PythonTarget } from '../../python/build/types.js';
import { compareManifests, formatDiffEntry, type Manifest, parseToml } from '../../python/lockfile/index.js';
import { registryIndexUrl } from '../../python/registry/index.js';
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

const HELP = `mochi-pkg lock: pin every \`import python\` of a Mochi project in mochi.lock

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

Flags:
  --check              compare mochi.lock with what lock would write; exit 1 on drift
  --json               machine-readable output (with --check: {"upToDate", "diff": [{kind, key, fields}]})
  --skipped            also list the names that were not wrapped, and why
  --cwd <dir>          the project directory (default: the current directory)
  --stubs-dir <dir>    a typeshed-style stub directory (stubs/<Distribution>/, stdlib/); repeatable.
                       Default: $MOCHI_PYTHON_STUBS (a ${delimiter}-separated list)
  --index-url <url>    Simple API index of registry imports (PEP 691 JSON or PEP 503 HTML; http,
                       https, file:// or a local directory). Default: $MOCHI_PYTHON_INDEX_URL,
                       else https://pypi.org/simple/
  --offline            resolve index imports from the cache only (pages and wheels fetched before)
  --cache-dir <dir>    cache for git and index sources (default: $MOCHI_PYTHON_CACHE, else
                       $XDG_CACHE_HOME/mochi-pkg/python)
  --python <X.Y>       Python version the stubs are evaluated for (default 3.12)
  --platform <name>    sys.platform the stubs are evaluated for (default linux)
  -h, --help           show this help

Examples:
  mochi-pkg lock --cwd examples/weather --stubs-dir node_modules/pyright/dist/typeshed-fallback
  mochi-pkg lock --index-url https://devpi.example/root/pypi/+simple/
  mochi-pkg lock --check --offline          # in CI, after a warm-up run
  mochi-pkg lock --check --json | jq .diff

Output of --check on drift: one line per entry, \`added <name>:<alias>\`, \`removed <name>:<alias>\`
or \`changed <name>:<alias> (<field>, …)\`, then a hint to run \`mochi-pkg lock\`.

Exit codes:
  0  lock written or already up to date; with --check, the lock is up to date
  1  with --check, the lock drifted; or a stub source failed (git, missing stubs, an unreachable
     index, a hash mismatch, no matching version, offline cache miss)
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

/** Codes of errors that mean the input is unusable (exit 2), as opposed to a failed fetch (exit 1). */
const UNUSABLE = new Set([
  'project-syntax',
  'project-import',
  'project-not-found',
  'importspec-invalid',
  'lockfile-syntax',
  'lockfile-too-large',
  'lockfile-schema-version',
  'lockfile-invalid-entry',
  'lockfile-duplicate-entry',
]);

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

function totals(plan: LockPlan): { entries: number; items: number; skipped: number } {
  return {
    entries: plan.manifest.entries.length,
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
  });
  const root = resolve(ctx.cwd, values.cwd ?? '.');
  const stubDirs =
    values['stubs-dir'] ?? (ctx.env.MOCHI_PYTHON_STUBS ?? '').split(delimiter).filter((d) => d !== '');
  const cacheDir = values['cache-dir']
    ? resolve(ctx.cwd, values['cache-dir'])
    : defaultCacheDir(ctx.env, process.platform, homedir());
  const python = parsePython(values.python, values.platform);
  const indexUrl = indexUrlArg(registryIndexUrl(values['index-url'], ctx.env), ctx.cwd);
  const lockPath = join(root, LOCK_FILE);

  try {
    // With --check the lock on disk is read first: a missing or broken lock is reported before any work.
    let onDisk: { bytes: Buffer; manifest: Manifest } | undefined;
    if (values.check) {
      const bytes = await readLock(root);
      if (bytes === undefined) {
        ctx.stderr.write(
          `mochi-pkg: error[lock-missing]: ${lockPath} does not exist\n  hint: run \`mochi-pkg lock\` to create it\n`,
        );
        return ExitCode.usage;
      }
      onDisk = { bytes, manifest: parseToml(bytes, { fileName: lockPath }) };
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
    });
    progress.done();
    const sum = totals(plan);
    if (plan.unlocked.length > 0) {
      ctx.stderr.write(
        `note: ${plural(plan.unlocked.length, 'import go declaration')} not locked by this version of mochi-pkg\n`,
      );
    }

    if (onDisk) {
      const diff = compareManifests(onDisk.manifest, plan.manifest);
      if (values.json) {
        printJson(ctx, { upToDate: diff.length === 0, diff });
      } else if (diff.length === 0) {
        const canonical = onDisk.bytes.equals(Buffer.from(plan.text, 'utf8'));
        println(ctx, `${LOCK_FILE} is up to date (${entries(sum.entries)})`);
        if (!canonical)
          ctx.stderr.write(
            `note: ${LOCK_FILE} is not in canonical form; \`mochi-pkg lock\` would rewrite it\n`,
          );
      } else {
        for (const d of diff) println(ctx, formatDiffEntry(d));
        ctx.stderr.write(`${LOCK_FILE} is out of date\n  hint: run \`mochi-pkg lock\` to update it\n`);
      }
      return diff.length === 0 ? ExitCode.ok : ExitCode.failure;
    }

    const written = await writeLockIfChanged(root, plan.text);
    if (values.json) {
      printJson(ctx, {
        written,
        path: lockPath,
        ...sum,
        ...(values.skipped
          ? { skips: plan.targets.flatMap((t) => t.skipped.map((s) => ({ alias: t.import.alias, ...s }))) }
          : {}),
      });
    } else {
      println(
        ctx,
        `${LOCK_FILE}: ${written ? 'wrote' : 'up to date,'} ${entries(sum.entries)} (${plural(sum.items, 'item')}, ${plural(sum.skipped, 'skip')}) from ${plural(plan.files.length, 'file')}`,
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
    if (isMochiPkgError(e) && UNUSABLE.has(e.code)) {
      printError(ctx, e);
      return ExitCode.usage;
    }
    throw e;
  }
}

/** The `lock` command. */
export const command: Command = {
  name: 'lock',
  summary: 'pin Python imports in mochi.lock; --check verifies it (CI)',
  help: HELP,
  run: (ctx) => runLock(ctx, defaultDeps),
};
