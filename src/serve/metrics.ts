// Prometheus-format counters of `serve`: requests, cache hits, upstream latency, bytes, refused artifacts.

/** Upper bounds (seconds) of the upstream latency histogram. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** The counters one `serve` instance keeps; `render` prints them in the Prometheus text format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private hits = 0;
  private misses = 0;
  private bytesOut = 0;
  private bytesUp = 0;
  private refused = 0;
  private readonly upstreamCount = new Map<string, number>();
  private readonly upstreamSum = new Map<string, number>();
  private readonly upstreamBuckets = new Map<string, number[]>();

  request(area: string, status: number, bytes: number): void {
    const k = `area="${area}",code="${status}"`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
    this.bytesOut += bytes;
  }

  cache(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }

  upstream(op: string, ms: number): void {
    this.upstreamCount.set(op, (this.upstreamCount.get(op) ?? 0) + 1);
    this.upstreamSum.set(op, (this.upstreamSum.get(op) ?? 0) + ms / 1000);
    const b = this.upstreamBuckets.get(op) ?? BUCKETS.map(() => 0);
    for (const [i, le] of BUCKETS.entries()) if (ms / 1000 <= le) b[i] = (b[i] ?? 0) + 1;
    this.upstreamBuckets.set(op, b);
  }

  upstreamBytes(n: number): void {
    this.bytesUp += n;
  }

  /** An upstream artifact failed verification (hash, database, size) and was dropped. */
  rejected(): void {
    this.refused++;
  }

  /** How many upstream calls of `op` were made (tests count pull-throughs with it). */
  upstreamCalls(op: string): number {
    return this.upstreamCount.get(op) ?? 0;
  }

  render(): string {
    const out: string[] = [];
    const sorted = <V>(m: Map<string, V>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out.push('# HELP mochi_serve_requests_total Requests answered, by area and status code.');
    out.push('# TYPE mochi_serve_requests_total counter');
    for (const [k, v] of sorted(this.requests)) out.push(`mochi_serve_requests_total{${k}} ${v}`);
    out.push(
      '# HELP mochi_serve_cache_total Artifact lookups answered from the store (hit) or upstream (miss).',
    );
    out.push('# TYPE mochi_serve_cache_total counter');
    out.push(`mochi_serve_cache_total{result="hit"} ${this.hits}`);
    out.push(`mochi_serve_cache_total{result="miss"} ${this.misses}`);
    out.push('# HELP mochi_serve_response_bytes_total Body bytes sent to clients.');
    out.push('# TYPE mochi_serve_response_bytes_total counter');
    out.push(`mochi_serve_response_bytes_total ${this.bytesOut}`);
    out.push(
      '# HELP mochi_serve_upstream_bytes_total Artifact bytes pulled from upstreams (module zips, Python files).',
    );
    out.push('# TYPE mochi_serve_upstream_bytes_total counter');
    out.push(`mochi_serve_upstream_bytes_total ${this.bytesUp}`);
    out.push(
      '# HELP mochi_serve_rejected_total Upstream artifacts that failed verification and were dropped.',
    );
    out.push('# TYPE mochi_serve_rejected_total counter');
    out.push(`mochi_serve_rejected_total ${this.refused}`);
    out.push('# HELP mochi_serve_upstream_seconds Latency of upstream calls, by operation.');
    out.push('# TYPE mochi_serve_upstream_seconds histogram');
    for (const [op, count] of sorted(this.upstreamCount)) {
      const b = this.upstreamBuckets.get(op) ?? [];
      for (const [i, le] of BUCKETS.entries()) {
        out.push(`mochi_serve_upstream_seconds_bucket{op="${op}",le="${le}"} ${b[i] ?? 0}`);
      }
      out.push(`mochi_serve_upstream_seconds_bucket{op="${op}",le="+Inf"} ${count}`);
      out.push(`mochi_serve_upstream_seconds_sum{op="${op}"} ${(this.upstreamSum.get(op) ?? 0).toFixed(6)}`);
      out.push(`mochi_serve_upstream_seconds_count{op="${op}"} ${count}`);
    }
    return `${out.join('\n')}\n`;
  }
}
