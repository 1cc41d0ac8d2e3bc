// `go mod vendor` for a main module whose build list is known (the lock): load its packages, plan, write vendor/ atomically.
import { type Dirent, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { releaseTemp, tempPathFor } from '../../util/atomic.js';
import { mapInOrder } from '../../util/pool.js';
import { compareFileSync, readRegularFileIfExists } from '../../util/read.js';
import { openZip, readEntries } from '../../util/zip.js';
import { goModSummary } from '../bridge/parse.js';
import type { Cache } from '../cache/store.js';
import { readIfExists } from '../cache/store.js';
import { shouldBuildAnyTags } from '../load/constraint.js';
import { readImports } from '../load/imports.js';
import { type LoadedPackage, loadPackages, type ModuleFiles } from '../load/packages.js';
import { MAX_GO_MOD } from '../modzip/index.js';
import type { ModuleVersion, Replacement } from '../mvs/index.js';
import { type ModuleTree, planVendor, type VendorModule, type VendorPlan } from './plan.js';

/** A module of the build list: from the module cache (zip), or a directory replacing it. */
export interface BuildListModule {
  readonly module: ModuleVersion;
  /** The directory replacing it: as written in go.mod, and resolved. */
  readonly dir?: { readonly written: string; readonly abs: string };
  /** Listed in the main go.mod's require block. */
  readonly explicit: boolean;
  /** No zip: the module provides no package the main module loads (its files are not read). */
  readonly noZip?: boolean;
}

/** What {@link vendorMainModule} needs. */
export interface VendorOptions {
  /** The main module's directory (its go.mod is written; vendor/ goes here). */
  readonly dir: string;
  readonly mainPath: string;
  readonly goVersion: string;
  /** Every module of the build list but the main one, at its selected version. */
  readonly modules: readonly BuildListModule[];
  /** Holds every module's zip and go.mod (verified by the caller). */
  readonly cache: Cache;
  /** Compute and compare only; write nothing. */
  readonly dryRun?: boolean;
  readonly jobs?: number;
}

/** What {@link vendorMainModule} did. */
export interface VendorResult {
  readonly dir: string;
  /** Modules listed in modules.txt. */
  readonly modules: number;
  readonly packages: number;
  readonly files: number;
  /** vendor/ already held exactly this. */
  readonly upToDate: boolean;
}

/** A module file set cannot be vendored. Code `go-vendor`. */
export class VendorError extends MochiPkgError {
  declare readonly code: 'go-vendor';
}

const MAX_DIR_FILES = 200_000;
const MAX_DEPTH = 64;

/** Every regular file under `root` (symlinks and other non-regular files are not files to go). */
async function dirTree(root: string, skipTop?: (name: string) => boolean): Promise<ModuleTree> {
  const files = new Set<string>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH)
      throw new VendorError('go-vendor', `${join(root, rel)}: nested deeper than ${MAX_DEPTH}`);
    const entries = readdirSync(join(root, rel), { withFileTypes: true });
    for (const e of entries) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (rel === '' && skipTop?.(e.name)) continue;
        await walk(p, depth + 1);
      } else if (e.isFile()) {
        files.add(p);
        if (files.size > MAX_DIR_FILES)
          throw new VendorError('go-vendor', `${root}: more than ${MAX_DIR_FILES} files`);
      }
    }
  };
  await walk('', 0);
  return { files, read: async (rel) => readFileSync(join(root, rel)) };
}

/**
 * The files of a module zip (`<module>@<version>/…` entries), read into memory once: from the zip
 * bytes the cache verified against their `.ziphash` (kept from the fill that checked them against
 * the lock, or verified now), so the files vendored are the bytes that were hashed.
 */
async function zipTree(cache: Cache, m: ModuleVersion): Promise<ModuleTree> {
  const prefix = `${m.path}@${m.version}/`;
  const bodies = new Map<string, Buffer>();
  const zipPath = cache.zipPath(m.path, m.version);
  const verified = await cache.verifiedZip(m.path, m.version);
  const archive = await openZip(verified ?? zipPath, { label: zipPath });
  try {
    const wanted = archive.entries.filter((e) => e.name.startsWith(prefix) && !e.name.endsWith('/'));
    await readEntries(archive, wanted, async (e, body) => {
      if (body instanceof Uint8Array) bodies.set(e.name.slice(prefix.length), Buffer.from(body));
      else {
        const parts: Buffer[] = [];
        for await (const c of body) parts.push(c);
        bodies.set(e.name.slice(prefix.length), Buffer.concat(parts));
      }
    });
  } finally {
    await archive.close();
  }
  return {
    files: new Set(bodies.keys()),
    read: async (rel) => bodies.get(rel) ?? Buffer.alloc(0),
  };
}

/** The loader's view of a tree: `.go` files by directory (nested modules, vendor, testdata, `.`/`_` folders left out). */
function loaderFiles(tree: ModuleTree, isDirModule: boolean): ModuleFiles {
  const dirs = new Map<string, string[]>();
  const nested = new Set<string>();
  if (isDirModule) {
    for (const f of tree.files) if (f.endsWith('/go.mod')) nested.add(f.slice(0, -'/go.mod'.length));
  }
  outer: for (const f of tree.files) {
    if (!f.endsWith('.go')) continue;
    const slash = f.lastIndexOf('/');
    const d = slash < 0 ? '' : f.slice(0, slash);
    if (isDirModule && d !== '') {
      const elems = d.split('/');
      for (let i = 0; i < elems.length; i++) {
        const e = elems[i]!;
        if (e.startsWith('.') || e.startsWith('_') || e === 'testdata' || e === 'vendor') continue outer;
        if (nested.has(elems.slice(0, i + 1).join('/'))) continue outer;
      }
    }
    const list = dirs.get(d) ?? [];
    list.push(f.slice(slash + 1));
    dirs.set(d, list);
  }
  for (const l of dirs.values()) l.sort();
  return {
    dirs,
    read: async (d, name) => Buffer.from(await tree.read(d === '' ? name : `${d}/${name}`)).toString('utf8'),
  };
}

/**
 * Does what `go mod vendor` (Go 1.19) does for the main module in `o.dir` whose build list is
 * `o.modules`: loads the main module's packages and, transitively, what they and their tests
 * import; plans vendor/ ({@link planVendor}); and, unless it already holds exactly that, builds
 * the new vendor/ beside the old one and swaps it in (the old one is renamed aside first and
 * removed after; {@link recoverVendor} puts it back if a run died between the two renames).
 */
export async function vendorMainModule(o: VendorOptions): Promise<VendorResult> {
  const vendorDir = join(o.dir, 'vendor');
  if (!o.dryRun) await recoverVendor(vendorDir);
  const byPath = new Map(o.modules.map((m) => [m.module.path, m]));
  const trees = new Map<string, Promise<ModuleTree>>();
  const treeOf = (path: string): Promise<ModuleTree> => {
    let t = trees.get(path);
    if (!t) {
      if (path === o.mainPath) t = dirTree(o.dir, (n) => n === 'vendor' || n.startsWith('.'));
      else {
        const m = byPath.get(path)!;
        t = m.dir
          ? dirTree(m.dir.abs)
          : m.noZip
            ? Promise.resolve({ files: new Set<string>(), read: async () => new Uint8Array() })
            : zipTree(o.cache, m.module);
      }
      trees.set(path, t);
    }
    return t;
  };
  const mainFiles = loaderFiles(await treeOf(o.mainPath), true);
  // The main module's packages: folders with a .go file that builds with some tags.
  const mainPackages: string[] = [];
  for (const [d, names] of mainFiles.dirs) {
    let builds = false;
    for (const n of names) {
      if (n.startsWith('_') || n.startsWith('.')) continue;
      if (shouldBuildAnyTags(readImports(await mainFiles.read(d, n)).head)) {
        builds = true;
        break;
      }
    }
    if (builds) mainPackages.push(d === '' ? o.mainPath : `${o.mainPath}/${d}`);
  }
  mainPackages.sort();
  const selected = new Map(o.modules.map((m) => [m.module.path, m.module.version]));
  const loaded = await loadPackages(mainPackages, {
    roots: o.modules.filter((m) => m.explicit).map((m) => m.module),
    graph: { selected: (p) => (p === o.mainPath ? '' : (selected.get(p) ?? 'none')) },
    open: async (m) => {
      if (m.path === o.mainPath) return mainFiles;
      return loaderFiles(await treeOf(m.path), byPath.get(m.path)?.dir !== undefined);
    },
    testsOf: (p: LoadedPackage) => p.module.path === o.mainPath,
    ...(o.jobs === undefined ? {} : { jobs: o.jobs }),
  });
  const pkgsOf = new Map<string, string[]>();
  for (const p of loaded.values()) {
    if (p.module.path === o.mainPath) continue;
    const list = pkgsOf.get(p.module.path) ?? [];
    list.push(p.path);
    pkgsOf.set(p.module.path, list);
  }
  const modules: VendorModule[] = await mapInOrder(o.modules, o.jobs ?? 16, async (m) => {
    const packages = pkgsOf.get(m.module.path) ?? [];
    if (!m.explicit && packages.length === 0) {
      return { module: m.module, goVersion: '', explicit: false, packages };
    }
    const modBytes = m.dir
      ? await readRegularFileIfExists(join(m.dir.abs, 'go.mod'), { maxBytes: MAX_GO_MOD }).catch(
          () => undefined,
        )
      : await readIfExists(o.cache.modPath(m.module.path, m.module.version));
    const goVersion =
      modBytes === undefined ? '' : (goModSummary(`${m.module.path}/go.mod`, modBytes).goVersion ?? '');
    return {
      module: m.module,
      ...(m.dir ? { replacement: { path: m.dir.written } } : {}),
      goVersion,
      explicit: m.explicit,
      packages,
      ...(packages.length > 0 ? { tree: await treeOf(m.module.path) } : {}),
    };
  });
  const replace: Replacement[] = o.modules
    .filter((m) => m.dir !== undefined)
    .map((m) => ({ old: { path: m.module.path }, new: { path: m.dir!.written } }))
    .sort((a, b) => (a.old.path < b.old.path ? -1 : a.old.path > b.old.path ? 1 : 0));
  const plan = await planVendor({ goVersion: o.goVersion, modules, replace });
  const summary = {
    dir: vendorDir,
    modules: plan.modulesTxt.split('\n').filter((l) => l.startsWith('# ')).length,
    packages: [...pkgsOf.values()].reduce((n, l) => n + l.length, 0),
    files: plan.files.size,
  };
  const upToDate = await matches(vendorDir, plan);
  if (upToDate || o.dryRun) return { ...summary, upToDate };
  await writeVendor(vendorDir, plan);
  return { ...summary, upToDate: false };
}

/** Whether `vendorDir` holds exactly the plan's files and folders (no more, same bytes). */
async function matches(vendorDir: string, plan: VendorPlan): Promise<boolean> {
  const want = new Map<string, 'dir' | 'file'>();
  if (plan.modulesTxt === '') return (await lstat(vendorDir).catch(() => undefined)) === undefined;
  want.set('modules.txt', 'file');
  for (const f of plan.files.keys()) want.set(f, 'file');
  const addDirs = (p: string) => {
    for (
      let d = p.slice(0, Math.max(0, p.lastIndexOf('/')));
      d !== '';
      d = d.slice(0, Math.max(0, d.lastIndexOf('/')))
    ) {
      if (want.get(d) === 'dir') break;
      want.set(d, 'dir');
    }
  };
  for (const d of plan.dirs) {
    addDirs(`${d}/x`);
  }
  for (const f of plan.files.keys()) addDirs(f);
  let seen = 0;
  const walk = async (rel: string): Promise<boolean> => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(vendorDir, rel), { withFileTypes: true });
    } catch {
      // Not a readable folder: vendor/ does not hold the plan (it is rewritten).
      return false;
    }
    for (const e of entries) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      const kind = want.get(p);
      seen++;
      if (e.isDirectory()) {
        if (kind !== 'dir' || !(await walk(p))) return false;
      } else if (!e.isFile() || kind !== 'file') return false;
    }
    return true;
  };
  if (!(await walk(''))) return false;
  if (seen !== want.size) return false;
  // Compared without reading more than the expected bytes: vendor/ may come with the repository.
  if (compareFileSync(join(vendorDir, 'modules.txt'), Buffer.from(plan.modulesTxt)) !== 'same') return false;
  for (const [dst, src] of plan.files) {
    const body = await src.tree.read(src.rel);
    if (compareFileSync(join(vendorDir, dst), Buffer.from(body)) !== 'same') return false;
  }
  return true;
}

/** Where the old vendor/ waits while the new one is moved in (hidden: go skips it). */
const oldPath = (vendorDir: string): string => join(dirname(vendorDir), '.vendor.old');

/** After a run that died between moving the old vendor/ aside and moving the new one in: the old one back. */
export async function recoverVendor(vendorDir: string): Promise<void> {
  const old = oldPath(vendorDir);
  if ((await lstat(old).catch(() => undefined)) === undefined) return;
  if ((await lstat(vendorDir).catch(() => undefined)) === undefined) await rename(old, vendorDir);
  else await rm(old, { recursive: true, force: true });
}

async function writeVendor(vendorDir: string, plan: VendorPlan): Promise<void> {
  const exists = (await lstat(vendorDir).catch(() => undefined)) !== undefined;
  if (plan.modulesTxt === '') {
    // go removes vendor/ and writes nothing when there is nothing to vendor.
    if (exists) await rm(vendorDir, { recursive: true, force: true });
    return;
  }
  const tmp = tempPathFor(vendorDir);
  try {
    // Synchronous calls: many small files on local disk, each cheaper written on this thread than
    // in the thread-pool round trips of fs/promises (the bodies are in memory already).
    mkdirSync(tmp);
    const made = new Set<string>();
    const ensure = (d: string) => {
      if (d === '' || made.has(d)) return;
      mkdirSync(join(tmp, d), { recursive: true });
      made.add(d);
    };
    for (const d of plan.dirs) ensure(d);
    for (const [dst, src] of plan.files) {
      const body = await src.tree.read(src.rel);
      ensure(dst.slice(0, Math.max(0, dst.lastIndexOf('/'))));
      writeFileSync(join(tmp, dst), body);
    }
    writeFileSync(join(tmp, 'modules.txt'), plan.modulesTxt);
    const old = oldPath(vendorDir);
    if (exists) await rename(vendorDir, old);
    await rename(tmp, vendorDir);
    if (exists) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
    releaseTemp(tmp);
  }
}

/** Resolves a replacement directory as written in go.mod against the main module's directory. */
export function replacementDir(mainDir: string, written: string): string {
  return resolve(mainDir, written);
}
