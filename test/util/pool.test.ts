import { describe, expect, it } from 'vitest';
import { mapInOrder } from '../../src/util/pool.js';

/** A promise the test settles by hand, so the order things finish in is chosen, not timed. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending callback run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('mapInOrder', () => {
  it('returns and emits results in input order with at most `limit` in flight, whatever finishes first', async () => {
    const gates = Array.from({ length: 6 }, () => deferred<void>());
    let inFlight = 0;
    let most = 0;
    const emitted: string[] = [];
    const p = mapInOrder(
      [0, 1, 2, 3, 4, 5],
      3,
      async (i) => {
        most = Math.max(most, ++inFlight);
        await gates[i]!.promise;
        inFlight--;
        return `r${i}`;
      },
      (r, i) => emitted.push(`${i}:${r}`),
    );
    // Finish in the order 2, 1, 4, 0, 5, 3.
    for (const i of [2, 1, 4, 0, 5, 3]) {
      await settle();
      gates[i]!.resolve();
      if (i === 1) expect(emitted).toEqual([]); // item 0 still runs: nothing may be emitted
    }
    expect(await p).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(emitted).toEqual(['0:r0', '1:r1', '2:r2', '3:r3', '4:r4', '5:r5']);
    expect(most).toBe(3);
  });

  it('throws the earliest failing item, whatever fails first, starts nothing after a failure and emits nothing from it on', async () => {
    const gates = Array.from({ length: 8 }, () => deferred<void>());
    const started: number[] = [];
    const emitted: number[] = [];
    const p = mapInOrder(
      [0, 1, 2, 3, 4, 5, 6, 7],
      3,
      async (i) => {
        started.push(i);
        await gates[i]!.promise;
        if (i === 1) throw new Error('one');
        if (i === 2) throw new Error('two');
        return i;
      },
      (r) => emitted.push(r),
    );
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    // Item 2 fails first, item 1 later: the error is still item 1's, as in a sequential loop.
    gates[2]!.resolve();
    await settle();
    gates[3]!.resolve();
    gates[1]!.resolve();
    await expect(p).rejects.toThrow('one');
    expect(started).toEqual([0, 1, 2, 3]);
    expect(emitted).toEqual([0]);
  });

  it('handles an empty list', async () => {
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
  });
});
