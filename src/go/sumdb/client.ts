// Checksum database client (x/mod's sumdb.Client): signed latest tree, lookups, tile-checked records, fork detection.
import { escapePath, escapeVersion } from '../module/escape.js';
import { SumdbError } from './errors.js';
import { newVerifier, openNote, type Verifier, verifierList } from './note.js';
import {
  formatHash,
  HASH_SIZE,
  type Hash,
  hashEqual,
  parseRecord,
  parseTree,
  proveTree,
  recordHash,
  storedHashIndex,
  type Tile,
  type Tree,
  tileHashReader,
  tilePath,
  treeHash,
} from './tlog.js';

/**
 * Fetches one path of the database (`/latest`, `/lookup/…`, `/tile/…`) and returns the body.
 * Must refuse bodies over `maxBytes` and throw `sumdb-http` for a failed request.
 */
export type SumdbFetch = (path: string, maxBytes: number) => Promise<Uint8Array>;

/**
 * Where the latest verified signed tree of one database is kept between runs, shared by
 * concurrent processes.
 */
export interface SumdbState {
  read(): Promise<Uint8Array | undefined>;
  /**
   * Replaces the stored note with `next` if it still holds `old` (or nothing): a compare-and-swap,
   * atomic across processes. Resolves false, writing nothing, when another process stored
   * something else meanwhile; the caller reads and merges that, then tries again.
   */
  swap(old: Uint8Array, next: Uint8Array): Promise<boolean>;
}

/** A cache of verified tiles, by tile path (only tiles checked against a signed tree go in). */
export interface TileCache {
  get(path: string): Promise<Uint8Array | undefined>;
  put(path: string, data: Uint8Array): Promise<void>;
}

export interface ClientOptions {
  /** The verifier key `<name>+<hash>+<key>`; the database name is its name. */
  key: string;
  fetch: SumdbFetch;
  state?: SumdbState;
  /**
   * Verified tiles and lookup answers by path (`tile/…`, `lookup/…`): a warm run reads them here
   * instead of asking the database; each is checked against the signed tree again when read.
   */
  tileCache?: TileCache;
  /** Tile height; sum.golang.org and x/mod's server use 8. */
  tileHeight?: number;
}

/** Body caps: a lookup answer is a few go.sum lines plus a signed note; a tile at most 2^H hashes. */
const MAX_LOOKUP_BYTES = 1 << 20;
const MAX_NOTE_BYTES = 64 << 10;

const EMPTY: Tree = { n: 0, hash: new Uint8Array(HASH_SIZE) };

/**
 * The SECURITY ERROR cmd/go (1.19, modfetch.checkSumDB) prints when a download disagrees with the
 * checksum database; `mod` is `path@version`, `noun` says which hash (`module` or `go.mod`).
 */
export function mismatchMessage(
  mod: string,
  noun: 'module' | 'go.mod',
  downloaded: string,
  db: string,
  reported: string,
): string {
  return [
    `${mod}: verifying ${noun}: checksum mismatch`,
    `\tdownloaded: ${downloaded}`,
    `\t${db}: ${reported}`,
    '',
    'SECURITY ERROR',
    'This download does NOT match the one reported by the checksum server.',
    'The bits may have been replaced on the origin server, or an attacker may',
    'have intercepted the download attempt.',
    '',
    "For more information, see 'go help module-auth'.",
  ].join('\n');
}

function indent(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8').replaceAll('\n', '\n\t');
}

/** A client for one checksum database. */
export class SumdbClient {
  readonly name: string;
  private readonly verifier: Verifier;
  private readonly opts: ClientOptions;
  private readonly height: number;
  private latest: Tree = EMPTY;
  private latestMsg: Uint8Array = new Uint8Array(0);
  private loaded = false;
  private readonly tiles = new Map<string, Uint8Array>();
  /** Tiles checked against a tree, per tree (`<n> <hash>`), for the last few trees used. */
  private readonly verifiedTiles = new Map<string, Map<string, Uint8Array>>();
  /** Tiles being read, so that concurrent lookups share one request per tile. */
  private readonly tileReads = new Map<string, Promise<Uint8Array>>();
  /** Go.sum lines of each module version looked up, by `path@version` (one request for zip and go.mod). */
  private readonly records = new Map<string, Promise<string[]>>();

  constructor(opts: ClientOptions) {
    this.verifier = newVerifier(opts.key);
    this.name = this.verifier.name;
    this.opts = opts;
    this.height = opts.tileHeight ?? 8;
  }

  /** The latest tree this client has verified (size 0 before any). */
  get latestTree(): Tree {
    return this.latest;
  }

  private async init(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const msg = await this.opts.state?.read();
    if (msg !== undefined) await this.mergeLatestMem(msg, 'stored');
  }

  private openTree(msg: Uint8Array, what: string): Tree {
    if (msg.length > MAX_NOTE_BYTES)
      throw new SumdbError('sumdb-malformed', `${this.name}: ${what} is too large`);
    try {
      return parseTree(openNote(msg, verifierList(this.verifier)).text);
    } catch (e) {
      if (e instanceof SumdbError) {
        throw new SumdbError(e.code, `${this.name}: reading ${what}: ${e.message}\nnote:\n${indent(msg)}`, {
          cause: e,
          ...(e.hint === undefined ? {} : { hint: e.hint }),
        });
      }
      throw e;
    }
  }

  /** Fetches and verifies `/latest`, merging it into the remembered timeline. */
  async refresh(): Promise<Tree> {
    await this.init();
    await this.mergeLatest(await this.opts.fetch('/latest', MAX_NOTE_BYTES));
    return this.latest;
  }

  /**
   * The go.sum lines the database holds for `path version` (`version` may end in `/go.mod`),
   * after checking that the record is in the signed tree.
   */
  async lookup(path: string, version: string): Promise<string[]> {
    const base = version.endsWith('/go.mod') ? version.slice(0, -'/go.mod'.length) : version;
    const key = `${path}@${base}`;
    let lines = this.records.get(key);
    if (lines === undefined) {
      lines = this.fetchRecord(path, base);
      this.records.set(key, lines);
      // A failed lookup is not remembered: the next caller asks again (and fails on its own).
      lines.catch(() => this.records.delete(key));
    }
    const prefix = `${path} ${version} `;
    return (await lines).filter((l) => l.startsWith(prefix));
  }

  /** The record of `path@version` (cached or fetched), checked against the signed tree. */
  private async fetchRecord(path: string, version: string): Promise<string[]> {
    await this.init();
    const remote = `/lookup/${escapePath(path)}@${escapeVersion(version)}`;
    const cacheKey = `${this.name}${remote}`;
    const cached = await this.opts.tileCache?.get(cacheKey);
    const data = cached ?? (await this.opts.fetch(remote, MAX_LOOKUP_BYTES));
    const { id, text, rest } = parseRecord(data);
    await this.mergeLatest(rest);
    await this.checkRecord(id, text);
    if (cached === undefined) await this.opts.tileCache?.put(cacheKey, data);
    return text.split('\n');
  }

  /**
   * Checks a downloaded module's hashes against the database as cmd/go 1.19 does
   * (modfetch.checkSumDB): the record's lines for the version are read in order; the first that
   * equals the download's line accepts it, the first other `h1:` line is a `sumdb-security`
   * error with cmd/go's SECURITY ERROR text. A record without an `h1:` line for it (cmd/go
   * accepts the download then) vouches for nothing. Resolves to whether the database vouched
   * for every hash given.
   */
  async verify(path: string, version: string, hashes: { zip?: string; mod?: string }): Promise<boolean> {
    const check = async (v: string, h: string): Promise<boolean> => {
      const lines = await this.lookup(path, v);
      const want = `${path} ${v} ${h}`;
      const prefix = `${path} ${v} h1:`;
      for (const line of lines) {
        if (line === want) return true;
        if (!line.startsWith(prefix)) continue;
        const noun = v === version ? 'module' : 'go.mod';
        const reported = line.slice(prefix.length - 'h1:'.length);
        throw new SumdbError(
          'sumdb-security',
          mismatchMessage(`${path}@${version}`, noun, h, this.name, reported),
          {
            hint: 'do not use this module version; report it if the origin or your network is to blame',
          },
        );
      }
      return false;
    };
    let vouched = true;
    if (hashes.zip !== undefined) vouched = (await check(version, hashes.zip)) && vouched;
    if (hashes.mod !== undefined) vouched = (await check(`${version}/go.mod`, hashes.mod)) && vouched;
    return vouched;
  }

  /**
   * Merges a signed tree into the timeline, in memory and then in the state file (x/mod's
   * mergeLatest): the file is replaced by compare-and-swap only, so a newer tree another process
   * stored meanwhile is merged (and proven consistent) rather than overwritten.
   */
  private async mergeLatest(msg: Uint8Array): Promise<void> {
    if ((await this.mergeLatestMem(msg, 'server')) !== 'future') return;
    const state = this.opts.state;
    if (state === undefined) return;
    for (let round = 0; ; round++) {
      const disk = (await state.read()) ?? new Uint8Array(0);
      if ((await this.mergeLatestMem(disk, 'stored')) !== 'past') return;
      if (await state.swap(disk, this.latestMsg)) return;
      // Every conflict means another process stored a tree; trees only grow, so this ends.
      if (round >= 1000) {
        throw new SumdbError('sumdb-locked', `${this.name}: the stored latest tree keeps changing`);
      }
    }
  }

  /**
   * Merges a signed tree into the in-memory timeline: `past` (a prefix of the latest tree),
   * `present` (the latest tree) or `future` (newer, proven to extend it, now the latest).
   * `from` says whether the tree came from the database or from the state file.
   */
  private async mergeLatestMem(
    msg: Uint8Array,
    from: 'server' | 'stored',
  ): Promise<'past' | 'present' | 'future'> {
    if (msg.length === 0) return this.latest.n === 0 ? 'present' : 'past'; // the unsigned empty timeline
    // The note verified last time, byte for byte: nothing new to check (most lookups in a run).
    if (Buffer.from(msg).equals(this.latestMsg)) return 'present';
    const tree = this.openTree(msg, from === 'stored' ? 'the stored latest tree' : 'tree note');
    // Concurrent lookups may move the latest tree while tiles are fetched: check against a
    // snapshot and go around again if it moved (as x/mod's mergeLatestMem does).
    for (;;) {
      const latest = this.latest;
      const latestMsg = this.latestMsg;
      if (tree.n <= latest.n) {
        await this.provable(tree, msg, latest, latestMsg);
        return tree.n < latest.n ? 'past' : 'present';
      }
      if (from === 'stored') await this.provable(latest, latestMsg, tree, msg);
      else await this.checkTrees(latest, latestMsg, tree, msg);
      if (this.latest !== latest) continue;
      this.latest = tree;
      this.latestMsg = msg;
      return 'future';
    }
  }

  /**
   * Checks that `older` is part of `newer`, one of which was verified earlier: a database that
   * cannot serve the tiles to prove it was rolled back, or is another log signed with the same key.
   */
  private async provable(
    older: Tree,
    olderMsg: Uint8Array,
    newer: Tree,
    newerMsg: Uint8Array,
  ): Promise<void> {
    try {
      await this.checkTrees(older, olderMsg, newer, newerMsg);
    } catch (e) {
      if (!(e instanceof SumdbError && e.code === 'sumdb-http' && e.status === 404)) throw e;
      throw new SumdbError(
        'sumdb-security',
        `SECURITY ERROR\n${this.name} cannot prove that tree #${older.n} is part of tree #${newer.n}, one of which was verified earlier (rolled back or forked log)\n\nold database:\n\t${indent(olderMsg)}\nnew database:\n\t${indent(newerMsg)}`,
        { cause: e },
      );
    }
  }

  /** Checks that `older` is a prefix of `newer`; a fork is a SECURITY ERROR with the evidence. */
  private async checkTrees(
    older: Tree,
    olderMsg: Uint8Array,
    newer: Tree,
    newerMsg: Uint8Array,
  ): Promise<void> {
    const thr = this.hashReader(newer);
    const h = await treeHash(older.n, thr);
    if (hashEqual(h, older.hash)) return;
    let text = 'SECURITY ERROR\ngo.sum database server misbehavior detected!\n\n';
    text += `old database:\n\t${indent(olderMsg)}\n`;
    text += `new database:\n\t${indent(newerMsg)}\n`;
    text += `proof of misbehavior:\n\t${formatHash(h)}`;
    for (const p of await proveTree(newer.n, older.n, thr)) text += `\n\t${formatHash(p)}`;
    throw new SumdbError('sumdb-security', text, {
      hint: `the checksum database ${this.name} shows two different histories; do not trust it until this is explained`,
    });
  }

  private async checkRecord(id: number, text: string): Promise<void> {
    if (id < 0 || id >= this.latest.n) {
      throw new SumdbError('sumdb-security', `cannot validate record ${id} in tree of size ${this.latest.n}`);
    }
    const [h] = await this.hashReader(this.latest)([storedHashIndex(0, id)]);
    if (!hashEqual(h as Hash, recordHash(text))) {
      throw new SumdbError('sumdb-security', 'cannot authenticate record data in server response');
    }
  }

  /** A hash reader over the tiles of `tree`, remembering which tiles were checked against it. */
  private hashReader(tree: Tree) {
    const key = `${tree.n} ${formatHash(tree.hash)}`;
    let verified = this.verifiedTiles.get(key);
    if (verified === undefined) {
      // A run sees a handful of trees (the stored one, then the database's); keep the last four.
      if (this.verifiedTiles.size >= 4)
        this.verifiedTiles.delete(this.verifiedTiles.keys().next().value as string);
      verified = new Map();
      this.verifiedTiles.set(key, verified);
    }
    return tileHashReader(tree, this.tileReader(), verified);
  }

  private tileReader() {
    return {
      height: this.height,
      readTiles: (tiles: Tile[]) => Promise.all(tiles.map((t) => this.readTile(t))),
      saveTiles: async (tiles: Tile[], data: Uint8Array[]) => {
        for (const [i, t] of tiles.entries()) {
          const p = tilePath(t);
          if (this.tiles.has(p)) continue;
          this.tiles.set(p, data[i] as Uint8Array);
          await this.opts.tileCache?.put(`${this.name}/${p}`, data[i] as Uint8Array);
        }
      },
    };
  }

  private readTile(t: Tile): Promise<Uint8Array> {
    const p = tilePath(t);
    const mem = this.tiles.get(p);
    if (mem !== undefined) return Promise.resolve(mem);
    let reading = this.tileReads.get(p);
    if (reading === undefined) {
      reading = this.fetchTile(t, p).finally(() => this.tileReads.delete(p));
      this.tileReads.set(p, reading);
    }
    return reading;
  }

  private async fetchTile(t: Tile, p: string): Promise<Uint8Array> {
    const cached = await this.opts.tileCache?.get(`${this.name}/${p}`);
    if (cached !== undefined) return cached;
    // One byte over the exact size lets an overlong tile be seen (and refused) rather than cut.
    return this.opts.fetch(`/${p}`, t.w * HASH_SIZE + 1);
  }
}
