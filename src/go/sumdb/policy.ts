// Which checksum database verifies which module: GOSUMDB, GONOSUMDB and GOPRIVATE as cmd/go reads them.
import { SumdbError } from './errors.js';
import { newVerifier, SUM_GOLANG_ORG_KEY } from './note.js';

/** Databases cmd/go knows by name alone (modfetch/key.go). */
const KNOWN_GOSUMDB: Readonly<Record<string, string>> = { 'sum.golang.org': SUM_GOLANG_ORG_KEY };

/** A checksum database as GOSUMDB names it. */
export interface SumdbConfig {
  /** The database name (the key's name), e.g. `sum.golang.org`. */
  name: string;
  /** The verifier key. */
  key: string;
  /** `https://<name>`: where the database is when no URL is given. */
  direct: string;
  /** The URL given after the key in GOSUMDB; it bypasses the proxy, as in cmd/go. */
  url: string | undefined;
}

/** The environment variables that decide checksum database use (unset and empty are the same). */
export interface SumdbEnv {
  GOSUMDB?: string | undefined;
  GONOSUMDB?: string | undefined;
  GOPRIVATE?: string | undefined;
  /** The per-request timeout of the database client in ms (for tests and slow links); default 30 s. */
  MOCHI_SUMDB_TIMEOUT_MS?: string | undefined;
}

const envOr = (v: string | undefined, def: string): string => (v === undefined || v === '' ? def : v);

function configError(value: string, what: string, cause?: unknown): SumdbError {
  return new SumdbError('sumdb-config', `invalid GOSUMDB ${JSON.stringify(value)}: ${what}`, {
    hint: 'GOSUMDB is off, sum.golang.org, <name>+<hash>+<key>, or "<name>+<hash>+<key> <url>"',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Reads GOSUMDB as cmd/go's dbDial does: `off`, a known name, a verifier key, or a key and a
 * URL (whitespace-separated). Unset or empty means `sum.golang.org`.
 *
 * @example
 * ```ts
 * parseGosumdb('off'); // 'off'
 * (parseGosumdb(undefined) as SumdbConfig).name; // 'sum.golang.org'
 * ```
 */
export function parseGosumdb(value: string | undefined): SumdbConfig | 'off' {
  let v = envOr(value, 'sum.golang.org');
  if (v === 'off') return 'off';
  if (v === 'sum.golang.google.cn') v = 'sum.golang.org https://sum.golang.google.cn';
  const fields = v.split(/[\t\n\v\f\r \u0085\u00a0]+/).filter((f) => f !== '');
  if (fields.length === 0) throw configError(v, 'missing GOSUMDB');
  if (fields.length > 2) throw configError(v, 'too many fields');
  const key = KNOWN_GOSUMDB[fields[0] as string] ?? (fields[0] as string);
  let name: string;
  try {
    name = newVerifier(key).name;
  } catch (e) {
    if (e instanceof SumdbError) throw configError(v, e.message, e);
    throw e;
  }
  // "No funny business in the database name": host[/path], nothing else.
  if (name.endsWith('/') || !/^[^/?#@\\%\s]+(\/[^?#\\%\s]*)?$/.test(name)) {
    throw configError(v, `invalid sumdb name (must be host[/path]): ${name}`);
  }
  let url: string | undefined;
  if (fields.length === 2) {
    url = fields[1] as string;
    let u: URL;
    try {
      u = new URL(url);
    } catch (e) {
      throw configError(v, `invalid GOSUMDB URL: ${url}`, e);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw configError(v, `GOSUMDB URL is not http(s): ${url}`);
  }
  return { name, key, direct: `https://${name}`, url };
}

/**
 * path.Match as a regular expression: `*` is any run of non-`/` characters, `?` one non-`/`
 * character, `[...]` a class (`^` negates, `a-z` ranges, `\` escapes). Undefined for a malformed
 * pattern (which, as in Go, matches nothing).
 */
function globRegExp(glob: string): RegExp | undefined {
  let re = '';
  const cs = [...glob];
  // Every non-alphanumeric character as a \u{…} escape: literal both inside and outside classes.
  const lit = (c: string) =>
    /^[A-Za-z0-9]$/.test(c) ? c : `\\u{${(c.codePointAt(0) as number).toString(16)}}`;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (++i >= cs.length) return undefined;
      re += lit(cs[i] as string);
    } else if (c === '[') {
      i++;
      let neg = false;
      if (cs[i] === '^') {
        neg = true;
        i++;
      }
      let cls = '';
      let n = 0;
      for (;;) {
        if (i >= cs.length) return undefined;
        if (cs[i] === ']' && n > 0) break;
        // Go's getEsc: an unescaped `-` or `]` cannot start or end a range; `\` escapes one character.
        const esc = (): string | undefined => {
          let c = cs[i];
          if (c === undefined || c === '-' || c === ']') return undefined;
          if (c === '\\') c = cs[++i];
          i++;
          return c;
        };
        const lo = esc();
        if (lo === undefined) return undefined;
        let hi = lo;
        if (cs[i] === '-') {
          i++;
          const h = esc();
          if (h === undefined) return undefined;
          hi = h;
        }
        // A reversed range is valid in Go and matches nothing.
        if ((hi.codePointAt(0) as number) >= (lo.codePointAt(0) as number)) {
          cls += lo === hi ? lit(lo) : `${lit(lo)}-${lit(hi)}`;
        }
        n++;
      }
      if (cls === '') re += neg ? '[\\s\\S]' : '[^\\s\\S]';
      else re += neg ? `[^${cls}]` : `[${cls}]`;
    } else re += lit(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

/**
 * x/mod's module.MatchPrefixPatterns: whether any glob of the comma-separated list matches a
 * leading run of path elements of `target` (`*.corp.example.com,rsc.io/private`).
 */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  for (let glob of globs.split(',')) {
    if (glob.endsWith('/')) glob = glob.slice(0, -1);
    if (glob === '') continue;
    let n = glob.split('/').length - 1;
    let prefix = target;
    for (let i = 0; i < target.length; i++) {
      if (target[i] === '/') {
        if (n === 0) {
          prefix = target.slice(0, i);
          break;
        }
        n--;
      }
    }
    if (n > 0) continue;
    if (globRegExp(glob)?.test(prefix)) return true;
  }
  return false;
}

/** Whether cmd/go would check `modulePath` against the checksum database (modfetch.useSumDB). */
export function useSumdb(env: SumdbEnv, modulePath: string): boolean {
  if (envOr(env.GOSUMDB, 'sum.golang.org') === 'off') return false;
  return !matchPrefixPatterns(envOr(env.GONOSUMDB, env.GOPRIVATE ?? ''), modulePath);
}

/** Answers the HTTP status of a GET of `url` (throws `sumdb-http` when there is no answer). */
export type StatusProbe = (url: string) => Promise<number>;

/**
 * Where to reach the database, as cmd/go's dbClient.initBase decides: the URL given in GOSUMDB;
 * else the first proxy of GOPROXY that answers `<proxy>/sumdb/<name>/supported` (a proxy after
 * `,` is tried only when the one before answered 404 or 410, after `|` on any failure); else,
 * at `direct` or `off` or when every proxy said not found, `https://<name>`.
 */
export async function sumdbBaseUrl(
  config: SumdbConfig,
  goproxy: string | undefined,
  probe: StatusProbe,
): Promise<string> {
  if (config.url !== undefined) return config.url.replace(/\/+$/, '');
  const list = envOr(goproxy, 'https://proxy.golang.org,direct');
  const re = /([^,|]+)([,|]?)/g;
  for (let m = re.exec(list); m !== null; m = re.exec(list)) {
    const proxy = (m[1] as string).trim().replace(/\/+$/, '');
    if (proxy === 'direct' || proxy === 'off') return config.direct;
    // The separator after a proxy says when the next one may be tried: `|` after any failure.
    const fallBackOnAnyError = m[2] === '|';
    const base = `${proxy}/sumdb/${config.name}`;
    let status: number;
    try {
      status = await probe(`${base}/supported`);
    } catch (e) {
      if (!(e instanceof SumdbError && e.code === 'sumdb-http') || !fallBackOnAnyError) throw e;
      continue;
    }
    if (status === 200) return base;
    if (status !== 404 && status !== 410 && !fallBackOnAnyError) {
      throw new SumdbError('sumdb-http', `${base}/supported: HTTP ${status}`, { status });
    }
  }
  return config.direct;
}
