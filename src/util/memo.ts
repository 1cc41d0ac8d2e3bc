// A bounded memo of a pure function of a string, for parsing that repeats on a hot path (module
// paths, GOPROXY request paths, PEP 440 versions).

/** Bounds of {@link memoize}. */
export interface MemoBounds {
  /** Most strings remembered; the memo is emptied whole when full. Default 10,000. */
  readonly max?: number;
  /** Longer strings are computed every time, never remembered (bounds memory on hostile input). */
  readonly maxKeyLength?: number;
}

/**
 * Wraps `f` (pure: the same string always gives the same answer, read-only) with a bounded memo.
 * A call that throws is not remembered, so a refused input is refused again every time.
 */
export function memoize<T>(f: (s: string) => T, bounds: MemoBounds = {}): (s: string) => T {
  const max = bounds.max ?? 10_000;
  const maxKeyLength = bounds.maxKeyLength ?? Number.POSITIVE_INFINITY;
  const memo = new Map<string, T>();
  return (s) => {
    if (memo.has(s)) return memo.get(s) as T;
    const v = f(s);
    if (s.length > maxKeyLength) return v;
    if (memo.size >= max) memo.clear();
    memo.set(s, v);
    return v;
  };
}
