// GOPROXY list parsing with cmd/go's rules: `,` and `|` separators, `off`, `direct`, implicit https://.
import { redactUrls } from '../../errors.js';
import { ProxyConfigError } from './errors.js';

/** The proxy used when GOPROXY is unset or empty (cmd/go's default, without `direct`). */
export const DEFAULT_PROXY_URL = 'https://proxy.golang.org';

/** One entry of a GOPROXY list. */
export type ProxySpec =
  | {
      readonly kind: 'url';
      /** The proxy base URL (may carry credentials; redact before printing). */
      readonly url: string;
      /**
       * True when the entry was followed by `|`: fall through to the next entry on any error.
       * False for `,` (or the last entry): fall through only on not-found (404/410).
       */
      readonly fallBackOnError: boolean;
    }
  | { readonly kind: 'off' }
  | { readonly kind: 'direct' };

/**
 * Parses a GOPROXY value the way cmd/go does: entries split on `,` (fall through on not-found only)
 * or `|` (fall through on any error), blanks skipped, `off` and `direct` end the list (later entries
 * are ignored), a bare host such as `proxy.example.com` gains `https://`. Accepted schemes are
 * `https`, `http` and `file`. An empty value means {@link DEFAULT_PROXY_URL}.
 *
 * @example parseGoProxy('https://a.example|file:///srv/mods,off')
 */
export function parseGoProxy(value: string | undefined): ProxySpec[] {
  let rest = value === undefined || value.trim() === '' ? DEFAULT_PROXY_URL : value;
  const list: ProxySpec[] = [];
  while (rest !== '') {
    let entry: string;
    let fallBackOnError = false;
    const i = rest.search(/[,|]/);
    if (i >= 0) {
      entry = rest.slice(0, i);
      fallBackOnError = rest[i] === '|';
      rest = rest.slice(i + 1);
    } else {
      entry = rest;
      rest = '';
    }
    entry = entry.trim();
    if (entry === '') continue;
    if (entry === 'off') {
      list.push({ kind: 'off' });
      break;
    }
    if (entry === 'direct') {
      list.push({ kind: 'direct' });
      break;
    }
    // cmd/go: single words are reserved; anything with `.`, `:` or `/` that is not already a URL
    // (no `:/`) nor an absolute path is a host name and gets https://.
    if (/[.:/]/.test(entry) && !entry.includes(':/') && !isAbsolutePath(entry)) entry = `https://${entry}`;
    checkProxyUrl(entry);
    list.push({ kind: 'url', url: entry, fallBackOnError });
  }
  if (list.length === 0) {
    throw new ProxyConfigError(
      'proxy-config',
      'GOPROXY list is not the empty string, but contains no entries',
      {
        url: value,
      },
    );
  }
  return list;
}

function isAbsolutePath(s: string): boolean {
  return s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\');
}

/** Throws a `proxy-config` error unless `url` is an absolute http, https or file URL. */
export function checkProxyUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProxyConfigError('proxy-config', `invalid proxy URL missing scheme: ${redactUrls(url)}`, {});
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'file:') {
    throw new ProxyConfigError(
      'proxy-config',
      `invalid proxy URL scheme (must be https, http, file): ${redactUrls(url)}`,
      {},
    );
  }
  return u;
}
