// The HTTP layer of the proxy client: injected fetch, timeouts, retries with backoff, redirects, credentials.
import type { Writable } from 'node:stream';
import { type ProxyErrorContext, ProxyFailure } from './errors.js';
import type { Credentials } from './netrc.js';

/** The transport: the WHATWG `fetch` signature (Node's global `fetch` by default; tests inject fakes). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Tunables of the HTTP layer; every field has a default suited to proxy.golang.org. */
export interface HttpOptions {
  /** Transport; defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Sent as `User-Agent` on every request. */
  userAgent?: string;
  /** Longest wait for response headers, per attempt (ms). */
  connectTimeoutMs?: number;
  /** Longest silence between two body chunks (ms): a slow drip past it is a timeout. */
  readTimeoutMs?: number;
  /** Extra attempts after a network error or a 5xx answer (never after a 4xx). */
  retries?: number;
  /** First backoff delay (ms); doubled per attempt, with jitter. */
  backoffMs?: number;
  /** Redirects followed per request before giving up (cmd/go: 10). */
  maxRedirects?: number;
  /** Credentials for a request URL's host (e.g. from ~/.netrc); URL user-info takes precedence. */
  credentials?: (url: URL) => Credentials | undefined;
  /** Waits between retries; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** The default `User-Agent`. */
export const DEFAULT_USER_AGENT = 'mochi-pkg (+https://github.com/mochi-lang)';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Settings with defaults applied. */
type Settings = Required<Omit<HttpOptions, 'credentials'>> & {
  credentials: HttpOptions['credentials'] | undefined;
};

function settings(o: HttpOptions): Settings {
  return {
    fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    userAgent: o.userAgent ?? DEFAULT_USER_AGENT,
    connectTimeoutMs: o.connectTimeoutMs ?? 30_000,
    readTimeoutMs: o.readTimeoutMs ?? 30_000,
    retries: o.retries ?? 2,
    backoffMs: o.backoffMs ?? 250,
    maxRedirects: o.maxRedirects ?? 10,
    credentials: o.credentials,
    sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  };
}

/**
 * Splits user-info off a URL: `fetch` refuses URLs with credentials, and a URL without them is safe
 * to show. Returns the bare URL and the credentials it carried, if any.
 */
export function splitCredentials(url: string): { url: URL; credentials: Credentials | undefined } {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return { url: u, credentials: undefined };
  const credentials = {
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
  u.username = '';
  u.password = '';
  return { url: u, credentials };
}

/** A response whose body has not been read yet. */
export interface HttpResponse {
  readonly status: number;
  /** The final URL after redirects (no credentials). */
  readonly url: string;
  /** Body chunks; a stall longer than the read timeout or a cut connection throws a ProxyFailure. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Releases the body without reading it. */
  discard(): Promise<void>;
}

/** Thrown inside an attempt to mark it retryable (network trouble before the body). */
class NetworkTrouble extends Error {
  constructor(
    message: 'timeout' | 'network',
    readonly url: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** A pending timer that aborts a controller; restartable for the read timeout. */
class Deadline {
  fired = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly controller: AbortController,
    private readonly ms: number,
  ) {
    this.restart();
  }
  restart(): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error('timeout'));
    }, this.ms);
  }
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * One HTTP client for proxy requests. Stateless between requests apart from its settings, so one
 * instance serves many concurrent downloads.
 */
export class Http {
  private readonly s: Settings;

  constructor(options: HttpOptions = {}) {
    this.s = settings(options);
  }

  /**
   * GETs `url`, following redirects and retrying network errors and 5xx answers with backoff.
   * Returns the final response whatever its status (the caller maps 404, 410, …); a 5xx is returned
   * only once the retries are spent.
   */
  async get(url: string, ctx: ProxyErrorContext): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.followRedirects(url, ctx);
        if (res.status >= 500 && attempt < this.s.retries) {
          await res.discard();
        } else {
          return res;
        }
      } catch (e) {
        if (!(e instanceof NetworkTrouble)) throw e;
        if (attempt >= this.s.retries) throw this.networkFailure(e, ctx);
      }
      await this.s.sleep(this.backoff(attempt));
    }
  }

  /**
   * GETs a small body whole. A non-200 status is returned without a body; bodies over `limit`
   * bytes end in `proxy-too-large` as soon as the limit is passed (nothing more is read). A body cut
   * short is retried like a network error, since nothing has been handed out yet.
   */
  async getBytes(
    url: string,
    ctx: ProxyErrorContext,
    limit: number,
  ): Promise<{ status: number; url: string; body: Uint8Array }> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.get(url, ctx);
      if (res.status !== 200) {
        await res.discard();
        return { status: res.status, url: res.url, body: new Uint8Array(0) };
      }
      try {
        const parts: Uint8Array[] = [];
        let n = 0;
        for await (const chunk of res.chunks()) {
          n += chunk.byteLength;
          if (n > limit) {
            await res.discard();
            throw new ProxyFailure(
              'proxy-too-large',
              `response body exceeds the ${formatBytes(limit)} limit`,
              {
                ...ctx,
                url: res.url,
              },
            );
          }
          parts.push(chunk);
        }
        return { status: 200, url: res.url, body: concat(parts, n) };
      } catch (e) {
        const retryable =
          e instanceof ProxyFailure && (e.code === 'proxy-truncated' || e.code === 'proxy-timeout');
        if (!retryable || attempt >= this.s.retries) throw e;
      }
      await this.s.sleep(this.backoff(attempt));
    }
  }

  /**
   * GETs a body into `sink` chunk by chunk, honouring back-pressure; nothing is accumulated here.
   * Returns the status; the sink is written only on 200 and is never ended (the caller owns it).
   * Returns the number of bytes written. `limit` caps the body.
   */
  async getInto(
    url: string,
    ctx: ProxyErrorContext,
    sink: Writable,
    limit: number,
    onProgress?: (bytes: number) => void,
  ): Promise<{ status: number; url: string; bytes: number }> {
    const res = await this.get(url, ctx);
    if (res.status !== 200) {
      await res.discard();
      return { status: res.status, url: res.url, bytes: 0 };
    }
    let n = 0;
    for await (const chunk of res.chunks()) {
      n += chunk.byteLength;
      if (n > limit) {
        await res.discard();
        throw new ProxyFailure('proxy-too-large', `response body exceeds the ${formatBytes(limit)} limit`, {
          ...ctx,
          url: res.url,
        });
      }
      await writeChunk(sink, chunk);
      onProgress?.(n);
    }
    return { status: 200, url: res.url, bytes: n };
  }

  private backoff(attempt: number): number {
    const base = this.s.backoffMs * 2 ** attempt;
    return Math.round(base * (0.5 + Math.random() / 2));
  }

  private networkFailure(e: NetworkTrouble, ctx: ProxyErrorContext): ProxyFailure {
    const timeout = e.message === 'timeout';
    return new ProxyFailure(
      timeout ? 'proxy-timeout' : 'proxy-network',
      timeout ? `no response within ${this.s.connectTimeoutMs} ms` : `request failed: ${describe(e.cause)}`,
      { ...ctx, url: e.url },
      e.cause,
    );
  }

  private async followRedirects(start: string, ctx: ProxyErrorContext): Promise<HttpResponse> {
    const first = splitCredentials(start);
    let current = first.url;
    for (let hop = 0; ; hop++) {
      // Credentials written into the GOPROXY URL belong to that origin only.
      const creds =
        first.credentials && current.origin === first.url.origin
          ? first.credentials
          : this.s.credentials?.(current);
      const res = await this.once(current, creds, { ...ctx, url: current.href });
      if (!REDIRECT_STATUSES.has(res.status)) return res;
      const location = res.headers.get('location');
      await res.discard();
      const where = { ...ctx, url: current.href };
      if (location === null) {
        throw new ProxyFailure('proxy-bad-response', `HTTP ${res.status} without a Location header`, where);
      }
      if (hop >= this.s.maxRedirects) {
        throw new ProxyFailure('proxy-redirects', `stopped after ${this.s.maxRedirects} redirects`, where);
      }
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new ProxyFailure('proxy-redirects', `redirect to unsupported scheme ${next.protocol}`, where);
      }
      // As cmd/go: once on https, never follow a redirect down to plain http.
      if (first.url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new ProxyFailure('proxy-redirects', `redirect from https to insecure ${next.href}`, where);
      }
      next.username = '';
      next.password = '';
      current = next;
    }
  }

  /** One request without redirects; the body is wrapped with the read timeout. */
  private async once(
    url: URL,
    creds: Credentials | undefined,
    ctx: ProxyErrorContext,
  ): Promise<HttpResponse & { headers: Headers }> {
    const controller = new AbortController();
    const headers: Record<string, string> = { 'user-agent': this.s.userAgent };
    if (creds) {
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const connect = new Deadline(controller, this.s.connectTimeoutMs);
    let res: Response;
    try {
      res = await this.s.fetch(url.href, {
        method: 'GET',
        headers,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      throw new NetworkTrouble(connect.fired ? 'timeout' : 'network', url.href, e);
    } finally {
      connect.clear();
    }
    const readTimeoutMs = this.s.readTimeoutMs;
    const declared = contentLength(res.headers);
    const href = url.href;
    let consumed = false;
    return {
      status: res.status,
      url: href,
      headers: res.headers,
      async discard() {
        if (consumed) return;
        consumed = true;
        controller.abort(new Error('discarded'));
        await res.body?.cancel().catch(() => {});
      },
      chunks() {
        consumed = true;
        return guardedBody(res, controller, readTimeoutMs, declared, { ...ctx, url: href });
      },
    };
  }
}

/** Yields body chunks; enforces the read timeout and that the body is as long as announced. */
async function* guardedBody(
  res: Response,
  controller: AbortController,
  readTimeoutMs: number,
  declared: number | undefined,
  ctx: ProxyErrorContext,
): AsyncGenerator<Uint8Array> {
  if (res.body === null) return;
  const reader = res.body.getReader();
  const deadline = new Deadline(controller, readTimeoutMs);
  let n = 0;
  let completed = false;
  try {
    for (;;) {
      let r: { done: true; value?: undefined } | { done: false; value: Uint8Array };
      try {
        r = await reader.read();
      } catch (e) {
        if (deadline.fired) {
          throw new ProxyFailure(
            'proxy-timeout',
            `body stalled for more than ${readTimeoutMs} ms after ${n} bytes`,
            ctx,
            e,
          );
        }
        throw new ProxyFailure(
          'proxy-truncated',
          `body cut off after ${n}${declared === undefined ? '' : ` of ${declared}`} bytes: ${describe(e)}`,
          ctx,
          e,
        );
      }
      if (r.done) break;
      n += r.value.byteLength;
      deadline.restart();
      yield r.value;
    }
    if (declared !== undefined && n !== declared) {
      throw new ProxyFailure(
        'proxy-truncated',
        `body has ${n} bytes but Content-Length said ${declared}`,
        ctx,
      );
    }
    completed = true;
  } finally {
    deadline.clear();
    reader.releaseLock();
    // A body left half-read (error, or the consumer stopped early) must not pin the connection.
    if (!completed) controller.abort(new Error('abandoned'));
  }
}

/** The announced body length, when it describes the bytes we will read (no content coding). */
function contentLength(h: Headers): number | undefined {
  const enc = h.get('content-encoding');
  if (enc !== null && enc !== 'identity') return undefined;
  const v = h.get('content-length');
  if (v === null || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Writes one chunk, waiting for `drain` when the sink asks for it and failing if the sink errors. */
export function writeChunk(sink: Writable, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      sink.off('error', onError);
      sink.off('drain', finish);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const finish = () => {
      cleanup();
      resolve();
    };
    sink.once('error', onError);
    if (sink.write(chunk)) finish();
    else sink.once('drain', finish);
  });
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/** `4 MiB`, `512 KiB`, `17 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/** A short, credential-free description of a low-level error. */
function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const inner = cause instanceof Error ? cause.message : '';
    return [e.message, typeof code === 'string' ? code : '', inner].filter(Boolean).join(': ');
  }
  return String(e);
}
