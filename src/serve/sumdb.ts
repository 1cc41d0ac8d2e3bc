// The checksum-database proxy endpoints of `serve`: /sumdb/<name>/supported, lookups and tiles (verified before storing).
import { MochiPkgError } from '../errors.js';
import { type SumdbClient, SumdbError, tlog } from '../go/sumdb/index.js';
import { ServeError } from './errors.js';
import type { Reply } from './goproxy.js';
import type { Metrics } from './metrics.js';
import { SingleFlight } from './singleflight.js';
import { readObject, type Storage } from './storage.js';

/** Fetches a path of the upstream database; resolves to the status and body (bounded). */
export type SumdbUpstream = (path: string) => Promise<{ status: number; body: Uint8Array }>;

const TEXT = 'text/plain; charset=utf-8';
/** A tile holds at most 2^8 hashes of 32 bytes (data tiles: records, a few KiB each). */
const MAX_BODY = 8 << 20;

/** An upstream tile answer other than 200: passed on as 404 (absent) or 502. */
class TileStatus extends Error {
  constructor(readonly status: number) {
    super(`upstream answered ${status}`);
  }
}

/**
 * Proxies one checksum database (cmd/go's `<proxy>/sumdb/<name>/…` protocol). `supported`
 * answers 200 for the configured name only, so cmd/go uses the database directly for any other.
 * Tiles (`/tile/…`) are immutable: they are cached in the store, and only once verified against
 * a signed tree head, as x/mod's tlog does — a hash tile through its parent tiles up to the tree
 * hash, a data tile record by record against the verified level-0 hashes. Lookups and `/latest`
 * are passed through each time (cmd/go verifies every answer against the signed tree itself).
 */
export class SumdbProxy {
  private readonly flights = new SingleFlight<Reply>();

  /**
   * @param client the database's client (its key and signed tree head); tiles are verified with
   *   it. Without one, tiles are passed through unstored.
   */
  constructor(
    readonly name: string,
    private readonly upstream: SumdbUpstream,
    private readonly storage: Storage,
    private readonly client?: SumdbClient,
    private readonly metrics?: Metrics,
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
    if (this.client === undefined) return this.pass(`/${rest}`);
    return this.flights.do(key, async () => {
      try {
        const body = await this.verifiedTile(rest);
        await this.storage.putIfAbsent(key, body);
        return { status: 200, type: 'application/octet-stream', body, source: 'upstream' };
      } catch (e) {
        if (e instanceof TileStatus) {
          return text(e.status === 404 || e.status === 410 ? 404 : 502, `${e.message}\n`);
        }
        if (e instanceof SumdbError && (e.code === 'sumdb-security' || e.code === 'sumdb-malformed')) {
          this.metrics?.rejected();
          throw new ServeError('serve-verify', `${this.name}/${rest}: ${e.message}`, {
            cause: e,
            hint: 'the checksum database served a tile that does not fit its signed tree; nothing was stored',
          });
        }
        throw e;
      }
    });
  }

  /** A tile read from the store (verified when stored) or the upstream (not yet verified). */
  private async rawTile(t: tlog.Tile): Promise<Uint8Array> {
    const path = tlog.tilePath(t);
    const hit = await this.storage.get(`sumdb/${this.name}/${path}`);
    if (hit !== undefined && hit.size <= MAX_BODY) return readObject(hit);
    const { status, body } = await this.upstream(`/${path}`);
    if (status !== 200) throw new TileStatus(status);
    if (body.length > MAX_BODY) throw new TileStatus(502);
    return body;
  }

  /**
   * The bytes of tile `rest`, checked against the signed tree head of the database (refreshed
   * when the tile lies beyond the tree known so far). Throws `sumdb-security` when they do not fit.
   */
  private async verifiedTile(rest: string): Promise<Uint8Array> {
    const client = this.client as SumdbClient;
    let t: tlog.Tile;
    try {
      t = tlog.parseTilePath(rest);
    } catch (e) {
      if (e instanceof MochiPkgError) throw new TileStatus(404);
      throw e;
    }
    const level = Math.max(t.l, 0);
    // The tree size this tile needs: its last hash at its level, in records.
    const needed = (t.n * 2 ** t.h + t.w) * 2 ** (t.h * level);
    let tree = client.latestTree;
    if (tree.n < needed) tree = await client.refresh();
    if (tree.n < needed) throw new TileStatus(404);
    const saved: [tlog.Tile, Uint8Array][] = [];
    const reader = tlog.tileHashReader(tree, {
      height: t.h,
      readTiles: (tiles) => Promise.all(tiles.map((x) => this.rawTile(x))),
      saveTiles: (tiles, data) => {
        for (const [i, x] of tiles.entries()) saved.push([x, data[i] as Uint8Array]);
      },
    });
    let body: Uint8Array;
    if (t.l >= 0) {
      body = await tlog.readTileData(t, reader);
    } else {
      body = await this.rawTile(t);
      const start = t.n * 2 ** t.h;
      const hashes = await reader(Array.from({ length: t.w }, (_, i) => tlog.storedHashIndex(0, start + i)));
      let restBytes = body;
      for (let i = 0; i < t.w; i++) {
        const { id, text: record, rest: after } = tlog.parseRecord(restBytes);
        if (id !== start + i || !tlog.hashEqual(tlog.recordHash(record), hashes[i] as tlog.Hash)) {
          throw new SumdbError(
            'sumdb-security',
            `record ${start + i} of the data tile does not fit the signed tree`,
          );
        }
        restBytes = after;
      }
      if (restBytes.length !== 0) {
        throw new SumdbError('sumdb-security', 'the data tile holds more than its records');
      }
    }
    // The tiles read on the way were verified too: keep them (immutable, so first writer wins).
    for (const [x, data] of saved) {
      await this.storage.putIfAbsent(`sumdb/${this.name}/${tlog.tilePath(x)}`, data);
    }
    return body;
  }
}

function text(status: number, body: string): Reply {
  return { status, type: TEXT, body: Buffer.from(body), source: 'none' };
}
