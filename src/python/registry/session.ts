// One run's view of its package indexes: clients, project pages, wheels and core metadata, each asked for once and cached.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import { isFileUrl } from '../../util/url.js';
import { RegistryCache, sha256Hex } from './cache.js';
import { type FetchLike, IndexClient } from './client.js';
import { RegistryError } from './errors.js';
import { type CoreMetadata, parseCoreMetadata, readWheelMetadata } from './metadata.js';
import type { DistributionFile, ProjectPage } from './simple.js';

/**
 * Checks a download against what the index said: its size when given, and its sha256 (required —
 * the cache is addressed by it). Returns the digest.
 *
 * @throws {RegistryError} `registry-unhashed`, `registry-size-mismatch`, `registry-hash-mismatch`
 */
export function verifyDownload(file: DistributionFile, bytes: Uint8Array): string {
  const want = file.hashes.sha256;
  if (want === undefined) {
    throw new RegistryError(
      'registry-unhashed',
      `${file.url}: the index gives no sha256 for ${file.filename}, so it cannot be verified`,
      {
        hint: 'use an index that publishes sha256 hashes (PEP 503 #sha256= fragments or PEP 691 hashes)',
      },
    );
  }
  if (file.size !== undefined && file.size !== bytes.byteLength) {
    throw new RegistryError(
      'registry-size-mismatch',
      `${file.url}: downloaded ${bytes.byteLength} bytes, the index says ${file.size}`,
    );
  }
  const got = sha256Hex(bytes);
  if (got !== want) {
    throw new RegistryError(
      'registry-hash-mismatch',
      `${file.url}: sha256 is ${got}, the index says ${want}`,
      {
        hint: 'the file or the index was tampered with or damaged in transit; nothing was cached',
      },
    );
  }
  return got;
}

/** Knobs of {@link IndexSession}. */
export interface IndexSessionOptions {
  /** Root of the shared cache. */
  readonly cacheDir: string;
  /** Pages, wheels and metadata from the cache only. */
  readonly offline?: boolean;
  /** Injected transport (tests, proxies, auth); default the global fetch. */
  readonly fetch?: FetchLike;
  /** Per-request timeout, ms. */
  readonly timeoutMs?: number;
  /**
   * Read a wheel's METADATA with HTTP range requests when the index has no PEP 658 file (default
   * true); false downloads the whole wheel, as before.
   */
  readonly rangeRequests?: boolean;
}

const offlineHint = { hint: 'run once without --offline to fill the cache' };

/**
 * What one run knows about its indexes: one client per index, every project page asked for once
 * (and kept for `--offline`), every wheel downloaded once and verified (kept by sha256), every
 * wheel's core metadata read once and kept on disk by the wheel's sha256 (so a warm run downloads
 * nothing but pages). Metadata comes from the PEP 658 file when the index offers one, else from
 * the wheel itself. Both the stub resolver and the closure resolver read indexes through it.
 */
export class IndexSession {
  readonly cache: RegistryCache;
  private readonly clients = new Map<string, IndexClient>();
  private readonly pages = new Map<string, Promise<ProjectPage>>();
  private readonly metas = new Map<string, Promise<CoreMetadata>>();
  private readonly pageWarnings = new Set<string>();
  /**
   * Files downloaded and metadata files read, for tests and benchmarks: `ranged` METADATA files
   * read by range requests, `rangeRequests` and `rangeBytes` spent on them (including attempts
   * that ended in a whole download).
   */
  readonly stats = { pages: 0, metadataFiles: 0, wheels: 0, ranged: 0, rangeRequests: 0, rangeBytes: 0 };

  constructor(private readonly options: IndexSessionOptions) {
    this.cache = new RegistryCache(options.cacheDir);
  }

  get offline(): boolean {
    return this.options.offline === true;
  }

  private client(indexUrl: string): IndexClient {
    let c = this.clients.get(indexUrl);
    if (!c) {
      c = new IndexClient(indexUrl, {
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      });
      this.clients.set(indexUrl, c);
    }
    return c;
  }

  /**
   * A project's page, asked for once per run.
   *
   * @throws {RegistryError} `registry-not-found` when the index has no such project (online), `registry-offline`
   */
  projectPage(indexUrl: string, name: string): Promise<ProjectPage> {
    const key = `${indexUrl}\n${name}`;
    let p = this.pages.get(key);
    if (!p) {
      p = this.loadPage(indexUrl, name).then((page) => {
        // A page cached by an earlier version may have no warnings.
        for (const w of page.warnings ?? []) this.pageWarnings.add(w);
        return page;
      });
      this.pages.set(key, p);
    }
    return p;
  }

  /**
   * The warnings of every page read so far (a newer minor Simple API version, a `file://` link
   * left off a page from the network), each once, sorted: pages are read concurrently.
   */
  warnings(): string[] {
    return [...this.pageWarnings].sort();
  }

  /** A project's page; a project the index does not have is an empty page. */
  async page(indexUrl: string, name: string): Promise<ProjectPage> {
    try {
      return await this.projectPage(indexUrl, name);
    } catch (e) {
      if (!(e instanceof RegistryError && e.code === 'registry-not-found')) throw e;
      return { name, apiVersion: '1.0', files: [], warnings: [] };
    }
  }

  /**
   * Whether `--offline` keeps `url` from being read: every URL but a `file://` one (a local index
   * is not the network, as uv's `--offline` still reads local files).
   */
  private refused(url: string): boolean {
    return this.options.offline === true && !isFileUrl(url);
  }

  private async loadPage(indexUrl: string, name: string): Promise<ProjectPage> {
    if (this.refused(indexUrl)) {
      const cached = await this.cache.getPage(indexUrl, name);
      if (cached === undefined) {
        throw new RegistryError(
          'registry-offline',
          `offline: no cached page for ${name} from ${indexUrl}`,
          offlineHint,
        );
      }
      return cached;
    }
    let page: ProjectPage;
    try {
      page = await this.client(indexUrl).getProject(name);
    } catch (e) {
      if (!(e instanceof RegistryError && e.code === 'registry-not-found')) throw e;
      // Kept as an empty page, so an offline run knows the index has no such project.
      await this.cache.putPage(indexUrl, name, { name, apiVersion: '1.0', files: [], warnings: [] });
      throw e;
    }
    this.stats.pages++;
    await this.cache.putPage(indexUrl, name, page);
    return page;
  }

  /**
   * The bytes of one file of a page: from the cache by sha256, else downloaded, verified and cached.
   *
   * @throws {RegistryError} `registry-unhashed`, `registry-size-mismatch`, `registry-hash-mismatch`, `registry-offline`
   */
  async fileBytes(indexUrl: string, file: DistributionFile): Promise<Uint8Array> {
    const sha = file.hashes.sha256;
    if (sha === undefined) verifyDownload(file, new Uint8Array()); // throws registry-unhashed
    const cached = await this.cache.getContent(sha!);
    if (cached !== undefined) return cached;
    if (this.refused(file.url)) {
      throw new RegistryError(
        'registry-offline',
        `offline: ${file.filename} (sha256 ${sha}) is not in the cache`,
        offlineHint,
      );
    }
    const downloaded = await this.client(indexUrl).download(file);
    verifyDownload(file, downloaded);
    await this.cache.putContent(sha!, downloaded);
    this.stats.wheels++;
    return downloaded;
  }

  /** The core metadata of one wheel (by its sha256; the index must give one). */
  metadata(indexUrl: string, file: DistributionFile): Promise<CoreMetadata> {
    const sha = file.hashes.sha256;
    if (sha === undefined) verifyDownload(file, new Uint8Array()); // throws registry-unhashed
    let p = this.metas.get(sha!);
    if (!p) {
      p = this.loadMetadata(indexUrl, file, sha!);
      this.metas.set(sha!, p);
    }
    return p;
  }

  /**
   * The METADATA of a wheel the index has no PEP 658 file for: from the cached wheel, else by range
   * requests (http(s) only), else from the whole wheel downloaded and verified. Read by ranges, the
   * metadata is not checked against the wheel's sha256 (as with pip's lazy wheel and uv): the
   * wheel's bytes are verified when `sync` installs it.
   */
  private async wheelMetadata(indexUrl: string, file: DistributionFile, sha: string): Promise<string> {
    const cached = await this.cache.getContent(sha);
    if (cached !== undefined) return readWheelMetadata(cached, file.filename);
    if (this.options.rangeRequests !== false && /^https?:/i.test(file.url)) {
      const r = await this.client(indexUrl).lazyMetadata(file);
      this.stats.rangeRequests += r.requests;
      this.stats.rangeBytes += r.fetched;
      if (r.kind === 'metadata') {
        this.stats.ranged++;
        return r.text;
      }
      if (r.kind === 'whole') {
        verifyDownload(file, r.bytes);
        await this.cache.putContent(sha, r.bytes);
        this.stats.wheels++;
        return readWheelMetadata(r.bytes, file.filename);
      }
    }
    return readWheelMetadata(await this.fileBytes(indexUrl, file), file.filename);
  }

  private metadataPath(sha: string): string {
    return join(this.cache.root, 'registry', 'metadata', sha.slice(0, 2), `${sha}.METADATA`);
  }

  private async loadMetadata(indexUrl: string, file: DistributionFile, sha: string): Promise<CoreMetadata> {
    const path = this.metadataPath(sha);
    // A synchronous read, as RegistryCache.getPage: many small files, each a single call this way.
    let cached: string | undefined;
    try {
      cached = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (cached !== undefined) return parseCoreMetadata(cached, file.filename);
    if (this.refused(file.url)) {
      throw new RegistryError(
        'registry-offline',
        `offline: the metadata of ${file.filename} is not in the cache`,
        offlineHint,
      );
    }
    let text: string;
    if (file.coreMetadata !== undefined) {
      const bytes = await this.client(indexUrl).downloadMetadata(file);
      const want = file.coreMetadata.sha256;
      if (want !== undefined && sha256Hex(bytes) !== want) {
        throw new RegistryError(
          'registry-hash-mismatch',
          `${file.url}.metadata: sha256 is ${sha256Hex(bytes)}, the index says ${want}`,
          { hint: 'the file or the index was tampered with or damaged in transit; nothing was cached' },
        );
      }
      this.stats.metadataFiles++;
      text = bytes.toString('utf8');
    } else {
      text = await this.wheelMetadata(indexUrl, file, sha);
    }
    const meta = parseCoreMetadata(text, file.filename);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, text);
    return meta;
  }
}
