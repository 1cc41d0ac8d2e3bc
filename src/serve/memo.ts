// A bounded memo of a pure function of a string, for per-request parsing that repeats.

/**
 * Wraps `f` (pure: the same string always gives the same answer) with a memo of at most `max`
 * entries, emptied whole when full. A call that throws is not remembered.
 */
export function memoize<T>(f: (s: string) => T, max = 10_000): (s: string) => T {
  const memo = new Map<string, T>();
  return (s) => {
    if (memo.has(s)) return memo.get(s) as T;
    const v = f(s);
    if (memo.size >= max) memo.clear();
    memo.set(s, v);
    return v;
  };
}
