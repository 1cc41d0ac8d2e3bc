// A project's Python environment for one target: built from store entries by hard links, switched atomically.
//
// `<project>/.mochi/python/<target>` is a symbolic link to `.envs/<target>.<id>`, a complete tree
// built beside it. A sync builds a new tree, then renames a fresh link over the old one: a crash
// at any point leaves the old environment or the new one. Trees no link names are removed by the
// next sync. `.mochi/python/.sync.lock` keeps two syncs of one project apart.
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { acquireFileLock } from '../../util/fileLock.js';
import { mapInOrder } from '../../util/pool.js';
import { FileReadError, isAbsent, pathExists, readRegularFileIfExists } from '../../util/read.js';
import { InstallError } from './errors.js';
import type { InstallOptions } from './plan.js';
import type { StoredWheel, WheelStore } from './store.js';

/** One distribution an environment should hold: what mochi.lock pins for the target. */
export interface WantedDistribution {
  /** PEP 503 name. */
  readonly name: string;
  readonly version: string;
  /** The wheel's file name and lowercase hex sha256. */
  readonly wheel: string;
  readonly sha256: string;
}

/** `.mochi-env.json` at the root of an environment: what it was built from. */
export interface EnvState {
  readonly format: 1;
  readonly target: string;
  readonly interpreter: string;
  readonly pythonVersion: string;
  readonly installer: string;
  /** Sorted by name. */
  readonly distributions: readonly WantedDistribution[];
  /** The `.dist-info` folders installed, sorted: a state whose folders are gone is not trusted. */
  readonly distInfos: readonly string[];
}

/** What a sync changed (or, dry run, would change). Names sorted. */
export interface EnvChanges {
  readonly added: readonly WantedDistribution[];
  readonly removed: readonly WantedDistribution[];
  /** The wanted side of a distribution whose version or wheel changed. */
  readonly changed: readonly WantedDistribution[];
  readonly unchanged: number;
  /** True when the environment already matched and nothing was written. */
  readonly upToDate: boolean;
  /** True when the target had no environment yet. */
  readonly created: boolean;
}

/** State file name inside an environment. */
export const STATE_FILE = '.mochi-env.json';

/** The environment link of a target: `<project>/.mochi/python/<target>`. */
export function envPath(projectRoot: string, target: string): string {
  return join(projectRoot, '.mochi', 'python', target);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Most bytes of an environment's state file (it lists distributions and their files). */
const MAX_STATE_BYTES = 64 << 20;

/** The state of the environment a target's link names, or undefined (none, or unreadable). */
export async function readEnvState(projectRoot: string, target: string): Promise<EnvState | undefined> {
  try {
    // Only a regular file (the project may come with a FIFO or a device link there); one that is
    // not, or is implausibly large, is no state: sync builds the environment anew.
    const bytes = await readRegularFileIfExists(join(envPath(projectRoot, target), STATE_FILE), {
      maxBytes: MAX_STATE_BYTES,
      what: 'environment state',
    });
    if (bytes === undefined) return undefined;
    const state = JSON.parse(bytes.toString('utf8')) as EnvState;
    return state.format === 1 && Array.isArray(state.distributions) ? state : undefined;
  } catch (e) {
    if (
      e instanceof SyntaxError ||
      (e instanceof FileReadError && (e.code === 'file-not-regular' || e.code === 'file-too-large'))
    )
      return undefined;
    throw e;
  }
}

/** Differences between an environment's state and the wanted set (pure). */
export function diffEnv(
  current: EnvState | undefined,
  wanted: readonly WantedDistribution[],
  variant: Omit<EnvState, 'format' | 'distributions' | 'distInfos'>,
): EnvChanges {
  const sameVariant =
    current !== undefined &&
    current.target === variant.target &&
    current.interpreter === variant.interpreter &&
    current.pythonVersion === variant.pythonVersion &&
    current.installer === variant.installer;
  const have = new Map((current?.distributions ?? []).map((d) => [d.name, d]));
  const added: WantedDistribution[] = [];
  const changed: WantedDistribution[] = [];
  let unchanged = 0;
  for (const w of wanted) {
    const h = have.get(w.name);
    if (h === undefined) added.push(w);
    else if (h.sha256 !== w.sha256 || h.version !== w.version || !sameVariant) changed.push(w);
    else unchanged++;
  }
  const names = new Set(wanted.map((w) => w.name));
  const removed = [...have.values()].filter((d) => !names.has(d.name));
  const byName = (a: WantedDistribution, b: WantedDistribution) => cmp(a.name, b.name);
  return {
    added: added.sort(byName),
    removed: removed.sort(byName),
    changed: changed.sort(byName),
    unchanged,
    upToDate: current !== undefined && sameVariant && added.length + removed.length + changed.length === 0,
    created: current === undefined,
  };
}

/** Another sync holds the project's environment lock. */
export class SyncLockedError extends MochiPkgError {
  declare readonly code: 'sync-locked';
  constructor(message: string, hint: string) {
    super('sync-locked', message, { hint });
  }
}

/**
 * Takes `.mochi/python/.sync.lock` (see `util/fileLock`). A lock whose owner is gone (killed) is
 * taken over; a live owner is waited for up to `waitMs`, however long it has held the lock, then
 * `sync-locked`. Returns the release function, which also removes the folders taking the lock
 * made (`.mochi`, `.mochi/python`) and `.mochi/python/.envs` when they were not there before and
 * are empty: a first sync that fails leaves the project as it was.
 */
export async function lockEnvironments(projectRoot: string, waitMs: number): Promise<() => Promise<void>> {
  const mochi = join(projectRoot, '.mochi');
  const root = join(mochi, 'python');
  // Deepest first, so each is empty when its children were.
  const made = [join(root, '.envs'), root, mochi].filter((dir) => !pathExists(dir));
  const path = join(root, '.sync.lock');
  const release = await acquireFileLock(path, {
    waitMs,
    staleMs: Number.POSITIVE_INFINITY,
    maxPollMs: 100,
    onTimeout: (owner) => {
      const pid = Number.parseInt(owner, 10);
      return new SyncLockedError(
        `${path}: another sync (pid ${Number.isInteger(pid) ? pid : '?'}) is changing this project's environment`,
        'wait for it to finish, or remove the lock file if no mochi-pkg process is running',
      );
    },
  }).catch(async (e: unknown) => {
    await removeIfEmpty(made);
    throw e;
  });
  return async () => {
    await release();
    await removeIfEmpty(made);
  };
}

/** Removes each folder that is empty; one that holds anything (a sync's result) is kept. */
async function removeIfEmpty(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      await rmdir(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && !isAbsent(e)) throw e;
    }
  }
}

/** What {@link syncEnvironment} needs besides the wanted set. */
export interface SyncEnvOptions {
  readonly projectRoot: string;
  readonly target: string;
  readonly install: InstallOptions;
  readonly store: WheelStore;
  /** The verified bytes of a locked wheel (from the cache or its index). */
  readonly fetchWheel: (d: WantedDistribution) => Promise<Uint8Array>;
  /** Compute the changes only. */
  readonly dryRun?: boolean;
  /** Called once per distribution made ready (unpacked or found in the store). */
  readonly onReady?: (d: WantedDistribution, done: number, total: number) => void;
  /** Store entries found damaged and unpacked again (reported, never installed). */
  readonly onCorrupt?: (d: WantedDistribution, e: InstallError) => void;
}

/** Store entries verified or unpacked at once during a sync. */
const READY_CONCURRENCY = 8;

/** A store entry for `d`, verified file by file; a damaged entry is removed and unpacked again from the wheel. */
async function ready(d: WantedDistribution, o: SyncEnvOptions): Promise<StoredWheel> {
  const found = await o.store.get(d.sha256, o.install);
  if (found !== undefined) {
    try {
      await o.store.verify(found);
      return found;
    } catch (e) {
      if (!(e instanceof InstallError)) throw e;
      o.onCorrupt?.(d, e);
      await o.store.remove(d.sha256, o.install);
    }
  }
  return o.store.put(d.wheel, await o.fetchWheel(d), d.sha256, o.install);
}

/**
 * Brings the target's environment to exactly `wanted`: nothing is written when it already
 * matches; otherwise every distribution is made ready in the store, a new tree is linked from the
 * store (hard links, copies where linking fails), and the environment link is switched to it in
 * one rename. Distributions not wanted are gone with the old tree.
 *
 * @throws {InstallError} `install-conflict` when two distributions install one file; any store error
 */
export async function syncEnvironment(
  wanted: readonly WantedDistribution[],
  o: SyncEnvOptions,
): Promise<EnvChanges> {
  const list = [...wanted].sort((a, b) => cmp(a.name, b.name));
  const variant = {
    target: o.target,
    interpreter: o.install.interpreter,
    pythonVersion: o.install.pythonVersion,
    installer: o.install.installer ?? 'mochi-pkg',
  };
  const current = await readEnvState(o.projectRoot, o.target);
  const changes = diffEnv(current, list, variant);
  if (changes.upToDate) {
    // Trust the state file only while every distribution's metadata folder is still there.
    const env = envPath(o.projectRoot, o.target);
    const infos = await readdir(env).catch(() => [] as string[]);
    const present = new Set(infos);
    const stateOk = ((current as EnvState).distInfos ?? []).every((d) => present.has(d));
    if (stateOk || o.dryRun) return changes;
  }
  if (o.dryRun) return changes;

  // Store entries are made ready several at a time (each is file reads and hashing, or an
  // unpack); progress and any failure come in lock order, as a sequential loop would give them.
  const entries = await mapInOrder(
    list,
    READY_CONCURRENCY,
    (d) => ready(d, o),
    (_, i) => o.onReady?.(list[i] as WantedDistribution, i + 1, list.length),
  );

  const root = join(o.projectRoot, '.mochi', 'python');
  const envs = join(root, '.envs');
  await mkdir(envs, { recursive: true });
  const name = `${o.target}.${randomBytes(6).toString('hex')}`;
  const tree = join(envs, name);
  await mkdir(tree);
  try {
    // Every file's place first (two distributions installing one file is an error before anything
    // is linked), then the folders, parents before children, then the files, many at a time.
    const owner = new Map<string, string>();
    const files: { src: string; dest: string; executable: boolean }[] = [];
    const parents = new Set<string>();
    for (const [i, e] of entries.entries()) {
      const d = list[i] as WantedDistribution;
      for (const f of e.manifest.files) {
        const other = owner.get(f.path);
        if (other !== undefined) {
          throw new InstallError('install-conflict', `${other} and ${d.name} both install ${f.path}`, {
            hint: 'the two distributions cannot share one environment; change the lock so only one is needed',
          });
        }
        owner.set(f.path, d.name);
        const dest = join(tree, f.path);
        parents.add(dirname(dest));
        files.push({ src: join(e.tree, f.path), dest, executable: f.executable });
      }
    }
    parents.delete(tree);
    // Synchronous calls on purpose: thousands of small local link(2) calls cost several times
    // less one after another than as promises through the thread pool (measured in bench/sync).
    for (const dir of [...parents].sort(cmp)) mkdirSync(dir, { recursive: true });
    let canLink = true;
    for (const f of files) {
      if (canLink) {
        try {
          linkSync(f.src, f.dest);
          continue;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw err;
          // EMLINK: this store file has too many links; the next may not. Otherwise the file
          // system cannot link here at all: copy from now on.
          if (code !== 'EMLINK') canLink = false;
        }
      }
      copyFileSync(f.src, f.dest);
      chmodSync(f.dest, f.executable ? 0o755 : 0o644);
    }
    const distInfos = entries.map((e) => e.manifest.distInfo).sort(cmp);
    const state: EnvState = { format: 1, ...variant, distributions: list, distInfos };
    await writeFile(join(tree, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    // The switch: a new link beside the old one, renamed over it.
    const env = envPath(o.projectRoot, o.target);
    const previous = await lstat(env).catch(() => undefined);
    if (previous?.isDirectory()) {
      // A plain folder from elsewhere: moved aside first (the only non-atomic step, once).
      await rename(env, join(envs, `${o.target}.moved-${randomBytes(6).toString('hex')}`));
    }
    const tmpLink = join(root, `.tmp-${o.target}.${process.pid}.${randomBytes(6).toString('hex')}`);
    await symlink(join('.envs', name), tmpLink);
    await rename(tmpLink, env);
  } catch (e) {
    await rm(tree, { recursive: true, force: true });
    throw e;
  }
  await collectGarbage(root);
  return changes;
}

/** Removes trees under `.envs` that no environment link names, and stray temp links. Call with the lock held. */
export async function collectGarbage(root: string): Promise<void> {
  const envs = join(root, '.envs');
  const names = await readdir(root).catch(() => [] as string[]);
  const live = new Set<string>();
  for (const n of names) {
    const p = join(root, n);
    if (n.startsWith('.tmp-')) {
      await rm(p, { force: true, recursive: true });
      continue;
    }
    const target = await readlink(p).catch(() => undefined);
    if (target !== undefined) live.add(target.split('/').pop() as string);
  }
  for (const n of await readdir(envs).catch(() => [] as string[])) {
    if (!live.has(n)) await rm(join(envs, n), { recursive: true, force: true });
  }
}
