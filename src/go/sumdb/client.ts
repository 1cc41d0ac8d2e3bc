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

/** Where the latest verified signed tree of one database is kept between runs. */
export interface SumdbState {
  read(): Promise<Uint8Array | undefined>;
  /** Replaces the stored note (atomically: readers see the old or the new one). */
  write(note: Uint8Array): Promise<void>;
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
    if (msg !== undefined && msg.length > 0) {
      const tree = this.openTree(msg, 'the stored latest tree');
      this.latest = tree;
      this.latestMsg = msg;
    }
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
   * Checks a downloaded module's hashes against the database: `zip` is the `h1:` of the module,
   * `mod` the `h1:` of its go.mod. Throws `sumdb-security` with cmd/go's SECURITY ERROR text when
   * the database reports other hashes.
   */
  async verify(path: string, version: string, hashes: { zip?: string; mod?: string }): Promise<void> {
    const check = async (v: string, h: string) => {
      const lines = await this.lookup(path, v);
      const want = `${path} ${v} ${h}`;
      if (lines.includes(want)) return;
      const reported = lines[0]?.slice(`${path} ${v} `.length) ?? '(no record)';
      const noun = v === version ? 'module' : 'go.mod';
      throw new SumdbError(
        'sumdb-security',
        mismatchMessage(`${path}@${version}`, noun, h, this.name, reported),
        {
          hint: 'do not use this module version; report it if the origin or your network is to blame',
        },
      );
    };
    if (hashes.zip !== undefined) await check(version, hashes.zip);
    if (hashes.mod !== undefined) await check(`${version}/go.mod`, hashes.mod);
  }

  private async mergeLatest(msg: Uint8Array): Promise<void> {
    if (msg.length === 0) return; // the unsigned empty timeline
    // The note verified last time, byte for byte: nothing new to check (most lookups in a run).
    if (Buffer.from(msg).equals(this.latestMsg)) return;
    const tree = this.openTree(msg, 'tree note');
    // Concurrent lookups may move the latest tree while tiles are fetched: check against a
    // snapshot and go around again if it moved (as x/mod's mergeLatestMem does).
    for (;;) {
      const latest = this.latest;
      const latestMsg = this.latestMsg;
      if (tree.n <= latest.n) {
        await this.checkOlder(tree, msg, latest, latestMsg);
        return;
      }
      await this.checkTrees(latest, latestMsg, tree, msg);
      if (this.latest !== latest) continue;
      this.latest = tree;
      this.latestMsg = msg;
      await this.saveLatest();
      return;
    }
  }

  /** Checks that a tree no newer than the latest one is part of it. */
  private async checkOlder(tree: Tree, msg: Uint8Array, latest: Tree, latestMsg: Uint8Array): Promise<void> {
    try {
      await this.checkTrees(tree, msg, latest, latestMsg);
    } catch (e) {
      // The server cannot serve the tiles of a tree this machine already verified: it was
      // rolled back, or it is another log signed with the same key.
      if (!(e instanceof SumdbError && e.code === 'sumdb-http' && e.status === 404)) throw e;
      throw new SumdbError(
        'sumdb-security',
        `SECURITY ERROR\n${this.name} served tree #${tree.n} but cannot prove it is part of tree #${latest.n}, which was verified earlier (rolled back or forked log)\n\nold database:\n\t${indent(latestMsg)}\nnew database:\n\t${indent(msg)}`,
        { cause: e },
      );
    }
  }

  /** Writes the latest tree unless another process stored a newer one on the same timeline. */
  private async saveLatest(): Promise<void> {
    const state = this.opts.state;
    if (state === undefined) return;
    const disk = await state.read();
    if (disk !== undefined && disk.length > 0) {
      const onDisk = this.openTree(disk, 'the stored latest tree');
      if (onDisk.n > this.latest.n) {
        await this.checkTrees(this.latest, this.latestMsg, onDisk, disk);
        this.latest = onDisk;
        this.latestMsg = disk;
        return;
      }
      await this.checkTrees(onDisk, disk, this.latest, this.latestMsg);
      if (onDisk.n === this.latest.n) return;
    }
    await state.write(this.latestMsg);
  }

  /** Checks that `older` is a prefix of `newer`; a fork is a SECURITY ERROR with the evidence. */
  private async checkTrees(
    older: Tree,
    olderMsg: Uint8Array,
    newer: Tree,
    newerMsg: Uint8Array,
  ): Promise<void> {
    const thr = tileHashReader(newer, this.tileReader());
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
    const [h] = await tileHashReader(this.latest, this.tileReader())([storedHashIndex(0, id)]);
    if (!hashEqual(h as Hash, recordHash(text))) {
      throw new SumdbError('sumdb-security', 'cannot authenticate record data in server response');
    }
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
