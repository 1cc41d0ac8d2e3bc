// Typed errors of the GOPROXY client: each names the module, the version (when one is in scope) and the URL.
import type { ErrorCode } from '../../errorCodes.js';
import { MochiPkgError, redactUrls } from '../../errors.js';

/** What a proxy error is about; every field is optional because not every failure has all three. */
export interface ProxyErrorContext {
  /** Module path as the caller wrote it (unescaped). */
  module?: string | undefined;
  /** Version (or query such as `latest`) as the caller wrote it. */
  version?: string | undefined;
  /** The URL or file that was read; credentials are removed before it is stored. */
  url?: string | undefined;
}

function subject(ctx: ProxyErrorContext): string {
  if (ctx.module === undefined) return 'GOPROXY';
  return ctx.version === undefined ? ctx.module : `${ctx.module}@${ctx.version}`;
}

/**
 * Base of every error the proxy client throws. The message reads
 * `<module>[@<version>]: <what> (<url>)`; the URL never carries credentials.
 */
export class ProxyError extends MochiPkgError {
  readonly module: string | undefined;
  readonly version: string | undefined;
  /** The redacted URL. */
  readonly url: string | undefined;

  constructor(
    code: ErrorCode,
    what: string,
    ctx: ProxyErrorContext,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const url = ctx.url === undefined ? undefined : redactUrls(ctx.url);
    super(code, redactUrls(`${subject(ctx)}: ${what}${url === undefined ? '' : ` (${url})`}`), options);
    this.module = ctx.module;
    this.version = ctx.version;
    this.url = url;
  }
}

/** The proxy does not know the module at all (404/410 with no version in scope). */
export class ModuleNotFoundError extends ProxyError {
  constructor(ctx: ProxyErrorContext, detail = 'module not found', cause?: unknown) {
    super('module-not-found', detail, ctx, {
      hint: 'check the module path (case matters) and the GOPROXY setting',
      cause,
    });
  }
}

/** The proxy knows the module but not this version (404 with a version in scope, 410 on `.zip`). */
export class VersionNotFoundError extends ProxyError {
  constructor(ctx: ProxyErrorContext, detail = 'version not found', cause?: unknown) {
    super('version-not-found', detail, ctx, {
      hint: 'run `mochi-pkg go list <module>` to see the versions the proxy has',
      cause,
    });
  }
}

/** Any other non-success HTTP status (5xx after retries, 401, 403, …). Never a not-found. */
export class ProxyHttpError extends ProxyError {
  readonly status: number;
  constructor(ctx: ProxyErrorContext, status: number) {
    super('proxy-http', `proxy answered HTTP ${status}`, ctx, {
      hint:
        status === 401 || status === 403
          ? 'the proxy needs credentials: put them in the GOPROXY URL or in ~/.netrc'
          : 'retry later, or list a fallback proxy in GOPROXY with `|`',
    });
    this.status = status;
  }
}

/**
 * Stable codes of failures while talking to a proxy:
 * `proxy-network` (connection failed after retries), `proxy-timeout` (no answer or a stalled body),
 * `proxy-redirects` (too many redirects or a redirect to an unsupported scheme),
 * `proxy-too-large` (a body over its cap), `proxy-truncated` (body shorter than announced),
 * `proxy-bad-response` (invalid JSON, a `.info` for another version, a bad time).
 */
export type ProxyFailureCode =
  | 'proxy-network'
  | 'proxy-timeout'
  | 'proxy-redirects'
  | 'proxy-too-large'
  | 'proxy-truncated'
  | 'proxy-bad-response';

/** A transfer or protocol failure; see {@link ProxyFailureCode} for the codes. */
export class ProxyFailure extends ProxyError {
  declare readonly code: ProxyFailureCode;
  constructor(code: ProxyFailureCode, what: string, ctx: ProxyErrorContext, cause?: unknown) {
    super(code, what, ctx, { cause, hint: hintFor(code) });
  }
}

function hintFor(code: ProxyFailureCode): string {
  switch (code) {
    case 'proxy-network':
    case 'proxy-timeout':
      return 'check the network and the proxy URL, then retry';
    case 'proxy-redirects':
      return 'the proxy redirects in a loop or off http(s); use another GOPROXY';
    default:
      return 'the proxy sent something a GOPROXY must not send; use another GOPROXY';
  }
}

/**
 * The GOPROXY setting itself is unusable: `proxy-config` (unparsable entry or scheme),
 * `proxy-off` (GOPROXY=off reached), `proxy-direct` (`direct` is not supported by this client).
 */
export class ProxyConfigError extends ProxyError {
  constructor(
    code: 'proxy-config' | 'proxy-off' | 'proxy-direct',
    what: string,
    ctx: ProxyErrorContext,
    hint?: string,
  ) {
    super(code, what, ctx, {
      hint:
        hint ??
        (code === 'proxy-off'
          ? 'module downloads are disabled by GOPROXY=off; set GOPROXY to a proxy URL'
          : code === 'proxy-direct'
            ? 'fetching from version control (`direct`) is not supported; list a proxy before it in GOPROXY'
            : 'GOPROXY is a list of http(s):// or file:// URLs separated by `,` or `|`, or `off`'),
    });
  }
}

/** True for the two not-found errors, which are what `,` in GOPROXY falls through on. */
export function isNotFound(e: unknown): e is ModuleNotFoundError | VersionNotFoundError {
  return e instanceof ModuleNotFoundError || e instanceof VersionNotFoundError;
}
