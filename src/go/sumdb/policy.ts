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

// Go's path.Match, ported step for step rather than translated to a regular expression: Go's
// matcher does not backtrack once a chunk after a `*` has matched (`*?[^b][*/[^b]*` does not match
// `.**/` in Go, though a backtracking matcher finds a way), and it works on UTF-8 bytes, decoding
// runes only for `?` and classes. GOPRIVATE/GONOSUMDB decisions must be Go's exactly.

const enc = new TextEncoder();
const STAR = 0x2a;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const QUESTION = 0x3f;
const RUNE_ERROR = 0xfffd;

/** Go's utf8.DecodeRune: the rune at `b[i]` and its length (RuneError, 1 for invalid bytes). */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i] as number;
  if (c0 < 0x80) return [c0, 1];
  const need = c0 >= 0xf0 && c0 <= 0xf4 ? 4 : c0 >= 0xe0 ? (c0 <= 0xef ? 3 : 0) : c0 >= 0xc2 ? 2 : 0;
  if (need === 0 || i + need > b.length) return [RUNE_ERROR, 1];
  let r = need === 2 ? c0 & 0x1f : need === 3 ? c0 & 0x0f : c0 & 0x07;
  for (let k = 1; k < need; k++) {
    const c = b[i + k] as number;
    if ((c & 0xc0) !== 0x80) return [RUNE_ERROR, 1];
    r = (r << 6) | (c & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid, as in Go.
  if (
    (need === 3 && r < 0x800) ||
    (need === 4 && (r < 0x10000 || r > 0x10ffff)) ||
    (r >= 0xd800 && r <= 0xdfff)
  )
    return [RUNE_ERROR, 1];
  return [r, need];
}

/** Go's scanChunk: whether stars lead, and where the chunk after them ends. */
function scanChunk(p: Uint8Array, at: number): { star: boolean; start: number; end: number } {
  let star = false;
  while (at < p.length && p[at] === STAR) {
    at++;
    star = true;
  }
  let inRange = false;
  let i = at;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) inRange = true;
    else if (c === RBRACKET) inRange = false;
    else if (c === STAR && !inRange) break;
  }
  return { star, start: at, end: i };
}

/** Go's getEsc: one possibly escaped rune of a class; undefined for a syntax error. */
function getEsc(p: Uint8Array, i: number, end: number): [number, number] | undefined {
  if (i >= end || p[i] === DASH || p[i] === RBRACKET) return undefined;
  if (p[i] === BACKSLASH) {
    i++;
    if (i >= end) return undefined;
  }
  const [r, n] = decodeRune(p.subarray(0, end), i);
  if (r === RUNE_ERROR && n === 1) return undefined;
  if (i + n >= end) return undefined;
  return [r, i + n];
}

const BAD = -2;
const FAIL = -1;

/**
 * Go's matchChunk of `p[start:end]` against `s` from `at`: the offset after the match, FAIL, or
 * BAD for a malformed chunk (checked to its end even after the match failed).
 */
function matchChunk(p: Uint8Array, start: number, end: number, s: Uint8Array, at: number): number {
  let failed = false;
  let i = start;
  while (i < end) {
    if (!failed && at >= s.length) failed = true;
    const c = p[i] as number;
    if (c === LBRACKET) {
      let r = 0;
      if (!failed) {
        const [rr, n] = decodeRune(s, at);
        r = rr;
        at += n;
      }
      i++;
      let negated = false;
      if (i < end && p[i] === CARET) {
        negated = true;
        i++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (i < end && p[i] === RBRACKET && nrange > 0) {
          i++;
          break;
        }
        const lo = getEsc(p, i, end);
        if (lo === undefined) return BAD;
        let hi = lo[0];
        i = lo[1];
        if (p[i] === DASH) {
          const h = getEsc(p, i + 1, end);
          if (h === undefined) return BAD;
          hi = h[0];
          i = h[1];
        }
        if (lo[0] <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === QUESTION) {
      if (!failed) {
        if (s[at] === SLASH) failed = true;
        at += decodeRune(s, at)[1];
      }
      i++;
    } else {
      if (c === BACKSLASH) {
        i++;
        if (i >= end) return BAD;
      }
      if (!failed) {
        if (p[i] !== s[at]) failed = true;
        at++;
      }
      i++;
    }
  }
  return failed ? FAIL : at;
}

/** Go's path.Match; a malformed pattern (Go's ErrBadPattern) is false, as MatchPrefixPatterns reads it. */
export function goPathMatch(pattern: string, name: string): boolean {
  const p = enc.encode(pattern);
  const s = enc.encode(name);
  let pi = 0;
  let at = 0;
  outer: while (pi < p.length) {
    const { star, start, end } = scanChunk(p, pi);
    pi = end;
    if (star && start === end) return s.indexOf(SLASH, at) < 0;
    const t = matchChunk(p, start, end, s, at);
    if (t >= 0 && (t === s.length || pi < p.length)) {
      at = t;
      continue;
    }
    if (t === BAD) return false;
    if (star) {
      for (let i = at; i < s.length && s[i] !== SLASH; i++) {
        const t2 = matchChunk(p, start, end, s, i + 1);
        if (t2 >= 0) {
          if (pi === p.length && t2 < s.length) continue;
          at = t2;
          continue outer;
        }
        if (t2 === BAD) return false;
      }
    }
    // Go checks the rest of the pattern's syntax before answering false; either way it is false.
    return false;
  }
  return at === s.length;
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
    if (goPathMatch(glob, prefix)) return true;
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
