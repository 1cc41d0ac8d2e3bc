// The verify-on-store module cache: atomic stores, hash-before-publish, verification, listing.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { type FileHandle, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Writable } from 'node:stream';
import {
  asWriteError,
  openExclusive,
  removeQuietly,
  TEMP_PREFIX,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
  writeTempFileSync,
} from '../../util/atomic.js';
import { FileReadError, pathExists, readRegularFileIfExistsSync } from '../../util/read.js';
import { ZipError } from '../../util/zip.js';
import { DirhashError, hashGoMod, hashZip } from '../dirhash/index.js';
import { unescapePath, unescapeVersion } from '../module/index.js';
import { renderInfo, type VersionInfo } from '../proxy/info.js';
import { sort as semverSort } from '../semver/index.js';
import { CacheConflictError, CacheCorruptError } from './errors.js';
import { inlineHasher, type ZipHasher } from './hasher.js';
import { type Artifact, artifactPath, defaultCacheRoot, listPath, versionDir } from './layout.js';
import { publishNoReplaceSync } from './publish.js';

/** Fills a sink with zip bytes (e.g. a proxy download); the cache owns and ends the sink. */
export type ZipFiller = (sink: Writable) => Promise<unknown>;

/** What `storeZip` accepts: the bytes, chunks, or a function that writes into a sink. */
export type ZipSource = Uint8Array | AsyncIterable<Uint8Array> | ZipFiller;

/** One module version found in the cache, with the artifacts present. */
export interface CacheEntry {
  readonly module: string;
  readonly version: string;
  readonly artifacts: readonly Artifact[];
  /** All four artifacts present: what `has` reports. */
  readonly complete: boolean;
}

const H1 = /^h1:[A-Za-z0-9+/]{43}=$/;
/** A ziphash sidecar is one `h1:` line; anything longer is not ours. */
const MAX_ZIPHASH_BYTES = 256;
/** Temp files untouched for this long belong to a dead writer (live ones are written continuously). */
export const STALE_TEMP_MS = 60 * 60 * 1000;
/** Files up to this size (`.info`, `.mod`, lists) are written with synchronous calls. */
const SMALL_FILE_BYTES = 64 << 10;
/**
 * Stored zips up to this size are verified from one synchronous read into memory (a thread-pool
 * round trip per call costs more than the read itself for the small zips most modules have);
 * larger ones are streamed from the file.
 */
const IN_MEMORY_ZIP_BYTES = 32 << 20;
/** Verified zip bytes a process keeps for re-use ({@link Cache.verifyZip} with `keep`), at most. */
const KEPT_ZIP_BYTES = 128 << 20;
/** Module paths nest at most this deep when the tree is walked (x/mod caps paths anyway). */
const MAX_WALK_DEPTH = 64;

/** Lowercase hex SHA-256 of `data`. */
export function fingerprintBytes(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A module cache rooted at a directory, laid out as Go's `GOMODCACHE/cache/download` so that
 * `GOPROXY=file://<root>` serves it to the real `go` command.
 *
 * Guarantees, for any number of processes sharing the root and any crash (SIGKILL) at any point:
 * - every file appears whole or not at all (temp file in the same directory, then rename or
 *   link). As in cmd/go (modfetch's `writeDiskCache` and `downloadZip`), files are not fsynced:
 *   rename and link are atomic for every reader and for a crashed process; only a power loss or
 *   kernel crash can leave a published file short, and that is caught on use — a zip is re-hashed
 *   against its `.ziphash` ({@link verifyZip}, what `download` does by default), a short sidecar
 *   is not an `h1:` line, and go.mod bytes are hashed against the lock or go.sum;
 * - a `.zip` is hashed and checked before it is published, and a published `.zip` or `.ziphash` is
 *   never replaced (`link(2)` refuses to overwrite); the `.ziphash` is published last, so
 *   `has()` — all four artifacts present — implies `verifyZip()` passes unless someone edits files
 *   by hand;
 * - a second process storing the same version finds the first one's files and succeeds.
 *
 * @example
 * ```ts
 * const c = await Cache.open('/tmp/modcache');
 * const h1 = await c.storeZip('example.com/foo', 'v1.0.0', zipBytes);
 * await c.verifyZip('example.com/foo', 'v1.0.0'); // h1
 * ```
 */
export class Cache {
  /**
   * Directories this process made sure exist (a `@v` folder per module), so that a module's files
   * are not each first tried in a missing folder. Writes still create a folder that vanished since.
   */
  private readonly madeDirs = new Set<string>();
  /**
   * Zip bytes this process read, hashed and found equal to their `.ziphash` (`verifyZip` with
   * `keep`), by `module@version`: {@link verifiedZip} hands these very bytes out again, so what is
   * used is what was verified, and it is neither read nor hashed twice.
   */
  private readonly keptZips = new Map<string, Buffer>();
  private keptBytes = 0;

  private constructor(
    readonly root: string,
    private readonly hasher: ZipHasher,
  ) {}

  /**
   * Creates the folder of `path` (with parents) once per process, synchronously (a few metadata
   * calls). A failure is not remembered: the write that follows reports it, and the next one tries again.
   */
  private ensureDirOf(path: string): void {
    const dir = dirname(path);
    if (this.madeDirs.has(dir)) return;
    try {
      mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    } catch {
      // reported by the write into it
    }
  }

  /**
   * Opens (creating, with parents) the cache at `root`, by default {@link defaultCacheRoot}.
   * `hasher` checks and hashes zips before they are published (default: x/mod's CheckZip rules
   * and the h1: hash, on the calling thread). `create: false` opens a missing cache as an empty
   * one without creating it (for commands that only read). A root that cannot be created — a
   * file in the way, a read-only or full disk — is a `file-write` error naming it.
   */
  static async open(
    root: string = defaultCacheRoot(),
    options: { hasher?: ZipHasher; create?: boolean } = {},
  ): Promise<Cache> {
    if (options.create !== false) {
      try {
        await mkdir(root, { recursive: true });
      } catch (e) {
        throw asWriteError(root, e);
      }
    }
    return new Cache(root, options.hasher ?? inlineHasher);
  }

  infoPath(module: string, version: string): string {
    return artifactPath(this.root, module, version, 'info');
  }
  modPath(module: string, version: string): string {
    return artifactPath(this.root, module, version, 'mod');
  }
  zipPath(module: string, version: string): string {
    return artifactPath(this.root, module, version, 'zip');
  }
  zipHashPath(module: string, version: string): string {
    return artifactPath(this.root, module, version, 'ziphash');
  }
  listPath(module: string): string {
    return listPath(this.root, module);
  }

  /** True only when `.info`, `.mod`, `.zip` and `.ziphash` are all present. */
  async has(module: string, version: string): Promise<boolean> {
    const paths = [
      this.zipHashPath(module, version),
      this.zipPath(module, version),
      this.modPath(module, version),
      this.infoPath(module, version),
    ];
    for (const p of paths) if (!pathExists(p)) return false;
    return true;
  }

  /**
   * Writes `data` to `path` atomically, creating parent directories; no temp file is left behind.
   * Not fsynced, as cmd/go does not (see the class notes).
   */
  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    this.ensureDirOf(path);
    // Small files (`.info`, `.mod`) with synchronous calls: cheaper than four thread-pool round trips.
    if (data.length <= SMALL_FILE_BYTES) writeFileAtomicSync(path, data, { mkdirs: true, fsync: false });
    else await writeFileAtomic(path, data, { mkdirs: true, fsync: false });
  }

  /** Stores a validated `.info` (rendered with a fixed key order). */
  async storeInfo(module: string, version: string, info: VersionInfo): Promise<void> {
    await this.writeFile(this.infoPath(module, version), renderInfo(info));
  }

  /** Stores `.mod` bytes and returns their `h1:` digest (what go.sum records for `/go.mod`). */
  async storeMod(module: string, version: string, data: Uint8Array): Promise<string> {
    const digest = hashGoMod(data);
    await this.writeFile(this.modPath(module, version), data);
    return digest;
  }

  /**
   * Stores a module zip and its `.ziphash` sidecar and returns the `h1:` digest. The bytes go to a
   * temp file, which is checked as a module zip for `module@version` and hashed; only then is it
   * published. If a zip for this version is already published, the new one must hash the same
   * ({@link CacheConflictError} otherwise) and the stored one is kept. Any failure removes the temp
   * file and leaves the published state as it was.
   */
  async storeZip(
    module: string,
    version: string,
    source: ZipSource,
    accept?: (digest: string) => Promise<void>,
  ): Promise<string> {
    const zipPath = this.zipPath(module, version);
    const tmp = tempPathFor(zipPath);
    let digest: string;
    try {
      this.ensureDirOf(zipPath);
      await writeTemp(tmp, source);
      digest = await this.hasher.checkAndHash(tmp, module, version);
      // The caller's last word on the hash (the checksum database) before anything is published.
      await accept?.(digest);
    } catch (e) {
      await removeQuietly(tmp);
      throw e;
    }
    if (publishNoReplaceSync(tmp, zipPath) === 'exists') {
      const stored = await this.hashStored(module, version);
      if (stored !== digest) throw new CacheConflictError(module, version, stored, digest);
    }
    await this.publishZipHash(module, version, digest);
    await this.updateList(module);
    return digest;
  }

  /**
   * Re-hashes the stored zip and compares it with its `.ziphash`; returns the digest. A missing
   * file, an unreadable or malformed sidecar, a zip that no longer parses, or a mismatch is a
   * {@link CacheCorruptError}.
   */
  async verifyZip(module: string, version: string, options: { keep?: boolean } = {}): Promise<string> {
    return (await this.checkStoredZip(module, version, options.keep === true)).digest;
  }

  /**
   * The bytes of the stored zip, verified against its `.ziphash` as {@link verifyZip} does: the
   * ones an earlier `verifyZip(…, { keep: true })` of this process verified, or read and verified
   * now (and not kept). `undefined` for a zip too large to hold in memory (it was verified by streaming; read
   * its entries from the file).
   */
  async verifiedZip(module: string, version: string): Promise<Buffer | undefined> {
    const kept = this.keptZips.get(`${module}@${version}`);
    if (kept !== undefined) return kept;
    return (await this.checkStoredZip(module, version, false)).bytes;
  }

  private async checkStoredZip(
    module: string,
    version: string,
    keep: boolean,
  ): Promise<{ digest: string; bytes?: Buffer }> {
    const hashPath = this.zipHashPath(module, version);
    const zipPath = this.zipPath(module, version);
    const recorded = await this.readZipHash(module, version);
    if (recorded === undefined) throw new CacheCorruptError(module, version, hashPath, '.ziphash is missing');
    if (!pathExists(zipPath)) throw new CacheCorruptError(module, version, zipPath, '.zip is missing');
    // The bytes hashed are the bytes kept: a file changed after this read cannot slip in.
    const bytes = readSmallRegularFileSync(zipPath, IN_MEMORY_ZIP_BYTES);
    let actual: string;
    try {
      actual = await hashZip(bytes ?? zipPath, module, version, { label: zipPath });
    } catch (e) {
      if (!isZipContentError(e)) throw e;
      throw new CacheCorruptError(module, version, zipPath, `.zip is unreadable: ${e.message}`, e);
    }
    if (actual !== recorded) {
      throw new CacheCorruptError(
        module,
        version,
        zipPath,
        `.zip hashes to ${actual}, .ziphash says ${recorded}`,
      );
    }
    const key = `${module}@${version}`;
    if (keep && bytes !== undefined && !this.keptZips.has(key)) {
      if (this.keptBytes + bytes.length <= KEPT_ZIP_BYTES) {
        this.keptZips.set(key, bytes);
        this.keptBytes += bytes.length;
      }
    }
    return bytes === undefined ? { digest: recorded } : { digest: recorded, bytes };
  }

  /**
   * The recorded digest, or undefined when there is no sidecar. A malformed sidecar is corrupt, and so
   * is one that is not a regular file (opened non-blocking: a FIFO in its place cannot hang the read).
   */
  async readZipHash(module: string, version: string): Promise<string | undefined> {
    const path = this.zipHashPath(module, version);
    let bytes: Buffer | undefined;
    try {
      // Synchronous: one small local file per module version, read in bulk.
      bytes = readRegularFileIfExistsSync(path, { maxBytes: MAX_ZIPHASH_BYTES, what: '.ziphash' });
    } catch (e) {
      if (e instanceof FileReadError && (e.code === 'file-not-regular' || e.code === 'file-too-large')) {
        const what = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
        throw new CacheCorruptError(module, version, path, what, e);
      }
      throw e;
    }
    if (bytes === undefined) return undefined;
    const text = bytes.toString('utf8').trim();
    if (!H1.test(text)) throw new CacheCorruptError(module, version, path, '.ziphash is not an h1: digest');
    return text;
  }

  /** Forgets zip bytes kept by `verifyZip(…, { keep: true })` (after a version is removed). */
  private forget(module: string, version: string): void {
    const key = `${module}@${version}`;
    const kept = this.keptZips.get(key);
    if (kept === undefined) return;
    this.keptZips.delete(key);
    this.keptBytes -= kept.length;
  }

  /**
   * Removes a version's artifacts, sidecar first so that `has` turns false before anything else
   * disappears. Missing files are fine.
   */
  async remove(module: string, version: string): Promise<void> {
    this.forget(module, version);
    for (const a of ['ziphash', 'zip', 'mod', 'info'] as const) {
      await unlink(artifactPath(this.root, module, version, a)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    await this.updateList(module);
  }

  /**
   * Every module version with at least one artifact, sorted by module then version. Directories
   * whose names are not valid escapes (foreign files) are skipped.
   */
  async entries(): Promise<CacheEntry[]> {
    const out: CacheEntry[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > MAX_WALK_DEPTH) return;
      let names: import('node:fs').Dirent[];
      try {
        names = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const d of names) {
        if (!d.isDirectory()) continue;
        const sub = join(dir, d.name);
        if (d.name === '@v') out.push(...(await this.entriesIn(sub)));
        else await walk(sub, depth + 1);
      }
    };
    await walk(this.root, 0);
    return out.sort((a, b) =>
      a.module === b.module ? (a.version < b.version ? -1 : 1) : a.module < b.module ? -1 : 1,
    );
  }

  /**
   * Removes `.tmp-*` files anywhere in the tree that were untouched for `olderThanMs`: leftovers of
   * processes that died mid-write (a live writer touches its temp file with every chunk). Returns
   * how many were removed.
   */
  async cleanTemps(olderThanMs: number = STALE_TEMP_MS, now: number = Date.now()): Promise<number> {
    let removed = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > MAX_WALK_DEPTH + 1) return;
      let names: import('node:fs').Dirent[];
      try {
        names = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const d of names) if (d.isDirectory()) await walk(join(dir, d.name), depth + 1);
      removed += await removeStaleTemps(
        dir,
        names.filter((d) => !d.isDirectory()).map((d) => d.name),
        olderThanMs,
        now,
      );
    };
    await walk(this.root, 0);
    return removed;
  }

  private async entriesIn(vdir: string, names?: readonly string[]): Promise<CacheEntry[]> {
    const rel = relative(this.root, join(vdir, '..')).split(sep).join('/');
    let module: string;
    try {
      module = unescapePath(rel);
    } catch (e) {
      if (e instanceof Error && 'code' in e) return [];
      throw e;
    }
    const found = new Map<string, Set<Artifact>>();
    for (const name of names ?? (await readdir(vdir))) {
      if (name.startsWith('.')) continue;
      const m = /^(.+)\.(info|mod|zip|ziphash)$/.exec(name);
      if (!m) continue;
      let version: string;
      try {
        version = unescapeVersion(m[1] as string);
      } catch (e) {
        if (e instanceof Error && 'code' in e) continue;
        throw e;
      }
      const set = found.get(version) ?? new Set<Artifact>();
      set.add(m[2] as Artifact);
      found.set(version, set);
    }
    return [...found].map(([version, set]) => {
      const artifacts = (['info', 'mod', 'zip', 'ziphash'] as const).filter((a) => set.has(a));
      return { module, version, artifacts, complete: artifacts.length === 4 };
    });
  }

  /** Hash of the zip already published (it was checked before it was published). */
  private async hashStored(module: string, version: string): Promise<string> {
    const recorded = await this.readZipHash(module, version);
    if (recorded !== undefined) return recorded;
    try {
      return await hashZip(this.zipPath(module, version), module, version);
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && String(e.code).startsWith('zip-'))) throw e;
      throw new CacheCorruptError(
        module,
        version,
        this.zipPath(module, version),
        'stored .zip is unreadable',
        e,
      );
    }
  }

  /** Publishes the sidecar last; an existing sidecar must agree. */
  private async publishZipHash(module: string, version: string, digest: string): Promise<void> {
    const path = this.zipHashPath(module, version);
    const tmp = tempPathFor(path);
    // Not fsynced, as the zip itself (see the Cache notes).
    writeTempFileSync(tmp, digest, { fsync: false }, path);
    if (publishNoReplaceSync(tmp, path) === 'exists') {
      const recorded = await this.readZipHash(module, version);
      if (recorded !== digest) {
        throw new CacheCorruptError(
          module,
          version,
          path,
          `.ziphash says ${recorded}, the zip hashes to ${digest}`,
        );
      }
    }
  }

  /**
   * Rewrites `@v/list` from the directory: the versions whose four artifacts are present, in semver
   * order. Regenerating (rather than appending) keeps racing writers from losing each other's lines
   * for long: every later store rewrites the whole list. Stale temp files of dead writers in the
   * directory are removed on the way (see {@link cleanTemps}), so no walk of the whole cache is needed.
   */
  private async updateList(module: string): Promise<void> {
    const vdir = versionDir(this.root, module);
    const names = readdirSync(vdir);
    await removeStaleTemps(vdir, names, STALE_TEMP_MS, Date.now());
    const complete = (await this.entriesIn(vdir, names)).filter((e) => e.complete).map((e) => e.version);
    const text = semverSort(complete)
      .map((v) => `${v}\n`)
      .join('');
    // No fsync: the list is derived from the directory and rewritten by every store.
    if (text.length <= SMALL_FILE_BYTES) writeFileAtomicSync(this.listPath(module), text, { fsync: false });
    else await writeFileAtomic(this.listPath(module), text, { fsync: false });
  }
}

/** Removes the temp files among `names` (in `dir`) untouched for `olderThanMs`; returns how many. */
async function removeStaleTemps(
  dir: string,
  names: readonly string[],
  olderThanMs: number,
  now: number,
): Promise<number> {
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const p = join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (st && now - st.mtimeMs >= olderThanMs) {
      await unlink(p).catch(() => {});
      removed++;
    }
  }
  return removed;
}

/** Writes `source` into a new temp file (not fsynced, as cmd/go: see the {@link Cache} notes). */
async function writeTemp(tmp: string, source: ZipSource | Buffer): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await openExclusive(tmp, 0o644, true);
  } catch (e) {
    throw asWriteError(tmp, e);
  }
  // The first write error (a full disk) is the cause to report, whatever the source then made of it
  // (a download reports "cannot read" once its sink fails).
  let writeError: unknown;
  try {
    if (source instanceof Uint8Array) {
      await fh.writeFile(source);
    } else if (typeof source === 'function') {
      // A plain Writable over the handle: the handle stays ours to close afterwards.
      const sink = new Writable({
        highWaterMark: 1 << 20,
        write(chunk: Buffer, _enc, cb) {
          fh.write(chunk).then(() => cb(), cb);
        },
        writev(chunks, cb) {
          fh.writev(chunks.map((c) => c.chunk as Buffer)).then(() => cb(), cb);
        },
      });
      // Always listened to: a write that fails after the writer moved on must not become an
      // unhandled 'error' event that kills the process.
      sink.on('error', (e) => {
        writeError ??= e;
      });
      try {
        await source(sink);
      } catch (e) {
        throw writeError ?? e;
      }
      if (writeError !== undefined) throw writeError;
      // Ending waits for the writes still under way; one of them may be the first to fail.
      await new Promise<void>((resolve, reject) => {
        if (sink.destroyed) return reject(writeError ?? new Error('the zip sink was destroyed'));
        sink.end((e?: Error | null) => (e ? reject(writeError ?? e) : resolve()));
      });
      if (writeError !== undefined) throw writeError;
    } else {
      for await (const chunk of source) await fh.write(chunk);
    }
  } catch (e) {
    throw asWriteError(tmp, writeError ?? e);
  } finally {
    await fh.close();
  }
}

/** True for the errors a bad zip body causes (as opposed to I/O trouble): its structure or names. */
export function isZipContentError(e: unknown): e is ZipError | DirhashError {
  return (e instanceof ZipError && e.code !== 'zip-io') || e instanceof DirhashError;
}

/**
 * The bytes of `path` when it is a regular file of at most `maxBytes` bytes that reads whole, read
 * with synchronous calls; otherwise `undefined` (the caller takes the streaming path, which reports
 * what is wrong). The open is non-blocking, so a FIFO in its place cannot hang the process.
 */
function readSmallRegularFileSync(path: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    // Whatever the trouble (gone, permissions, a loop), the streaming path meets and reports it.
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    for (let done = 0; done < st.size; ) {
      const n = readSync(fd, buf, done, st.size - done, done);
      if (n === 0) return undefined;
      done += n;
    }
    return buf;
  } catch {
    // A failed read: the streaming path reads again and reports it.
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads a small file, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  // Synchronous: a small local file costs less read on the calling thread than in four thread-pool
  // round trips, and a missing one (the common case in a fresh cache) throws no error object.
  if (statSync(path, { throwIfNoEntry: false }) === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
