// `lock` and `lock --check` as library calls: settings from flags and environment, plan, write or compare.
import { mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MochiPkgError } from '../errors.js';
import { Cache } from '../go/cache/index.js';
import {
  BRIDGE_GO_VERSION,
  BRIDGE_MODULE,
  checksumMismatches,
  GoChecksumError,
  renderGoMod,
  renderGoSum,
  replaceDir,
} from '../go/lockfile/index.js';
import {
  openModuleSums,
  recordingSums,
  SumdbError,
  type SumdbVerdict,
  withKnownSums,
} from '../go/sumdb/index.js';
import type { PythonTarget } from '../python/build/types.js';
import { LockfileError } from '../python/lockfile/index.js';
import { parseTargetName } from '../python/lockfile/target.js';
import { type ClosureTarget, closureTarget, IndexSession } from '../python/registry/closure.js';
import { normalizeIndexUrl } from '../python/registry/index.js';
import { resolveClosure } from '../python/registry/lockClosure.js';
import { writeFileAtomic } from '../util/atomic.js';
import { netrcPath } from '../util/netrc.js';
import { isAbsent, kindOf, statIfExists } from '../util/read.js';
import { cachedBuild } from './buildCache.js';
import { lockSettingsFlags } from './checkMemo.js';
import { LockMissingError } from './errors.js';
import { goProxyList, lazyGoSource, offlineGoProxyList, offlineGoSource } from './goSource.js';
import {
  absoluteIndexUrl,
  type BuildFn,
  LOCK_FILE,
  type LockPlan,
  loadPythonBuild,
  type PythonBuildOptions,
  planLock,
  readLock,
  writeLockIfChanged,
} from './lock.js';
import { compareLocks, type Lock, type LockDiffEntry, parseLock } from './lockdoc.js';
import { typeshedProvider } from './provider.js';
import { registryProvider } from './registryProvider.js';
import { projectRoot } from './root.js';
import type { ResolvedSetting, Settings } from './settings.js';
import { loadSettings } from './settingsFile.js';
import {
  indirectUpgrades,
  type LockChange,
  lockChanges,
  parseUpgradeRequest,
  preferredLock,
  unmetRequests,
} from './upgrade.js';
import {
  checkWrapperFolders,
  type WrapperFileProblem,
  type WrapperWriteResult,
  writeWrapperFolders,
} from './wrapfiles.js';

/** What {@link lockProject} and {@link checkLock} tell their caller while they work (they never print). */
export type LockEvent =
  /** A status line for a progress display. */
  | { readonly kind: 'progress'; readonly message: string }
  /** The lock on disk could not be read and `force` is set: `lock` replaces it and resolves Go queries afresh. */
  | { readonly kind: 'lock-unreadable'; readonly path: string; readonly code: string };

/**
 * The inputs of `lock`, as a user states them: every path relative to `cwd`, every absent value
 * taken from `env` or the documented default. Fields mirror the `lock` flags.
 */
export interface LockSettings {
  /** The directory relative paths are resolved against (the shell's working directory). */
  readonly cwd: string;
  /** Environment for defaults (default `process.env`): MOCHI_PYTHON_STUBS, MOCHI_PYTHON_INDEX_URL, MOCHI_PYTHON_CACHE, GOPROXY, MOCHI_GO_BRIDGE_CACHE, NETRC. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** The project directory (`--cwd`; default `cwd`). */
  readonly project?: string | undefined;
  /** Typeshed-style stub directories (`--stubs-dir`; default `$MOCHI_PYTHON_STUBS`, split on the path delimiter). */
  readonly stubsDirs?: readonly string[] | undefined;
  /** Cache of git and index sources (`--cache-dir`). */
  readonly cacheDir?: string | undefined;
  /** Simple API index: a URL, or a local directory (`--index-url`). */
  readonly indexUrl?: string | undefined;
  /** Named indexes, `<name>=<url>` (`--index`), merged by name over `$MOCHI_PYTHON_INDEX` and mochi.toml. */
  readonly indexes?: readonly string[] | undefined;
  /**
   * Let `path+<dir>` imports (Python and Go) name a directory outside the project
   * (`--allow-outside-project`); the lock still records the path as written, never an absolute one.
   */
  readonly allowOutsideProject?: boolean | undefined;
  /** Index pages, wheels and Go modules from the caches only (`--offline`). */
  readonly offline?: boolean | undefined;
  /** Python version and platform the stubs are evaluated for (default: the build's, 3.12 on linux). */
  readonly python?: PythonTarget | undefined;
  /**
   * Environments the closure of the index imports is locked for (`--target`, `<X.Y>-<linux|darwin|win32>`);
   * default: the `python` pair (3.12-linux).
   */
  readonly targets?: readonly string[] | undefined;
  /** GOPROXY list (`--go-proxy`; default `$GOPROXY`); entries starting with `.` or `/` are directories. */
  readonly goProxy?: string | undefined;
  /** The verified Go module cache (`--go-cache-dir`). */
  readonly goCacheDir?: string | undefined;
  /**
   * The project's settings, already loaded under these options (`loadSettings` with
   * `lockSettingsFlags` and `python`): a caller that needs them too reads mochi.toml once.
   */
  readonly settings?: Settings | undefined;
  /** Makes the Python build (default {@link loadPythonBuild}); tests pass one already loaded. */
  readonly makeBuild?: ((options: PythonBuildOptions) => Promise<BuildFn>) | undefined;
  readonly onEvent?: ((event: LockEvent) => void) | undefined;
}

/** Inputs of {@link lockProject}. */
export interface LockProjectOptions extends LockSettings {
  /**
   * Replace a mochi.lock that cannot be read (`--force`). Without it such a lock is an error: its Go
   * hash pins would otherwise be silently re-taken from the proxy.
   */
  readonly force?: boolean | undefined;
  /** Also write the go.sum lines of the locked Go modules to this file (relative to `cwd`). */
  readonly goSum?: string | undefined;
  /** Also write the go.mod of the program's Go bridge to this file (relative to `cwd`). */
  readonly goMod?: string | undefined;
  /** Re-resolve every Go module and Python distribution, ignoring the pins on disk (`--upgrade`). */
  readonly upgrade?: boolean | undefined;
  /**
   * Let only these pins move (`--upgrade-package`, `<name>[@<version>]`): a Go module path or a
   * Python distribution name; with a version, that version is taken when the imports allow it.
   */
  readonly upgradePackages?: readonly string[] | undefined;
}

/** Counts for a summary line. */
export interface LockTotals {
  /** Lock entries of every table. */
  readonly entries: number;
  /** `[[go-package]]` entries. */
  readonly goModules: number;
  /** Wrapper items over every Python import. */
  readonly items: number;
  /** Skip reports over every Python import. */
  readonly skipped: number;
}

/** What {@link lockProject} did. */
export interface LockProjectResult {
  /** `<project>/mochi.lock`. */
  readonly path: string;
  /** False when the file already held these bytes. */
  readonly written: boolean;
  readonly plan: LockPlan;
  readonly totals: LockTotals;
  /** The `python_wrap/<alias>/` files written and the folders of removed aliases deleted. */
  readonly wrappers: WrapperWriteResult;
  /** The go.sum file written, when asked for, with its number of lines. */
  readonly goSum?: { readonly path: string; readonly lines: number };
  /** The Go bridge's go.mod written, when asked for. */
  readonly goMod?: { readonly path: string };
  /** Go module and Python distribution versions that differ from the lock on disk. */
  readonly changes: readonly LockChange[];
  /** The Go module versions a checksum database vouched for in this run (not those the lock held). */
  readonly sumdb: readonly SumdbVerdict[];
}

/** What {@link checkLock} found. */
export interface CheckLockResult {
  /** `<project>/mochi.lock`. */
  readonly path: string;
  /** True when no entry differs and every wrapper file is as `lock` would write it. */
  readonly upToDate: boolean;
  /** Every delta from the lock on disk to what `lock` would write, Python entries first. */
  readonly diff: readonly LockDiffEntry[];
  /** `python_wrap/<alias>/` files missing or edited (entries that drifted are not repeated here). */
  readonly wrappers: readonly WrapperFileProblem[];
  /** True when the file holds exactly the bytes `lock` would write. */
  readonly canonical: boolean;
  readonly plan: LockPlan;
  readonly totals: LockTotals;
}

/** An index given as a URL is kept; anything else is a local directory, relative to `cwd`. */
function indexUrlOf(value: string, cwd: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : pathToFileURL(`${resolve(cwd, value)}/`).href;
}

function totalsOf(plan: LockPlan): LockTotals {
  const goModules = plan.lock.go.entries.length;
  return {
    entries: plan.manifest.entries.length + goModules,
    goModules,
    items: plan.targets.reduce((n, t) => n + t.items, 0),
    skipped: plan.targets.reduce((n, t) => n + t.skipped.length, 0),
  };
}

/**
 * Computes the lock the project needs now, with `previous` lending its Go versions. With `checked`,
 * new Go hashes are checked against the checksum database (`checked.sums` receives the recorder);
 * the hashes of `checked.trusted` (default `previous`) are trusted as go.sum lines are.
 */
async function plan(
  s: LockSettings,
  root: string,
  previous: Lock | undefined,
  checked?: { sums?: ReturnType<typeof recordingSums>; trusted?: Lock },
  goUpgrade?: ReadonlySet<string>,
): Promise<LockPlan> {
  const emit = s.onEvent ?? (() => {});
  const env = s.env ?? process.env;
  const settings =
    s.settings ??
    (await loadSettings({
      cwd: s.cwd,
      project: s.project,
      env,
      flags: lockSettingsFlags(s),
      python: s.python,
    }));
  const stubDirs = settings.list('python.stubs-dirs');
  await requireStubDirs(stubDirs, settings.get('python.stubs-dirs').origin);
  const cacheDir = settings.string('python.cache-dir')!;
  const indexUrl = indexUrlOf(settings.string('python.index-url')!, s.cwd);
  // Named indexes (settings values are URLs or absolute directories) and the names pinned to them.
  const indexes = settings
    .indexes()
    .map((i) => ({ name: i.name, url: normalizeIndexUrl(indexUrlOf(i.url, s.cwd)), explicit: i.explicit }));
  const sources = new Map(
    [...settings.sources()].map(([dist, index]) => [dist, indexes.find((i) => i.name === index)!.url]),
  );
  const goCacheDir = settings.string('go.cache-dir')!;
  const goEnv = { ...env, ...settings.goEnv() };
  // Offline, Go modules come from the cache only (GOPROXY=off), as Python stubs do.
  const proxyList = goProxyList(goEnv.GOPROXY, s.cwd);
  const goProxy = s.offline ? offlineGoProxyList(proxyList) : proxyList;
  const targets = settings.list('python.targets');
  const python = s.python;
  // `lock` checks new Go hashes against the checksum database named by the effective settings.
  const sumdb = checked ? goSums(s, checked?.trusted ?? previous, goEnv, proxyList, goCacheDir) : undefined;
  if (checked && sumdb) checked.sums = sumdb;

  // One session: the stub resolver and the closure read each page once.
  const session = new IndexSession({ cacheDir, ...(s.offline ? { offline: true } : {}) });
  emit({ kind: 'progress', message: 'mochi-pkg lock: reading the Python build…' });
  // The stub directories also resolve names a package imports from elsewhere (the stdlib).
  const makeBuild = s.makeBuild ?? loadPythonBuild;
  const load = () => makeBuild({ typeshedRoots: stubDirs });
  // The real build is cached (verified, keyed by every input); an injected one always runs.
  const build =
    makeBuild === loadPythonBuild ? cachedBuild(join(cacheDir, 'builds'), stubDirs, load) : await load();
  emit({ kind: 'progress', message: `mochi-pkg lock: scanning ${root}…` });
  const planned = await planLock({
    root,
    cacheDir,
    // Explicit stub directories first; the index serves what they do not have.
    providers: [
      ...stubDirs.map((d) => typeshedProvider(d)),
      registryProvider({
        indexUrl,
        sources,
        ...(s.offline ? { offline: true } : {}),
        ...(python ? { python } : {}),
        session,
      }),
    ],
    build,
    ...(python ? { python } : {}),
    ...(s.allowOutsideProject ? { allowOutsideProject: true } : {}),
    closure: (roots, onWarning) =>
      resolveClosure({
        roots,
        onWarning,
        targets: closureTargets(targets, settings.get('python.targets')),
        defaultIndexUrl: normalizeIndexUrl(indexUrl),
        indexes,
        sources,
        session,
        ...(previous?.distributions
          ? {
              previous: previous.distributions.map((d) => ({
                ...d,
                indexUrl: absoluteIndexUrl(d.indexUrl, root),
              })),
            }
          : {}),
      }),
    go: async () => ({
      cache: await Cache.open(goCacheDir),
      source: s.offline ? offlineGoSource(lazyGoSource(goProxy, goEnv)) : lazyGoSource(goProxy, goEnv),
      ...(previous ? { previous: previous.go } : {}),
      ...(goUpgrade && goUpgrade.size > 0 ? { upgrade: goUpgrade } : {}),
      ...(sumdb ? { sums: sumdb.sums } : {}),
      warnings: true,
    }),
  });
  const indexWarnings = session.warnings();
  return indexWarnings.length === 0
    ? planned
    : { ...planned, pythonWarnings: [...indexWarnings, ...planned.pythonWarnings] };
}

/**
 * Each stub directory named must be a directory: one that is not there would send its imports to
 * the package index without a word, where a same-named project could answer for the stubs meant.
 */
async function requireStubDirs(dirs: readonly string[], origin: string): Promise<void> {
  for (const dir of dirs) {
    const st = await statIfExists(dir);
    if (st?.isDirectory()) continue;
    throw new MochiPkgError(
      'stub-not-found',
      `python.stubs-dirs (${origin}): ${dir} ${st === undefined ? 'does not exist' : `is ${kindOf(st)}`}; a typeshed-style stub directory was expected`,
      {
        hint: 'correct the path or take it out of the list; imports it would serve are otherwise looked up on the package index',
      },
    );
  }
}

/**
 * The lock's targets, each `<X.Y>-<platform>` (by default the `--python`/`--platform` pair,
 * 3.12-linux). `setting` says where the list came from (`--target`, `mochi.toml:4`), named when a
 * target is not one.
 */
function closureTargets(targets: readonly string[], setting: ResolvedSetting): ClosureTarget[] {
  const origin = setting.source === 'default' ? 'the --python/--platform target' : setting.origin;
  return [...new Set(targets)].map((f) => {
    const t = parseTargetName(f, origin);
    return closureTarget(t.python, t.platform);
  });
}

function rootOf(s: LockSettings): string {
  return projectRoot(s.cwd, s.project);
}

/**
 * `mochi-pkg lock`: computes the project's lock and writes `mochi.lock` when its bytes change
 * (atomically), then the go.sum lines when asked. A lock on disk that cannot be read is
 * regenerated (reported as a `lock-unreadable` event); a readable one keeps its Go versions while
 * the imports allow.
 */
export async function lockProject(options: LockProjectOptions): Promise<LockProjectResult> {
  const root = rootOf(options);
  const path = join(root, LOCK_FILE);
  if (options.goSum !== undefined)
    await checkOutputTarget('go-sum', resolve(options.cwd, options.goSum), root);
  if (options.goMod !== undefined)
    await checkOutputTarget('go-mod', resolve(options.cwd, options.goMod), root);
  if (
    options.goSum !== undefined &&
    options.goMod !== undefined &&
    resolve(options.cwd, options.goSum) === resolve(options.cwd, options.goMod)
  ) {
    throw new MochiPkgError('usage', `lock: --go-sum and --go-mod name one file, ${options.goSum}`, {
      hint: 'write them to two files, e.g. --go-mod bridge/go.mod --go-sum bridge/go.sum',
    });
  }
  let previous: Lock | undefined;
  try {
    const bytes = await readLock(root);
    if (bytes !== undefined) previous = parseLock(bytes, { fileName: path });
  } catch (e) {
    // The lock holds the Go hash pins: replacing it unread would trust whatever the proxy serves
    // now. Only an explicit `force` does that.
    if (!(e instanceof LockfileError) || !options.force) throw e;
    options.onEvent?.({ kind: 'lock-unreadable', path, code: e.code });
  }
  const requests = (options.upgradePackages ?? []).map(parseUpgradeRequest);
  const upgrading = options.upgrade === true || requests.length > 0;
  // The lock's hashes stay trusted (as go.sum lines are) even for the pins allowed to move.
  const checked: { sums?: ReturnType<typeof recordingSums>; trusted?: Lock } = previous
    ? { trusted: previous }
    : {};
  const p = await plan(
    options,
    root,
    upgrading ? preferredLock(previous, requests, options.upgrade === true) : previous,
    checked,
    indirectUpgrades(previous, requests),
  );
  const sums = checked.sums!;
  if (previous && upgrading) {
    // A dropped pin still guards its version: the same module version must keep its hashes.
    const bad = checksumMismatches(previous.go, p.lock.go);
    if (bad.length > 0) throw new GoChecksumError(bad);
    const unmet = unmetRequests(requests, p.lock);
    if (unmet.length > 0) {
      throw new MochiPkgError(
        'lock-upgrade-unsatisfiable',
        `--upgrade-package ${unmet.map((r) => r.text).join(', ')}: the imports do not allow that version, or its source does not have it`,
        { hint: 'ask for a version within the import specs (`mochi-pkg outdated` lists the allowed ones)' },
      );
    }
  }
  const written = await writeLockIfChanged(root, p.text);
  const wrappers = await writeWrapperFolders(
    root,
    p.targets.map((t) => t.folder),
  );
  let goSum: { path: string; lines: number } | undefined;
  if (options.goSum !== undefined) {
    const text = renderGoSum(p.lock.go);
    goSum = {
      path: resolve(options.cwd, options.goSum),
      lines: text === '' ? 0 : text.split('\n').length - 1,
    };
    await mkdir(dirname(goSum.path), { recursive: true });
    await writeFileAtomic(goSum.path, text);
  }
  let goMod: { path: string } | undefined;
  if (options.goMod !== undefined) {
    const modPath = resolve(options.cwd, options.goMod);
    const text = renderGoMod(p.lock.go, BRIDGE_MODULE, BRIDGE_GO_VERSION, (e) =>
      replaceDir(root, e.localPath ?? '.', dirname(modPath)),
    );
    await mkdir(dirname(modPath), { recursive: true });
    await writeFileAtomic(modPath, text);
    goMod = { path: modPath };
  }
  return {
    path,
    written,
    plan: p,
    totals: totalsOf(p),
    wrappers,
    ...(goSum ? { goSum } : {}),
    ...(goMod ? { goMod } : {}),
    changes: lockChanges(previous, p.lock),
    sumdb: sums.verified(),
  };
}

/**
 * The checksum database checks of a `lock` (GOSUMDB, GONOSUMDB, GOPRIVATE from the environment;
 * through the Go proxy list first, as cmd/go reaches it). The previous lock's hashes are trusted as
 * go.sum lines are, so a module already locked is not looked up again. `--offline` asks no
 * database: lookups and tiles verified earlier are read from the cache, anything else fails.
 */
const offlineSumdb = (base: string) => async (path: string) => {
  throw new SumdbError(
    'sumdb-http',
    `${base}${path}: not in the cache, and --offline asks no checksum database`,
  );
};

function goSums(
  s: LockSettings,
  previous: Lock | undefined,
  env: NodeJS.ProcessEnv,
  goproxy: string | undefined,
  goCacheDir: string,
): ReturnType<typeof recordingSums> {
  const sums = openModuleSums({
    env,
    goproxy,
    cacheRoot: goCacheDir,
    netrc: netrcPath(env),
    ...(s.offline ? { fetchFor: offlineSumdb, probe: async () => 404 } : {}),
  });
  const known = previous ? renderGoSum(previous.go).split('\n') : [];
  return recordingSums(withKnownSums(sums, known));
}

/**
 * `mochi-pkg lock --check`: compares `mochi.lock` with what {@link lockProject} would write, and
 * writes nothing. The lock on disk is read first, so a missing or broken lock is reported before
 * any work; its Go versions are kept while the imports allow, so a fully cached check makes no
 * network request.
 *
 * @throws {LockMissingError} (`lock-missing`) when the project has no mochi.lock.
 * @throws {LockfileError} when mochi.lock cannot be parsed.
 */
export async function checkLock(settings: LockSettings): Promise<CheckLockResult> {
  const root = rootOf(settings);
  const path = join(root, LOCK_FILE);
  const bytes = await readLock(root);
  if (bytes === undefined) throw new LockMissingError(path);
  const onDisk = parseLock(bytes, { fileName: path });
  const p = await plan(settings, root, onDisk);
  const diff = compareLocks(onDisk, p.lock);
  // An entry that drifted is rewritten with its folder by `lock`: its files are not reported again.
  const drifted = new Set(
    diff.filter((d) => !('table' in d)).map((d) => d.key.slice(d.key.lastIndexOf(':') + 1)),
  );
  const wrappers = await checkWrapperFolders(
    root,
    p.targets.map((t) => t.folder).filter((f) => !drifted.has(f.alias)),
    new Set([...p.targets.map((t) => t.folder.alias), ...drifted]),
  );
  return {
    path,
    upToDate: diff.length === 0 && wrappers.every((w) => w.problem === 'line-endings'),
    diff,
    wrappers,
    canonical: bytes.equals(Buffer.from(p.text, 'utf8')),
    plan: p,
    totals: totalsOf(p),
  };
}

/**
 * Refuses a `--go-sum`/`--go-mod` path that would overwrite the lock or a Mochi source (also
 * through a symbolic link): go.sum lines or a go.mod there would destroy the project's own files.
 */
async function checkOutputTarget(flag: 'go-sum' | 'go-mod', target: string, root: string): Promise<void> {
  const real = async (p: string) => {
    try {
      return await realpath(p);
    } catch (e) {
      if (isAbsent(e)) return p;
      throw e;
    }
  };
  const [t, lock] = await Promise.all([real(target), real(join(root, LOCK_FILE))]);
  const what =
    t === lock || basename(target) === LOCK_FILE
      ? 'the lock file'
      : target.endsWith('.mochi') || t.endsWith('.mochi')
        ? 'a Mochi source'
        : undefined;
  if (what !== undefined) {
    const [written, example] = flag === 'go-sum' ? ['go.sum lines', 'go.sum'] : ['a go.mod', 'bridge/go.mod'];
    throw new MochiPkgError('usage', `lock: --${flag} ${target} is ${what}; ${written} would overwrite it`, {
      hint: `write it to its own file, e.g. --${flag} ${example}`,
    });
  }
}
