// The GOPROXY protocol client and GOPROXY list semantics.

export { DEFAULT_USER_AGENT, type FetchLike, type HttpOptions } from '../../util/http.js';
export {
  type Credentials,
  loadNetrc,
  lookupNetrc,
  type NetrcEntry,
  netrcPath,
  parseNetrc,
} from '../../util/netrc.js';
export { fromGoProxy, ProxyChain } from './chain.js';
export {
  Client,
  type ClientOptions,
  MAX_INFO_BYTES,
  MAX_LIST_BYTES,
  MAX_MOD_BYTES,
  MAX_ZIP_BYTES,
  type ModuleSource,
  type ZipOptions,
  type ZipResult,
} from './client.js';
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
export { isRfc3339, parseInfo, parseList, renderInfo, type VersionInfo } from './info.js';
