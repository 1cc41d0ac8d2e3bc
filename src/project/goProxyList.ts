// The GOPROXY list as `lock` reads it, in a module of its own (no Go proxy client loaded).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isFileUrl } from '../util/url.js';

/**
 * A GOPROXY list as cmd/go reads it, except that an entry starting with `.` or `/` is a directory
 * served as a `file://` proxy (resolved against `cwd`). `undefined` stays undefined (the default proxy).
 */
export function goProxyList(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/([,|])/)
    .map((part) => {
      const t = part.trim();
      return t.startsWith('.') || t.startsWith('/') ? pathToFileURL(resolve(cwd, t)).href : part;
    })
    .join('');
}

/**
 * The GOPROXY list of an `--offline` run: its `file://` entries (local folders are not the network,
 * as uv's `--offline` still reads local files), in order, then `off` — so a module that no local
 * proxy has is looked up in the module cache only. A list without local entries is `off`.
 */
export function offlineGoProxyList(list: string | undefined): string {
  const local = (list ?? '')
    .split(/[,|]/)
    .map((p) => p.trim())
    .filter(isFileUrl);
  return [...local, 'off'].join(',');
}
