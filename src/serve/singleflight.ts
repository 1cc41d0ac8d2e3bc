// One in-flight promise per key: concurrent callers for the same key share the first call's result.

/**
 * Runs `f` once per key at a time: callers arriving while it runs get the same promise (and the
 * same error). The key is forgotten when the call settles, so a later call starts afresh.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** How many keys are being fetched right now. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Whether a call for `key` is running. */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  do(key: string, f: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running !== undefined) return running;
    const p = f().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }
}
