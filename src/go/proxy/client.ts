// The GOPROXY protocol client for one proxy base (http, https or file): list, info, latest, mod, zip.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { formatBytes, type Http, type HttpOptions, writeChunk } from '../../util/http.js';
import { isAbsent } from '../../util/read.js';
import { joinUrlPath } from '../../util/url.js';
import { versionFitsPath } from '../module/check.js';
import { canonicalVersion, escapePath, escapeVersion } from '../module/index.js';
import * as semver from '../semver/index.js';
import {
  ModuleNotFoundError,
  type ProxyErrorContext,
  ProxyFailure,
  ProxyHttpError,
  VersionNotFoundError,
} from './errors.js';
import { checkProxyUrl, DEFAULT_PROXY_URL } from './goproxy.js';
import { proxyHttp } from './http.js';
import { parseInfo, parseList, type VersionInfo } from './info.js';

/** `.mod` bodies larger than this are refused: real go.mod files are a few KiB. */
export const MAX_MOD_BYTES = 4 << 20;
/** `.info` and `@latest` bodies larger than this are refused. */
export const MAX_INFO_BYTES = 1 << 20;
/** `@v/list` bodies larger than this are refused. */
export const MAX_LIST_BYTES = 16 << 20;
/** `.zip` bodies larger than this are refused (x/mod's limit on a module zip file). */
export const MAX_ZIP_BYTES = 500 << 20;

/** What every module source offers: a proxy, a GOPROXY list, a test double. */
export interface ModuleSource {
  /** Known versions: valid semver, no pseudo-versions, de-duplicated, sorted ascending. */
  list(module: string): Promise<string[]>;
  /** The `.info` of a version (validated). */
  info(module: string, version: string): Promise<VersionInfo>;
  /** `@latest`, or the newest listed version when the proxy has no `@latest`. */
  latest(module: string): Promise<VersionInfo>;
  /** The `.mod` bytes (at most {@link MAX_MOD_BYTES}). */
  mod(module: string, version: string): Promise<Uint8Array>;
  /**
   * Streams the `.zip` into `sink` (which is written, never ended) and returns the byte count and
   * the URL it came from. Nothing is buffered beyond one chunk.
   */
  zip(module: string, version: string, sink: Writable, options?: ZipOptions): Promise<ZipResult>;
}

/** Options of a `.zip` download. */
export interface ZipOptions {
  /** Called after each chunk is handed to the sink, with the running byte count. */
  onProgress?: (bytes: number) => void;
}

/** What a `.zip` download reports: its size and the URL it came from. */
export interface ZipResult {
  readonly bytes: number;
  readonly url: string;
}

/** Options of {@link Client}: a base URL plus the HTTP layer's tunables. */
export interface ClientOptions extends HttpOptions {
  /** Proxy base URL (`https://…`, `http://…`, `file://…`); empty or absent means proxy.golang.org. */
  baseUrl?: string;
}

/** Result of one raw read from a proxy: a status (200 or an HTTP-like error status) and the URL. */
interface Raw<T> {
  status: number;
  url: string;
  value: T;
}

/** How bytes are fetched from one base; the protocol logic above it is shared. */
interface Backend {
  readonly base: string;
  bytes(rel: string, ctx: ProxyErrorContext, limit: number): Promise<Raw<Uint8Array>>;
  into(
    rel: string,
    ctx: ProxyErrorContext,
    sink: Writable,
    limit: number,
    onProgress?: (n: number) => void,
  ): Promise<Raw<number>>;
}

class HttpBackend implements Backend {
  constructor(
    readonly base: string,
    private readonly http: Http<ProxyErrorContext>,
  ) {}
  async bytes(rel: string, ctx: ProxyErrorContext, limit: number): Promise<Raw<Uint8Array>> {
    const r = await this.http.getBytes(joinUrlPath(this.base, rel), ctx, limit);
    return { status: r.status, url: r.url, value: r.body };
  }
  async into(
    rel: string,
    ctx: ProxyErrorContext,
    sink: Writable,
    limit: number,
    onProgress?: (n: number) => void,
  ): Promise<Raw<number>> {
    const r = await this.http.getInto(joinUrlPath(this.base, rel), ctx, sink, limit, onProgress);
    return { status: r.status, url: r.url, value: r.bytes };
  }
}

/** A `file://` proxy: a directory laid out like the proxy protocol (e.g. GOMODCACHE/cache/download). */
class FileBackend implements Backend {
  private readonly root: string;
  constructor(readonly base: string) {
    this.root = fileURLToPath(base);
  }
  private path(rel: string): string {
    return join(this.root, ...rel.split('/'));
  }
  async bytes(rel: string, ctx: ProxyErrorContext, limit: number): Promise<Raw<Uint8Array>> {
    const file = this.path(rel);
    const url = `${this.base}/${rel}`;
    try {
      const st = await stat(file);
      if (!st.isFile()) return { status: 404, url, value: new Uint8Array(0) };
      if (st.size > limit) {
        throw new ProxyFailure('proxy-too-large', `file exceeds the ${formatBytes(limit)} limit`, {
          ...ctx,
          url,
        });
      }
      return { status: 200, url, value: await readFile(file) };
    } catch (e) {
      return fileMiss(e, ctx, url);
    }
  }
  async into(
    rel: string,
    ctx: ProxyErrorContext,
    sink: Writable,
    limit: number,
    onProgress?: (n: number) => void,
  ): Promise<Raw<number>> {
    const file = this.path(rel);
    const url = `${this.base}/${rel}`;
    let n = 0;
    try {
      const st = await stat(file);
      if (!st.isFile()) return { status: 404, url, value: 0 };
      if (st.size > limit) {
        throw new ProxyFailure('proxy-too-large', `file exceeds the ${formatBytes(limit)} limit`, {
          ...ctx,
          url,
        });
      }
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
        n += (chunk as Buffer).byteLength;
        if (n > limit) {
          throw new ProxyFailure('proxy-too-large', `file exceeds the ${formatBytes(limit)} limit`, {
            ...ctx,
            url,
          });
        }
        await writeChunk(sink, chunk as Buffer);
        onProgress?.(n);
      }
      return { status: 200, url, value: n };
    } catch (e) {
      return fileMiss(e, ctx, url, 0);
    }
  }
}

/** ENOENT and ENOTDIR are the file proxy's 404; other I/O errors are failures. */
function fileMiss<T>(e: unknown, ctx: ProxyErrorContext, url: string, empty?: T): Raw<T> {
  if (isAbsent(e)) {
    return { status: 404, url, value: (empty ?? new Uint8Array(0)) as T };
  }
  if (e instanceof ProxyFailure) throw e;
  throw new ProxyFailure('proxy-network', `cannot read: ${(e as Error).message}`, { ...ctx, url }, e);
}

/**
 * A client for one proxy. URLs are built with the escape codec (`!`-escapes for upper case), the
 * base URL is normalised (trailing `/` removed, empty → proxy.golang.org), and every answer is
 * checked: not-found statuses become {@link ModuleNotFoundError} / {@link VersionNotFoundError},
 * other statuses {@link ProxyHttpError}, bodies are capped and `.info` replies validated.
 *
 * @example
 * ```ts
 * const c = new Client({ baseUrl: 'https://proxy.golang.org' });
 * const versions = await c.list('golang.org/x/mod');
 * ```
 */
export class Client implements ModuleSource {
  /** The normalised base URL (may carry credentials: print it only through `redactUrls`). */
  readonly baseUrl: string;
  private readonly backend: Backend;

  constructor(options: ClientOptions = {}) {
    const base = (options.baseUrl ?? '').trim() || DEFAULT_PROXY_URL;
    const u = checkProxyUrl(base);
    // The query (a token) stays at the end of every request URL, never before the module path.
    this.baseUrl = base.replace(/\/+(?=$|[?#])/, '');
    this.backend =
      u.protocol === 'file:'
        ? new FileBackend(this.baseUrl)
        : new HttpBackend(this.baseUrl, proxyHttp(options));
  }

  async list(module: string): Promise<string[]> {
    const ctx = { module };
    const r = await this.backend.bytes(`${escapePath(module)}/@v/list`, ctx, MAX_LIST_BYTES);
    this.checkStatus(r, ctx, 'module');
    return parseList(r.value);
  }

  async info(module: string, version: string): Promise<VersionInfo> {
    const ctx = { module, version };
    const r = await this.backend.bytes(
      `${escapePath(module)}/@v/${escapeVersion(version)}.info`,
      ctx,
      MAX_INFO_BYTES,
    );
    this.checkStatus(r, ctx, 'version');
    return parseInfo(r.value, { ...ctx, url: r.url }, mustMatch(module, version) ? version : undefined);
  }

  async latest(module: string): Promise<VersionInfo> {
    const ctx = { module, version: 'latest' };
    const r = await this.backend.bytes(`${escapePath(module)}/@latest`, ctx, MAX_INFO_BYTES);
    if (r.status === 200) return parseInfo(r.value, { ...ctx, url: r.url }, undefined);
    if (r.status !== 404 && r.status !== 410) this.checkStatus(r, ctx, 'version');
    // No @latest endpoint: the newest release, else the newest pre-release, from the list.
    const versions = await this.list(module);
    const releases = versions.filter((v) => !semver.isPrerelease(v));
    const newest = (releases.length > 0 ? releases : versions).at(-1);
    if (newest === undefined) throw new VersionNotFoundError({ ...ctx, url: r.url }, 'no versions listed');
    return this.info(module, newest);
  }

  async mod(module: string, version: string): Promise<Uint8Array> {
    const ctx = { module, version };
    const r = await this.backend.bytes(
      `${escapePath(module)}/@v/${escapeVersion(version)}.mod`,
      ctx,
      MAX_MOD_BYTES,
    );
    this.checkStatus(r, ctx, 'version');
    return r.value;
  }

  async zip(module: string, version: string, sink: Writable, options: ZipOptions = {}): Promise<ZipResult> {
    const ctx = { module, version };
    const r = await this.backend.into(
      `${escapePath(module)}/@v/${escapeVersion(version)}.zip`,
      ctx,
      sink,
      MAX_ZIP_BYTES,
      options.onProgress,
    );
    this.checkStatus(r, ctx, 'version');
    return { bytes: r.value, url: r.url };
  }

  /** Maps a non-200 status to the typed error for its scope. */
  private checkStatus(r: Raw<unknown>, ctx: ProxyErrorContext, scope: 'module' | 'version'): void {
    if (r.status === 200) return;
    const where = { ...ctx, url: r.url };
    if (r.status === 404 || r.status === 410) {
      throw scope === 'module' ? new ModuleNotFoundError(where) : new VersionNotFoundError(where);
    }
    throw new ProxyHttpError(where, r.status);
  }
}

/**
 * cmd/go's rule: when a canonical version valid for the module path is requested, the proxy must
 * answer for exactly that version; other queries (`v1.2`, branch names) may resolve elsewhere.
 */
function mustMatch(module: string, version: string): boolean {
  return canonicalVersion(version) === version && versionFitsPath(module, version);
}
