// Resolving one `registry`/`index` import to stub files: page → version → wheel → verify → cache → stubs.
import { normalizeName } from '../importspec/index.js';
import { parseVersion } from '../pep440/index.js';
import { RegistryCache, sha256Hex } from './cache.js';
import { type FetchLike, IndexClient, normalizeIndexUrl } from './client.js';
import { RegistryError } from './errors.js';
import { selectRelease } from './select.js';
import type { DistributionFile, ProjectPage } from './simple.js';
import { DEFAULT_TARGET, type WheelTarget } from './tags.js';
import { extractWheelStubs, type WheelLimits } from './wheel.js';

/** One import to resolve. */
export interface StubRequest {
  /** The distribution name (normalised here per PEP 503). */
  readonly name: string;
  /** PEP 440 specifier; empty or absent means any version. */
  readonly specifier?: string;
  /** The simple index root to ask. */
  readonly indexUrl: string;
  /**
   * How errors name the import, e.g. `import python "httpx@>=0.27" (app.mochi:3)`; every
   * RegistryError of this request is prefixed with it.
   */
  readonly where?: string;
}

/** The wheel whose files were used. */
export interface UsedDistribution {
  /** PEP 503 name of the distribution that supplied the stubs (the project or its stub-only package). */
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly url: string;
  readonly sha256: string;
}

/** A resolved import. */
export interface ResolvedStubs {
  /** PEP 503 name of the imported distribution. */
  readonly name: string;
  /** The version chosen for it (what the lock pins). */
  readonly version: string;
  /** The normalised index URL it came from. */
  readonly indexUrl: string;
  /** Where the stub files came from: the project's own wheel, or `types-<name>` / `<name>-stubs`. */
  readonly stubsFrom: UsedDistribution;
  /** `.pyi` sources by wheel path (py.typed `.py` files renamed), sorted. */
  readonly files: ReadonlyMap<string, string>;
  /** Non-fatal notes (e.g. a newer minor Simple API version). */
  readonly warnings: readonly string[];
}

/** Knobs of {@link RegistryResolver}. */
export interface RegistryResolverOptions {
  /** Root of the shared cache (see `defaultPythonCacheRoot`). */
  readonly cacheDir: string;
  /** Resolve from the cache only: cached pages and wheels, no network. */
  readonly offline?: boolean;
  /** Python version and platforms; default CPython 3.12, x86-64 Linux. */
  readonly target?: WheelTarget;
  /** Injected transport (tests, proxies, auth); default the global fetch. */
  readonly fetch?: FetchLike;
  /** Per-request timeout, ms. */
  readonly timeoutMs?: number;
  readonly wheelLimits?: WheelLimits;
}

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

/**
 * Resolves imports against Simple Repository API indexes with a shared, verified cache. One
 * resolver remembers the pages it fetched, so many imports of one project ask the index once.
 */
export class RegistryResolver {
  private readonly cache: RegistryCache;
  private readonly clients = new Map<string, IndexClient>();
  private readonly pages = new Map<string, Promise<ProjectPage>>();
  private readonly target: WheelTarget;

  constructor(private readonly options: RegistryResolverOptions) {
    this.cache = new RegistryCache(options.cacheDir);
    this.target = options.target ?? DEFAULT_TARGET;
  }

  /**
   * Resolves one import: the highest version satisfying the specifier, its best wheel, verified
   * and cached; its `.pyi` files (or py.typed sources); else the stub-only package
   * `types-<name>` or `<name>-stubs` on the same index (PEP 561).
   *
   * @throws {RegistryError} with the request's `where` in front of the message.
   */
  async resolve(req: StubRequest): Promise<ResolvedStubs> {
    try {
      return await this.resolveInner(req);
    } catch (e) {
      if (e instanceof RegistryError && req.where !== undefined) throw e.withImport(req.where);
      throw e;
    }
  }

  private async resolveInner(req: StubRequest): Promise<ResolvedStubs> {
    const indexUrl = normalizeIndexUrl(req.indexUrl);
    const name = normalizeName(req.name);
    const page = await this.page(indexUrl, name);
    const warnings = [...page.warnings];
    const sel = selectRelease(page, req.specifier ?? '', this.target, indexUrl);
    if (sel.wheel) {
      const used = await this.wheelStubs(indexUrl, name, sel.version, sel.wheel);
      if (used.files.size > 0)
        return { name, version: sel.version, indexUrl, stubsFrom: used.dist, files: used.files, warnings };
    }
    for (const stubName of [`types-${name}`, `${name}-stubs`]) {
      const stubPage = await this.page(indexUrl, stubName).catch((e: unknown) => {
        if (e instanceof RegistryError && (e.code === 'registry-not-found' || e.code === 'registry-offline'))
          return undefined;
        throw e;
      });
      if (stubPage === undefined) continue;
      warnings.push(...stubPage.warnings);
      const stubSel = this.selectStubRelease(stubPage, sel.version, indexUrl);
      if (stubSel?.wheel === undefined) continue;
      const used = await this.wheelStubs(indexUrl, stubName, stubSel.version, stubSel.wheel);
      if (used.files.size > 0)
        return { name, version: sel.version, indexUrl, stubsFrom: used.dist, files: used.files, warnings };
    }
    throw new RegistryError(
      'registry-no-stubs',
      `${name} ${sel.version} on ${indexUrl} has no type information: ${
        sel.wheel
          ? `its wheel ${sel.wheel.filename} holds no .pyi files and no py.typed package`
          : 'it has no wheel for this Python'
      }, and the index has no stub-only package types-${name} or ${name}-stubs`,
      { hint: 'write stubs and import them with name@path+<dir>, or use an index that has a stub package' },
    );
  }

  /** Stub packages track their upstream loosely: prefer the same major.minor, else the newest. */
  private selectStubRelease(page: ProjectPage, upstream: string, indexUrl: string) {
    const v = parseVersion(upstream);
    const prefix = [v.epoch === '0' ? '' : `${v.epoch}!`, v.release[0] ?? '0', '.', v.release[1] ?? '0'].join(
      '',
    );
    for (const spec of [`==${prefix}.*`, '']) {
      try {
        return selectRelease(page, spec, this.target, indexUrl);
      } catch (e) {
        if (!(e instanceof RegistryError && e.code === 'registry-no-version')) throw e;
      }
    }
    return undefined;
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

  private page(indexUrl: string, name: string): Promise<ProjectPage> {
    const key = `${indexUrl}\n${name}`;
    let p = this.pages.get(key);
    if (!p) {
      p = this.loadPage(indexUrl, name);
      this.pages.set(key, p);
    }
    return p;
  }

  private async loadPage(indexUrl: string, name: string): Promise<ProjectPage> {
    if (this.options.offline) {
      const cached = await this.cache.getPage(indexUrl, name);
      if (cached === undefined) {
        throw new RegistryError('registry-offline', `offline: no cached page for ${name} from ${indexUrl}`, {
          hint: 'run once without --offline to fill the cache',
        });
      }
      return cached;
    }
    const page = await this.client(indexUrl).getProject(name);
    await this.cache.putPage(indexUrl, name, page);
    return page;
  }

  private async wheelStubs(indexUrl: string, name: string, version: string, file: DistributionFile) {
    const sha = file.hashes.sha256;
    if (sha === undefined) verifyDownload(file, new Uint8Array()); // throws registry-unhashed
    let bytes = await this.cache.getContent(sha!);
    if (bytes === undefined) {
      if (this.options.offline) {
        throw new RegistryError(
          'registry-offline',
          `offline: ${file.filename} (sha256 ${sha}) is not in the cache`,
          {
            hint: 'run once without --offline to fill the cache',
          },
        );
      }
      const downloaded = await this.client(indexUrl).download(file);
      verifyDownload(file, downloaded);
      await this.cache.putContent(sha!, downloaded);
      bytes = downloaded;
    }
    const stubs = await extractWheelStubs(bytes, file.filename, this.options.wheelLimits);
    const dist: UsedDistribution = { name, version, filename: file.filename, url: file.url, sha256: sha! };
    return { dist, files: stubs.files };
  }
}
