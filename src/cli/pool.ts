// A bounded worker pool for commands that handle many modules: results come back in input order.

/**
 * Runs `work` over `items` with at most `limit` in flight and calls `emit` for each result in input
 * order as soon as it and all earlier ones are done, so output stays deterministic while work
 * overlaps.
 */
export async function inOrderPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  emit: (result: R, index: number) => void,
): Promise<R[]> {
  const results: (R | undefined)[] = new Array(items.length);
  const done: boolean[] = new Array(items.length).fill(false);
  let next = 0;
  let emitted = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await work(items[i] as T, i);
      done[i] = true;
      while (emitted < items.length && done[emitted]) {
        emit(results[emitted] as R, emitted);
        emitted++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results as R[];
}
