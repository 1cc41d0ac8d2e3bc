// ~/.netrc credentials for proxy hosts, parsed the way cmd/go reads them (machine, login, password).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One `machine` entry of a netrc file. */
export interface NetrcEntry {
  readonly machine: string;
  readonly login: string;
  readonly password: string;
}

/** Username and password for HTTP Basic authentication. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** netrc files larger than this are ignored: a credentials file is a few lines. */
const MAX_NETRC_BYTES = 1 << 20;

/**
 * Parses netrc text into its `machine` entries, in file order. Like cmd/go, `default` entries are
 * ignored (sending a default password to every proxy would leak it), `macdef` bodies are skipped
 * up to the next blank line, and an entry lacking a login or a password is dropped.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const out: NetrcEntry[] = [];
  let cur: { machine?: string; login?: string; password?: string } | undefined;
  const flush = () => {
    if (cur?.machine !== undefined && cur.login !== undefined && cur.password !== undefined) {
      out.push({ machine: cur.machine, login: cur.login, password: cur.password });
    }
    cur = undefined;
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const fields = (lines[i] ?? '').trim().split(/\s+/).filter(Boolean);
    for (let j = 0; j < fields.length; j++) {
      const key = fields[j];
      if (key === 'macdef') {
        // A macro body runs to the next empty line; it holds no credentials.
        flush();
        while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== '') i++;
        break;
      }
      if (key === 'default') {
        flush();
        cur = {};
        continue;
      }
      const value = fields[j + 1];
      if (value === undefined) break;
      if (key === 'machine') {
        flush();
        cur = { machine: value };
        j++;
      } else if (key === 'login' || key === 'password' || key === 'account') {
        if (cur && key !== 'account') cur[key] = value;
        j++;
      }
    }
  }
  flush();
  return out;
}

/** The first entry whose machine equals `host` (`name` or `name:port`, as in a URL's host). */
export function lookupNetrc(entries: readonly NetrcEntry[], host: string): Credentials | undefined {
  const e = entries.find((x) => x.machine === host);
  return e ? { username: e.login, password: e.password } : undefined;
}

/** Where cmd/go looks: `$NETRC`, else `~/.netrc` (`~/_netrc` on Windows). */
export function netrcPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.NETRC) return env.NETRC;
  return join(home, process.platform === 'win32' ? '_netrc' : '.netrc');
}

/** Reads and parses the user's netrc file; a missing, unreadable or oversized file means no entries. */
export async function loadNetrc(path: string): Promise<NetrcEntry[]> {
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_NETRC_BYTES) return [];
    return parseNetrc(buf.toString('utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') return [];
    throw e;
  }
}
