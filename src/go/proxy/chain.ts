// A GOPROXY list as one module source: tries entries in order with cmd/go's fall-through rules.
import type { Writable } from 'node:stream';
import { Client, type ClientOptions, type ModuleSource, type ZipOptions, type ZipResult } from './client.js';
import { isNotFound, ProxyConfigError, type ProxyErrorContext } from './errors.js';
import { type ProxySpec, parseGoProxy } from './goproxy.js';
import type { VersionInfo } from './info.js';

/**
 * A module source over a GOPROXY list. Each request goes to the first entry; a not-found answer
 * moves on to the next entry, and so does any error when the entry was followed by `|`. `off`
 * fails with `proxy-off`, `direct` with `proxy-direct`. When every entry failed, the most useful
 * error is reported, ranked as cmd/go does: a reached `off`/`direct` beats other proxy errors,
 * which beat not-found.
 *
 * A `.zip` falls through only when nothing was written to the sink yet.
 *
 * @example
 * ```ts
 * const src = fromGoProxy(process.env.GOPROXY, { userAgent: 'my-tool' });
 * const info = await src.latest('golang.org/x/mod');
 * ```
 */
export class ProxyChain implements ModuleSource {
  readonly specs: readonly ProxySpec[];
  private readonly clients: (Client | undefined)[];

  constructor(specs: readonly ProxySpec[], options: Omit<ClientOptions, 'baseUrl'> = {}) {
    this.specs = specs;
    this.clients = specs.map((s) =>
      s.kind === 'url' ? new Client({ ...options, baseUrl: s.url }) : undefined,
    );
  }

  list(module: string): Promise<string[]> {
    return this.tryEach({ module }, (c) => c.list(module));
  }
  info(module: string, version: string): Promise<VersionInfo> {
    return this.tryEach({ module, version }, (c) => c.info(module, version));
  }
  latest(module: string): Promise<VersionInfo> {
    return this.tryEach({ module, version: 'latest' }, (c) => c.latest(module));
  }
  mod(module: string, version: string): Promise<Uint8Array> {
    return this.tryEach({ module, version }, (c) => c.mod(module, version));
  }
  zip(module: string, version: string, sink: Writable, options: ZipOptions = {}): Promise<ZipResult> {
    let written = 0;
    const onProgress = (n: number) => {
      written = n;
      options.onProgress?.(n);
    };
    return this.tryEach(
      { module, version },
      (c) => c.zip(module, version, sink, { onProgress }),
      () => written === 0,
    );
  }

  private async tryEach<T>(
    ctx: ProxyErrorContext,
    f: (c: Client) => Promise<T>,
    canFallThrough: () => boolean = () => true,
  ): Promise<T> {
    const NOT_FOUND = 0;
    const PROXY = 1;
    const FINAL = 2;
    let best: unknown;
    let bestRank = NOT_FOUND;
    for (const [i, spec] of this.specs.entries()) {
      const client = this.clients[i];
      let err: unknown;
      if (spec.kind === 'off') {
        err = new ProxyConfigError('proxy-off', 'module lookup disabled by GOPROXY=off', ctx);
      } else if (spec.kind === 'direct' || client === undefined) {
        err = new ProxyConfigError('proxy-direct', 'GOPROXY entry "direct" is not supported', ctx);
      } else {
        try {
          return await f(client);
        } catch (e) {
          if (!(e instanceof Error && 'code' in e)) throw e;
          err = e;
        }
      }
      const notFound = isNotFound(err);
      if (spec.kind !== 'url') {
        best = err;
        bestRank = FINAL;
      } else if (bestRank <= PROXY && !notFound) {
        best = err;
        bestRank = PROXY;
      } else if (bestRank === NOT_FOUND) {
        best = err;
      }
      const fallBack = spec.kind === 'url' && (spec.fallBackOnError || notFound);
      if (!fallBack || !canFallThrough()) break;
    }
    throw best;
  }
}

/**
 * The module source for a GOPROXY value: one {@link Client} when the list has a single URL entry,
 * a {@link ProxyChain} otherwise. Throws `proxy-config` for an unusable value.
 */
export function fromGoProxy(
  goproxy: string | undefined,
  options: Omit<ClientOptions, 'baseUrl'> = {},
): ModuleSource {
  const specs = parseGoProxy(goproxy);
  const only = specs[0];
  if (specs.length === 1 && only?.kind === 'url') return new Client({ ...options, baseUrl: only.url });
  return new ProxyChain(specs, options);
}
