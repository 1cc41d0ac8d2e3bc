import { describe, expect, it } from 'vitest';
import { mapInOrder } from '../../src/util/pool.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapInOrder', () => {
  it('returns results in input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapInOrder([30, 5, 20, 1, 10, 2], 3, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    expect(most).toBe(3);
  });

  it('throws the earliest failing item, whatever finishes first, and starts nothing after a failure', async () => {
    const started: number[] = [];
    const p = mapInOrder([0, 1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      started.push(i);
      // item 2 fails first, item 1 later: the error is still item 1's, as in a sequential loop
      if (i === 1) {
        await sleep(30);
        throw new Error('one');
      }
      if (i === 2) {
        await sleep(5);
        throw new Error('two');
      }
      await sleep(1);
      return i;
    });
    await expect(p).rejects.toThrow('one');
    expect(Math.max(...started)).toBeLessThan(7);
  });

  it('handles an empty list', async () => {
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
  });
});
