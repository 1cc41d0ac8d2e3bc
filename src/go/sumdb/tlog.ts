// Tamper-evident log hashes, proofs, tree heads, records and tiles, as golang.org/x/mod/sumdb/tlog defines them.
import { createHash } from 'node:crypto';
import { SumdbError } from './errors.js';

/** A SHA-256 hash in the log: 32 bytes. */
export type Hash = Uint8Array;
/** Size of a {@link Hash} in bytes. */
export const HASH_SIZE = 32;
/**
 * Largest tree (record count) this implementation handles: indexes are JavaScript numbers and
 * must stay exact (2^45 records is far beyond any real checksum database).
 */
export const MAX_TREE_SIZE = 2 ** 45;

/** Reads stored hashes by index; may fetch (tiles) and so may be async. */
export type HashReader = (indexes: number[]) => Hash[] | Promise<Hash[]>;

const EMPTY_HASH: Hash = new Uint8Array(HASH_SIZE);

// Integer shifts on numbers above 2^31 (JavaScript's << and >> are 32-bit).
const shr = (n: number, k: number): number => Math.floor(n / 2 ** k);
const shl = (n: number, k: number): number => n * 2 ** k;

function trailingZeros(n: number): number {
  if (n === 0) return 64;
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

function malformed(what: string): SumdbError {
  return new SumdbError('sumdb-malformed', what);
}

function proofFailed(): SumdbError {
  return new SumdbError('sumdb-security', 'invalid transparency proof');
}

/** Base64 of a hash (how tree heads and x/mod print it). */
export function formatHash(h: Hash): string {
  return Buffer.from(h).toString('base64');
}

/** Parses base64 of a 32-byte hash. */
export function parseHash(s: string): Hash {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) throw malformed(`malformed hash ${JSON.stringify(s.slice(0, 64))}`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** True when two hashes are equal. */
export function hashEqual(a: Hash, b: Hash): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

function maxpow2(n: number): [number, number] {
  let l = 0;
  while (2 ** (l + 1) < n) l++;
  return [2 ** l, l];
}

/** The hash of a record: SHA-256(0x00 ‖ data). */
export function recordHash(data: Uint8Array | string): Hash {
  return new Uint8Array(createHash('sha256').update(Buffer.of(0)).update(data).digest());
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return new Uint8Array(createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest());
}

/** The index, in the stored-hash order, of the hash of the `n`th subtree at `level`. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = shr(n, 1)) i += n;
  return i + level;
}

/** The inverse of {@link storedHashIndex}: `[level, n]`. */
export function splitStoredHashIndex(index: number): [number, number] {
  let n = shr(index, 1);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return [level, shr(n, level)];
}

/** How many hashes are stored for a tree of `n` records. */
export function storedHashCount(n: number): number {
  if (n === 0) return 0;
  let num = storedHashIndex(0, n - 1) + 1;
  for (let i = n - 1; i % 2 === 1; i = shr(i, 1)) num++;
  return num;
}

/** The hashes to store when record `n` (hash `h`) is appended: `h` then each completed parent. */
export async function storedHashesForRecordHash(n: number, h: Hash, r: HashReader): Promise<Hash[]> {
  const hashes = [h];
  const m = trailingZeros(n + 1);
  const indexes = new Array<number>(m);
  for (let i = 0; i < m; i++) indexes[m - 1 - i] = storedHashIndex(i, shr(n, i) - 1);
  const old = await readExactly(r, indexes);
  let cur = h;
  for (let i = 0; i < m; i++) {
    cur = nodeHash(old[m - 1 - i] as Hash, cur);
    hashes.push(cur);
  }
  return hashes;
}

async function readExactly(r: HashReader, indexes: number[]): Promise<Hash[]> {
  if (indexes.length === 0) return [];
  const hashes = await r(indexes);
  if (hashes.length !== indexes.length) {
    throw malformed(`tlog: ReadHashes(${indexes.length} indexes) = ${hashes.length} hashes`);
  }
  return hashes;
}

function subTreeIndex(lo: number, hi: number, need: number[]): number[] {
  while (lo < hi) {
    const [k, level] = maxpow2(hi - lo + 1);
    need.push(storedHashIndex(level, shr(lo, level)));
    lo += k;
  }
  return need;
}

/** Consumes the hashes of subTreeIndex(lo, hi) from `hashes` at `pos`; returns the subtree hash. */
function subTreeHash(lo: number, hi: number, hashes: Hash[], pos: { i: number }): Hash {
  let numTree = 0;
  while (lo < hi) {
    const [k] = maxpow2(hi - lo + 1);
    numTree++;
    lo += k;
  }
  const base = pos.i;
  let h = hashes[base + numTree - 1] as Hash;
  for (let i = numTree - 2; i >= 0; i--) h = nodeHash(hashes[base + i] as Hash, h);
  pos.i += numTree;
  return h;
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TREE_SIZE) throw malformed(`tlog: invalid ${what} ${n}`);
}

/** The hash of the tree of the first `n` records. */
export async function treeHash(n: number, r: HashReader): Promise<Hash> {
  checkSize(n, 'tree size');
  if (n === 0) return EMPTY_HASH;
  const indexes = subTreeIndex(0, n, []);
  return subTreeHash(0, n, await readExactly(r, indexes), { i: 0 });
}

/** A proof that a record is in a tree: the sibling hashes from the leaf up. */
export type RecordProof = Hash[];
/** A proof that a tree is a prefix of a larger tree. */
export type TreeProof = Hash[];

function leafProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (lo + 1 === hi) return need;
  const [k] = maxpow2(hi - lo);
  if (n < lo + k) {
    leafProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    leafProofIndex(lo + k, hi, n, need);
  }
  return need;
}

function leafProof(lo: number, hi: number, n: number, hashes: Hash[], pos: { i: number }): RecordProof {
  if (lo + 1 === hi) return [];
  const [k] = maxpow2(hi - lo);
  let p: RecordProof;
  let th: Hash;
  if (n < lo + k) {
    p = leafProof(lo, lo + k, n, hashes, pos);
    th = subTreeHash(lo + k, hi, hashes, pos);
  } else {
    th = subTreeHash(lo, lo + k, hashes, pos);
    p = leafProof(lo + k, hi, n, hashes, pos);
  }
  p.push(th);
  return p;
}

/** The proof that record `n` is in the tree of size `t`. */
export async function proveRecord(t: number, n: number, r: HashReader): Promise<RecordProof> {
  checkSize(t, 'tree size');
  if (!Number.isSafeInteger(n) || n < 0 || n >= t) throw malformed('tlog: invalid inputs in ProveRecord');
  const hashes = await readExactly(r, leafProofIndex(0, t, n, []));
  return leafProof(0, t, n, hashes, { i: 0 });
}

function runRecordProof(p: RecordProof, end: number, lo: number, hi: number, n: number, leaf: Hash): Hash {
  if (lo + 1 === hi) {
    if (end !== 0) throw proofFailed();
    return leaf;
  }
  if (end === 0) throw proofFailed();
  const [k] = maxpow2(hi - lo);
  const last = p[end - 1] as Hash;
  if (n < lo + k) return nodeHash(runRecordProof(p, end - 1, lo, lo + k, n, leaf), last);
  return nodeHash(last, runRecordProof(p, end - 1, lo + k, hi, n, leaf));
}

/**
 * Checks that `p` proves record `n` (hash `h`) is in the tree of size `t` and hash `th`. Throws
 * `sumdb-security` ("invalid transparency proof") when it does not.
 */
export function checkRecord(p: RecordProof, t: number, th: Hash, n: number, h: Hash): void {
  checkSize(t, 'tree size');
  if (!Number.isSafeInteger(n) || n < 0 || n >= t) throw malformed('tlog: invalid inputs in CheckRecord');
  if (!hashEqual(runRecordProof(p, p.length, 0, t, n, h), th)) throw proofFailed();
}

function treeProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (n === hi) return lo === 0 ? need : subTreeIndex(lo, hi, need);
  const [k] = maxpow2(hi - lo);
  if (n <= lo + k) {
    treeProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    treeProofIndex(lo + k, hi, n, need);
  }
  return need;
}

function treeProof(lo: number, hi: number, n: number, hashes: Hash[], pos: { i: number }): TreeProof {
  if (n === hi) return lo === 0 ? [] : [subTreeHash(lo, hi, hashes, pos)];
  const [k] = maxpow2(hi - lo);
  let p: TreeProof;
  let th: Hash;
  if (n <= lo + k) {
    p = treeProof(lo, lo + k, n, hashes, pos);
    th = subTreeHash(lo + k, hi, hashes, pos);
  } else {
    th = subTreeHash(lo, lo + k, hashes, pos);
    p = treeProof(lo + k, hi, n, hashes, pos);
  }
  p.push(th);
  return p;
}

/** The proof that the tree of size `n` is a prefix of the tree of size `t`. */
export async function proveTree(t: number, n: number, r: HashReader): Promise<TreeProof> {
  checkSize(t, 'tree size');
  if (!Number.isSafeInteger(n) || t < 1 || n < 1 || n > t)
    throw malformed('tlog: invalid inputs in ProveTree');
  const hashes = await readExactly(r, treeProofIndex(0, t, n, []));
  return treeProof(0, t, n, hashes, { i: 0 });
}

function runTreeProof(p: TreeProof, end: number, lo: number, hi: number, n: number, old: Hash): [Hash, Hash] {
  if (n === hi) {
    if (lo === 0) {
      if (end !== 0) throw proofFailed();
      return [old, old];
    }
    if (end !== 1) throw proofFailed();
    return [p[0] as Hash, p[0] as Hash];
  }
  if (end === 0) throw proofFailed();
  const [k] = maxpow2(hi - lo);
  const last = p[end - 1] as Hash;
  if (n <= lo + k) {
    const [oh, th] = runTreeProof(p, end - 1, lo, lo + k, n, old);
    return [oh, nodeHash(th, last)];
  }
  const [oh, th] = runTreeProof(p, end - 1, lo + k, hi, n, old);
  return [nodeHash(last, oh), nodeHash(last, th)];
}

/**
 * Checks that `p` proves the tree of size `n` and hash `h` is a prefix of the tree of size `t`
 * and hash `th`. Throws `sumdb-security` ("invalid transparency proof") when it does not.
 */
export function checkTree(p: TreeProof, t: number, th: Hash, n: number, h: Hash): void {
  checkSize(t, 'tree size');
  if (!Number.isSafeInteger(n) || t < 1 || n < 1 || n > t)
    throw malformed('tlog: invalid inputs in CheckTree');
  const [h2, th2] = runTreeProof(p, p.length, 0, t, n, h);
  if (!hashEqual(th2, th) || !hashEqual(h2, h)) throw proofFailed();
}

// ---- tree heads and records ----

/** A tree head: the record count and the hash of the tree over them. */
export interface Tree {
  n: number;
  hash: Hash;
}

const TREE_PREFIX = 'go.sum database tree\n';

/** The text of a tree head note: `go.sum database tree\n<N>\n<hash>\n`. */
export function formatTree(tree: Tree): string {
  return `${TREE_PREFIX}${tree.n}\n${formatHash(tree.hash)}\n`;
}

/** Parses the text of a tree head note (further lines, as x/mod allows, are ignored). */
export function parseTree(text: string): Tree {
  const bad = () => malformed('malformed tree note');
  if (!text.startsWith(TREE_PREFIX) || text.split('\n').length - 1 < 3 || text.length > 1e6) throw bad();
  const lines = text.split('\n');
  const nStr = lines[1] as string;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(nStr)) throw bad();
  const n = Number(nStr);
  if (n > MAX_TREE_SIZE) throw bad();
  let hash: Hash;
  try {
    hash = parseHash(lines[2] as string);
  } catch (e) {
    if (e instanceof SumdbError) throw bad();
    throw e;
  }
  return { n, hash };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isValidRecordText(text: string): boolean {
  return text.endsWith('\n') && !/[\u0000-\u0009\u000b-\u001f]|\n\n/.test(text);
}

/** A record message: `<id>\n<text>\n`. */
export function formatRecord(id: number, text: string): string {
  if (!isValidRecordText(text)) throw malformed('malformed record data');
  return `${id}\n${text}\n`;
}

/** Parses a `/lookup` answer: the record id, its text and the rest (the signed tree note). */
export function parseRecord(msg: Uint8Array): { id: number; text: string; rest: Uint8Array } {
  const bad = () => malformed('malformed record data');
  const buf = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  const i = buf.indexOf(10);
  if (i < 0) throw bad();
  const idStr = buf.subarray(0, i).toString('latin1');
  if (!/^[+-]?[0-9]{1,16}$/.test(idStr)) throw bad();
  const id = Number(idStr);
  const tail = buf.subarray(i + 1);
  const j = tail.indexOf('\n\n');
  if (j < 0) throw bad();
  let text: string;
  try {
    text = utf8.decode(tail.subarray(0, j + 1));
  } catch (e) {
    if (e instanceof TypeError) throw bad();
    throw e;
  }
  if (!isValidRecordText(text)) throw bad();
  return { id, text, rest: new Uint8Array(tail.subarray(j + 2)) };
}

// ---- tiles ----

/** A tile: height H, level L (-1 for data tiles), number N, width W (1 ≤ W ≤ 2^H). */
export interface Tile {
  h: number;
  l: number;
  n: number;
  w: number;
}

function tileForIndex(h: number, index: number): { tile: Tile; start: number; end: number } {
  let [level, n] = splitStoredHashIndex(index);
  const l = Math.floor(level / h);
  level -= l * h;
  const tn = shr(shl(n, level), h);
  n -= shr(shl(tn, h), level);
  const w = shl(n + 1, level);
  return { tile: { h, l, n: tn, w }, start: shl(n, level) * HASH_SIZE, end: shl(n + 1, level) * HASH_SIZE };
}

/** The smallest tile of height `h` that holds stored hash `index`. */
export function tileForIndexOf(h: number, index: number): Tile {
  if (h <= 0) throw malformed(`invalid tile height ${h}`);
  return tileForIndex(h, index).tile;
}

function tileHash(data: Uint8Array): Hash {
  if (data.length === HASH_SIZE) return data;
  const n = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, n)), tileHash(data.subarray(n)));
}

/** The hash with stored index `index`, computed from the data of tile `t`. */
export function hashFromTile(t: Tile, data: Uint8Array, index: number): Hash {
  if (t.h < 1 || t.h > 30 || t.l < 0 || t.l >= 64 || t.w < 1 || t.w > 2 ** t.h) {
    throw malformed(`invalid tile ${tilePath(t)}`);
  }
  if (data.length < t.w * HASH_SIZE)
    throw malformed(`data len ${data.length} too short for tile ${tilePath(t)}`);
  const { tile: t1, start, end } = tileForIndex(t.h, index);
  if (t.l !== t1.l || t.n !== t1.n || t.w < t1.w) {
    throw malformed(`index ${index} is in ${tilePath(t1)} not ${tilePath(t)}`);
  }
  return tileHash(data.subarray(start, end));
}

/** The tiles of height `h` that a tree growing from `oldTreeSize` to `newTreeSize` adds. */
export function newTiles(h: number, oldTreeSize: number, newTreeSize: number): Tile[] {
  if (h <= 0) throw malformed(`invalid tile height ${h}`);
  const tiles: Tile[] = [];
  for (let level = 0; shr(newTreeSize, h * level) > 0; level++) {
    const oldN = shr(oldTreeSize, h * level);
    const newN = shr(newTreeSize, h * level);
    for (let n = shr(oldN, h); n < shr(newN, h); n++) tiles.push({ h, l: level, n, w: 2 ** h });
    const n = shr(newN, h);
    const maxW = newN - shl(n, h);
    const minW = oldN > shl(n, h) ? oldN - shl(n, h) : 1;
    for (let w = minW; w <= maxW; w++) tiles.push({ h, l: level, n, w });
  }
  return tiles;
}

/** The data of tile `t`: its stored hashes, concatenated. */
export async function readTileData(t: Tile, r: HashReader): Promise<Uint8Array> {
  const size = t.w === 0 ? 2 ** t.h : t.w;
  const start = shl(t.n, t.h);
  const indexes: number[] = [];
  for (let i = 0; i < size; i++) indexes.push(storedHashIndex(t.h * t.l, start + i));
  const hashes = await readExactly(r, indexes);
  return new Uint8Array(Buffer.concat(hashes));
}

const PATH_BASE = 1000;

/** The tile's path: `tile/<H>/<L>/<N>[.p/<W>]`, N in groups of three digits (`x001/234`). */
export function tilePath(t: Tile): string {
  let n = t.n;
  let nStr = String(n % PATH_BASE).padStart(3, '0');
  while (n >= PATH_BASE) {
    n = Math.floor(n / PATH_BASE);
    nStr = `x${String(n % PATH_BASE).padStart(3, '0')}/${nStr}`;
  }
  const p = t.w !== 2 ** t.h ? `.p/${t.w}` : '';
  return `tile/${t.h}/${t.l === -1 ? 'data' : t.l}/${nStr}${p}`;
}

/** Parses a tile path; only the canonical form {@link tilePath} writes is accepted. */
export function parseTilePath(path: string): Tile {
  const bad = () => malformed(`malformed tile path ${JSON.stringify(path.slice(0, 200))}`);
  if (path.length > 200) throw bad();
  let f = path.split('/');
  if (f.length < 4 || f[0] !== 'tile') throw bad();
  const atoi = (s: string): number => (/^[+-]?[0-9]{1,9}$/.test(s) ? Number(s) : Number.NaN);
  const h = atoi(f[1] as string);
  const isData = f[2] === 'data';
  const l = isData ? 0 : atoi(f[2] as string);
  if (Number.isNaN(h) || Number.isNaN(l) || h < 1 || l < 0 || h > 30) throw bad();
  let w = 2 ** h;
  const dotP = f[f.length - 2] as string;
  if (dotP.endsWith('.p')) {
    const ww = atoi(f[f.length - 1] as string);
    if (Number.isNaN(ww) || ww <= 0 || ww >= w) throw bad();
    w = ww;
    f[f.length - 2] = dotP.slice(0, -2);
    f = f.slice(0, -1);
  }
  let n = 0;
  for (const s of f.slice(3)) {
    const nn = atoi(s.startsWith('x') ? s.slice(1) : s);
    if (Number.isNaN(nn) || nn < 0 || nn >= PATH_BASE) throw bad();
    n = n * PATH_BASE + nn;
  }
  const t: Tile = { h, l: isData ? -1 : l, n, w };
  if (!Number.isSafeInteger(n) || tilePath(t) !== path) throw bad();
  return t;
}

/** Where tiles come from: their height, a batch read (all or nothing), and a save of verified tiles. */
export interface TileReader {
  height: number;
  readTiles(tiles: Tile[]): Promise<Uint8Array[]>;
  saveTiles(tiles: Tile[], data: Uint8Array[]): void | Promise<void>;
}

const tileKey = (t: Tile): string => `${t.h}/${t.l}/${t.n}/${t.w}`;

function tileParent(t: Tile, k: number, n: number): Tile | undefined {
  const p: Tile = { h: t.h, l: t.l + k, n: shr(t.n, k * t.h), w: 2 ** t.h };
  const max = shr(n, p.l * p.h);
  if (shl(p.n, p.h) + p.w >= max) {
    if (shl(p.n, p.h) >= max) return undefined;
    p.w = max - shl(p.n, p.h);
  }
  return p;
}

/**
 * A {@link HashReader} that reads hashes from the tiles of `tree`, checking every tile it reads
 * against the tree hash (and each lower tile against its parent) before any hash is used or any
 * tile saved. A tile that does not fit is `sumdb-security` ("downloaded inconsistent tile").
 *
 * `verified` (optional, owned by the caller and used for this one tree only) remembers the tiles
 * already checked against `tree`: a read whose tiles are all there is answered from them without
 * reading or hashing the tiles again (a run of lookups against one tree checks its tiles once).
 */
export function tileHashReader(tree: Tree, tr: TileReader, verified?: Map<string, Uint8Array>): HashReader {
  return async (indexes) => {
    const h = tr.height;
    const tileOrder = new Map<string, number>();
    const tiles: Tile[] = [];
    const stx = subTreeIndex(0, tree.n, []);
    const stxTileOrder: number[] = [];
    for (const x of stx) {
      const tile = tileParent(tileForIndex(h, x).tile, 0, tree.n) as Tile;
      const j = tileOrder.get(tileKey(tile));
      if (j !== undefined) {
        stxTileOrder.push(j);
        continue;
      }
      stxTileOrder.push(tiles.length);
      tileOrder.set(tileKey(tile), tiles.length);
      tiles.push(tile);
    }
    const indexTileOrder: number[] = [];
    for (const x of indexes) {
      if (x >= storedHashIndex(0, tree.n)) throw malformed('indexes not in tree');
      const tile = tileForIndex(h, x).tile;
      let k = 0;
      for (; ; k++) {
        const p = tileParent(tile, k, tree.n);
        if (p === undefined) throw malformed(`tlog: no tile holds index ${x} of tree ${tree.n}`);
        const j = tileOrder.get(tileKey(p));
        if (j !== undefined) {
          if (k === 0) indexTileOrder.push(j);
          break;
        }
      }
      for (k--; k >= 0; k--) {
        const p = tileParent(tile, k, tree.n) as Tile;
        if (p.w !== 2 ** p.h) throw malformed(`tlog: bad math in tileHashReader: ${tree.n} ${x}`);
        tileOrder.set(tileKey(p), tiles.length);
        if (k === 0) indexTileOrder.push(tiles.length);
        tiles.push(p);
      }
    }
    const known = verified === undefined ? undefined : tiles.map((t) => verified.get(tileKey(t)));
    if (known?.every((d) => d !== undefined)) {
      return indexes.map((x, i) => {
        const j = indexTileOrder[i] as number;
        return hashFromTile(tiles[j] as Tile, known[j] as Uint8Array, x);
      });
    }
    const data = await tr.readTiles(tiles);
    if (data.length !== tiles.length) throw malformed('tile reader returned a wrong number of tiles');
    tiles.forEach((t, i) => {
      const d = data[i] as Uint8Array;
      if (d.length !== t.w * HASH_SIZE) {
        throw new SumdbError(
          'sumdb-security',
          `downloaded tile ${tilePath(t)} has ${d.length} bytes, want ${t.w * HASH_SIZE}`,
        );
      }
    });
    const last = stx.length - 1;
    let th = hashFromTile(
      tiles[stxTileOrder[last] as number] as Tile,
      data[stxTileOrder[last] as number] as Uint8Array,
      stx[last] as number,
    );
    for (let i = stx.length - 2; i >= 0; i--) {
      const j = stxTileOrder[i] as number;
      th = nodeHash(hashFromTile(tiles[j] as Tile, data[j] as Uint8Array, stx[i] as number), th);
    }
    if (!hashEqual(th, tree.hash)) throw new SumdbError('sumdb-security', 'downloaded inconsistent tile');
    for (let i = stx.length; i < tiles.length; i++) {
      const tile = tiles[i] as Tile;
      const p = tileParent(tile, 1, tree.n) as Tile;
      const j = tileOrder.get(tileKey(p));
      if (j === undefined) throw malformed(`tlog: lost parent of ${tilePath(tile)}`);
      const ph = hashFromTile(p, data[j] as Uint8Array, storedHashIndex(p.l * p.h, tile.n));
      if (!hashEqual(ph, tileHash(data[i] as Uint8Array))) {
        throw new SumdbError('sumdb-security', 'downloaded inconsistent tile');
      }
    }
    await tr.saveTiles(tiles, data);
    if (verified !== undefined)
      for (const [i, t] of tiles.entries()) verified.set(tileKey(t), data[i] as Uint8Array);
    return indexes.map((x, i) => {
      const j = indexTileOrder[i] as number;
      return hashFromTile(tiles[j] as Tile, data[j] as Uint8Array, x);
    });
  };
}
