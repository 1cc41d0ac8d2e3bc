// tlog hashes, proofs, tiles and tree heads, checked with the scenarios and vectors of x/mod's sumdb/tlog tests.
import { describe, expect, it } from 'vitest';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import {
  checkRecord,
  checkTree,
  formatHash,
  formatRecord,
  formatTree,
  type Hash,
  hashEqual,
  hashFromTile,
  newTiles,
  parseRecord,
  parseTilePath,
  parseTree,
  proveRecord,
  proveTree,
  readTileData,
  recordHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashesForRecordHash,
  storedHashIndex,
  type Tile,
  tileForIndexOf,
  tileHashReader,
  tilePath,
  treeHash,
} from '../../../src/go/sumdb/tlog.js';

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SumdbError) return e.code;
    throw e;
  }
  return 'ok';
}

const key = (t: Tile) => tilePath(t);

describe('the tree of 100 records (TestTree, tile height 2)', () => {
  it('stores, tiles, proves and checks every record and every prefix tree', async () => {
    const storage: Hash[] = [];
    const reader = (ix: number[]) => {
      for (let i = 1; i < ix.length; i++) {
        if ((ix[i - 1] as number) >= (ix[i] as number)) throw new Error('indexes out of order');
      }
      return ix.map((x) => storage[x] as Hash);
    };
    const tiles = new Map<string, Uint8Array>();
    const trees: Hash[] = [];
    const leaves: Hash[] = [];
    const H = 2;
    for (let i = 0; i < 100; i++) {
      const data = `leaf ${i}`;
      const hashes = await storedHashesForRecordHash(i, recordHash(data), reader);
      leaves.push(recordHash(data));
      const oldStorage = storage.length;
      storage.push(...hashes);
      expect(storedHashCount(i + 1)).toBe(storage.length);
      const th = await treeHash(i + 1, reader);
      for (const tile of newTiles(H, i, i + 1)) {
        const d = await readTileData(tile, reader);
        const old = tiles.get(key({ ...tile, w: tile.w - 1 })) ?? new Uint8Array(0);
        expect(Buffer.from(d.subarray(0, old.length)).equals(old)).toBe(true);
        expect(d.length).toBe(old.length + 32);
        tiles.set(key(tile), d);
      }
      for (const tile of [...newTiles(H, 0, i + 1), ...newTiles(H, Math.floor(i / 2), i + 1)]) {
        expect(Buffer.from(await readTileData(tile, reader)).equals(tiles.get(key(tile)) as Uint8Array)).toBe(
          true,
        );
      }
      for (let j = oldStorage; j < storage.length; j++) {
        const tile = tileForIndexOf(H, j);
        const d = tiles.get(key(tile));
        expect(d, tilePath(tile)).toBeDefined();
        expect(hashEqual(hashFromTile(tile, d as Uint8Array, j), storage[j] as Hash)).toBe(true);
      }
      trees.push(th);

      for (let j = 0; j <= i; j++) {
        const p = await proveRecord(i + 1, j, reader);
        checkRecord(p, i + 1, th, j, leaves[j] as Hash);
        for (const ph of p) {
          ph[0] = (ph[0] as number) ^ 1;
          expect(await codeOf(() => checkRecord(p, i + 1, th, j, leaves[j] as Hash))).toBe('sumdb-security');
          ph[0] = (ph[0] as number) ^ 1;
        }
      }

      let unsaved = 0;
      const thr = tileHashReader(
        { n: i + 1, hash: th },
        {
          height: H,
          readTiles: async (ts) => {
            unsaved += ts.length;
            return ts.map((t) => tiles.get(key(t)) as Uint8Array);
          },
          saveTiles: (ts) => {
            unsaved -= ts.length;
          },
        },
      );
      for (let j = 0; j <= i; j++) {
        const [h] = await thr([storedHashIndex(0, j)]);
        expect(hashEqual(h as Hash, leaves[j] as Hash)).toBe(true);
        checkRecord(await proveRecord(i + 1, j, thr), i + 1, th, j, leaves[j] as Hash);
      }
      expect(unsaved).toBe(0);
      expect(await codeOf(() => thr([(i + 1) * 2]))).toBe('sumdb-malformed');
      for (let j = 0; j <= i; j++) {
        expect(hashEqual(await treeHash(j + 1, thr), trees[j] as Hash)).toBe(true);
        const p = await proveTree(i + 1, j + 1, thr);
        checkTree(p, i + 1, th, j + 1, trees[j] as Hash);
        for (const ph of p) {
          ph[0] = (ph[0] as number) ^ 1;
          expect(await codeOf(() => checkTree(p, i + 1, th, j + 1, trees[j] as Hash))).toBe('sumdb-security');
          ph[0] = (ph[0] as number) ^ 1;
        }
      }
      expect(unsaved).toBe(0);
    }
  });

  it('refuses a tile that does not hash to the tree, and a tile of the wrong size', async () => {
    const storage: Hash[] = [];
    const reader = (ix: number[]) => ix.map((x) => storage[x] as Hash);
    for (let i = 0; i < 9; i++)
      storage.push(...(await storedHashesForRecordHash(i, recordHash(`r${i}`), reader)));
    const th = await treeHash(9, reader);
    const tileData = async (t: Tile) => readTileData(t, reader);
    let saved = 0;
    const make = (mutate: (d: Uint8Array) => Uint8Array) =>
      tileHashReader(
        { n: 9, hash: th },
        {
          height: 2,
          readTiles: (ts) => Promise.all(ts.map(async (t) => mutate(await tileData(t)))),
          saveTiles: () => {
            saved++;
          },
        },
      );
    const flip = (d: Uint8Array) => {
      const c = new Uint8Array(d);
      c[0] = (c[0] as number) ^ 1;
      return c;
    };
    expect(await codeOf(() => make(flip)([0]))).toBe('sumdb-security');
    expect(await codeOf(() => make((d) => d.subarray(0, d.length - 1))([0]))).toBe('sumdb-security');
    expect(await codeOf(() => make((d) => new Uint8Array([...d, 0]))([0]))).toBe('sumdb-security');
    expect(saved).toBe(0);
  });

  it('answers from tiles already checked against the same tree, and remembers no refused tile', async () => {
    const storage: Hash[] = [];
    const reader = (ix: number[]) => ix.map((x) => storage[x] as Hash);
    for (let i = 0; i < 9; i++)
      storage.push(...(await storedHashesForRecordHash(i, recordHash(`r${i}`), reader)));
    const tree = { n: 9, hash: await treeHash(9, reader) };
    let reads = 0;
    let bad = false;
    const verified = new Map<string, Uint8Array>();
    const thr = tileHashReader(
      tree,
      {
        height: 2,
        readTiles: (ts) => {
          reads++;
          return Promise.all(
            ts.map(async (t) => {
              const d = new Uint8Array(await readTileData(t, reader));
              if (bad) d[0] = (d[0] as number) ^ 1;
              return d;
            }),
          );
        },
        saveTiles: () => {},
      },
      verified,
    );
    bad = true;
    expect(await codeOf(() => thr([storedHashIndex(0, 0)]))).toBe('sumdb-security');
    expect(verified.size).toBe(0);
    bad = false;
    const want = await Promise.all(Array.from({ length: 9 }, (_, j) => reader([storedHashIndex(0, j)])));
    for (let j = 0; j < 9; j++) expect(await thr([storedHashIndex(0, j)])).toEqual(want[j]);
    const after = reads;
    for (let j = 0; j < 9; j++) expect(await thr([storedHashIndex(0, j)])).toEqual(want[j]);
    expect(reads).toBe(after);
  });
});

describe('stored hash indexes', () => {
  it('splits every index it builds (TestSplitStoredHashIndex)', () => {
    for (let l = 0; l < 10; l++) {
      for (let n = 0; n < 100; n++) expect(splitStoredHashIndex(storedHashIndex(l, n))).toEqual([l, n]);
    }
  });
  it('stays exact above 2^32', () => {
    const n = 2 ** 40 + 12345;
    expect(splitStoredHashIndex(storedHashIndex(3, n))).toEqual([3, n]);
  });
});

// x/mod's own tilePaths run from the installed tlog_test.go in tlog.xmod-tables.test.ts; these are more.
describe('tile paths', () => {
  it.each(['tile/8/0/001.p/256', 'tile/31/0/001'])('refuses %s', async (path) => {
    expect(await codeOf(() => parseTilePath(path))).toBe('sumdb-malformed');
  });
});

describe('tree heads and records (tlog note_test.go)', () => {
  const golden = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';
  it('formats and parses the golden tree', () => {
    const h = recordHash('hello world');
    expect(formatTree({ n: 123456789012, hash: h })).toBe(golden);
    for (const good of [golden, `${golden}JOE`, `${golden}JOE\n`, golden + 'JOE\n'.repeat(1000)]) {
      const t = parseTree(good);
      expect([t.n, formatHash(t.hash)]).toEqual([123456789012, formatHash(h)]);
    }
  });
  it.each([
    `not-${golden}`,
    'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
    'go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
  ])('refuses the malformed tree %j', async (bad) => {
    expect(await codeOf(() => parseTree(bad))).toBe('sumdb-malformed');
  });
  it('formats records and refuses bad record texts', async () => {
    expect(formatRecord(123456789012, 'hello, world\n')).toBe('123456789012\nhello, world\n\n');
    for (const bad of ['', 'hello\nworld', 'hello\n\nworld\n', 'hello\x01world\n']) {
      expect(await codeOf(() => formatRecord(1, bad))).toBe('sumdb-malformed');
    }
  });
  it('parses records with their rest and refuses bad ones', async () => {
    const r = parseRecord(Buffer.from('123456789012\nhello, world\n\njunk on end\x01\xff', 'latin1'));
    expect([r.id, r.text, Buffer.from(r.rest).toString('latin1')]).toEqual([
      123456789012,
      'hello, world\n',
      'junk on end\x01\xff',
    ]);
    expect(parseRecord(Buffer.from('123456789012\nhello, world\n\n')).rest.length).toBe(0);
    for (const bad of [
      'not-123456789012\nhello, world\n\n',
      '123\nhello\x01world\n\n',
      '123\nhello\xffworld\n\n',
      '123\nhello world\n',
      '0x123\nhello world\n\n',
    ]) {
      expect(await codeOf(() => parseRecord(Buffer.from(bad, 'latin1')))).toBe('sumdb-malformed');
    }
  });
});
