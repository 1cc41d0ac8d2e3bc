// Where `lock` gets Go modules from: the GOPROXY list as a project states it, and a lazily built source.
import { fromGoProxy, type ModuleSource } from '../go/proxy/index.js';
import { loadNetrc, lookupNetrc, netrcPath } from '../util/netrc.js';
import { VERSION } from '../version.js';
import { goProxyList, offlineGoProxyList } from './goProxyList.js';

export { goProxyList, offlineGoProxyList };

/**
 * The module source for a GOPROXY list (`undefined`: the default proxy), with credentials from
 * netrc (`$NETRC`, else `~/.netrc`). Throws `proxy-config` for an unusable list.
 */
export async function openGoSource(
  goproxy: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ModuleSource> {
  const netrc = await loadNetrc(netrcPath(env));
  return fromGoProxy(goproxy, {
    userAgent: `mochi-pkg/${VERSION}`,
    credentials: (u) => lookupNetrc(netrc, u.host),
  });
}

/**
 * {@link openGoSource}, opened only when first asked: a fully cached `lock --check` never needs
 * (or validates) the proxy setting.
 */
export function lazyGoSource(goproxy: string | undefined, env: NodeJS.ProcessEnv): ModuleSource {
  let src: Promise<ModuleSource> | undefined;
  const get = (): Promise<ModuleSource> => {
    src ??= openGoSource(goproxy, env);
    return src;
  };
  return {
    list: async (m) => (await get()).list(m),
    info: async (m, v) => (await get()).info(m, v),
    latest: async (m) => (await get()).latest(m),
    mod: async (m, v) => (await get()).mod(m, v),
    zip: async (m, v, sink, o) => (await get()).zip(m, v, sink, o),
  };
}
