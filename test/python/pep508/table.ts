// A table of (question, answer) rows checked against us, and against packaging 26 when it is installed.
import { describe, expect, it } from 'vitest';
import { describeWithOracle, packagingOracle } from '../../support/oracles.js';
import { askTable, type TableQuestion } from './table-oracle.js';
import { ourAnswer } from './table-ours.js';

export type Row = [TableQuestion, unknown];

/** Two suites: our answer per row, and packaging 26's answers to all rows in one process. */
export function tableSuites(title: string, rows: readonly Row[]): void {
  describe(title, () => {
    it.each(rows)('%j → %j', (q, want) => {
      expect(ourAnswer(q)).toEqual(want);
    });
  });

  describeWithOracle(packagingOracle(), `${title}: packaging 26 gives the tabled answers`, () => {
    it(`answers all ${rows.length} rows as tabled`, () => {
      const answers = askTable(rows.map((r) => r[0]));
      const bad = rows
        .map((r, i) => ({ question: r[0], tabled: r[1], packaging: answers[i] }))
        .filter((x) => JSON.stringify(x.packaging) !== JSON.stringify(x.tabled));
      expect(bad).toEqual([]);
    });
  });
}
