// Resolving one `registry`/`index` import to stub files: page → version → wheel → verify → cache → stubs.
import { normalizeName } from '../importspec/index.js';
import { parseVersion } from '../pep440/index.js';
import { type FetchLike, normalizeIndexUrl } from './client.js';
import { RegistryError } from './errors.js';
import { selectRelease } from './select.js';
import { IndexSession } from './session.js';
import type { DistributionFile, ProjectPage } from './simple.js';
import { DEFAULT_TARGET, type WheelTarget } from './tags.js';
import { extractWheelStubs, type WheelLimits } from './wheel.js';

export { verifyDownload } from './session.js';

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
  /** Share pages, clients and downloads with other readers of the same indexes (then `offline`, `fetch` and `timeoutMs` are the session's). */
  readonly session?: IndexSession;
}

/**
 * Resolves imports against Simple Repository API indexes with a shared, verified cache. One
 * resolver remembers the pages it fetched, so many imports of one project ask the index once.
 */
export class RegistryResolver {
  private readonly session: IndexSession;
  private readonly target: WheelTarget;

  constructor(private readonly options: RegistryResolverOptions) {
    this.session =
      options.session ??
      new IndexSession({
        cacheDir: options.cacheDir,
        ...(options.offline ? { offline: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
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
    const page = await this.session.projectPage(indexUrl, name);
    const warnings = [...page.warnings];
    const sel = selectRelease(page, req.specifier ?? '', this.target, indexUrl);
    if (sel.wheel) {
      const used = await this.wheelStubs(indexUrl, name, sel.version, sel.wheel);
      if (used.files.size > 0)
        return { name, version: sel.version, indexUrl, stubsFrom: used.dist, files: used.files, warnings };
    }
    for (const stubName of [`types-${name}`, `${name}-stubs`]) {
      const stubPage = await this.session.projectPage(indexUrl, stubName).catch((e: unknown) => {
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

  private async wheelStubs(indexUrl: string, name: string, version: string, file: DistributionFile) {
    const bytes = await this.session.fileBytes(indexUrl, file);
    const sha = file.hashes.sha256;
    const stubs = await extractWheelStubs(bytes, file.filename, this.options.wheelLimits);
    const dist: UsedDistribution = { name, version, filename: file.filename, url: file.url, sha256: sha! };
    return { dist, files: stubs.files };
  }
}
