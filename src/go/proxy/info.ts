// Validation of proxy replies: `.info` / `@latest` JSON and `@v/list` lines, as cmd/go accepts them.
import { canonicalVersion } from '../module/index.js';
import { isPseudoVersion, isValid, sort } from '../semver/index.js';
import { type ProxyErrorContext, ProxyFailure } from './errors.js';

/** A validated `.info` reply (cmd/go's RevInfo fields that the protocol defines). */
export interface VersionInfo {
  /** Canonical semantic version, e.g. `v1.2.3`. */
  readonly Version: string;
  /** Commit time in RFC 3339, when the proxy sent one. */
  readonly Time?: string;
}

// RFC 3339 date-time as Go's time.RFC3339 parses it: upper-case T and Z, optional fraction.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** True when `s` is an RFC 3339 time Go's `time.Parse(time.RFC3339, s)` accepts (ranges checked). */
export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const offOk = m[8] === 'Z' || (Number(m[9]) < 24 && Number(m[10]) < 60);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h < 24 && mi < 60 && se < 60 && offOk;
}

/**
 * Parses and validates an `.info` or `@latest` body: a JSON object whose `Version` is a canonical
 * semantic version and whose `Time`, when present, is RFC 3339. When `expected` is given (a
 * canonical version valid for the module), the reply must name exactly that version.
 * Every failure is a `proxy-bad-response` naming module, version and URL.
 */
export function parseInfo(
  body: Uint8Array,
  ctx: ProxyErrorContext,
  expected: string | undefined,
): VersionInfo {
  const bad = (what: string, cause?: unknown) =>
    new ProxyFailure('proxy-bad-response', `invalid .info reply: ${what}`, ctx, cause);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`, e);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('not a JSON object');
  const { Version, Time } = data as { Version?: unknown; Time?: unknown };
  if (typeof Version !== 'string') throw bad('no "Version" string');
  if (!isValid(Version)) throw bad(`"Version" ${JSON.stringify(Version)} is not a semantic version`);
  if (canonicalVersion(Version) !== Version) {
    throw bad(`"Version" ${JSON.stringify(Version)} is not canonical (want ${canonicalVersion(Version)})`);
  }
  if (expected !== undefined && Version !== expected) {
    throw new ProxyFailure(
      'proxy-bad-response',
      `proxy returned info for version ${JSON.stringify(Version)} instead of the requested version`,
      ctx,
    );
  }
  if (Time === undefined || Time === null) return { Version };
  if (typeof Time !== 'string' || !isRfc3339(Time)) {
    throw bad(`"Time" ${JSON.stringify(Time)} is not an RFC 3339 time`);
  }
  return { Version, Time };
}

/** Renders an info the way it is stored in a cache: fixed key order, no extra fields. */
export function renderInfo(info: VersionInfo): string {
  return JSON.stringify(
    info.Time === undefined ? { Version: info.Version } : { Version: info.Version, Time: info.Time },
  );
}

/**
 * Parses an `@v/list` body as cmd/go does: the first field of each line, kept when it is a valid
 * semantic version and not a pseudo-version; then de-duplicated and sorted in semver order.
 */
export function parseList(body: Uint8Array): string[] {
  const seen = new Set<string>();
  for (const line of Buffer.from(body).toString('utf8').split('\n')) {
    const first = line.trim().split(/\s+/, 1)[0] ?? '';
    if (first !== '' && isValid(first) && !isPseudoVersion(first)) seen.add(first);
  }
  return sort([...seen]);
}
