// Simple Repository API client: project pages and distribution downloads over http(s) or file://, bounded.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type FailureFactory,
  type FetchLike,
  Http,
  splitCredentials,
  type Transport,
} from '../../util/http.js';
import type { Credentials } from '../../util/netrc.js';
import { FileReadError, readRegularFile, statIfExists } from '../../util/read.js';
import { joinUrlPath } from '../../util/url.js';
import { normalizeName } from '../importspec/index.js';
import { DEFAULT_INDEX_URL, INDEX_URL_ENV } from './defaults.js';
import { RegistryError } from './errors.js';
import { type LazyWheelResult, lazyWheelMetadata } from './lazyWheel.js';
import { ACCEPT, type DistributionFile, type ProjectPage, parseProjectPage } from './simple.js';

/** What to do when an index cannot be reached. */
const UNREACHABLE_HINT =
  'check the network and the index URL; `mochi-pkg lock` and `sync` can also run from the cache with --offline';

/** What to do when an index has no page for a project, over http(s) (404) or on disk alike. */
const NOT_FOUND_HINT = 'check the distribution name in the import, and the index URL';

export type { FetchLike };
export { DEFAULT_INDEX_URL, INDEX_URL_ENV };

/** Knobs of {@link IndexClient}. */
export interface IndexClientOptions {
  /** A `fetch`-style transport (tests, proxies); default the shared HTTP layer's own. */
  readonly fetch?: FetchLike;
  /** A transport for the shared HTTP layer; wins over `fetch`. */
  readonly transport?: Transport;
  /** Longest wait for an answer, and longest stall inside a body, in ms (default 30,000). */
  readonly timeoutMs?: number;
  /** Attempts after a network error or a 5xx answer (default 2). */
  readonly retries?: number;
  /** Longest time one request may take in all (see the HTTP layer's `totalTimeoutMs`). */
  readonly totalTimeoutMs?: number;
  /** Credentials for hosts other than the index URL's own (e.g. from ~/.netrc). */
  readonly credentials?: (url: URL) => Credentials | undefined;
  /** Largest project page in bytes (default 64 MiB; PyPI's biggest JSON pages are a few MiB). */
  readonly maxPageBytes?: number;
  /** Largest distribution in bytes (default 256 MiB). */
  readonly maxFileBytes?: number;
  /** Ends every request of the client once it fires (see the HTTP layer's `signal`). */
  readonly signal?: AbortSignal;
}

/** The index for `registry` imports: `--index-url`, then `MOCHI_PYTHON_INDEX_URL`, then PyPI. */
export function registryIndexUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env[INDEX_URL_ENV] || DEFAULT_INDEX_URL);
}

/** Checks an index URL and gives it a trailing slash (project pages are `<index>/<name>/`). */
export function normalizeIndexUrl(indexUrl: string): string {
  let u: URL;
  try {
    u = new URL(indexUrl);
  } catch {
    throw new RegistryError('registry-bad-url', `index URL ${JSON.stringify(indexUrl)} is not a URL`, {
      hint: 'give the simple index root, e.g. https://pypi.org/simple/ or file:///path/to/simple/',
    });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'file:') {
    throw new RegistryError('registry-bad-url', `index URL ${u.href} is not http, https or file`);
  }
  u.hash = '';
  // The query (an index token) is kept: every page URL built from the root carries it.
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** Where a request is going, for errors: what is fetched and, for a project page, the project. */
interface RequestContext {
  readonly what: string;
  readonly project?: string | undefined;
}

const indexFailure: FailureFactory<RequestContext> = (kind, message, ctx, url, cause) => {
  if (kind === 'too-large') return new RegistryError('registry-too-large', `${ctx.what}: ${message}`);
  const network = kind === 'network' || kind === 'timeout';
  return new RegistryError(
    'registry-unreachable',
    network ? `cannot reach ${url}: ${message}` : `${url}: the transfer failed: ${message}`,
    {
      cause,
      // Every index user reaches this (lock, sync, outdated, serve): only two of them take --offline.
      ...(network ? { hint: UNREACHABLE_HINT } : {}),
    },
  );
};

/**
 * A client for one Simple Repository API index. Pages are asked for as PEP 691 JSON with the PEP
 * 503 HTML form as fallback (content negotiation); `file://` indexes are directories laid out as
 * `<index>/<name>/index.json` or `<index>/<name>/index.html`, as pip reads them.
 */
export class IndexClient {
  /** The index root, without credentials. */
  readonly indexUrl: string;
  private readonly http: Http<RequestContext>;
  private readonly maxPage: number;
  private readonly maxFile: number;

  constructor(indexUrl: string, options: IndexClientOptions = {}) {
    const split = splitCredentials(normalizeIndexUrl(indexUrl));
    this.indexUrl = split.url.href;
    // The index URL's user info goes to the index's own origin only, as Basic auth (pip's rule).
    const origin = split.url.origin;
    const own = split.credentials;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.http = new Http(indexFailure, {
      userAgent: 'mochi-pkg',
      connectTimeoutMs: timeoutMs,
      readTimeoutMs: timeoutMs,
      credentials: (u) => (own !== undefined && u.origin === origin ? own : options.credentials?.(u)),
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.totalTimeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    this.maxPage = options.maxPageBytes ?? 64 * 1024 * 1024;
    this.maxFile = options.maxFileBytes ?? 256 * 1024 * 1024;
  }

  /** The URL of a project's page (name PEP 503-normalised). */
  projectUrl(name: string): string {
    return joinUrlPath(this.indexUrl, `${encodeURIComponent(normalizeName(name))}/`);
  }

  /**
   * Fetches and parses a project's page.
   *
   * @throws {RegistryError} `registry-not-found`, `registry-unreachable`, `registry-http`,
   *   `registry-bad-page`, `registry-api-version`, `registry-too-large`
   */
  async getProject(name: string): Promise<ProjectPage> {
    const norm = normalizeName(name);
    const url = this.projectUrl(norm);
    if (url.startsWith('file:')) return this.getFileProject(norm, url);
    const { body, contentType, finalUrl } = await this.request(
      url,
      ACCEPT,
      this.maxPage,
      `project page ${url}`,
      norm,
    );
    return parseProjectPage(body.toString('utf8'), contentType, finalUrl, norm);
  }

  private async getFileProject(name: string, url: string): Promise<ProjectPage> {
    const dir = fileURLToPath(url);
    for (const [file, type] of [
      ['index.json', 'application/vnd.pypi.simple.v1+json'],
      ['index.html', 'text/html'],
    ] as const) {
      const path = `${dir}${file}`;
      const size = await stat(path).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      );
      if (size === undefined) continue;
      if (size > this.maxPage)
        throw new RegistryError(
          'registry-too-large',
          `${path} is ${size} bytes; the limit is ${this.maxPage}`,
        );
      return parseProjectPage(await readFile(path, 'utf8'), type, new URL(file, url).href, name);
    }
    // An index folder that is not there is a wrong index (a typo), not an index without the project.
    const root = fileURLToPath(this.indexUrl).replace(/[\\/]+$/, '');
    const found = await statIfExists(root);
    if (found?.isDirectory() !== true) {
      const what = found === undefined ? 'does not exist' : 'is not a directory';
      throw new RegistryError('registry-unreachable', `the local index ${root} ${what}`, {
        hint: 'check the index URL (python.index-url, python.index, --index-url): a local index is a folder of <name>/index.html or index.json',
      });
    }
    throw new RegistryError(
      'registry-not-found',
      `the index ${this.indexUrl} has no project ${name} (no ${dir}index.json or index.html)`,
      { hint: NOT_FOUND_HINT },
    );
  }

  /**
   * Downloads a distribution into memory, bounded by the cap and by the size the page declares.
   * Verification against the page's sha256 is the caller's ({@link verifyDownload}).
   */
  async download(file: DistributionFile): Promise<Buffer> {
    if (file.url.startsWith('file:')) return this.readLocal(file.url, this.maxFile);
    const { body } = await this.request(file.url, '*/*', this.maxFile, file.url, undefined, file.size);
    return body;
  }

  /**
   * Reads a wheel's METADATA with HTTP range requests ({@link lazyWheelMetadata}); the caller
   * verifies a `whole` answer like a download.
   */
  lazyMetadata(file: DistributionFile): Promise<LazyWheelResult> {
    if (file.size !== undefined && file.size > this.maxFile) {
      throw new RegistryError(
        'registry-too-large',
        `${file.url} is ${file.size} bytes; the limit is ${this.maxFile}`,
      );
    }
    return lazyWheelMetadata(
      async (range) => {
        const res = await this.http.getRange(file.url, { what: file.url }, range, this.maxFile);
        return { status: res.status, contentRange: res.header('content-range'), body: res.body };
      },
      file.filename,
      this.maxFile,
      file.size,
    );
  }

  /**
   * A `file://` distribution or metadata file, bounded by `max` while it is read. Only a regular
   * file is read: an index in a repository could name a FIFO or a link to `/dev/zero`.
   */
  private async readLocal(url: string, max: number): Promise<Buffer> {
    try {
      return await readRegularFile(fileURLToPath(url), { maxBytes: max, what: 'index file' });
    } catch (e) {
      if (e instanceof FileReadError && e.code === 'file-too-large')
        throw new RegistryError('registry-too-large', `${url} is over ${max} bytes, the limit`, { cause: e });
      throw new RegistryError('registry-unreachable', `cannot read ${url}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /**
   * Downloads the PEP 658 metadata file of a distribution (`<url>.metadata`), bounded to 8 MiB.
   * Verification against `coreMetadata.sha256` is the caller's.
   */
  async downloadMetadata(file: DistributionFile): Promise<Buffer> {
    const url = `${file.url}.metadata`;
    const max = 8 * 1024 * 1024;
    if (url.startsWith('file:')) return this.readLocal(url, max);
    const { body } = await this.request(url, '*/*', max, url);
    return body;
  }

  private async request(
    url: string,
    accept: string,
    max: number,
    what: string,
    project?: string,
    declared?: number,
  ): Promise<{ body: Buffer; contentType: string; finalUrl: string }> {
    if (declared !== undefined && declared > max) {
      throw new RegistryError('registry-too-large', `${what} is ${declared} bytes; the limit is ${max}`);
    }
    const res = await this.http.getBytes(url, { what, project }, max, { headers: { accept } });
    if (res.status === 404 && project !== undefined) {
      throw new RegistryError(
        'registry-not-found',
        `the index ${this.indexUrl} has no project ${project} (404 at ${url})`,
        { hint: NOT_FOUND_HINT },
      );
    }
    if (res.status !== 200) throw new RegistryError('registry-http', `${url}: HTTP ${res.status}`);
    const body = Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength);
    return { body, contentType: res.header('content-type') ?? '', finalUrl: res.url };
  }
}
