// The GOPROXY protocol side of `serve`: list, info, mod, zip and @latest from the store, pulled through and verified.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MochiPkgError, redactUrls } from '../errors.js';
import { inlineHasher, type ZipHasher, zipRejection } from '../go/cache/index.js';
import { hashGoMod } from '../go/dirhash/index.js';
import {
  canonicalVersion,
  escapePath,
  escapeVersion,
  unescapePath,
  unescapeVersion,
} from '../go/module/index.js';
import {
  isNotFound,
  type ModuleSource,
  renderInfo,
  type VersionInfo,
  VersionNotFoundError,
} from '../go/proxy/index.js';
import { isPseudoVersion, isValid, sort as semverSort } from '../go/semver/index.js';
import { matchPrefixPatterns, type SumdbClient } from '../go/sumdb/index.js';
import { memoize } from '../util/memo.js';
import { ServeError } from './errors.js';
import type { Metrics } from './metrics.js';
import { SingleFlight } from './singleflight.js';
import { inMemoryObject, readObject, type Storage, type StoredObject } from './storage.js';

/** An answer of the proxy: a status, a content type, and bytes or a stored object. */
export interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: Uint8Array | StoredObject;
  /** How it was answered, for logs and metrics. */
  readonly source: 'store' | 'upstream' | 'pass' | 'none';
  /** Extra response headers (`location` of a redirect, `vary`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What to do with modules matching the private patterns. */
export type PrivateMode = 'refuse' | 'pass';

export interface GoProxyOptions {
  readonly storage: Storage;
  /** Where missing artifacts come from; none: serve the store only. */
  readonly upstream?: ModuleSource;
  /** Checks every pulled `.zip` and `.mod` against the checksum database when given. */
  readonly sumdb?: SumdbClient;
  /** Modules never checked against the database (GONOSUMDB-style globs). */
  readonly noSumdb?: string;
  /** GOPRIVATE-style globs: modules that are refused (404) or passed through unstored. */
  readonly privatePatterns?: string;
  readonly privateMode?: PrivateMode;
  /** A pulled `.zip` over this many bytes is refused (default 500 MiB, the module zip limit). */
  readonly maxZipBytes?: number;
  /** Scratch directory for downloads being verified. */
  readonly tmpDir: string;
  readonly hasher?: ZipHasher;
  /** How long an upstream `@v/list` or `@latest` answer is reused (ms, default 60 s). */
  readonly listTtlMs?: number;
  readonly metrics?: Metrics;
  readonly now?: () => number;
  /**
   * Bytes of verified artifacts answered before their store write has finished (see
   * {@link GoProxy.settled}); default 256 MiB. Past it, or for a `.zip` over 1/8 of it, a pull-through
   * waits for its write before answering. 0: always wait.
   */
  readonly writeBehindBytes?: number;
  /** Receives one JSON line per store write that failed after its artifact was answered. */
  readonly log?: (line: string) => void;
  /**
   * Pull a version's `.mod` and `.zip` in the background as soon as its `.info` is pulled (default
   * true): a client that asks for one version's `.info` (`go mod download`, `go get`) asks for its
   * `.mod` and `.zip` next, and finds them verified by then. Graph walks ask for `.mod` files only
   * and start none.
   */
  readonly prefetch?: boolean;
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const ZIP_TYPE = 'application/zip';
const DEFAULT_MAX_ZIP = 500 << 20;
const DEFAULT_WRITE_BEHIND = 256 << 20;
/** The cache header of a query's `.info` (as of lists and `@latest`): it names whatever the query means now. */
const QUERY_CACHE = 'public, max-age=60';
/** Background `.zip` pulls at a time; past it, an `.info` starts no more. */
const MAX_PREFETCH = 4;

function text(status: number, body: string): Reply {
  return { status, type: TEXT_TYPE, body: Buffer.from(body), source: 'none' };
}

/** `not found: …` as a 404: cmd/go moves on to the next GOPROXY entry after `,`. */
export function notFound(message: string): Reply {
  return text(404, `not found: ${message}\n`);
}

type Request =
  | { kind: 'list'; module: string }
  | { kind: 'latest'; module: string }
  | { kind: 'info' | 'mod' | 'zip'; module: string; version: string };

/**
 * Parses a GOPROXY request path (`/<escaped>/@v/<escaped>.zip`), still percent-encoded as it came in
 * the request line; undefined when it is not one. cmd/go percent-encodes each path segment
 * (`url.PathEscape`), so the `!` of an upper-case letter arrives as `%21` (`github.com/%21azure/…`).
 */
export function parseGoPath(path: string): Request | undefined {
  let p: string;
  try {
    p = decodeURIComponent(path).replace(/^\/+/, '');
  } catch (e) {
    if (e instanceof URIError) return undefined;
    throw e;
  }
  try {
    if (p.endsWith('/@latest'))
      return { kind: 'latest', module: unescapePath(p.slice(0, -'/@latest'.length)) };
    const at = p.lastIndexOf('/@v/');
    if (at <= 0) return undefined;
    const module = unescapePath(p.slice(0, at));
    const file = p.slice(at + 4);
    if (file === 'list') return { kind: 'list', module };
    const m = /^(.+)\.(info|mod|zip)$/.exec(file);
    if (!m) return undefined;
    return { kind: m[2] as 'info' | 'mod' | 'zip', module, version: unescapeVersion(m[1] as string) };
  } catch (e) {
    if (e instanceof MochiPkgError) return undefined;
    throw e;
  }
}

// A warm request spent a tenth of its time parsing the same paths again (escapePath remembers
// module paths itself). Request paths longer than any real one are parsed every time.
const parsedGoPath = memoize(parseGoPath, { maxKeyLength: 1024 });

function key(module: string, version: string, ext: string): string {
  return `${escapePath(module)}/@v/${escapeVersion(version)}.${ext}`;
}

/**
 * Answers GOPROXY requests from a {@link Storage}, pulling what is missing from the upstream.
 * Nothing reaches the store or a client unverified: a `.zip` is checked against the module zip
 * rules and hashed (and compared with the checksum database when one is configured) before its
 * `.ziphash` — written last — makes it servable; a `.mod` is compared with the database. Concurrent
 * requests for the same missing artifact share one upstream fetch.
 *
 * A pulled artifact is answered as soon as it is verified, from memory, while its store write (a
 * temp file, fsync and link, or an S3 upload) goes on: the write was a third of a pull-through's
 * time. Until the write lands, requests for the same key are answered from those verified bytes (no
 * second upstream fetch); {@link GoProxy.settled} waits for every write, and `serve` awaits it
 * before it stops. A crash before the write lands loses only the store copy: the store never holds
 * a partial object, and the artifact is pulled again on the next request.
 */
export class GoProxy {
  private readonly flights = new SingleFlight<Reply>();
  private readonly memo = new Map<string, { at: number; reply: Promise<Reply> }>();
  private readonly hasher: ZipHasher;
  private readonly maxZip: number;
  private readonly now: () => number;
  /** Verified artifacts answered whose store write has not landed yet, by store key. */
  private readonly landing = new Map<string, Buffer>();
  private landingBytes = 0;
  private readonly writeBehind: number;
  private readonly writes = new Set<Promise<void>>();
  private prefetchingZips = 0;
  /** The sinks of upstream `.zip` downloads in progress (see {@link GoProxy.abortPulls}). */
  private readonly pulls = new Set<Writable>();

  constructor(private readonly o: GoProxyOptions) {
    this.hasher = o.hasher ?? inlineHasher;
    this.maxZip = o.maxZipBytes ?? DEFAULT_MAX_ZIP;
    this.now = o.now ?? Date.now;
    this.writeBehind = o.writeBehindBytes ?? DEFAULT_WRITE_BEHIND;
  }

  /**
   * Stops the upstream `.zip` downloads in progress: at shutdown, no client waits for them any more
   * (a prefetch, a request cut at the end of the grace period), and an upstream that drips bytes
   * would otherwise keep the process alive until the download's deadline. Verified artifacts
   * already answered are still stored ({@link GoProxy.settled}).
   */
  abortPulls(): void {
    // Without an error: nothing may be listening for one; the download sees a closed sink and stops.
    for (const sink of this.pulls) sink.destroy();
  }

  /** Resolves once every store write and background pull started so far has ended. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  /**
   * Stores `objects` in order in the background when the write-behind budget has room for them,
   * answering from memory meanwhile; false when it has not (the caller writes and waits).
   * `check` sees each put's result (e.g. to compare a `.ziphash` that was already there).
   */
  private storeBehind(
    objects: readonly (readonly [string, Buffer])[],
    check?: (key: string, result: 'stored' | 'exists') => Promise<void>,
  ): boolean {
    const size = objects.reduce((n, [, b]) => n + b.length, 0);
    if (size > this.writeBehind / 8 || this.landingBytes + size > this.writeBehind) return false;
    for (const [k, b] of objects) this.landing.set(k, b);
    this.landingBytes += size;
    const write = (async () => {
      try {
        for (const [k, b] of objects) {
          const r = await this.o.storage.putIfAbsent(k, b);
          await check?.(k, r);
        }
      } catch (e) {
        this.o.log?.(
          JSON.stringify({
            time: new Date(this.now()).toISOString(),
            event: 'store-write-failed',
            key: objects[0]?.[0],
            error: e instanceof Error ? e.message : String(e),
          }),
        );
      } finally {
        for (const [k] of objects) this.landing.delete(k);
        this.landingBytes -= size;
      }
    })();
    this.background(write);
    return true;
  }

  private background(work: Promise<void>): void {
    this.writes.add(work);
    void work.finally(() => this.writes.delete(work));
  }

  /**
   * Starts pulling `module@version`'s `.mod` and `.zip`, each unless it is stored or being pulled;
   * at most {@link MAX_PREFETCH} zips at a time (a `.mod` is small).
   */
  private prefetch(module: string, version: string): void {
    if (this.o.prefetch === false) return;
    for (const ext of ['mod', 'zip'] as const) {
      const k = key(module, version, ext);
      if (this.landing.has(k) || this.flights.has(k)) continue;
      if (ext === 'zip' && this.prefetchingZips >= MAX_PREFETCH) continue;
      if (ext === 'zip') this.prefetchingZips++;
      this.background(
        (async () => {
          try {
            // A zip is in the store once its .ziphash is.
            if (
              (await this.o.storage.head(ext === 'zip' ? key(module, version, 'ziphash') : k)) !== undefined
            )
              return;
            if (ext === 'zip') await this.zip(module, version, false);
            else await this.mod(module, version, false);
          } catch {
            // A guess that failed costs nothing more: the client's own request pulls it again and
            // gets the error.
          } finally {
            if (ext === 'zip') this.prefetchingZips--;
          }
        })(),
      );
    }
  }

  /** Answers one GET for `path` (the URL path, still escaped). */
  async handle(path: string): Promise<Reply> {
    const req = parsedGoPath(path);
    if (req === undefined) return notFound(`${path}: not a module proxy path`);
    const priv =
      this.o.privatePatterns !== undefined && matchPrefixPatterns(this.o.privatePatterns, req.module);
    if (priv && (this.o.privateMode ?? 'refuse') === 'refuse') {
      return notFound(`${req.module}: private module, not served by this proxy`);
    }
    try {
      if (req.kind === 'list') return await this.list(req.module, priv);
      if (req.kind === 'latest') return await this.latest(req.module, priv);
      if (req.kind === 'info') return await this.info(req.module, req.version, priv);
      if (canonicalVersion(req.version) !== req.version) {
        return notFound(`${req.module}@${req.version}: not a canonical version`);
      }
      if (req.kind === 'mod') return await this.mod(req.module, req.version, priv);
      return await this.zip(req.module, req.version, priv);
    } catch (e) {
      if (isNotFound(e)) return notFound(e.message);
      throw e;
    }
  }

  private async upstreamCall<T>(
    what: string,
    ctx: { module: string; version?: string },
    f: (u: ModuleSource) => Promise<T>,
  ): Promise<T> {
    const u = this.o.upstream;
    if (u === undefined)
      throw new VersionNotFoundError(ctx, 'not in the store, and no upstream is configured');
    const t0 = performance.now();
    try {
      return await f(u);
    } finally {
      this.o.metrics?.upstream(what, performance.now() - t0);
    }
  }

  /** A short-lived memo of mutable upstream answers (list, latest), shared by concurrent callers. */
  private remember(k: string, f: () => Promise<Reply>): Promise<Reply> {
    const ttl = this.o.listTtlMs ?? 60_000;
    const hit = this.memo.get(k);
    if (hit !== undefined && this.now() - hit.at < ttl) return hit.reply;
    const reply = f();
    this.memo.set(k, { at: this.now(), reply });
    reply.catch(() => this.memo.delete(k));
    if (this.memo.size > 10_000) {
      for (const [mk, v] of this.memo) if (this.now() - v.at >= ttl) this.memo.delete(mk);
    }
    return reply;
  }

  private async storedVersions(module: string): Promise<string[]> {
    const names = await this.o.storage.list(`${escapePath(module)}/@v/`);
    const out = new Set<string>();
    for (const n of names) {
      const m = /^(.+)\.info$/.exec(n);
      if (!m) continue;
      try {
        const v = unescapeVersion(m[1] as string);
        if (isValid(v) && !isPseudoVersion(v)) out.add(v);
      } catch (e) {
        if (!(e instanceof MochiPkgError)) throw e;
      }
    }
    return [...out];
  }

  private async list(module: string, priv: boolean): Promise<Reply> {
    return this.remember(`list ${module}`, async () => {
      const stored = priv ? [] : await this.storedVersions(module);
      let remote: string[] = [];
      let missing = false;
      if (this.o.upstream !== undefined) {
        try {
          remote = await this.upstreamCall('list', { module }, (u) => u.list(module));
        } catch (e) {
          if (!isNotFound(e)) {
            // The upstream is down: what the store holds is still a true (if partial) answer.
            if (stored.length === 0) throw e;
          } else missing = true;
        }
      } else missing = true;
      const all = semverSort([...new Set([...stored, ...remote])]);
      if (all.length === 0 && missing) return notFound(`${module}: no versions`);
      return {
        status: 200,
        type: TEXT_TYPE,
        body: Buffer.from(all.map((v) => `${v}\n`).join('')),
        source: remote.length > 0 ? 'upstream' : 'store',
      };
    });
  }

  private async latest(module: string, priv: boolean): Promise<Reply> {
    return this.remember(`latest ${module}`, async () => {
      if (this.o.upstream !== undefined) {
        try {
          const info = await this.upstreamCall('latest', { module }, (u) => u.latest(module));
          return { status: 200, type: JSON_TYPE, body: Buffer.from(renderInfo(info)), source: 'upstream' };
        } catch (e) {
          if (priv || !(e instanceof MochiPkgError)) throw e;
          const fallback = await this.storedLatest(module);
          if (fallback === undefined) throw e;
          return fallback;
        }
      }
      const fallback = priv ? undefined : await this.storedLatest(module);
      return fallback ?? notFound(`${module}@latest: not in the store`);
    });
  }

  private async storedLatest(module: string): Promise<Reply | undefined> {
    const versions = semverSort(await this.storedVersions(module));
    const release = versions.filter((v) => !v.includes('-'));
    const best = (release.length > 0 ? release : versions).at(-1);
    if (best === undefined) return undefined;
    const obj = await this.o.storage.get(key(module, best, 'info'));
    return obj === undefined ? undefined : { status: 200, type: JSON_TYPE, body: obj, source: 'store' };
  }

  private async fromStore(k: string, type: string): Promise<Reply | undefined> {
    const landing = this.landing.get(k);
    if (landing !== undefined) {
      this.o.metrics?.cache(true);
      return { status: 200, type, body: inMemoryObject(landing), source: 'store' };
    }
    const obj = await this.o.storage.get(k);
    if (obj === undefined) return undefined;
    this.o.metrics?.cache(true);
    return { status: 200, type, body: obj, source: 'store' };
  }

  private async info(module: string, version: string, priv: boolean): Promise<Reply> {
    const k = key(module, version, 'info');
    if (!priv) {
      const hit = await this.fromStore(k, JSON_TYPE);
      if (hit) return hit;
    }
    return this.flights.do(k, async () => {
      // A pull that ended while the store was asked above left its bytes landing or stored.
      const landed = priv ? undefined : await this.fromStore(k, JSON_TYPE);
      if (landed) return landed;
      this.o.metrics?.cache(false);
      const info: VersionInfo = await this.upstreamCall('info', { module, version }, (u) =>
        u.info(module, version),
      );
      const bytes = Buffer.from(renderInfo(info));
      const source = priv ? 'pass' : 'upstream';
      // A query (`master.info`, `v1.info`) resolves to some version: answered, not stored under the
      // query, and not cacheable for long (the answer moves, unlike a version's .info).
      if (info.Version !== version) {
        return {
          status: 200,
          type: JSON_TYPE,
          body: bytes,
          source,
          headers: { 'cache-control': QUERY_CACHE },
        };
      }
      if (!priv) {
        if (!this.storeBehind([[k, bytes]])) await this.o.storage.putIfAbsent(k, bytes);
        this.prefetch(module, version);
      }
      return { status: 200, type: JSON_TYPE, body: bytes, source };
    });
  }

  private useSumdb(module: string, priv: boolean): SumdbClient | undefined {
    if (priv || this.o.sumdb === undefined) return undefined;
    if (this.o.noSumdb !== undefined && matchPrefixPatterns(this.o.noSumdb, module)) return undefined;
    return this.o.sumdb;
  }

  private async mod(module: string, version: string, priv: boolean): Promise<Reply> {
    const k = key(module, version, 'mod');
    if (!priv) {
      const hit = await this.fromStore(k, TEXT_TYPE);
      if (hit) return hit;
    }
    return this.flights.do(k, async () => {
      // A pull that ended while the store was asked above left its bytes landing or stored.
      const landed = priv ? undefined : await this.fromStore(k, TEXT_TYPE);
      if (landed) return landed;
      this.o.metrics?.cache(false);
      const bytes = await this.upstreamCall('mod', { module, version }, (u) => u.mod(module, version));
      const digest = hashGoMod(bytes);
      await this.checkSumdb(module, version, { mod: digest }, priv);
      if (!priv && !this.storeBehind([[k, Buffer.from(bytes)]])) await this.o.storage.putIfAbsent(k, bytes);
      return { status: 200, type: TEXT_TYPE, body: bytes, source: priv ? 'pass' : 'upstream' };
    });
  }

  private async checkSumdb(
    module: string,
    version: string,
    hashes: { zip?: string; mod?: string },
    priv: boolean,
  ): Promise<void> {
    const db = this.useSumdb(module, priv);
    if (db === undefined) return;
    try {
      await db.verify(module, version, hashes);
    } catch (e) {
      if (e instanceof MochiPkgError && e.code === 'sumdb-security') {
        this.o.metrics?.rejected();
        throw new ServeError('serve-verify', e.message, { cause: e });
      }
      throw e;
    }
  }

  private async zip(module: string, version: string, priv: boolean): Promise<Reply> {
    const zk = key(module, version, 'zip');
    const hk = key(module, version, 'ziphash');
    // A zip is stored once its .ziphash is; one still landing is answered from memory.
    const stored = async () =>
      !priv && (this.landing.has(zk) || (await this.o.storage.head(hk)) !== undefined)
        ? await this.fromStore(zk, ZIP_TYPE)
        : undefined;
    const hit = await stored();
    if (hit) return hit;
    return this.flights.do(zk, async () => {
      // A pull that ended while the store was asked above left its bytes landing or stored.
      const landed = await stored();
      if (landed) return landed;
      this.o.metrics?.cache(false);
      await mkdir(this.o.tmpDir, { recursive: true });
      const tmp = join(this.o.tmpDir, `.tmp-zip-${process.pid}-${randomBytes(6).toString('hex')}`);
      try {
        const from = await this.download(module, version, tmp);
        let digest: string;
        try {
          digest = await this.hasher.checkAndHash(tmp, module, version);
        } catch (e) {
          if (!(e instanceof MochiPkgError)) throw e;
          this.o.metrics?.rejected();
          throw new ServeError(
            'serve-verify',
            `${module}@${version}: upstream .zip from ${redactUrls(from)} refused: ${zipRejection(e, module, version)}`,
            {
              cause: e,
            },
          );
        }
        await this.checkSumdb(module, version, { zip: digest }, priv);
        const size = (await stat(tmp)).size;
        if (priv) return { status: 200, type: ZIP_TYPE, body: await readFile(tmp), source: 'pass' };
        // The store's .ziphash, when there is one, must be this zip's.
        const agree = async () => {
          const stored = await this.readSmall(hk);
          if (stored === digest) return;
          throw new ServeError(
            'serve-verify',
            `${module}@${version}: the store already holds a .zip hashing to ${stored}, upstream sent ${digest}`,
            { hint: 'enable the checksum database (--sumdb) so only the one true zip is ever stored' },
          );
        };
        if (size <= this.writeBehind / 8) {
          // Another instance may have stored this version meanwhile: its zip is the one to agree with.
          if ((await this.o.storage.head(hk)) !== undefined) await agree();
          const bytes = await readFile(tmp);
          const behind = this.storeBehind(
            [
              [zk, bytes],
              [hk, Buffer.from(digest)],
            ],
            async (k, r) => {
              if (k === hk && r === 'exists') await agree();
            },
          );
          if (behind) return { status: 200, type: ZIP_TYPE, body: inMemoryObject(bytes), source: 'upstream' };
        }
        await this.o.storage.putIfAbsent(zk, { file: tmp, size });
        if ((await this.o.storage.putIfAbsent(hk, Buffer.from(digest))) === 'exists') {
          await agree();
        }
        const obj = await this.o.storage.get(zk);
        if (obj === undefined)
          throw new ServeError('serve-storage', `${zk}: missing right after it was stored`);
        return { status: 200, type: ZIP_TYPE, body: obj, source: 'upstream' };
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  private async readSmall(k: string): Promise<string | undefined> {
    const obj = await this.o.storage.get(k);
    if (obj === undefined || obj.size > 256) return undefined;
    return (await readObject(obj)).toString('utf8').trim();
  }

  /** Streams the upstream `.zip` into `tmp`, refusing more than the size cap; returns the URL it came from. */
  private async download(module: string, version: string, tmp: string): Promise<string> {
    const out = createWriteStream(tmp, { flags: 'wx' });
    let bytes = 0;
    const max = this.maxZip;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > max) {
          cb(new ServeError('serve-verify', `${module}@${version}: upstream .zip exceeds ${max} bytes`));
          return;
        }
        if (out.write(chunk)) cb();
        else out.once('drain', () => cb());
      },
    });
    this.pulls.add(sink);
    let url: string;
    try {
      ({ url } = await this.upstreamCall('zip', { module, version }, (u) => u.zip(module, version, sink)));
    } catch (e) {
      out.destroy();
      if (bytes > max) {
        this.o.metrics?.rejected();
        throw new ServeError('serve-verify', `${module}@${version}: upstream .zip exceeds ${max} bytes`, {
          cause: e,
        });
      }
      throw e;
    } finally {
      this.pulls.delete(sink);
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    this.o.metrics?.upstreamBytes(bytes);
    return url;
  }
}
