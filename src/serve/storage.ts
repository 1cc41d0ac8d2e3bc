// Where `serve` keeps artifacts: a directory (the module cache's own layout) or an object store.
import { close, constants, createReadStream, fstat, open, read } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { publishNoReplace } from '../go/cache/index.js';
import { asWriteError, openExclusive, removeQuietly, TEMP_PREFIX, tempPathFor } from '../util/atomic.js';
import { isAbsent } from '../util/read.js';
import { ServeError } from './errors.js';

/** One stored object: its size and a way to stream it. */
export interface StoredObject {
  readonly size: number;
  /** The bytes; each call opens a new stream. */
  open(): Promise<Readable>;
  /** The whole object, when the store already holds it in memory (small objects): sent as it is. */
  readonly bytes?: Buffer;
}

/** A stored object whose bytes are in memory. */
export function inMemoryObject(bytes: Buffer): StoredObject {
  return { size: bytes.length, bytes, open: async () => Readable.from([bytes]) };
}

/** The whole of a stored object, in memory (callers bound `obj.size` first). */
export async function readObject(obj: StoredObject): Promise<Buffer> {
  if (obj.bytes !== undefined) return obj.bytes;
  const chunks: Buffer[] = [];
  for await (const c of await obj.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** What a put stores: bytes in memory, or a finished local file (e.g. a verified download). */
export type PutSource = Uint8Array | { readonly file: string; readonly size: number };

/**
 * The storage `serve` needs. Keys are `/`-separated relative paths (`golang.org/x/mod/@v/v0.8.0.zip`).
 * Every key names immutable content (a verified artifact of one module version, a sha256-named
 * file), so a store is only ever asked to create a key, never to change one: `putIfAbsent`
 * keeps what is there. Readers see a whole object or none.
 */
export interface Storage {
  /** A short description for logs (no credentials). */
  readonly describe: string;
  get(key: string): Promise<StoredObject | undefined>;
  /** The size of `key`, or undefined when absent. */
  head(key: string): Promise<number | undefined>;
  /** Stores `data` under `key` unless it exists; `'exists'` when another writer was first. */
  putIfAbsent(key: string, data: PutSource): Promise<'stored' | 'exists'>;
  /** The keys directly under `prefix` (which ends in `/`), names only, sorted; `[]` when none. */
  list(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Refuses keys that could leave the store's root or that name a temp file. */
export function checkKey(key: string): void {
  const parts = key.split('/');
  if (
    key.length === 0 ||
    key.length > 1024 ||
    parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith(TEMP_PREFIX)) ||
    key.includes('\\') ||
    key.includes('\0')
  ) {
    throw new ServeError('serve-storage', `invalid storage key ${JSON.stringify(key)}`);
  }
}

// Callback `fs` calls as promises (see DirStorage.get for why not `fs/promises`).
const openFd = promisify(open);
const fstatFd = promisify(fstat);
const readFd = promisify(read);
const closeFd = promisify(close);

/** Objects up to this size are read whole by {@link DirStorage.get} (`.info`, `.mod`, `.ziphash`, small zips). */
const SMALL_OBJECT = 64 << 10;

/**
 * A directory laid out like `GOMODCACHE/cache/download` (the mochi-pkg module cache), so a
 * machine's cache is served as it is. Objects are written to a temp file beside the target,
 * fsynced, and hard-linked into place (`link(2)` never replaces), so concurrent writers and
 * crashes leave a whole object or none.
 */
export class DirStorage implements Storage {
  constructor(readonly root: string) {}

  get describe(): string {
    return `dir:${this.root}`;
  }

  private path(key: string): string {
    checkKey(key);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const p = this.path(key);
    // One open and one fstat; a small object is read whole on the same descriptor (no stream to
    // set up per request), a larger one is streamed when the caller opens it. Callback calls, not
    // `fs/promises`: a FileHandle and its promises cost more CPU than the small read itself, and a
    // fresh instance under load spends about a quarter of its time on these reads until its memory
    // cache holds the hot objects (600 cold reads, 200 at once: median CPU 26–66 ms, against
    // 51–77 ms with a FileHandle).
    // O_NONBLOCK: a FIFO someone left where an object would be is no object, and must not hold a
    // thread-pool thread waiting for a writer (it has no effect on regular files).
    let fd: number;
    try {
      fd = await openFd(p, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
    try {
      const st = await fstatFd(fd);
      if (!st.isFile()) return undefined;
      if (st.size > SMALL_OBJECT) return { size: st.size, open: async () => createReadStream(p) };
      const bytes = Buffer.allocUnsafe(st.size);
      let got = 0;
      while (got < bytes.length) {
        const { bytesRead } = await readFd(fd, bytes, got, bytes.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      // Stored objects never change; a shorter read means the file is not what was published.
      if (got !== bytes.length)
        throw new ServeError('serve-storage', `${key}: short read (${got} of ${bytes.length} bytes)`);
      return inMemoryObject(bytes);
    } finally {
      await closeFd(fd).catch(() => {});
    }
  }

  async head(key: string): Promise<number | undefined> {
    try {
      const st = await stat(this.path(key));
      return st.isFile() ? st.size : undefined;
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
  }

  async putIfAbsent(key: string, data: PutSource): Promise<'stored' | 'exists'> {
    const target = this.path(key);
    const tmp = tempPathFor(target);
    try {
      const fh = await openExclusive(tmp, 0o644, true);
      try {
        if (data instanceof Uint8Array) await fh.writeFile(data);
        else for await (const chunk of createReadStream(data.file)) await fh.write(chunk as Buffer);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      await removeQuietly(tmp);
      throw asWriteError(target, e);
    }
    return (await publishNoReplace(tmp, target)) === 'published' ? 'stored' : 'exists';
  }

  async list(prefix: string): Promise<string[]> {
    const dir = prefix === '' ? this.root : this.path(prefix.replace(/\/$/, ''));
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries
        .filter((d) => d.isFile() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if (isAbsent(e)) return [];
      throw e;
    }
  }

  async close(): Promise<void> {}
}

/** Opens the storage a `--storage` value names: `dir:<path>` (or a bare path) or `s3://bucket/prefix`. */
export async function openStorage(
  spec: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Storage> {
  if (spec.startsWith('s3://')) {
    const { S3Storage, parseS3Spec } = await import('./s3.js');
    return S3Storage.create(parseS3Spec(spec, options.env));
  }
  const path = spec.startsWith('dir:') ? spec.slice(4) : spec;
  if (path === '') throw new ServeError('serve-config', '--storage dir: needs a directory path');
  const { resolve } = await import('node:path');
  const root = resolve(options.cwd, path);
  try {
    await mkdir(root, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A path the store cannot be made at (a file, no permission, a read-only disk): the operator's
    // to fix, not a crash.
    if (typeof code !== 'string' || !code.startsWith('E')) throw e;
    throw new ServeError('serve-storage', `cannot create the store directory ${root}: ${code}`, {
      cause: e,
      hint: '--storage dir:<path> names a directory serve can create and write',
    });
  }
  return new DirStorage(root);
}
