// The one HTTP layer (Go module proxy, Python index, …): keep-alive, timeouts, retries, redirects, size caps, credentials.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Credentials } from './netrc.js';

/**
 * What can go wrong in the layer itself, whatever the caller: no connection (`network`), no answer
 * or a stalled body (`timeout`), a redirect loop or a redirect off http(s) or down from https
 * (`redirects`), a body over its cap (`too-large`), a body shorter than announced (`truncated`), an
 * answer no server may send (`bad-response`).
 */
export type HttpFailureKind =
  | 'network'
  | 'timeout'
  | 'redirects'
  | 'too-large'
  | 'truncated'
  | 'bad-response';

/**
 * Turns a failure of the layer into the caller's typed error (a proxy error, an index error), so
 * each client keeps its own codes. `ctx` is what the caller passed with the request; `url` is the
 * request URL without credentials.
 */
export type FailureFactory<C> = (
  kind: HttpFailureKind,
  message: string,
  ctx: C,
  url: string,
  cause?: unknown,
) => Error;

/** The WHATWG `fetch` signature, accepted as a transport (tests inject fakes). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What a transport hands back for one request (no redirects followed): status, headers, body. */
export interface TransportResponse {
  readonly status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  /** The body chunks; reading throws once the request's signal fires or the connection breaks. */
  readonly body: AsyncIterable<Uint8Array> | null;
  /** Releases the body without reading it. */
  cancel(): Promise<void>;
}

/** One GET without redirects; it must honour `signal` while waiting for headers and while the body is read. */
export type Transport = (
  url: URL,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<TransportResponse>;

/** Tunables of the HTTP layer; every field has a default suited to proxy.golang.org and PyPI. */
export interface HttpOptions {
  /** Transport; defaults to {@link nodeTransport}. */
  transport?: Transport;
  /** A `fetch`-style transport, used when `transport` is not given. */
  fetch?: FetchLike;
  /** Sent as `User-Agent` on every request. */
  userAgent?: string;
  /** Longest wait for response headers, per attempt (ms). */
  connectTimeoutMs?: number;
  /** Longest silence between two body chunks (ms): a slow drip past it is a timeout. */
  readTimeoutMs?: number;
  /**
   * Longest time one request may take in all, headers and body (ms): a server that drips one
   * byte before each read timeout cannot hold a command for ever. Default 10 minutes; a body that
   * declares its length gets at least the time to arrive at {@link minBytesPerSecond}. A body of
   * known size (declared, or capped by the caller, like a `.info` or a page) gets no more than the
   * connect and read timeouts plus that time: a small file cannot be dripped for 10 minutes.
   */
  totalTimeoutMs?: number;
  /**
   * Slowest transfer rate accepted (default 16 KiB/s): the total deadline gives a body of declared
   * length the time to arrive at it, and a body of unknown length that falls below it on average,
   * once the connect and read timeouts have passed, ends in a `timeout`.
   */
  minBytesPerSecond?: number;
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
  /**
   * Ends every request of the client once it fires (a server shutting down): a request in progress
   * is aborted, none is retried or started, and each fails as a `network` failure.
   */
  signal?: AbortSignal;
}

/** The default `User-Agent`. */
export const DEFAULT_USER_AGENT = 'mochi-pkg (+https://github.com/mochi-lang)';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The most response-header bytes read (status line and headers together). Node's default, 16 KiB,
 * refused answers that cmd/go and pip take (a CDN's long `Set-Cookie` or policy headers): Go reads
 * up to 10 MiB (`Transport.MaxResponseHeaderBytes`), pip 100 lines of up to 64 KiB each. 1 MiB
 * takes every header line pip takes; Go's 10 MiB is not matched because Node's parser slows down
 * more than linearly on huge headers (10 MiB take about 15 s on loopback, 1 MiB a third of a
 * second). Past this bound an answer is a `bad-response`, never read on or asked again.
 */
export const MAX_HEADER_BYTES = 1 << 20;

/** Settings with defaults applied. */
type Settings = Required<Omit<HttpOptions, 'credentials' | 'fetch' | 'signal'>> & {
  credentials: HttpOptions['credentials'] | undefined;
  signal: AbortSignal | undefined;
};

function settings(o: HttpOptions): Settings {
  return {
    transport: o.transport ?? (o.fetch ? fetchTransport(o.fetch) : nodeTransport),
    userAgent: o.userAgent ?? DEFAULT_USER_AGENT,
    connectTimeoutMs: o.connectTimeoutMs ?? 30_000,
    readTimeoutMs: o.readTimeoutMs ?? 30_000,
    totalTimeoutMs: o.totalTimeoutMs ?? 600_000,
    minBytesPerSecond: o.minBytesPerSecond ?? 16 * 1024,
    retries: o.retries ?? 2,
    backoffMs: o.backoffMs ?? 250,
    maxRedirects: o.maxRedirects ?? 10,
    credentials: o.credentials,
    signal: o.signal,
    sleep: o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  };
}

/**
 * Keep-alive agents shared by every client in the process: a download of many modules from one
 * proxy reuses a few connections instead of opening one per file. Idle sockets do not keep the
 * process alive (the agent unrefs them).
 */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * The default transport, on `node:http`/`node:https`. Chosen over the global `fetch` because it costs
 * a third of the CPU per request (no WHATWG streams in between), which is most of a download's time
 * on a fast proxy. No `Accept-Encoding` is sent; a body a server encodes anyway is decoded.
 */
export const nodeTransport: Transport = (url, { headers, signal }) =>
  new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    // The signal is watched here rather than handed to `request` (whose stream-level abort wiring
    // costs more CPU per request than the rest of this function): an abort destroys the request
    // and with it the response being read, as `request({ signal })` does.
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const req = (secure ? https : http).request(
      url,
      {
        method: 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
        maxHeaderSize: MAX_HEADER_BYTES,
      },
      (res) => {
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v.join(', ') : v;
        };
        const decoder = decoderFor(header('content-encoding'));
        let body: AsyncIterable<Uint8Array> = res;
        if (decoder) {
          res.on('error', (e) => decoder.destroy(e));
          body = res.pipe(decoder);
        }
        resolve({
          status: res.statusCode ?? 0,
          header,
          body,
          async cancel() {
            res.destroy();
            decoder?.destroy();
          },
        });
      },
    );
    req.on('error', reject);
    req.once('close', () => signal.removeEventListener('abort', onAbort));
    req.end();
  });

function decoderFor(
  encoding: string | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Adapts a `fetch`-style function to a {@link Transport}. */
export function fetchTransport(f: FetchLike): Transport {
  return async (url, { headers, signal }) => {
    const res = await f(url.href, { method: 'GET', headers, redirect: 'manual', signal });
    return {
      status: res.status,
      header: (name) => res.headers.get(name) ?? undefined,
      body: res.body as AsyncIterable<Uint8Array> | null,
      async cancel() {
        await res.body?.cancel().catch(() => {});
      },
    };
  };
}

/**
 * Splits user-info off a URL: `fetch` refuses URLs with credentials, and a URL without them is safe
 * to show. Returns the bare URL and the credentials it carried, if any (percent-decoded, as pip and
 * cmd/go read them).
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
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  /** Body chunks; a stall longer than the read timeout or a cut connection throws a `timeout` or `truncated` failure. */
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
    private ms: number,
    /** Called when the deadline is cleared: the request it guards has ended. */
    private readonly onClear?: () => void,
  ) {
    this.restart();
  }
  /** Starts the wait again, for `ms` from now (default: the same length as before). */
  restart(ms = this.ms): void {
    this.ms = ms;
    this.stop();
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error('timeout'));
    }, this.ms);
    // A deadline alone never keeps the process alive (the socket it guards does, while open).
    this.timer.unref();
  }
  clear(): void {
    this.stop();
    this.onClear?.();
  }
  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Aborts `controller` when the client's `signal` fires, until the returned function is called (the
 * request has ended) or the controller aborts for another reason: a long-lived signal keeps no
 * listener per request that has ended.
 */
function follow(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return () => {};
  const onStop = () => controller.abort(new Error('stopped'));
  const unlink = () => {
    signal.removeEventListener('abort', onStop);
    controller.signal.removeEventListener('abort', unlink);
  };
  signal.addEventListener('abort', onStop, { once: true });
  controller.signal.addEventListener('abort', unlink, { once: true });
  return unlink;
}

/** Per-request extras: headers besides `User-Agent` and `Authorization` (e.g. `Accept`). */
export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The most body bytes the caller will read (its size cap): bounds the total deadline. */
  readonly maxBodyBytes?: number;
}

/** A whole small body: status, final URL, headers and bytes (empty unless the status is 200, or 206 for a range). */
export interface BytesResponse {
  readonly status: number;
  readonly url: string;
  header(name: string): string | undefined;
  readonly body: Uint8Array;
}

/**
 * One HTTP client. Stateless between requests apart from its settings, so one instance serves many
 * concurrent downloads. `C` is the caller's context for errors (e.g. the module being fetched),
 * handed to `failure` with every failure of the layer.
 */
export class Http<C> {
  private readonly s: Settings;
  /** The kind of every failure this client made, so that retries can tell truncation from others. */
  private readonly kinds = new WeakMap<object, HttpFailureKind>();
  /** Failures of a request that used up its total deadline: a server that drips is not asked again. */
  private readonly exhausted = new WeakSet<object>();

  constructor(
    private readonly failure: FailureFactory<C>,
    options: HttpOptions = {},
  ) {
    this.s = settings(options);
  }

  private fail(kind: HttpFailureKind, message: string, ctx: C, url: string, cause?: unknown): Error {
    const e = this.failure(kind, message, ctx, url, cause);
    this.kinds.set(e, kind);
    return e;
  }

  /**
   * GETs `url`, following redirects and retrying network errors and 5xx answers with backoff.
   * Returns the final response whatever its status (the caller maps 404, 410, …); a 5xx is returned
   * only once the retries are spent.
   */
  async get(url: string, ctx: C, options: RequestOptions = {}): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.followRedirects(url, ctx, options);
        if (res.status >= 500 && attempt < this.s.retries) {
          await res.discard();
        } else {
          return res;
        }
      } catch (e) {
        if (!(e instanceof NetworkTrouble)) throw e;
        if (attempt >= this.s.retries || this.s.signal?.aborted) throw this.networkFailure(e, ctx);
      }
      await this.s.sleep(this.backoff(attempt));
    }
  }

  /**
   * GETs a small body whole. A non-200 status is returned without a body; a body announced or
   * found to be over `limit` bytes ends in a `too-large` failure as soon as that is known (nothing
   * more is read). A body cut short is retried like a network error, since nothing has been
   * handed out yet.
   */
  async getBytes(url: string, ctx: C, limit: number, options: RequestOptions = {}): Promise<BytesResponse> {
    return this.bytes(url, ctx, limit, options, false);
  }

  /**
   * GETs part of a resource with `Range: <range>` (e.g. `bytes=-65536`, `bytes=100-199`). A `206`
   * body (the part, with its `Content-Range`) or a `200` body (a server that ignores ranges sends the
   * whole resource) is read whole, bounded by `limit`; any other status comes back without a body.
   */
  async getRange(url: string, ctx: C, range: string, limit: number): Promise<BytesResponse> {
    return this.bytes(url, ctx, limit, { headers: { range } }, true);
  }

  private async bytes(
    url: string,
    ctx: C,
    limit: number,
    options: RequestOptions,
    partial: boolean,
  ): Promise<BytesResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.get(url, ctx, { ...options, maxBodyBytes: limit });
      if (res.status !== 200 && !(partial && res.status === 206)) {
        await res.discard();
        return { status: res.status, url: res.url, header: res.header, body: new Uint8Array(0) };
      }
      const tooLarge = () =>
        this.fail('too-large', `response body exceeds the ${formatBytes(limit)} limit`, ctx, res.url);
      const declared = contentLength(res.header);
      if (declared !== undefined && declared > limit) {
        await res.discard();
        throw tooLarge();
      }
      try {
        const parts: Uint8Array[] = [];
        let n = 0;
        for await (const chunk of res.chunks()) {
          n += chunk.byteLength;
          if (n > limit) {
            await res.discard();
            throw tooLarge();
          }
          parts.push(chunk);
        }
        return { status: res.status, url: res.url, header: res.header, body: concat(parts, n) };
      } catch (e) {
        const kind = typeof e === 'object' && e !== null ? this.kinds.get(e) : undefined;
        const retryable = (kind === 'truncated' || kind === 'timeout') && !this.exhausted.has(e as object);
        if (!retryable || attempt >= this.s.retries || this.s.signal?.aborted) throw e;
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
    ctx: C,
    sink: Writable,
    limit: number,
    onProgress?: (bytes: number) => void,
  ): Promise<{ status: number; url: string; bytes: number }> {
    const res = await this.get(url, ctx, { maxBodyBytes: limit });
    if (res.status !== 200) {
      await res.discard();
      return { status: res.status, url: res.url, bytes: 0 };
    }
    let n = 0;
    for await (const chunk of res.chunks()) {
      n += chunk.byteLength;
      if (n > limit) {
        await res.discard();
        throw this.fail('too-large', `response body exceeds the ${formatBytes(limit)} limit`, ctx, res.url);
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

  private networkFailure(e: NetworkTrouble, ctx: C): Error {
    if (this.s.signal?.aborted)
      return this.fail('network', 'request stopped: the client is shutting down', ctx, e.url, e.cause);
    const timeout = e.message === 'timeout';
    return this.fail(
      timeout ? 'timeout' : 'network',
      timeout ? `no response within ${this.s.connectTimeoutMs} ms` : `request failed: ${describe(e.cause)}`,
      ctx,
      e.url,
      e.cause,
    );
  }

  private async followRedirects(start: string, ctx: C, options: RequestOptions): Promise<HttpResponse> {
    const first = splitCredentials(start);
    let current = first.url;
    for (let hop = 0; ; hop++) {
      // Credentials written into the request URL belong to that origin only.
      const creds =
        first.credentials && current.origin === first.url.origin
          ? first.credentials
          : this.s.credentials?.(current);
      const res = await this.once(current, creds, ctx, options);
      if (!REDIRECT_STATUSES.has(res.status)) return res;
      const location = res.header('location');
      await res.discard();
      const here = current.href;
      if (location === undefined) {
        throw this.fail('bad-response', `HTTP ${res.status} without a Location header`, ctx, here);
      }
      if (hop >= this.s.maxRedirects) {
        throw this.fail('redirects', `stopped after ${this.s.maxRedirects} redirects`, ctx, here);
      }
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw this.fail('redirects', `redirect to unsupported scheme ${next.protocol}`, ctx, here);
      }
      // As cmd/go: once on https, never follow a redirect down to plain http.
      if (first.url.protocol === 'https:' && next.protocol !== 'https:') {
        throw this.fail('redirects', `redirect from https to insecure ${next.href}`, ctx, here);
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
    ctx: C,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    const controller = new AbortController();
    if (this.s.signal?.aborted) throw new NetworkTrouble('network', url.href, this.s.signal.reason);
    const unfollow = follow(this.s.signal, controller);
    const headers: Record<string, string> = { ...options.headers, 'user-agent': this.s.userAgent };
    if (creds) {
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const connect = new Deadline(controller, this.s.connectTimeoutMs);
    // The whole request, headers and body, has one deadline besides the per-read timeout.
    const started = Date.now();
    const total = new Deadline(controller, this.s.totalTimeoutMs, unfollow);
    let res: TransportResponse;
    try {
      res = await this.s.transport(url, { headers, signal: controller.signal });
    } catch (e) {
      total.clear();
      const invalid = connect.fired || total.fired ? undefined : invalidHttp(e);
      if (invalid !== undefined) throw this.fail('bad-response', invalid, ctx, url.href, e);
      throw new NetworkTrouble(connect.fired || total.fired ? 'timeout' : 'network', url.href, e);
    } finally {
      connect.clear();
    }
    const readTimeoutMs = this.s.readTimeoutMs;
    const declared = contentLength(res.header);
    const totalMs = totalDeadline(this.s, declared, options.maxBodyBytes);
    total.restart(Math.max(1, totalMs - (Date.now() - started)));
    const href = url.href;
    let consumed = false;
    return {
      status: res.status,
      url: href,
      header: res.header,
      async discard() {
        total.clear();
        if (consumed) return;
        consumed = true;
        controller.abort(new Error('discarded'));
        await res.cancel().catch(() => {});
      },
      chunks: () => {
        consumed = true;
        // A body of unknown length must keep up the slowest acceptable rate once the connect and
        // read timeouts' worth of time has passed: one byte a second is a drip, not a download.
        const pace = {
          started,
          graceMs: this.s.connectTimeoutMs + readTimeoutMs,
          minBytesPerSecond: this.s.minBytesPerSecond,
        };
        return guardedBody(
          res,
          controller,
          readTimeoutMs,
          declared,
          total,
          totalMs,
          (kind, message, cause, final) => {
            const e = this.fail(kind, message, ctx, href, cause);
            if (final) this.exhausted.add(e);
            return e;
          },
          pace,
        );
      },
    };
  }
}

/**
 * The total deadline of one request (ms): the configured one, cut down for a body of known size
 * (declared, else the caller's cap) to the connect and read timeouts plus the time that size
 * needs at the slowest acceptable rate; a large declared body still gets that time in full.
 */
export function totalDeadline(
  s: {
    readonly totalTimeoutMs: number;
    readonly connectTimeoutMs: number;
    readonly readTimeoutMs: number;
    readonly minBytesPerSecond: number;
  },
  declared: number | undefined,
  cap: number | undefined,
): number {
  const atRate = (bytes: number) => Math.ceil((bytes / s.minBytesPerSecond) * 1000);
  const size = declared ?? cap;
  let ms = s.totalTimeoutMs;
  if (size !== undefined) ms = Math.min(ms, s.connectTimeoutMs + s.readTimeoutMs + atRate(size));
  if (declared !== undefined) ms = Math.max(ms, atRate(declared));
  return ms;
}

/** Yields body chunks; enforces the read timeout and that the body is as long as announced. */
async function* guardedBody(
  res: TransportResponse,
  controller: AbortController,
  readTimeoutMs: number,
  declared: number | undefined,
  total: Deadline,
  totalMs: number,
  /** `final`: the request used up its time (total deadline, too slow); asking again would not help. */
  fail: (kind: HttpFailureKind, message: string, cause?: unknown, final?: boolean) => Error,
  pace: { readonly started: number; readonly graceMs: number; readonly minBytesPerSecond: number },
): AsyncGenerator<Uint8Array> {
  if (res.body === null) {
    total.clear();
    return;
  }
  const reader = res.body[Symbol.asyncIterator]();
  const deadline = new Deadline(controller, readTimeoutMs);
  let n = 0;
  let completed = false;
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await reader.next();
      } catch (e) {
        if (total.fired) {
          throw fail(
            'timeout',
            `request took longer than ${totalMs} ms in all (${n} bytes received)`,
            e,
            true,
          );
        }
        if (deadline.fired) {
          throw fail('timeout', `body stalled for more than ${readTimeoutMs} ms after ${n} bytes`, e);
        }
        const invalid = invalidBody(e, res.header('content-encoding'));
        if (invalid !== undefined) throw fail('bad-response', `${invalid} after ${n} bytes`, e);
        throw fail(
          'truncated',
          `body cut off after ${n}${declared === undefined ? '' : ` of ${declared}`} bytes: ${describe(e)}`,
          e,
        );
      }
      if (r.done) break;
      n += r.value.byteLength;
      if (declared === undefined) {
        const late = Date.now() - pace.started - pace.graceMs;
        if (late > 0 && n < (pace.minBytesPerSecond * late) / 1000) {
          throw fail(
            'timeout',
            `body arrives slower than ${pace.minBytesPerSecond} bytes/s (${n} bytes in ${Date.now() - pace.started} ms)`,
            undefined,
            true,
          );
        }
      }
      deadline.restart();
      yield r.value;
    }
    if (declared !== undefined && n !== declared) {
      throw fail('truncated', `body has ${n} bytes but Content-Length said ${declared}`);
    }
    completed = true;
  } finally {
    deadline.clear();
    total.clear();
    // A body left half-read (error, or the consumer stopped early) must not pin the connection.
    if (!completed) {
      controller.abort(new Error('abandoned'));
      await res.cancel().catch(() => {});
    }
  }
}

/**
 * What is wrong with an answer Node's HTTP parser refused (its `HPE_*` error codes): headers over
 * {@link MAX_HEADER_BYTES}, or bytes that are not HTTP. Such an answer is not asked for again (the
 * server would say the same); undefined for any other error (a refused or reset connection),
 * which stays a retryable network failure.
 */
function invalidHttp(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') {
    return `response headers exceed the ${formatBytes(MAX_HEADER_BYTES)} limit`;
  }
  const reason = (e as { reason?: unknown }).reason;
  return `the answer is not valid HTTP (${code}${typeof reason === 'string' ? `: ${reason}` : ''})`;
}

/**
 * What is wrong with a body whose bytes are not in the `Content-Encoding` the server declared
 * (zlib's data errors, Brotli's format errors): such a body is not asked for again, the server
 * would send the same. Undefined for anything else, a coded stream cut short included, which is a
 * `truncated` body, retried.
 */
function invalidBody(e: unknown, encoding: string | undefined): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  // Z_BUF_ERROR is a coded stream that stops early: a cut connection.
  if (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT' || code.startsWith('ERR__ERROR_FORMAT')) {
    const message = e instanceof Error ? e.message : code;
    return `the body is not valid ${encoding?.trim() || 'encoded data'} (Content-Encoding): ${message}`;
  }
  return undefined;
}

/** The announced body length, when it describes the bytes we will read (no content coding). */
function contentLength(header: (name: string) => string | undefined): number | undefined {
  const enc = header('content-encoding');
  if (enc !== undefined && enc !== 'identity') return undefined;
  const v = header('content-length');
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Writes one chunk, waiting for `drain` when the sink asks for it and failing if the sink errors. */
export function writeChunk(sink: Writable, chunk: Uint8Array): Promise<void> {
  // A sink that failed (a full disk) emits no second 'error' and never drains: stop at once.
  const closed = () => sink.errored ?? new Error('the destination stream was closed');
  if (sink.destroyed) return Promise.reject(closed());
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      sink.off('error', onError);
      sink.off('close', onClose);
      sink.off('drain', finish);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onClose = () => {
      cleanup();
      reject(closed());
    };
    const finish = () => {
      cleanup();
      resolve();
    };
    sink.once('error', onError);
    sink.once('close', onClose);
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
