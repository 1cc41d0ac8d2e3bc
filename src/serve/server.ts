// The HTTP front of `serve`: routing, access logs, /healthz, /metrics, rate limits, graceful shutdown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { MochiPkgError, redactUrls } from '../errors.js';
import type { GoProxy, Reply } from './goproxy.js';
import { Metrics } from './metrics.js';
import { PythonMirror } from './pyindex.js';
import type { StoredObject } from './storage.js';
import type { SumdbProxy } from './sumdb.js';

export interface ServeOptions {
  readonly go: GoProxy;
  readonly sumdb?: SumdbProxy;
  /** The Python simple index mirror (`/simple/…`, `/python/files/…`); absent: those paths are 404. */
  readonly python?: PythonMirror;
  readonly metrics: Metrics;
  /** Receives one JSON access-log line per request (no trailing newline). */
  readonly log?: (line: string) => void;
  /** Requests per second allowed per client address (token bucket; burst = 2 s worth). 0: no limit. */
  readonly ratePerSecond?: number;
  /** Longest request URL accepted (bytes). */
  readonly maxUrlBytes?: number;
  readonly now?: () => number;
}

/** A running server. */
export interface RunningServe {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting connections, lets requests in progress finish for up to `graceMs`, then
   * drops what is left. Resolves once the listener is closed.
   */
  close(graceMs?: number): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';

/** The cache headers of a reply: versioned artifacts never change, lists and @latest do. */
function cacheControl(path: string, status: number): string {
  if (status !== 200) return 'no-store';
  return /\/@v\/[^/]+\.(info|mod|zip)$/.test(path) ||
    path.includes('/tile/') ||
    path.startsWith('/python/files/')
    ? 'public, max-age=31536000, immutable'
    : 'public, max-age=60';
}

/** Per-address token buckets. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  take(addr: string): boolean {
    const t = this.now();
    const burst = this.perSecond * 2;
    const b = this.buckets.get(addr) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(addr, b);
    if (this.buckets.size > 100_000) this.buckets.clear();
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** The request handler of `serve`, for `http.createServer` or tests. */
export function serveHandler(o: ServeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = o.now ?? Date.now;
  const limiter = o.ratePerSecond ? new RateLimiter(o.ratePerSecond, now) : undefined;
  const maxUrl = o.maxUrlBytes ?? 4096;
  return (req, res) => {
    const t0 = performance.now();
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    let area = 'go';
    let source: Reply['source'] = 'none';
    let sent = 0;
    const finish = (status: number, error?: ErrorFields) => {
      o.metrics.request(area, status, sent);
      o.log?.(
        JSON.stringify({
          time: new Date(now()).toISOString(),
          method: req.method,
          path: path.length > 512 ? `${path.slice(0, 512)}…` : path,
          status,
          bytes: sent,
          ms: Math.round((performance.now() - t0) * 10) / 10,
          source,
          remote: req.socket.remoteAddress,
          ...error,
        }),
      );
    };
    const plain = (status: number, body: string, headers: Record<string, string> = {}) => {
      const b = Buffer.from(body);
      res.writeHead(status, { 'content-type': TEXT, 'content-length': String(b.length), ...headers });
      res.end(req.method === 'HEAD' ? undefined : b);
      sent = req.method === 'HEAD' ? 0 : b.length;
    };
    const run = async (): Promise<{ status: number; error?: ErrorFields }> => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        plain(405, 'method not allowed\n', { allow: 'GET, HEAD' });
        return { status: 405 };
      }
      if (raw.length > maxUrl) {
        plain(414, 'request URL too long\n');
        return { status: 414 };
      }
      if (limiter && !limiter.take(req.socket.remoteAddress ?? '')) {
        plain(429, 'too many requests\n', { 'retry-after': '1' });
        return { status: 429 };
      }
      if (path === '/healthz') {
        area = 'health';
        plain(200, 'ok\n');
        return { status: 200 };
      }
      if (path === '/metrics') {
        area = 'metrics';
        plain(200, o.metrics.render(), { 'content-type': 'text/plain; version=0.0.4' });
        return { status: 200 };
      }
      let reply: Reply;
      if (path.startsWith('/sumdb/')) {
        area = 'sumdb';
        reply = o.sumdb ? await o.sumdb.handle(path) : notFoundReply('no checksum database is proxied');
      } else if (PythonMirror.owns(path)) {
        area = 'python';
        reply = o.python
          ? await o.python.handle(
              path,
              req.headers.accept,
              new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
            )
          : notFoundReply('no Python index is mirrored');
      } else {
        reply = await o.go.handle(path);
      }
      source = reply.source;
      const headers: Record<string, string> = {
        'content-type': reply.type,
        'cache-control': cacheControl(path, reply.status),
        ...reply.headers,
      };
      const bytes = reply.body instanceof Uint8Array ? reply.body : reply.body.bytes;
      if (bytes !== undefined) {
        headers['content-length'] = String(bytes.length);
        res.writeHead(reply.status, headers);
        res.end(req.method === 'HEAD' ? undefined : bytes);
        sent = req.method === 'HEAD' ? 0 : bytes.length;
      } else {
        const obj = reply.body as StoredObject;
        headers['content-length'] = String(obj.size);
        res.writeHead(reply.status, headers);
        if (req.method === 'HEAD') {
          // An object store may have opened the body already: release it.
          (await obj.open()).destroy();
          res.end();
        } else {
          await pipeline(await obj.open(), res);
          sent = obj.size;
        }
      }
      return { status: reply.status };
    };
    run().then(
      ({ status, error }) => finish(status, error),
      (e: unknown) => {
        const status = e instanceof MochiPkgError && e.exitClass !== 'internal' ? 502 : 500;
        const message = e instanceof MochiPkgError ? `${e.code}: ${e.message}` : 'internal error';
        if (!res.headersSent) plain(status, `${message}\n`);
        else res.destroy();
        finish(status, errorFields(e));
      },
    );
  };
}

/** What an access-log line says of a failure: `error` (a code), and the message with URLs redacted. */
type ErrorFields = { readonly error: string; readonly message?: string };

/**
 * `error` is the failure's code: a mochi-pkg code (`serve-verify`), a system error's (`ENOSPC`),
 * else the error's name. The message goes beside it: an unexpected error's name alone (`Error`,
 * `TypeError`) told an operator nothing.
 */
function errorFields(e: unknown): ErrorFields {
  if (!(e instanceof Error)) return { error: 'error', message: redactUrls(String(e)) };
  const code = (e as { code?: unknown }).code;
  return {
    error: e instanceof MochiPkgError || (typeof code === 'string' && code !== '') ? String(code) : e.name,
    message: redactUrls(e.message),
  };
}

function notFoundReply(why: string): Reply {
  return { status: 404, type: TEXT, body: Buffer.from(`not found: ${why}\n`), source: 'none' };
}

/** Starts `serve` on `host:port` (port 0: any free port). */
export async function startServe(o: ServeOptions, host: string, port: number): Promise<RunningServe> {
  const sockets = new Set<Socket>();
  const server = createServer({ keepAliveTimeout: 30_000 }, serveHandler(o));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    server,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, graceMs);
        timer.unref();
        server.once('close', () => clearTimeout(timer));
      }),
  };
}

export { Metrics };
