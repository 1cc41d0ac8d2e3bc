// `mochi-pkg sync`: make the project's Python environment match mochi.lock, never re-resolving.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MochiPkgError } from '../errors.js';
import {
  type EnvChanges,
  envPath,
  lockEnvironments,
  syncEnvironment,
  type WantedDistribution,
} from '../python/install/env.js';
import { InstallError } from '../python/install/errors.js';
import { WheelStore } from '../python/install/store.js';
import type { LockedDistribution } from '../python/lockfile/index.js';
import { parseTargetName } from '../python/lockfile/target.js';
import { RegistryCache, sha256Hex } from '../python/registry/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { compareFile, isSymlink, readRegularFileIfExists } from '../util/read.js';
import { isFileUrl } from '../util/url.js';
import type { parseLock } from './lockdoc.js';
import type { LockSettings } from './lockProject.js';
import { absoluteIndexUrl, LOCK_FILE, lockDefaults, readProjectLock } from './lockRead.js';
import { projectRoot } from './root.js';
import type { Settings } from './settings.js';

// The lock flow (stub builds, resolver) and the index client load only when needed, so a
// `--frozen` sync that finds nothing to do starts fast.

/** The interpreter scripts are written for: its absolute path and `X.Y`. */
export interface Interpreter {
  readonly executable: string;
  readonly version: string;
}

/** What `sync` reads besides the project (tests replace the interpreter probe and the index client). */
export interface SyncSettings extends LockSettings {
  /** The lock target to install (`3.12-linux`); default the interpreter's version on this platform. */
  readonly target?: string | undefined;
  /** The Python to write into scripts (`python3` on PATH by default). */
  readonly interpreter?: string | undefined;
  /** Skip the check that mochi.lock is up to date with the .mochi sources. */
  readonly frozen?: boolean | undefined;
  /** Compute what would change; write nothing. */
  readonly dryRun?: boolean | undefined;
  /** Also write the Go bridge's vendor/ as `go mod vendor` (Go 1.19) writes it. */
  readonly goVendor?: boolean | undefined;
  /** How long to wait for another sync of the project (ms, default 10 s). */
  readonly lockWaitMs?: number | undefined;
  readonly probeInterpreter?: ((command: string) => Promise<Interpreter>) | undefined;
  readonly onSyncEvent?: ((e: SyncEvent) => void) | undefined;
}

/** What sync reports while it works. */
export type SyncEvent =
  | { readonly kind: 'ready'; readonly name: string; readonly done: number; readonly total: number }
  | { readonly kind: 'corrupt'; readonly name: string; readonly message: string }
  | { readonly kind: 'download'; readonly name: string; readonly wheel: string }
  | { readonly kind: 'go-download'; readonly module: string; readonly version: string };

/** What sync did (or, dry run, would do). */
export interface SyncResult {
  /**
   * The Python environment, absent when the lock pins no Python distribution and this machine has
   * no Python (nor was one or a target named): a Go-only project needs no interpreter.
   */
  readonly python?: {
    readonly target: string;
    /** The environment link (`<project>/.mochi/python/<target>`). */
    readonly env: string;
    readonly interpreter: Interpreter;
    readonly changes: EnvChanges;
    readonly distributions: number;
  };
  /** The Go bridge's go.mod and go.sum under `.mochi/go/`, when the lock pins Go modules. */
  readonly go?: {
    readonly dir: string;
    readonly modules: number;
    readonly upToDate: boolean;
    /** The verified Go module cache holding every locked module (not with a dry run). */
    readonly cache?: string;
    /** Zips and go.mod files fetched into it by this run. */
    readonly downloaded?: number;
    /**
     * With `goVendor`: the bridge's vendor/ (written unless it already matched; with a dry run,
     * compared, and differing when a locked module is not in the verified cache yet).
     */
    readonly vendor?: {
      readonly dir: string;
      readonly modules: number;
      readonly packages: number;
      readonly files: number;
      readonly upToDate: boolean;
    };
  };
}

/**
 * The Go half of a sync, in two steps: this fetches (or, dry run, compares); the function it returns
 * writes `.mochi/go/go.mod`, `go.sum` and vendor/. A sync fetches first and writes last, so that one
 * failing on the way (a module the proxy does not serve, a wheel failing its hash) leaves the bridge
 * as it was: go.mod and go.sum never name modules that are not in the verified cache.
 */
async function prepareGoBridge(
  s: SyncSettings,
  root: string,
  lock: ReturnType<typeof parseLock>,
  dryRun: boolean,
  loadSettings: () => Promise<Settings>,
): Promise<(() => Promise<SyncResult['go']>) | undefined> {
  if (lock.go.entries.length === 0) return undefined;
  // The modules themselves, not the lockfile index (which loads pinning and the bridge resolver).
  const [{ BRIDGE_GO_VERSION, BRIDGE_MODULE, replaceDir }, { fillCache }, { renderGoMod }, { renderGoSum }] =
    await Promise.all([
      import('../go/lockfile/bridgeModule.js'),
      import('../go/lockfile/fill.js'),
      import('../go/lockfile/gomod.js'),
      import('../go/lockfile/gosum.js'),
    ]);
  const dir = join(root, '.mochi', 'go');
  // go.sum first, so that a go.mod is never written before the sums of what it requires.
  const files = new Map([
    ['go.sum', renderGoSum(lock.go)],
    [
      'go.mod',
      renderGoMod(lock.go, BRIDGE_MODULE, BRIDGE_GO_VERSION, (e) =>
        replaceDir(root, e.localPath ?? '.', dir),
      ),
    ],
  ]);
  const changed: [string, string][] = [];
  for (const [name, text] of files) {
    const same =
      (await compareFile(join(dir, name), Buffer.from(text, 'utf8')).catch(() => 'different' as const)) ===
      'same';
    if (!same) changed.push([name, text]);
  }
  const upToDate = changed.length === 0;
  if (dryRun && !s.goVendor) return async () => ({ dir, modules: lock.go.entries.length, upToDate });
  const env = s.env ?? process.env;
  const settings = await loadSettings();
  const { Cache } = await import('../go/cache/index.js');
  if (dryRun) {
    // vendor/ is compared with what the locked modules in the verified cache make of it. A module
    // not in the cache, or held there with another hash than the lock's, is one a sync would fetch
    // first: vendor/ differs then. (The cache is only read: not created when it is not there.)
    const cache = await Cache.open(settings.string('go.cache-dir')!, { create: false });
    let missing = false;
    for (const e of lock.go.entries) {
      if (e.source === 'path' || e.version === undefined || e.zipH1 === undefined) continue;
      const held = await readRegularFileIfExists(cache.zipHashPath(e.module, e.version), { maxBytes: 1024 });
      if (held?.toString('utf8').trim() !== e.zipH1) {
        missing = true;
        break;
      }
    }
    const vendor = missing
      ? { dir: join(dir, 'vendor'), modules: 0, packages: 0, files: 0, upToDate: false }
      : await vendorBridge(root, dir, lock, cache, true);
    return async () => ({ dir, modules: lock.go.entries.length, upToDate, vendor });
  }
  // Every locked module into the verified cache, so the bridge builds offline (GOPROXY=off).
  const goEnv = { ...env, ...settings.goEnv() };
  const { goProxyList, lazyGoSource, offlineGoProxyList } = await import('./goSource.js');
  const cache = await Cache.open(settings.string('go.cache-dir')!);
  // Offline: local (file://) proxies still serve, then the cache alone.
  const list = goProxyList(goEnv.GOPROXY, s.cwd);
  const proxies = s.offline ? offlineGoProxyList(list) : list;
  const source = lazyGoSource(proxies, goEnv);
  const filled = await fillCache(cache, source, lock.go, {
    ...(proxies === 'off' ? { offline: true } : {}),
    // vendor/ is made from the zips just verified: kept in memory, not read and hashed twice.
    ...(s.goVendor ? { keepZips: true } : {}),
    onDownload: (module, version) => s.onSyncEvent?.({ kind: 'go-download', module, version }),
    onRefused: (module, version, why) =>
      s.onSyncEvent?.({ kind: 'corrupt', name: `${module}@${version}`, message: why }),
  });
  return async () => {
    const vendor = s.goVendor ? await vendorBridge(root, dir, lock, cache) : undefined;
    for (const [name, text] of changed) await writeFileAtomic(join(dir, name), text, { mkdirs: true });
    return {
      dir,
      modules: lock.go.entries.length,
      upToDate,
      cache: cache.root,
      downloaded: filled.downloaded + filled.goModsFetched,
      ...(vendor === undefined ? {} : { vendor }),
    };
  };
}

/**
 * `go mod vendor` for the bridge in `dir`, its build list taken from the lock (every module already in
 * `cache`); `dryRun` compares vendor/ and writes nothing.
 */
async function vendorBridge(
  root: string,
  dir: string,
  lock: ReturnType<typeof parseLock>,
  cache: import('../go/cache/index.js').Cache,
  dryRun = false,
) {
  const [{ BRIDGE_GO_VERSION, BRIDGE_MODULE, replaceDir }, { pathModuleVersion }] = await Promise.all([
    import('../go/lockfile/bridgeModule.js'),
    import('../go/lockfile/entry.js'),
  ]);
  const { vendorMainModule } = await import('../go/vendor/index.js');
  const modules = lock.go.entries.flatMap((e): import('../go/vendor/index.js').BuildListModule[] => {
    if (e.source === 'path') {
      const written = replaceDir(root, e.localPath ?? '.', dir);
      return [
        {
          module: { path: e.module, version: pathModuleVersion(e.module) },
          dir: { written, abs: resolve(dir, written) },
          explicit: true,
        },
      ];
    }
    if (e.version === undefined) return [];
    return [
      {
        module: { path: e.module, version: e.version },
        explicit: !e.indirect || e.require === true,
        ...(e.zipH1 === undefined ? { noZip: true } : {}),
      },
    ];
  });
  return vendorMainModule({
    dir,
    mainPath: BRIDGE_MODULE,
    goVersion: BRIDGE_GO_VERSION,
    modules,
    cache,
    ...(dryRun ? { dryRun } : {}),
  });
}

const run = promisify(execFile);

/** `sys.executable` and `X.Y` of a Python command. */
export async function probePython(command: string): Promise<Interpreter> {
  try {
    const { stdout } = await run(
      command,
      ['-c', 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])'],
      {
        timeout: 20_000,
      },
    );
    const [executable = '', version = ''] = stdout.trim().split('\n');
    if (!executable.startsWith('/') || !/^\d+\.\d+$/.test(version))
      throw new Error(`unexpected output ${JSON.stringify(stdout)}`);
    return { executable, version };
  } catch (cause) {
    throw new MochiPkgError('usage', `sync: cannot run the Python interpreter ${JSON.stringify(command)}`, {
      cause,
      hint: 'install python3, or name one with --interpreter <path>',
    });
  }
}

/**
 * The Python of a sync: an absolute `--interpreter` with `--target` as given (no process started),
 * else the one `--interpreter` (default `python3`) names, asked for its path and version. When
 * `optional` (the lock pins no Python distribution) and neither flag was given, a machine without
 * Python gets undefined: there is nothing to install with it.
 */
async function interpreterFor(s: SyncSettings, optional: boolean): Promise<Interpreter | undefined> {
  if (s.interpreter?.startsWith('/') && s.target !== undefined) {
    return { executable: s.interpreter, version: s.target.split('-')[0] as string };
  }
  try {
    return await (s.probeInterpreter ?? probePython)(s.interpreter ?? 'python3');
  } catch (e) {
    if (optional && s.interpreter === undefined && s.target === undefined) return undefined;
    throw e;
  }
}

/** The distributions and wheels a target installs (pure). */
export function wantedFor(
  distributions: readonly LockedDistribution[],
  target: string,
): WantedDistribution[] {
  const out: WantedDistribution[] = [];
  for (const d of distributions) {
    if (!d.targets.includes(target)) continue;
    const wheel = d.wheels.find((w) => w.targets.includes(target));
    if (wheel === undefined) continue;
    out.push({ name: d.name, version: d.version, wheel: wheel.file, sha256: wheel.sha256 });
  }
  return out;
}

/**
 * A target the lock has Python distributions for, but none for `target`, was not locked for: an
 * environment built for it would be empty, and a program using it would fail to import. Refused
 * unless the project's own `python.targets` names it (a target every distribution leaves out by
 * its markers is locked, and empty). `from` is the interpreter the default target came from.
 */
async function refuseUnlockedTarget(
  distributions: readonly LockedDistribution[],
  target: string,
  from: Interpreter | undefined,
  loadSettings: () => Promise<Settings>,
): Promise<void> {
  const locked = new Set<string>();
  for (const d of distributions) for (const t of d.targets) locked.add(t);
  if (locked.size === 0 || locked.has(target)) return;
  const settings = await loadSettings();
  // The default (3.12-linux) is not the project naming a target.
  const targets = settings.get('python.targets');
  if (targets.source !== 'default' && settings.list('python.targets').includes(target)) return;
  const list = [...locked].sort();
  const why = from === undefined ? '' : ` (the target of ${from.executable}, Python ${from.version})`;
  throw new MochiPkgError(
    'sync-target-not-locked',
    `mochi.lock pins no Python distribution for ${target}${why}; it is locked for ${list.join(', ')}`,
    {
      hint: `add "${target}" to python.targets in mochi.toml and run \`mochi-pkg lock\`, or install a locked target: \`mochi-pkg sync --target ${list[0]} --interpreter <python${list[0]!.split('-')[0]}>\``,
    },
  );
}

/**
 * Sync writes the bridge's go.mod, go.sum and vendor/ under `.mochi/go` (moving the old vendor/
 * aside and removing it) and builds environments under `.mochi/python/.envs` (removing the ones
 * no link names). A repository that commits one of these folders, or `.mochi` itself, as a
 * symbolic link would have that done wherever the link points (a `.envs` link to a home folder
 * would lose its contents): refused before anything is written.
 */
async function refuseLinkedFolders(root: string): Promise<void> {
  for (const rel of ['.mochi', '.mochi/go', '.mochi/python', '.mochi/python/.envs']) {
    if (await isSymlink(join(root, rel))) {
      throw new MochiPkgError('sync-link', `${join(root, rel)} is a symbolic link`, {
        hint: `sync writes only inside the project: remove the link (rm ${JSON.stringify(join(root, rel))}); sync makes the folder`,
      });
    }
  }
}

/**
 * Brings `<project>/.mochi/python/<target>` to exactly the wheels mochi.lock pins for the target:
 * unless `frozen`, the lock must be up to date with the sources (`sync-out-of-date`); wheels come
 * from the verified cache or their index (not with `offline`), each checked against the lock's
 * sha256 before it is unpacked; the switch is atomic, and a second sync of the project waits.
 *
 * @throws {LockMissingError} no mochi.lock
 */
export async function syncProject(s: SyncSettings): Promise<SyncResult> {
  const root = projectRoot(s.cwd, s.project);
  const path = join(root, LOCK_FILE);
  const lock = await readProjectLock(root);
  await refuseLinkedFolders(root);
  // The project's settings, read once, when first needed: for the check, the caches, the Go bridge
  // and the target rule.
  let loaded: Promise<Settings> | undefined;
  const settings = () => {
    loaded ??= (async () => {
      const [{ loadSettings }, { lockSettingsFlags }] = await Promise.all([
        import('./settingsFile.js'),
        import('./checkMemo.js'),
      ]);
      return loadSettings({
        cwd: s.cwd,
        project: s.project,
        env: s.env ?? process.env,
        flags: lockSettingsFlags(s),
        python: s.python,
        // The index and targets the lock was made with (by mochi.toml, or by lock's flags), where
        // the settings do not name them: the check then asks what lock asked.
        fromLock: (settings) => lockDefaults(lock, root, settings.sources()),
      });
    })();
    return loaded;
  };
  if (!s.frozen) {
    const { checkLock } = await import('./lockProject.js');
    const full = async () => checkLock({ ...s, settings: await settings() });
    // The real build's checks are memoised as `lock --check`'s are: an unchanged project is not
    // planned again (an injected build is always run).
    const check =
      s.makeBuild === undefined
        ? await (await import('./checkMemo.js')).memoisedCheck({ ...s, settings: await settings() }, full)
        : await full();
    if (!check.upToDate) {
      throw new MochiPkgError(
        'sync-out-of-date',
        `${path} is out of date with the project's .mochi sources`,
        {
          hint: 'run `mochi-pkg lock` first, or `mochi-pkg sync --frozen` to install the lock as it is',
        },
      );
    }
  }
  const interpreter = await interpreterFor(s, (lock.distributions ?? []).length === 0);
  if (interpreter === undefined) {
    const go = await (await prepareGoBridge(s, root, lock, s.dryRun === true, settings))?.();
    return go === undefined ? {} : { go };
  }
  const platform = process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
  const target = s.target ?? `${interpreter.version}-${platform}`;
  // The target names the environment's folder: only the lock's own form (never a path).
  const name = parseTargetName(
    target,
    s.target === undefined ? `the target of ${interpreter.executable}` : '--target',
  );
  const pythonVersion = name.python.join('.');
  await refuseUnlockedTarget(
    lock.distributions ?? [],
    target,
    s.target === undefined ? interpreter : undefined,
    settings,
  );
  const wanted = wantedFor(lock.distributions ?? [], target);
  // The cache folder is a setting like any other: flag, environment, mochi.toml, default.
  const cacheRoot = (await settings()).string('python.cache-dir')!;
  const cache = new RegistryCache(cacheRoot);
  const store = new WheelStore(join(cacheRoot, 'installed'));
  const fetchWheel = async (d: WantedDistribution): Promise<Uint8Array> => {
    const cached = await cache.getContent(d.sha256);
    if (cached !== undefined) return cached;
    const locked = (lock.distributions ?? []).find((x) => x.name === d.name && x.version === d.version);
    // The lock keeps an index inside the project as `./<dir>/`: it is read from this project's copy.
    const indexUrl = locked === undefined ? undefined : absoluteIndexUrl(locked.indexUrl, root);
    // Offline, a local (file://) index is still read: it is not the network.
    if (indexUrl === undefined || (s.offline && !isFileUrl(indexUrl))) {
      throw new MochiPkgError(
        'sync-missing-wheel',
        `${d.wheel} (sha256 ${d.sha256}) is not in the cache ${cacheRoot}`,
        {
          hint: s.offline
            ? 'run `mochi-pkg sync` once without --offline'
            : 'run `mochi-pkg lock` to refresh the lock',
        },
      );
    }
    s.onSyncEvent?.({ kind: 'download', name: d.name, wheel: d.wheel });
    const { IndexClient } = await import('../python/registry/client.js');
    const client = new IndexClient(indexUrl, {});
    const page = await client.getProject(d.name);
    const file = page.files.find((f) => f.filename === d.wheel);
    if (file === undefined) {
      throw new MochiPkgError('sync-missing-wheel', `${indexUrl} no longer lists ${d.wheel}`, {
        hint: 'run `mochi-pkg lock` to pick a wheel the index still has',
      });
    }
    const body = await client.download(file);
    if (sha256Hex(body) !== d.sha256) {
      throw new InstallError(
        'install-bad-wheel',
        `${file.url}: sha256 is ${sha256Hex(body)}; mochi.lock pins ${d.sha256}`,
        {
          hint: 'the index serves different bytes than when the lock was made; it was not installed',
        },
      );
    }
    await cache.putContent(d.sha256, body);
    return body;
  };
  const options = {
    projectRoot: root,
    target,
    install: { interpreter: interpreter.executable, pythonVersion },
    store,
    fetchWheel,
    onReady: (d: WantedDistribution, done: number, total: number) =>
      s.onSyncEvent?.({ kind: 'ready', name: d.name, done, total }),
    onCorrupt: (d: WantedDistribution, e: InstallError) =>
      s.onSyncEvent?.({ kind: 'corrupt', name: d.name, message: e.message }),
  };
  // Go modules are fetched before the environment changes, and the bridge is written after it.
  const publishGo = await prepareGoBridge(s, root, lock, s.dryRun === true, settings);
  let changes: EnvChanges;
  if (s.dryRun) {
    changes = await syncEnvironment(wanted, { ...options, dryRun: true });
  } else {
    const release = await lockEnvironments(root, s.lockWaitMs ?? 10_000);
    try {
      changes = await syncEnvironment(wanted, options);
    } finally {
      await release();
    }
  }
  const go = await publishGo?.();
  return {
    python: { target, env: envPath(root, target), interpreter, changes, distributions: wanted.length },
    ...(go === undefined ? {} : { go }),
  };
}
