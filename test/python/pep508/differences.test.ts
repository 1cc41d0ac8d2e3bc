// The table of packaging 21.3 → 26 differences in docs/python.md, checked against both releases and us.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithOracle, packagingOracle } from '../../support/oracles.js';
import { askTable, type TableQuestion } from './table-oracle.js';
import { ourAnswer } from './table-ours.js';

interface Difference {
  behaviour: string;
  question: TableQuestion;
  old: unknown;
  current: unknown;
}

function differences(): Difference[] {
  const doc = readFileSync(new URL('../../../docs/python.md', import.meta.url), 'utf8');
  const block = doc.split('<!-- differences:start -->')[1]!.split('<!-- differences:end -->')[0]!;
  return block
    .split('\n')
    .filter((line) => line.startsWith('| ') && line.includes('`['))
    .map((line) => {
      const cells = line
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim());
      const code = (c: string) => JSON.parse(c.replace(/^`|`$/g, '')) as unknown;
      return {
        behaviour: cells[0]!,
        question: code(cells[1]!) as TableQuestion,
        old: code(cells[2]!),
        current: code(cells[3]!),
      };
    });
}

const rows = differences();

describe('docs/python.md: behaviours that differ from packaging 21.3', () => {
  it('lists at least twenty differences, each a real difference', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) expect(JSON.stringify(r.old)).not.toBe(JSON.stringify(r.current));
  });

  it.each(rows.map((r) => [r.behaviour, r.question, r.current] as const))(
    '%s: %j → %j (ours)',
    (_, q, want) => {
      expect(ourAnswer(q)).toEqual(want);
    },
  );
});

describeWithOracle(packagingOracle(), 'docs/python.md differences against packaging 26 and 21.3', () => {
  it('packaging 26 answers the "26" column', () => {
    const answers = askTable(rows.map((r) => r.question));
    expect(rows.filter((r, i) => JSON.stringify(answers[i]) !== JSON.stringify(r.current))).toEqual([]);
  });

  it('pip\'s vendored packaging 21.3 answers the "21.3" column', () => {
    const answers = askTable(
      rows.map((r) => r.question),
      'pip._vendor.packaging',
    );
    expect(rows.filter((r, i) => JSON.stringify(answers[i]) !== JSON.stringify(r.old))).toEqual([]);
  });
});
