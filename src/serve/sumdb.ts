// The checksum-database proxy endpoints of `serve`: /sumdb/<name>/supported, lookups and tiles.
import type { Reply } from './goproxy.js';
import { SingleFlight } from './singleflight.js';
import type { Storage } from './storage.js';

/** Fetches a path of the upstream database; resolves to the status and body (bounded). */
export type SumdbUpstream = (path: string) => Promise<{ status: number; body: Uint8Array }>;

const TEXT = 'text/plain; charset=utf-8';
/** A tile holds at most 2^8 hashes of 32 bytes (data tiles: records, a few KiB each). */
const MAX_BODY = 8 << 20;

/**
 * Proxies one checksum database (cmd/go's `<proxy>/sumdb/<name>/…` protocol). `supported`
 * answers 200 for the configured name only, so cmd/go uses the database directly for any other.
 * Tiles (`/tile/…`) are immutable: they are cached in the store. Lookups and `/latest` are passed
 * through each time (cmd/go verifies every answer against the signed tree itself).
 */
export class SumdbProxy {
  private readonly flights = new SingleFlight<Reply>();

  constructor(
    readonly name: string,
    private readonly upstream: SumdbUpstream,
    private readonly storage: Storage,
  ) {}

  async handle(path: string): Promise<Reply> {
    const prefix = `/sumdb/${this.name}/`;
    if (!path.startsWith(prefix)) return text(404, `not found: checksum database not proxied\n`);
    const rest = path.slice(prefix.length);
    if (rest === 'supported') return text(200, '');
    if (rest === 'latest' || /^lookup\/[^?#]+@[^/?#]+$/.test(rest)) return this.pass(`/${rest}`);
    if (/^tile\/\d+\/(?:data|\d+)\/(?:x\d{3}\/)*\d{3}(?:\.p\/\d+)?$/.test(rest)) return this.tile(rest);
    return text(404, 'not found\n');
  }

  private async pass(path: string): Promise<Reply> {
    const { status, body } = await this.upstream(path);
    if (status !== 200)
      return text(status === 404 || status === 410 ? 404 : 502, `upstream answered ${status}\n`);
    return { status: 200, type: TEXT, body, source: 'pass' };
  }

  private async tile(rest: string): Promise<Reply> {
    const key = `sumdb/${this.name}/${rest}`;
    const hit = await this.storage.get(key);
    if (hit) return { status: 200, type: 'application/octet-stream', body: hit, source: 'store' };
    return this.flights.do(key, async () => {
      const { status, body } = await this.upstream(`/${rest}`);
      if (status !== 200)
        return text(status === 404 || status === 410 ? 404 : 502, `upstream answered ${status}\n`);
      if (body.length > MAX_BODY) return text(502, 'upstream tile too large\n');
      await this.storage.putIfAbsent(key, body);
      return { status: 200, type: 'application/octet-stream', body, source: 'upstream' };
    });
  }
}

function text(status: number, body: string): Reply {
  return { status, type: TEXT, body: Buffer.from(body), source: 'none' };
}
