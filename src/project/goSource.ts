// Where `lock` gets Go modules from: the GOPROXY list as a project states it, and a lazily built source.
import { fromGoProxy, type ModuleSource, ProxyConfigError } from '../go/proxy/index.js';
import { loadNetrc, lookupNetrc, netrcPath } from '../util/netrc.js';
import { VERSION } from '../version.js';
import { goProxyList, offlineGoProxyList } from './goProxyList.js';

export { goProxyList, offlineGoProxyList };

/**
 * The module source for a GOPROXY list (`undefined`: the default proxy), with credentials from
 * netrc (`$NETRC`, else `~/.netrc`). `signal` ends its requests (see HttpOptions.signal). Throws
 * `proxy-config` for an unusable list.
 */
export async function openGoSource(
  goproxy: string | undefined,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<ModuleSource> {
  const netrc = await loadNetrc(netrcPath(env));
  return fromGoProxy(goproxy, {
    userAgent: `mochi-pkg/${VERSION}`,
    credentials: (u) => lookupNetrc(netrc, u.host),
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * {@link openGoSource}, opened only when first asked: a fully cached `lock --check` never needs
 * the proxy (the setting itself is checked when the settings are resolved).
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

/**
 * The source of an `--offline` run ({@link offlineGoProxyList}): a module that no local proxy has
 * reaches the list's `off`, and that error is told in --offline's words — the module is not in the
 * cache — since the GOPROXY setting is not what the user should change.
 */
export function offlineGoSource(source: ModuleSource): ModuleSource {
  const offline = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (!(e instanceof ProxyConfigError && e.code === 'proxy-off')) throw e;
      throw new ProxyConfigError(
        'proxy-off',
        'not in the Go module cache, and --offline downloads nothing',
        { module: e.module, version: e.version },
        'run the command once without --offline to fill the cache (file:// proxies are still read offline)',
      );
    });
  return {
    list: (m) => offline(source.list(m)),
    info: (m, v) => offline(source.info(m, v)),
    latest: (m) => offline(source.latest(m)),
    mod: (m, v) => offline(source.mod(m, v)),
    zip: (m, v, sink, o) => offline(source.zip(m, v, sink, o)),
  };
}
