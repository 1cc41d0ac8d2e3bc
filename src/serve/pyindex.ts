// The Python side of `serve`: a PEP 691/503 simple index mirror with PEP 658 metadata, pulled through and verified by sha256.
import { createHash } from 'node:crypto';
import { MochiPkgError } from '../errors.js';
import { normalizeName } from '../python/importspec/index.js';
import {
  type DistributionFile,
  IndexClient,
  type IndexClientOptions,
  type ProjectPage,
  RegistryError,
  readWheelMetadata,
  verifyDownload,
} from '../python/registry/index.js';
import { ServeError } from './errors.js';
import type { Reply } from './goproxy.js';
import type { Metrics } from './metrics.js';
import {
  negotiate,
  renderHtmlPage,
  renderHtmlRoot,
  renderJsonPage,
  renderJsonRoot,
  type ServedFile,
  SIMPLE_TYPES,
} from './simple.js';
import { SingleFlight } from './singleflight.js';
import { readObject, type Storage } from './storage.js';

export interface PythonMirrorOptions {
  readonly storage: Storage;
  /** Upstream simple indexes, asked in order: the first that has a project serves its page. */
  readonly indexUrls: readonly string[];
  /** Knobs of the upstream clients (transport, timeouts, netrc credentials). */
  readonly client?: IndexClientOptions;
  /** How long an upstream project page is reused (ms, default 60 s). */
  readonly pageTtlMs?: number;
  readonly metrics?: Metrics;
  readonly now?: () => number;
}

const TEXT = 'text/plain; charset=utf-8';
const SHA = /^[0-9a-f]{64}$/;
/** A distribution file name as it may appear in a URL path segment (no separators, no dot-only names). */
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!~-]*$/;
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The path prefix distribution files are served under (never a Go module path: no dot in it). */
export const PYTHON_FILES = '/python/files/';

function text(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, type: TEXT, body: Buffer.from(body), source: 'none', ...(headers ? { headers } : {}) };
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The stored facts of one file: enough to list it on a page when no upstream answers. */
interface FileRecord {
  readonly filename: string;
  readonly sha256: string;
  readonly size: number;
  readonly requiresPython?: string;
  readonly yanked: false | string;
  readonly coreMetadata?: { readonly sha256?: string };
}

/**
 * Whether a listed file can be mirrored: it has a sha256 to verify it by and a plain file name,
 * and a `file:` URL only on a `file:` index (an http page must not make serve read local files).
 */
function servable(client: IndexClient, f: DistributionFile): boolean {
  if (f.hashes.sha256 === undefined || !FILENAME.test(f.filename)) return false;
  return !f.url.startsWith('file:') || client.indexUrl.startsWith('file:');
}

/** A stored file record, or undefined when the text is not one. */
function parseRecord(text: string): FileRecord | undefined {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (r === null || typeof r !== 'object') return undefined;
  const o = r as Record<string, unknown>;
  const ok =
    typeof o.filename === 'string' &&
    FILENAME.test(o.filename) &&
    typeof o.sha256 === 'string' &&
    SHA.test(o.sha256) &&
    typeof o.size === 'number' &&
    (o.yanked === false || typeof o.yanked === 'string') &&
    (o.requiresPython === undefined || typeof o.requiresPython === 'string') &&
    (o.coreMetadata === undefined || (typeof o.coreMetadata === 'object' && o.coreMetadata !== null));
  return ok ? (o as unknown as FileRecord) : undefined;
}

/**
 * Store keys: `python/files/<sha256>/<filename>` (a distribution, stored only after its bytes
 * hashed to the sha256 its page gave), `…/<filename>.metadata` (its PEP 658 file, verified by its
 * own hash or read from the verified wheel), `python/projects/<name>/<sha256>.json` (the file's
 * facts, for pages when no upstream answers) and `python/names/<name>` (the root listing).
 */
/** A project page and the client (index) it came from: its files are downloaded through that client. */
interface Upstream {
  readonly page: ProjectPage;
  readonly client: IndexClient;
}

interface Found {
  readonly file: DistributionFile;
  readonly client: IndexClient;
}

const fileKey = (sha: string, filename: string) => `python/files/${sha}/${filename}`;

/**
 * Answers `/simple/…` (project pages, negotiated JSON or HTML) and `/python/files/<project>/<sha256>/<filename>[.metadata]`
 * from a {@link Storage}, pulling from the upstream indexes through the project's own index
 * client. A file is served only from the store, and reaches the store only when its bytes hash
 * to the sha256 the upstream page gave; files the upstream lists without a sha256 are left off
 * the mirrored page. Concurrent requests for the same missing file share one download.
 */
export class PythonMirror {
  private readonly clients: IndexClient[];
  private readonly pages = new Map<string, { at: number; page: Promise<Upstream | undefined> }>();
  private readonly flights = new SingleFlight<Uint8Array>();
  private readonly now: () => number;

  constructor(private readonly o: PythonMirrorOptions) {
    this.clients = o.indexUrls.map((u) => new IndexClient(u, o.client ?? {}));
    this.now = o.now ?? Date.now;
  }

  /** Whether `path` is one of ours. */
  static owns(path: string): boolean {
    return path === '/simple' || path.startsWith('/simple/') || path.startsWith(PYTHON_FILES);
  }

  /** Answers one GET; `accept` and `query` choose the page form. */
  async handle(path: string, accept: string | undefined, query: URLSearchParams): Promise<Reply> {
    if (path.startsWith(PYTHON_FILES)) return this.file(path.slice(PYTHON_FILES.length));
    const rest = path === '/simple' ? '' : path.slice('/simple/'.length);
    const format = negotiate(accept, query.get('format') ?? undefined);
    if (format === undefined) {
      return text(406, 'not acceptable: ask for application/vnd.pypi.simple.v1+json or text/html\n');
    }
    if (path === '/simple') return text(301, '', { location: '/simple/' });
    if (rest === '') {
      const names = await this.o.storage.list('python/names/');
      const body = format === 'json' ? renderJsonRoot(names) : renderHtmlRoot(names);
      return {
        status: 200,
        type: SIMPLE_TYPES[format],
        body: Buffer.from(body),
        source: 'store',
        headers: VARY,
      };
    }
    const m = /^([^/]+)(\/?)$/.exec(rest);
    if (!m) return text(404, 'not found\n');
    let raw: string;
    try {
      raw = decodeURIComponent(m[1] as string);
    } catch {
      return text(404, 'not found: a malformed project name\n');
    }
    const name = normalizeName(raw);
    if (!NAME.test(name)) return text(404, `not found: ${JSON.stringify(raw)} is not a project name\n`);
    // PyPI redirects a non-normalised name (and a missing slash) to the canonical page URL.
    if (name !== m[1] || m[2] === '') {
      const q = query.toString();
      return text(301, '', { location: `/simple/${name}/${q === '' ? '' : `?${q}`}` });
    }
    const listed = await this.listing(name);
    if (listed === undefined) return text(404, `not found: no project ${name}\n`);
    const body = format === 'json' ? renderJsonPage(name, listed.files) : renderHtmlPage(name, listed.files);
    return {
      status: 200,
      type: SIMPLE_TYPES[format],
      body: Buffer.from(body),
      source: listed.source,
      headers: VARY,
    };
  }

  /** The upstream page of `name` (reused for the TTL); undefined when no upstream has it. */
  private upstreamPage(name: string): Promise<Upstream | undefined> {
    const ttl = this.o.pageTtlMs ?? 60_000;
    const hit = this.pages.get(name);
    if (hit !== undefined && this.now() - hit.at < ttl) return hit.page;
    const page = this.fetchPage(name);
    this.pages.set(name, { at: this.now(), page });
    page.catch(() => this.pages.delete(name));
    if (this.pages.size > 10_000) {
      for (const [k, v] of this.pages) if (this.now() - v.at >= ttl) this.pages.delete(k);
    }
    return page;
  }

  private async fetchPage(name: string): Promise<Upstream | undefined> {
    for (const client of this.clients) {
      const t0 = performance.now();
      try {
        return { page: await client.getProject(name), client };
      } catch (e) {
        if (!(e instanceof RegistryError && e.code === 'registry-not-found')) throw e;
      } finally {
        this.o.metrics?.upstream('page', performance.now() - t0);
      }
    }
    return undefined;
  }

  private href(name: string, f: DistributionFile): string {
    return `../../${PYTHON_FILES.slice(1)}${name}/${f.hashes.sha256}/${encodeURIComponent(f.filename)}`;
  }

  /**
   * The files of a project page: the upstream's (those with a sha256 and a plain file name), else
   * — no upstream, or it failed — the files the store holds.
   */
  private async listing(name: string): Promise<{ files: ServedFile[]; source: Reply['source'] } | undefined> {
    let up: Upstream | undefined;
    let failure: unknown;
    if (this.clients.length > 0) {
      try {
        up = await this.upstreamPage(name);
      } catch (e) {
        if (!(e instanceof MochiPkgError)) throw e;
        failure = e;
      }
    }
    if (up !== undefined) {
      const files = up.page.files
        .filter((f) => servable(up.client, f))
        .map((f) => ({ file: f, href: this.href(name, f) }));
      return { files, source: 'upstream' };
    }
    const stored = await this.storedFiles(name);
    if (stored.length > 0) return { files: stored, source: 'store' };
    if (failure !== undefined) throw failure;
    return undefined;
  }

  private async storedFiles(name: string): Promise<ServedFile[]> {
    const out: ServedFile[] = [];
    for (const entry of await this.o.storage.list(`python/projects/${name}/`)) {
      const obj = await this.o.storage.get(`python/projects/${name}/${entry}`);
      if (obj === undefined || obj.size > 64 << 10) continue;
      const r = parseRecord((await readObject(obj)).toString('utf8'));
      // A record that is not one this mirror writes (damaged, or another tool's) is left off.
      if (r === undefined || `${r.sha256}.json` !== entry) continue;
      const file: DistributionFile = {
        filename: r.filename,
        url: '',
        hashes: { sha256: r.sha256 },
        size: r.size,
        yanked: r.yanked,
        ...(r.requiresPython === undefined ? {} : { requiresPython: r.requiresPython }),
        ...(r.coreMetadata === undefined ? {} : { coreMetadata: r.coreMetadata }),
      };
      out.push({ file, href: this.href(name, file) });
    }
    return out.sort((a, b) =>
      a.file.filename < b.file.filename ? -1 : a.file.filename > b.file.filename ? 1 : 0,
    );
  }

  /** `/python/files/<project>/<sha256>/<filename>[.metadata]`. */
  private async file(rest: string): Promise<Reply> {
    const parts = rest.split('/');
    if (parts.length !== 3) return text(404, 'not found\n');
    const [name = '', sha = '', enc = ''] = parts;
    let filename: string;
    try {
      filename = decodeURIComponent(enc);
    } catch {
      return text(404, 'not found: a malformed file name\n');
    }
    if (!NAME.test(name) || !SHA.test(sha) || !FILENAME.test(filename)) return text(404, 'not found\n');
    const isMeta = filename.endsWith('.metadata');
    const dist = isMeta ? filename.slice(0, -'.metadata'.length) : filename;
    const key = fileKey(sha, filename);
    const hit = await this.o.storage.get(key);
    if (hit !== undefined) {
      this.o.metrics?.cache(true);
      return { status: 200, type: isMeta ? TEXT : 'application/octet-stream', body: hit, source: 'store' };
    }
    const upstream = await this.findUpstream(name, sha, dist);
    if (upstream === undefined) return text(404, `not found: ${name} lists no ${dist} with sha256 ${sha}\n`);
    if (isMeta && upstream.file.coreMetadata === undefined) {
      return text(404, `not found: the index offers no metadata file for ${dist}\n`);
    }
    const body = isMeta ? await this.pullMetadata(name, upstream) : await this.pullFile(name, upstream);
    return { status: 200, type: isMeta ? TEXT : 'application/octet-stream', body, source: 'upstream' };
  }

  private async findUpstream(name: string, sha: string, filename: string): Promise<Found | undefined> {
    if (this.clients.length === 0) return undefined;
    const up = await this.upstreamPage(name);
    const file = up?.page.files.find(
      (f) => f.hashes.sha256 === sha && f.filename === filename && servable(up.client, f),
    );
    return up === undefined || file === undefined ? undefined : { file, client: up.client };
  }

  /** Downloads, verifies and stores a distribution; the verified bytes. */
  private pullFile(name: string, { file, client }: Found): Promise<Uint8Array> {
    const sha = file.hashes.sha256 as string;
    const key = fileKey(sha, file.filename);
    return this.flights.do(key, async () => {
      this.o.metrics?.cache(false);
      const t0 = performance.now();
      let bytes: Uint8Array;
      try {
        bytes = await client.download(file);
      } finally {
        this.o.metrics?.upstream('file', performance.now() - t0);
      }
      this.o.metrics?.upstreamBytes(bytes.byteLength);
      try {
        verifyDownload(file, bytes);
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
        this.o.metrics?.rejected();
        throw new ServeError('serve-verify', `${name}: upstream ${file.filename} refused: ${e.message}`, {
          cause: e,
          hint: 'the upstream index serves bytes that do not match its own hash; nothing was stored',
        });
      }
      await this.o.storage.putIfAbsent(key, bytes);
      const record: FileRecord = {
        filename: file.filename,
        sha256: sha,
        size: bytes.byteLength,
        yanked: file.yanked,
        ...(file.requiresPython === undefined ? {} : { requiresPython: file.requiresPython }),
        ...(file.coreMetadata === undefined ? {} : { coreMetadata: file.coreMetadata }),
      };
      await this.o.storage.putIfAbsent(
        `python/projects/${name}/${sha}.json`,
        Buffer.from(`${JSON.stringify(record)}\n`),
      );
      await this.o.storage.putIfAbsent(`python/names/${name}`, new Uint8Array(0));
      return bytes;
    });
  }

  /**
   * The PEP 658 file of a wheel: downloaded and checked against the hash the page gives for it;
   * when the page gives none, read from the wheel itself (verified by its sha256), so what is
   * stored is always vouched for by a hash.
   */
  private pullMetadata(name: string, found: Found): Promise<Uint8Array> {
    const { file, client } = found;
    const sha = file.hashes.sha256 as string;
    const key = fileKey(sha, `${file.filename}.metadata`);
    return this.flights.do(key, async () => {
      this.o.metrics?.cache(false);
      const want = file.coreMetadata?.sha256;
      let bytes: Uint8Array;
      if (want !== undefined) {
        const t0 = performance.now();
        try {
          bytes = await client.downloadMetadata(file);
        } finally {
          this.o.metrics?.upstream('metadata', performance.now() - t0);
        }
        const got = sha256Hex(bytes);
        if (got !== want) {
          this.o.metrics?.rejected();
          throw new ServeError(
            'serve-verify',
            `${name}: upstream ${file.filename}.metadata hashes to sha256 ${got}, the index says ${want}; nothing was stored`,
          );
        }
      } else {
        const wheel =
          (await this.o.storage.head(fileKey(sha, file.filename))) === undefined
            ? await this.pullFile(name, found)
            : await this.readStored(fileKey(sha, file.filename));
        bytes = Buffer.from(await readWheelMetadata(wheel, file.filename), 'utf8');
      }
      await this.o.storage.putIfAbsent(key, bytes);
      return bytes;
    });
  }

  private async readStored(key: string): Promise<Uint8Array> {
    const obj = await this.o.storage.get(key);
    if (obj === undefined) throw new ServeError('serve-storage', `${key}: missing right after it was found`);
    return readObject(obj);
  }
}

const VARY = { vary: 'Accept' };
