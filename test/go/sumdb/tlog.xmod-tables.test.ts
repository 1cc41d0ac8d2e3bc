// x/mod's sumdb/tlog test tables (tlog_test.go), read from the installed sources at test time.
import { beforeAll, expect, it } from 'vitest';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import { parseTilePath, type Tile, tilePath } from '../../../src/go/sumdb/tlog.js';
import { describeWithOracle } from '../../support/oracles.js';
import { xmodTables, xmodTablesOracle } from '../xmod.js';

describeWithOracle(xmodTablesOracle(), "x/mod's own sumdb/tlog tests", () => {
  let tables: Record<string, unknown[]>;
  beforeAll(() => {
    tables = xmodTables(['sumdb/tlog']);
  });

  it('tilePaths (TestTilePath): tilePath and parseTilePath', () => {
    const t = tables['sumdb/tlog.tilePaths'] as { path: string; tile: number[] }[] | undefined;
    if (t === undefined) throw new Error('x/mod test table sumdb/tlog.tilePaths not found');
    expect(t.length).toBeGreaterThan(6);
    let refused = 0;
    for (const { path, tile: fields } of t) {
      // Tile{H, L, N, W}; the zero Tile marks a path ParseTilePath refuses.
      if (fields.length === 0) {
        expect(() => parseTilePath(path), path).toThrow(SumdbError);
        refused++;
        continue;
      }
      const [h, l, n, w] = fields as [number, number, number, number];
      const tile: Tile = { h, l, n, w };
      expect(tilePath(tile), path).toBe(path);
      expect(parseTilePath(path), path).toEqual(tile);
    }
    expect(refused).toBeGreaterThan(0);
  });
});
