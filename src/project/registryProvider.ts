// The package-index stub provider of `mochi-pkg lock`: `registry` and `index` imports resolved on a Simple API index.
import { redactUrls } from '../errors.js';
import type { PythonTarget } from '../python/build/types.js';
import {
  DEFAULT_TARGET,
  type FetchLike,
  type IndexSession,
  normalizeIndexUrl,
  RegistryResolver,
  type WheelTarget,
} from '../python/registry/index.js';
import type { StubProvider } from './provider.js';
import { selectStubPackage } from './stubs.js';

/** Knobs of {@link registryProvider}. */
export interface RegistryProviderOptions {
  /** The index of `registry` imports (see `registry.registryIndexUrl`); `index` imports use their own. */
  readonly indexUrl: string;
  /**
   * Distribution name (PEP 503) → the index URL a `registry` import of it resolves on instead of
   * `indexUrl` (mochi.toml `[python.sources]`).
   */
  readonly sources?: ReadonlyMap<string, string>;
  /** Resolve from the cache only. */
  readonly offline?: boolean;
  /** The Python the lock targets: its version filters `Requires-Python` and ranks wheel tags. */
  readonly python?: PythonTarget;
  /** Injected transport (tests); default the global fetch. */
  readonly fetch?: FetchLike;
  /** Per-request timeout, ms. */
  readonly timeoutMs?: number;
  /**
   * Pages and downloads shared with the closure resolver (then `offline`, `fetch` and `timeoutMs`
   * are the session's); used only while the context's cache is the session's.
   */
  readonly session?: IndexSession;
}

/**
 * A {@link StubProvider} over Python package indexes: a `registry` import (`name`,
 * `name@<specifier>`) is resolved on `options.indexUrl`, an `index` import (`name@<id>+<url>`) on
 * its own URL. The version chosen is returned for the lock; the stubs are the wheel's `.pyi` files
 * (or py.typed sources, or those of `types-<name>` / `<name>-stubs`), narrowed to the one package
 * the import names. Errors are `RegistryError`s that name the import; the lock adds file:line.
 */
export function registryProvider(options: RegistryProviderOptions): StubProvider {
  const indexUrl = normalizeIndexUrl(options.indexUrl);
  let resolver: RegistryResolver | undefined;
  let resolverCache: string | undefined;
  const target: WheelTarget = options.python
    ? { ...DEFAULT_TARGET, python: [options.python.version[0], options.python.version[1]] }
    : DEFAULT_TARGET;
  return {
    name: `index ${redactUrls(indexUrl)}`,
    async resolve(spec, ctx) {
      if (resolver === undefined || resolverCache !== ctx.cacheDir) {
        resolver = new RegistryResolver({
          cacheDir: ctx.cacheDir,
          target,
          ...(options.offline ? { offline: true } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.session && options.session.cache.root === ctx.cacheDir
            ? { session: options.session }
            : {}),
        });
        resolverCache = ctx.cacheDir;
      }
      const r = await resolver.resolve({
        name: spec.name,
        specifier: spec.source === 'registry' ? (spec.specifier ?? '') : '',
        indexUrl: spec.source === 'index' ? spec.indexUrl : (options.sources?.get(spec.name) ?? indexUrl),
        where: `import python ${JSON.stringify(spec.spec)}`,
      });
      const where = `${r.stubsFrom.filename} (${redactUrls(r.indexUrl)})`;
      return {
        stubs: selectStubPackage(r.files, spec.name, where, spec.name),
        version: r.version,
        origin: `${redactUrls(r.stubsFrom.url)} sha256:${r.stubsFrom.sha256}`,
        index: {
          url: r.indexUrl,
          name: r.name,
          specifier: spec.source === 'registry' ? (spec.specifier ?? '') : '',
        },
      };
    },
  };
}
