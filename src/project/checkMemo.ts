// The memo of `lock --check`: when nothing a check reads has changed since a check found the lock up
// to date, the answer is the same, and it is given without loading the planner.
//
// The memo is a SHA-256 over every input of a check, taken when a full check found the lock up to date:
// - the code (the build id of the bundle, else the sources' file stamps) and the version;
// - the project directory, the working directory, the check's options, the effective settings
//   (flags over environment over mochi.toml) and every GO*, MOCHI_* and XDG_* variable, HOME and NETRC;
// - every file under the project (node_modules, .git and the .mochi/ that sync writes skipped, as
//   the scan does): the content of mochi.lock, mochi.toml and each *.mochi file, and path, size,
//   mtime, ctime and inode of all others (wrapper files, stubs, path+ modules, a file:// index or
//   proxy kept in the project);
// - the same stamps of every file under each stub directory, a file:// index or Go proxy directory
//   outside the project (read with --offline too: local files are not the network), the Go module
//   cache and the Python registry cache (wheels, metadata; pages only with --offline: online, every
//   check fetches them again).
// A check whose answer could depend on anything else is never memoised: one that reaches a network
// (an http(s) index or proxy, unless --offline), a git stub source, a path+ import outside the project
// or under a skipped folder, a symbolic link anywhere in the stamped trees, or an answer with drift,
// a non-canonical lock, Go warnings or index page warnings. The inputs are stamped before and after
// the full check; the memo is kept only when the project's and the directories' stamps did not move
// meanwhile.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMochiPkgError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { isAbsent } from '../util/read.js';
import { isFileUrl } from '../util/url.js';
import { VERSION } from '../version.js';
import { goProxyList } from './goProxyList.js';
import type { CheckLockResult, LockSettings } from './lockProject.js';
import { projectRoot } from './root.js';
import type { FlagValue, SettingKey, Settings } from './settings.js';
import { loadSettings } from './settingsFile.js';

/** Bumped when what the key covers changes. */
const FORMAT = 1;
/** The most files one stamped tree may hold; a larger tree is not memoised. */
const MAX_FILES = 200_000;
/** Folders the project scan skips (scan.ts `SKIPPED_DIRS`), skipped here too. */
const SKIPPED = new Set(['node_modules', '.git']);
/** Files whose content (not only their stamp) goes into the key. */
const BY_CONTENT = /(^|[\\/])(mochi\.lock|mochi\.toml|[^\\/]*\.mochi)$/;

/** Above this size a file picked by content makes the check unmemoisable (see {@link treeStamp}). */
const MAX_CONTENT_BYTES = 64n * 1024n * 1024n;

/** The inputs of a check that {@link recallCheck} and {@link rememberCheck} need (a subset of LockSettings). */
export type MemoSettings = Pick<
  LockSettings,
  | 'cwd'
  | 'env'
  | 'project'
  | 'stubsDirs'
  | 'cacheDir'
  | 'indexUrl'
  | 'indexes'
  | 'offline'
  | 'python'
  | 'targets'
  | 'goProxy'
  | 'goCacheDir'
  | 'allowOutsideProject'
  | 'settings'
>;

/** What a full check found, as far as the memo needs it. */
interface CheckedAnswer {
  readonly upToDate: boolean;
  readonly canonical: boolean;
  readonly entries: number;
  /** Go and Python warnings (index pages, closure): a check that has any is not memoised, so they are shown again. */
  readonly warnings: number;
}

/** The settings flags of a lock run (shared with lockProject's plan, so both resolve alike). */
export function lockSettingsFlags(s: MemoSettings): Partial<Record<SettingKey, FlagValue>> {
  return {
    'python.stubs-dirs': s.stubsDirs,
    'python.cache-dir': s.cacheDir,
    'python.index-url': s.indexUrl,
    'python.index': s.indexes,
    'python.targets': s.targets,
    'go.proxy': s.goProxy,
    'go.cache-dir': s.goCacheDir,
  };
}

/** A tree that cannot be memoised (a symbolic link, too many files). */
class Unstampable extends Error {}

/**
 * A file changed this recently (ns) may change again within the same timestamp tick (2 s on the
 * coarsest file systems) without its stamp moving: no memo is written until the project has been
 * still that long.
 */
const RACY_NS = 2_000_000_000n;

/** The newest mtime or ctime seen by {@link treeStamp} in this process, in ns since the epoch. */
let newestSeen = 0n;

/**
 * Path, size, mtime, ctime, inode and mode of every file under `dir` (sorted; skipped folders and
 * `.tmp-` files being written left out), with the SHA-256 of those `contentOf` picks; missing → a marker.
 *
 * Synchronous on purpose: the trees are small (a project, its stubs, the caches of its imports) and
 * nothing else runs meanwhile; one lstat per file through the thread pool cost a check several times
 * what the calls themselves take (a warm check of 150 distributions stamps about 600 files twice).
 */
function treeStamp(
  dir: string,
  contentOf: (rel: string) => boolean = () => false,
  skipTop: ReadonlySet<string> = new Set(),
): string {
  try {
    const top = lstatSync(dir);
    if (top.isSymbolicLink()) throw new Unstampable(`${dir} is a symbolic link`);
    if (!top.isDirectory()) return `${dir}: not a directory`;
  } catch (e) {
    if (isAbsent(e)) return `${dir}: missing`;
    throw e;
  }
  // A walk of our own (readdirSync's `recursive` costs several times more, and descends into the
  // skipped folders only to have their files dropped).
  const files: string[] = [];
  const walk = (abs: string, rel: string, depth: number) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const name = entry.name;
      if (SKIPPED.has(name) || (depth === 0 && skipTop.has(name))) continue;
      const path = rel === '' ? name : `${rel}${sep}${name}`;
      if (entry.isSymbolicLink()) throw new Unstampable(`${join(dir, path)} is a symbolic link`);
      if (entry.isDirectory()) walk(`${abs}${sep}${name}`, path, depth + 1);
      else if (!name.startsWith('.tmp-')) files.push(path);
      if (files.length > MAX_FILES) throw new Unstampable(`${dir} holds more than ${MAX_FILES} files`);
    }
  };
  // A folder or file that vanishes meanwhile throws: readInputs gives no memo then.
  walk(dir, '', 0);
  const lines: string[] = [dir];
  for (const rel of files.sort()) {
    // Joined by hand: `dir` is absolute and `rel` plain names (path.join's normalising showed in profiles).
    const path = `${dir}${sep}${rel}`;
    const st = lstatSync(path, { bigint: true });
    if (st.isSymbolicLink()) throw new Unstampable(`${path} is a symbolic link`);
    if (st.isDirectory()) continue;
    if (st.mtimeNs > newestSeen) newestSeen = st.mtimeNs;
    if (st.ctimeNs > newestSeen) newestSeen = st.ctimeNs;
    let line = `${rel} ${st.size} ${st.mtimeNs} ${st.ctimeNs} ${st.ino} ${st.mode}`;
    // Only a regular file's content is read (a FIFO named *.mochi would block for ever; the scan
    // skips it, so its stamp is enough).
    if (st.isFile() && contentOf(rel)) {
      // A file larger than any the check reads (sources are capped at 8 MiB, the lock at 32 MiB)
      // is left to the check itself, which refuses it by name; reading it here could exhaust memory.
      if (st.size > MAX_CONTENT_BYTES) throw new Unstampable(`${path} is ${st.size} bytes`);
      line += ` ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** The directory of a `file://` URL, else undefined. */
function fileUrlDir(url: string): string | undefined {
  return isFileUrl(url) ? fileURLToPath(url) : undefined;
}

declare const __MOCHI_BUILD_ID__: string | undefined;

let codeIdentity: Promise<string> | undefined;

/** The runtime dependencies whose code shapes an answer (the .pyi parser, the bundled typeshed, TOML). */
const DEPENDENCIES = ['pyright', 'web-tree-sitter', 'tree-sitter-python', 'smol-toml', 'htmlparser2'];

/**
 * The code: the bundle's build id (a hash of the sources, package.json and package-lock.json it was
 * built from), else the sources' file stamps; and the stamp of each dependency's package.json as
 * installed now (an `npm install` without a rebuild).
 */
function codeId(): Promise<string> {
  codeIdentity ??= (async () => {
    const own =
      typeof __MOCHI_BUILD_ID__ === 'string'
        ? `build ${__MOCHI_BUILD_ID__}`
        : treeStamp(fileURLToPath(new URL('../', import.meta.url)));
    // The node_modules folder the package's dependencies are installed in (pyright exports its package.json).
    const modules = dirname(dirname(createRequire(import.meta.url).resolve('pyright/package.json')));
    const deps: string[] = [];
    for (const d of DEPENDENCIES) {
      const st = lstatSync(join(modules, d, 'package.json'), { bigint: true });
      deps.push(`${d} ${st.size} ${st.mtimeNs} ${st.ctimeNs} ${st.ino}`);
    }
    return [own, ...deps].join('\n');
  })();
  return codeIdentity;
}

interface Parts {
  /** Code, options, settings, environment: fixed for the run. */
  readonly fixed: string;
  /** The project and the directories it names (the check does not write them). */
  readonly trees: string;
  /** The module and registry caches (the check may add to them). */
  readonly caches: string;
  /** The newest mtime or ctime in the project and its directories (ns). */
  readonly newest: bigint;
  /** Where the memo lives. */
  readonly file: string;
}

/** Every input of the check, or undefined when the settings reach a network. */
async function inputs(s: MemoSettings, settings: Settings): Promise<Parts | undefined> {
  const env = s.env ?? process.env;
  const root = projectRoot(s.cwd, s.project);
  const dirs = new Set<string>(settings.list('python.stubs-dirs').map((d) => resolve(s.cwd, d)));
  // Each index as lockProject reads it (the default and the named ones): a URL, or a local directory
  // relative to cwd.
  for (const indexSetting of [
    settings.string('python.index-url') ?? '',
    ...settings.indexes().map((i) => i.url),
  ]) {
    const index = /^[a-z][a-z0-9+.-]*:\/\//i.test(indexSetting)
      ? fileUrlDir(indexSetting)
      : resolve(s.cwd, indexSetting);
    if (index !== undefined) dirs.add(index);
    else if (!s.offline) return undefined;
  }
  // The GOPROXY list as lockProject reads it (offline: its file:// entries, then the module cache).
  const goproxy = goProxyList({ ...env, ...settings.goEnv() }.GOPROXY, s.cwd);
  if (goproxy === undefined && !s.offline) return undefined;
  for (const p of (goproxy ?? '').split(/[,|]/).map((x) => x.trim())) {
    if (p === 'off' || p === '') continue;
    const d = fileUrlDir(p);
    if (d !== undefined) dirs.add(d);
    else if (!s.offline) return undefined;
  }
  const pythonCache = settings.string('python.cache-dir') ?? '';
  const goCache = settings.string('go.cache-dir') ?? '';
  const envLines = Object.keys(env)
    .filter((k) => /^(GO|MOCHI_|XDG_)/.test(k) || k === 'HOME' || k === 'NETRC')
    .sort()
    .map((k) => `${k}=${env[k]}`);
  const fixed = [
    `mochi-pkg-check-memo ${FORMAT} ${VERSION}`,
    await codeId(),
    JSON.stringify({
      root,
      cwd: s.cwd,
      offline: s.offline === true,
      python: s.python ?? null,
      outside: s.allowOutsideProject === true,
    }),
    JSON.stringify(settings.all().map((x) => [x.key, x.value ?? null])),
    JSON.stringify([settings.indexes(), [...settings.sources()]]),
    ...envLines,
  ].join('\n');
  newestSeen = 0n;
  // What sync installs (.mochi/: environments, whose links would make the tree unstampable, and the
  // Go bridge) is no input of the check; python_wrap/ is (its files are compared).
  const trees: string[] = [treeStamp(root, (rel) => BY_CONTENT.test(rel), new Set(['.mochi']))];
  for (const d of [...dirs].sort()) trees.push(treeStamp(d));
  const newest = newestSeen;
  // Online, index pages are fetched again by every check (and only written to the cache): they are read
  // from the cache offline only.
  const registry = treeStamp(join(pythonCache, 'registry'), undefined, new Set(s.offline ? [] : ['pages']));
  const caches = [registry, treeStamp(goCache)].join('\n');
  const id = createHash('sha256').update(root).digest('hex').slice(0, 32);
  return {
    fixed,
    trees: trees.join('\n'),
    caches,
    newest,
    file: join(pythonCache, 'checks', `${id}.json`),
  };
}

function keyOf(p: Parts): string {
  return createHash('sha256').update(`${p.fixed}\n\0${p.trees}\n\0${p.caches}`).digest('hex');
}

/**
 * The settings a check runs with (`s.settings` when the caller loaded them), or undefined when
 * they cannot be used: the full check reports that, in its own order (a missing lock first).
 */
async function checkSettings(s: MemoSettings): Promise<Settings | undefined> {
  if (s.settings !== undefined) return s.settings;
  try {
    return await loadSettings({
      cwd: s.cwd,
      project: s.project,
      env: s.env ?? process.env,
      flags: lockSettingsFlags(s),
      python: s.python,
    });
  } catch (e) {
    if (isMochiPkgError(e) || isErrno(e)) return undefined;
    throw e;
  }
}

/** Reads the inputs of a check; undefined when it cannot be memoised (a network, a link, unusable settings). */
async function readInputs(s: MemoSettings, settings?: Settings): Promise<Parts | undefined> {
  try {
    const used = settings ?? (await checkSettings(s));
    return used === undefined ? undefined : await inputs(s, used);
  } catch (e) {
    // A tree that vanished or cannot be read: no memo.
    if (e instanceof Unstampable || isMochiPkgError(e) || isErrno(e)) return undefined;
    throw e;
  }
}

function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'errno' in e;
}

/** The memo's answer when its key matches these inputs. */
async function recalled(p: Parts): Promise<number | undefined> {
  let text: string;
  try {
    text = readFileSync(p.file, 'utf8');
  } catch (e) {
    if (isErrno(e)) return undefined;
    throw e;
  }
  try {
    const memo = JSON.parse(text) as { key?: unknown; entries?: unknown };
    return memo.key === keyOf(p) && typeof memo.entries === 'number' ? memo.entries : undefined;
  } catch (e) {
    // A damaged memo is a miss.
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * Records a full check's answer when it can be reused: the lock up to date and canonical, no Go
 * or Python warning (a memo's answer would not repeat it), no git source or path into a skipped folder, no URL when online, and no input of the
 * project or its directories moved while the check ran. A memo that cannot be written only costs
 * the next check its full run. Returns whether it was written.
 */
async function remember(
  s: MemoSettings,
  settings: Settings,
  before: Parts,
  lockText: string,
  answer: CheckedAnswer,
): Promise<boolean> {
  if (!answer.upToDate || !answer.canonical || answer.warnings > 0 || s.allowOutsideProject) return false;
  // Sources the stamps do not cover: git checkouts, and paths into folders the project walk skips.
  if (/git\+|node_modules|(^|[\\/"])\.(git|mochi)([\\/"]|$)/m.test(lockText)) return false;
  if (!s.offline && /\bhttps?:\/\//i.test(lockText)) return false;
  // The settings of the run: a change to mochi.toml meanwhile moves the project's stamps.
  const after = await readInputs(s, settings);
  if (after === undefined || after.fixed !== before.fixed || after.trees !== before.trees) return false;
  if (after.newest > BigInt(Date.now()) * 1_000_000n - RACY_NS) return false;
  const memo = `${JSON.stringify({ key: keyOf(after), entries: answer.entries })}\n`;
  try {
    await writeFileAtomic(after.file, memo, { mkdirs: true, fsync: false });
  } catch (e) {
    if (isMochiPkgError(e, 'file-write')) return false;
    throw e;
  }
  return true;
}

/** A check answered from the memo: up to date, canonical, nothing to report. */
export interface RecalledCheck {
  readonly upToDate: true;
  readonly diff: readonly [];
  readonly wrappers: readonly [];
  readonly canonical: true;
  readonly totals: { readonly entries: number };
  readonly plan: undefined;
  readonly recalled: true;
}

/**
 * `lock --check` behind its memo: the memo's answer when no input changed since a full check found
 * the lock up to date, else `run(settings)` (the full check, given the settings read here so that
 * it does not read them again; undefined when they cannot be used), whose answer is remembered
 * when it can be.
 */
export async function memoisedCheck(
  s: MemoSettings,
  run: (settings: Settings | undefined) => Promise<CheckLockResult>,
  onRecall?: () => void,
): Promise<CheckLockResult | RecalledCheck> {
  const settings = await checkSettings(s);
  const before = settings === undefined ? undefined : await readInputs(s, settings);
  const entries = before === undefined ? undefined : await recalled(before);
  if (entries !== undefined) {
    onRecall?.();
    return {
      upToDate: true,
      diff: [],
      wrappers: [],
      canonical: true,
      totals: { entries },
      plan: undefined,
      recalled: true,
    };
  }
  const r = await run(settings);
  if (settings !== undefined && before !== undefined) {
    await remember(s, settings, before, r.plan.text, {
      upToDate: r.upToDate,
      canonical: r.canonical,
      entries: r.totals.entries,
      warnings: (r.plan.go?.warnings.length ?? 0) + r.plan.pythonWarnings.length,
    });
  }
  return r;
}

/**
 * The memo's answer (the lock's entry count) when no input of this check changed since a full check
 * found the lock up to date, else undefined (then only a full check can answer). Writes nothing.
 */
export async function recallCheck(s: MemoSettings): Promise<number | undefined> {
  const inputs = await readInputs(s);
  return inputs === undefined ? undefined : await recalled(inputs);
}

/** The memo file of a project (undefined when its checks cannot be memoised). */
export async function memoFileOf(s: MemoSettings): Promise<string | undefined> {
  return (await readInputs(s))?.file;
}
