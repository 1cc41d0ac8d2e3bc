// Differential test: tree hashes, record and tree proofs and tiles of random trees, ours vs x/mod's sumdb/tlog.
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  formatHash,
  type Hash,
  newTiles,
  proveRecord,
  proveTree,
  readTileData,
  recordHash,
  storedHashesForRecordHash,
  tilePath,
  treeHash,
} from '../../../src/go/sumdb/tlog.js';
import { buildGoProgram, describeWithOracle, goOracle, runOracle } from '../../support/oracles.js';

interface Answer {
  treeHashes: string[];
  storedCount: number;
  recordProofs: string[][] | null;
  treeProofs: string[][] | null;
  tiles: Record<string, string>;
}

describeWithOracle(goOracle(), 'tlog against x/mod', () => {
  it('agrees on random trees (hashes, proofs, tiles)', async () => {
    const bin = buildGoProgram(join(import.meta.dirname, '../../oracles/sumdb/main.go'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
        async (records, tileHeight, picks) => {
          const size = records.length;
          const recordProofs = picks.map(([a, b]) => {
            const t = (a % size) + 1;
            return [t, b % t] as [number, number];
          });
          const treeProofs = picks.map(([a, b]) => {
            const t = (a % size) + 1;
            return [t, (b % t) + 1] as [number, number];
          });
          const want = JSON.parse(
            runOracle(bin, ['tlog'], JSON.stringify({ records, recordProofs, treeProofs, tileHeight })),
          ) as Answer;
          const storage: Hash[] = [];
          const reader = (ix: number[]) => ix.map((x) => storage[x] as Hash);
          const hashes: string[] = [];
          for (let i = 0; i < size; i++) {
            storage.push(...(await storedHashesForRecordHash(i, recordHash(records[i] as string), reader)));
            hashes.push(formatHash(await treeHash(i + 1, reader)));
          }
          expect(hashes).toEqual(want.treeHashes);
          expect(storage.length).toBe(want.storedCount);
          const rp = await Promise.all(recordProofs.map(([t, n]) => proveRecord(t, n, reader)));
          expect(rp.map((p) => p.map(formatHash))).toEqual(want.recordProofs ?? []);
          const tp = await Promise.all(treeProofs.map(([t, n]) => proveTree(t, n, reader)));
          expect(tp.map((p) => p.map(formatHash))).toEqual(want.treeProofs ?? []);
          const tiles: Record<string, string> = {};
          for (const t of newTiles(tileHeight, 0, size)) {
            tiles[tilePath(t)] = Buffer.from(await readTileData(t, reader)).toString('base64');
          }
          expect(tiles).toEqual(want.tiles);
        },
      ),
      { numRuns: 40 },
    );
  });
});
