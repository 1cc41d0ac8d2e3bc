// URL joins that keep a base URL's query (a proxy or index token), for every request built from a base.

/** Whether `url` is a `file://` URL: a local file or folder, not the network. Pure. */
export function isFileUrl(url: string): boolean {
  return /^file:\/\//i.test(url);
}

/**
 * `base` with `rel` appended to its path, its query (`?token=…`) kept on the result: a GOPROXY or
 * index URL that authenticates by query must carry it on every request, and the query must never
 * end up in the middle of the path. `rel` is an already-escaped relative path. Pure.
 *
 * @example
 * ```ts
 * joinUrlPath('https://proxy.example/go?token=X', 'example.com/geo/@v/list');
 * // 'https://proxy.example/go/example.com/geo/@v/list?token=X'
 * ```
 */
export function joinUrlPath(base: string, rel: string): string {
  const q = base.search(/[?#]/);
  const head = q < 0 ? base : base.slice(0, q);
  const tail = q < 0 ? '' : base.slice(q);
  const query = tail.startsWith('?') ? tail.split('#')[0]! : '';
  return `${head.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}${query}`;
}
