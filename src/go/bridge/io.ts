// The bridge's I/O edge: go.mod files and module sources from the verified cache (filled from the module source) or a directory.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isMochiPkgError, MochiPkgError } from '../../errors.js';
import { isAbsent, pathExists, readRegularFile } from '../../util/read.js';
import { openZip, readEntries } from '../../util/zip.js';
import { type Cache, download } from '../cache/index.js';
import { readIfExists } from '../cache/store.js';
import { hashGoMod } from '../dirhash/index.js';
import type { FilesOpener, ModuleFiles } from '../load/packages.js';
import { MAX_GO_MOD } from '../modzip/index.js';
import type { ModSummary, ModuleVersion, SummaryLoader } from '../mvs/index.js';
import { modKey } from '../mvs/index.js';
import type { ModuleSource } from '../proxy/index.js';
import type { ModuleSums } from '../sumdb/verifier.js';

/** Parses go.mod bytes into what the graph needs (x/mod's ParseLax for dependencies). */
export type GoModParser = (fileName: string, data: Uint8Array) => ModSummary;

/** Options of {@link cacheBridgeIO}. */
export interface CacheBridgeOptions {
  readonly cache: Cache;
  /** Asked only for what the cache lacks. */
  readonly source: ModuleSource;
  /** Directory replacements resolve against this folder. */
  readonly projectRoot: string;
  readonly parse: GoModParser;
  /** Re-hash cached zips (default true). */
  readonly verify?: boolean;
  /** Checks every go.mod and zip hash before it is accepted (the checksum database). */
  readonly sums?: ModuleSums;
}

/** A bridge I/O over the cache, and the hashes it saw (keyed `path@version`). */
export interface CacheBridgeIO {
  readonly summary: SummaryLoader;
  readonly files: FilesOpener;
  /** `h1:` of each go.mod read. */
  readonly modH1: ReadonlyMap<string, string>;
  /** `h1:` of each module zip opened. */
  readonly zipH1: ReadonlyMap<string, string>;
  /** Makes sure the cache holds the module version's `.info` (what `go list -m` reads); once per version. */
  touch(m: ModuleVersion): Promise<void>;
  /** Waits for the cache writes still under way (go.mod files are stored behind the graph's back). */
  flush(): Promise<void>;
  /** Directory replacements: module path → directory (as written), for {@link FilesOpener}. */
  setDirs(dirs: ReadonlyMap<string, string>): void;
}

/** A directory replacement without a go.mod, or a go.mod over its size limit. Code `go-path-module`. */
export class BridgeIOError extends MochiPkgError {
  declare readonly code: 'go-path-module';
}

/** Background `.info` fetches in flight at once (package loading's zips go first). */
const TOUCH_JOBS = 8;
/** Go source files read for imports are capped (a generated file can be large; imports come first). */
const MAX_GO_FILE = 64 << 20;

/**
 * go.mod summaries and module files through the verified cache: a go.mod is read from the cache
 * or fetched once and stored (no zip); a module's files come from its zip, downloaded and
 * verified on first use — so zips are fetched only for modules that may provide packages.
 */
export function cacheBridgeIO(o: CacheBridgeOptions): CacheBridgeIO {
  const modH1 = new Map<string, string>();
  const zipH1 = new Map<string, string>();
  let dirs: ReadonlyMap<string, string> = new Map();
  // Each go.mod is fetched, stored and parsed once per resolution, however often the graph is re-read.
  const summaries = new Map<string, Promise<ModSummary>>();
  const pending: Promise<unknown>[] = [];
  const later = (p: Promise<unknown>): void => {
    p.catch(() => undefined);
    pending.push(p);
  };
  const summary: SummaryLoader = async (actual) => {
    if (actual.version === '') {
      const file = resolve(o.projectRoot, actual.path, 'go.mod');
      const data = await readRegularFile(file, { maxBytes: MAX_GO_MOD, what: 'go.mod' }).catch(
        (e: unknown) => {
          if (isMochiPkgError(e, 'file-too-large'))
            throw new BridgeIOError('go-path-module', `${file}: larger than 16 MiB`);
          if (!isAbsent(e)) throw e;
          throw new BridgeIOError(
            'go-path-module',
            `${actual.path}: no go.mod in ${resolve(o.projectRoot, actual.path)}`,
          );
        },
      );
      return o.parse(file, data);
    }
    const k = modKey(actual);
    let p = summaries.get(k);
    if (!p) {
      p = (async () => {
        let data: Uint8Array | undefined = await readIfExists(o.cache.modPath(actual.path, actual.version));
        const fresh = data === undefined;
        data ??= await o.source.mod(actual.path, actual.version);
        const h1 = hashGoMod(data);
        // Checked before it is stored: nothing the checksum database refuses enters the cache.
        await o.sums?.mod(actual.path, actual.version, h1);
        // The graph goes on with the bytes while the cache write finishes (awaited by flush).
        if (fresh) later(o.cache.storeMod(actual.path, actual.version, data));
        modH1.set(k, h1);
        return o.parse(`${k}/go.mod`, data);
      })();
      summaries.set(k, p);
    }
    return p;
  };
  // Each module is opened (downloaded, verified) once per resolution, however often it is asked for.
  const opened = new Map<string, Promise<ModuleFiles>>();
  const open = async (m: ModuleVersion): Promise<ModuleFiles> => {
    const dir = dirs.get(m.path);
    if (dir !== undefined) return dirFiles(resolve(o.projectRoot, dir));
    // The zip does not wait for the `.info` (fetched beside it, ahead of the background ones).
    const [got] = await Promise.all([
      download(o.cache, o.source, m.path, m.version, {
        verify: o.verify ?? true,
        info: false,
        ...(o.sums === undefined ? {} : { sums: o.sums }),
      }),
      touchEntry(m, true),
    ]);
    zipH1.set(modKey(m), got.Sum);
    modH1.set(modKey(m), got.GoModSum);
    return zipFiles(got.Zip, `${m.path}@${m.version}/`);
  };
  const files: FilesOpener = (m) => {
    const k = modKey(m);
    let p = opened.get(k);
    if (!p) {
      p = open(m);
      opened.set(k, p);
    }
    return p;
  };
  // `.info` fetches are background work: at most TOUCH_JOBS at once, so that they never queue
  // ahead of the zips package loading waits for; a module being opened jumps the queue.
  const touched = new Map<string, { p: Promise<void>; start: () => void }>();
  const queued: string[] = [];
  let touching = 0;
  const next = (): void => {
    while (touching < TOUCH_JOBS && queued.length > 0) touched.get(queued.shift()!)?.start();
  };
  const touchEntry = (m: ModuleVersion, urgent: boolean): Promise<void> => {
    const k = modKey(m);
    let t = touched.get(k);
    if (!t) {
      let started = false;
      let go!: () => void;
      const gate = new Promise<void>((r) => {
        go = r;
      });
      const p = (async () => {
        await gate;
        try {
          if (pathExists(o.cache.infoPath(m.path, m.version))) return;
          await o.cache.storeInfo(m.path, m.version, await o.source.info(m.path, m.version));
        } finally {
          touching--;
          next();
        }
      })();
      const entry = {
        p,
        start: () => {
          if (started) return;
          started = true;
          touching++;
          go();
        },
      };
      touched.set(k, entry);
      t = entry;
      // Waited for by flush, errors left to whoever awaits the touch itself.
      later(p.catch(() => undefined));
      if (touching < TOUCH_JOBS) entry.start();
      else queued.push(k);
    }
    if (urgent) t.start();
    return t.p;
  };
  const touch = (m: ModuleVersion): Promise<void> => touchEntry(m, false);
  const flush = async (): Promise<void> => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  };
  return {
    summary,
    files,
    touch,
    flush,
    modH1,
    zipH1,
    setDirs: (d) => {
      dirs = d;
    },
  };
}

/** The `.go` files of a module zip by directory; bodies are read on demand (one pass, kept). */
async function zipFiles(zipPath: string, prefix: string): Promise<ModuleFiles> {
  const listing = await openZip(zipPath);
  // The listing is closed at once: many modules are opened only to see which directories they have.
  await listing.close();
  const byDir = new Map<string, string[]>();
  const wanted = listing.entries.filter((e) => e.name.startsWith(prefix) && e.name.endsWith('.go'));
  for (const e of wanted) {
    const rel = e.name.slice(prefix.length);
    const slash = rel.lastIndexOf('/');
    const d = slash < 0 ? '' : rel.slice(0, slash);
    const list = byDir.get(d) ?? [];
    list.push(rel.slice(slash + 1));
    byDir.set(d, list);
  }
  let bodies: Promise<Map<string, string>> | undefined;
  const readAll = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    const archive = await openZip(zipPath);
    try {
      await readEntries(
        archive,
        wanted.filter((e) => e.uncompressedSize <= MAX_GO_FILE),
        async (e, body) => {
          if (body instanceof Uint8Array) out.set(e.name.slice(prefix.length), body.toString('utf8'));
          else {
            const parts: Buffer[] = [];
            for await (const c of body) parts.push(c);
            out.set(e.name.slice(prefix.length), Buffer.concat(parts).toString('utf8'));
          }
        },
      );
    } finally {
      await archive.close();
    }
    return out;
  };
  return {
    dirs: byDir,
    read: async (d, name) => {
      bodies ??= readAll();
      return (await bodies).get(d === '' ? name : `${d}/${name}`) ?? '';
    },
  };
}

/** The `.go` files of a module directory (nested modules, `vendor`, hidden and `_` folders left out). */
async function dirFiles(root: string): Promise<ModuleFiles> {
  const byDir = new Map<string, string[]>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 64) return;
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    if (rel !== '' && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    const names: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name.startsWith('_') || e.name === 'testdata' || e.name === 'vendor')
          continue;
        await walk(rel === '' ? e.name : `${rel}/${e.name}`, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.go')) names.push(e.name);
    }
    if (names.length > 0) byDir.set(rel, names.sort());
  };
  await walk('', 0);
  return {
    dirs: byDir,
    read: (d, name) => readFile(join(root, d, name), 'utf8'),
  };
}
