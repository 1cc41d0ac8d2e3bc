// Bounded concurrency on this thread for I/O-bound work over many items (modules, files), with results in input order.
// (CPU-bound work goes to worker threads: see workers.ts.)

/**
 * Maps `items` through `work` with at most `limit` in flight and returns the results in input
 * order. `emit`, when given, is called with each result in input order as soon as it and all
 * earlier ones are done, so output stays deterministic while work overlaps. Fails like the
 * sequential loop would: after a failure no further item is started, the ones in flight are
 * awaited, and the failure of the earliest item is thrown (every earlier item was started and
 * succeeded, so the outcome does not depend on timing); nothing at or after it is emitted.
 */
export async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  emit?: (result: R, index: number) => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const done: boolean[] = new Array(items.length).fill(false);
  let next = 0;
  let emitted = 0;
  type Failure = { index: number; error: unknown };
  const state: { failure?: Failure } = {};
  const worker = async () => {
    while (state.failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i] as T, i);
        done[i] = true;
      } catch (error) {
        // Another worker may have failed while this item was awaited.
        const earlier = state.failure as Failure | undefined;
        if (earlier === undefined || i < earlier.index) state.failure = { index: i, error };
      }
      if (emit !== undefined) {
        while (emitted < items.length && done[emitted]) {
          emit(results[emitted] as R, emitted);
          emitted++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (state.failure !== undefined) throw state.failure.error;
  return results;
}
