// The GOPROXY protocol client and GOPROXY list semantics.
export {
  isNotFound,
  ModuleNotFoundError,
  ProxyConfigError,
  ProxyError,
  type ProxyErrorContext,
  ProxyFailure,
  type ProxyFailureCode,
  ProxyHttpError,
  VersionNotFoundError,
} from './errors.js';
export { checkProxyUrl, DEFAULT_PROXY_URL, type ProxySpec, parseGoProxy } from './goproxy.js';
export { DEFAULT_USER_AGENT, type FetchLike, type HttpOptions } from './http.js';
export { type Credentials, loadNetrc, lookupNetrc, type NetrcEntry, netrcPath, parseNetrc } from './netrc.js';
