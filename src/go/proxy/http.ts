// The module proxy's use of the shared HTTP layer: its failures become ProxyFailures with proxy-* codes.
import { type FailureFactory, Http, type HttpOptions } from '../../util/http.js';
import { type ProxyErrorContext, ProxyFailure } from './errors.js';

const proxyFailure: FailureFactory<ProxyErrorContext> = (kind, message, ctx, url, cause) =>
  new ProxyFailure(`proxy-${kind}`, message, { ...ctx, url }, cause);

/** An HTTP client for GOPROXY requests: the shared layer, with errors that name the module and version. */
export function proxyHttp(options: HttpOptions = {}): Http<ProxyErrorContext> {
  return new Http(proxyFailure, options);
}
