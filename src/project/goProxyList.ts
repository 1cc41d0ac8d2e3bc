// The GOPROXY list as `lock` reads it, in a module of its own (no Go proxy client loaded).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
