// Download one module version from a module source into the cache, verified, as `go mod download` does.

import { MochiPkgError } from '../../errors.js';
import { pathExists } from '../../util/read.js';
import { hashGoMod } from '../dirhash/index.js';
import { isGoQuery } from '../lockfile/spec.js';
import { canonicalVersion } from '../module/index.js';
import type { ModuleSource } from '../proxy/client.js';
import { ProxyFailure, VersionNotFoundError } from '../proxy/errors.js';
import type { VersionInfo } from '../proxy/info.js';
import { Querier } from '../query/index.js';
import type { ModuleSums } from '../sumdb/verifier.js';
import { zipRejection } from './hasher.js';
import type { Cache } from './store.js';
import { isZipContentError, readIfExists } from './store.js';

/**
 * One module's outcome, with `go mod download -json`'s field names: paths of the cached `.info`,
 * `.mod` and `.zip`, and the `h1:` sums of the zip and of the go.mod.
 */
export interface DownloadResult {
  Path: string;
  Version: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Sum?: string;
  GoModSum?: string;
  /** The checksum database that vouched for Sum and GoModSum (absent when none was asked). */
  SumDB?: string;
  /** Set instead of the paths when the download failed. */
  Error?: string;
}

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Re-hash a cached zip against its sidecar instead of trusting the sidecar. */
  verify?: boolean;
  /** Attempts at the zip when the transfer breaks off mid-body (the HTTP layer retries the rest). */
  zipAttempts?: number;
  /** Progress of the zip transfer in bytes. */
  onProgress?: (bytes: number) => void;
  /**
   * Checks both hashes (checksum database) before they are accepted: a new go.mod before it is
   * stored, a new zip after it is hashed and before it is published. A cached entry is checked too.
   */
  sums?: ModuleSums;
  /**
   * False when the caller stores the version's `.info` itself (the bridge fetches the build list's
   * `.info` files on its own, at a lower priority): the zip then waits for no `.info` request.
   * Ignored for a query that is not a canonical version (its `.info` says which version it is).
   */
  info?: boolean;
}

/** What {@link download} returns: every field but `Error`. */
export type Downloaded = Required<Omit<DownloadResult, 'Error' | 'SumDB'>> & { SumDB?: string };

/**
 * Resolves a non-canonical query as `go mod download <module>@<query>` does, with the query
 * resolution `lock` uses ({@link Querier.query}): `latest`, `vX` / `vX.Y` and the ranges `<v`,
 * `<=v`, `>v`, `>=v` from the version list (retracted versions skipped), anything else through the
 * proxy's `.info` (a non-canonical version, a revision). A query that is not even a semantic
 * version (`v1.0.0.0`, a misspelt branch) and that the proxy does not know is an invalid version,
 * as cmd/go words it (`<module>@<query>: invalid version: …`), not a missing one. `go info` and
 * `go mod` resolve their queries here too, as `go list -m` does.
 */
export async function resolveQuery(
  source: ModuleSource,
  module: string,
  query: string,
): Promise<VersionInfo> {
  // A malformed range (`<=v1.2`) too: the Querier refuses it in cmd/go's words.
  if (isGoQuery(query) || /^[<>]/.test(query)) return new Querier(source).query(module, query);
  try {
    return await source.info(module, query);
  } catch (e) {
    if (!(e instanceof VersionNotFoundError) || canonicalVersion(query) !== '') throw e;
    const url = e.url === undefined ? '' : ` (${e.url})`;
    throw new MochiPkgError(
      'module-version-invalid',
      `${module}@${query}: invalid version: not a semantic version, and the proxy resolves no such query${url}`,
      {
        hint: 'versions look like v1.2.3, v1.2.3-pre or a pseudo-version; run `mochi-pkg go list <module>`',
        cause: e,
      },
    );
  }
}

/**
 * Resolves `query` (a version, or a query: see {@link resolveQuery}) and makes
 * sure the cache holds the verified version: `.info`, `.mod`, then the zip and its `.ziphash` last.
 * A complete cache entry is used as is (re-hashed with `verify`). Errors are thrown as they come:
 * typed proxy errors, a zip the module-zip check rejects (re-thrown as `proxy-bad-response` naming
 * the URL), {@link CacheConflictError}.
 */
export async function download(
  cache: Cache,
  source: ModuleSource,
  module: string,
  query: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  let info: VersionInfo | undefined;
  let version = query;
  if (canonicalVersion(query) !== query) {
    info = await resolveQuery(source, module, query);
    version = info.Version;
  }
  const paths = {
    Path: module,
    Version: version,
    Info: cache.infoPath(module, version),
    GoMod: cache.modPath(module, version),
    Zip: cache.zipPath(module, version),
  };
  if (await cache.has(module, version)) {
    const Sum = options.verify
      ? await cache.verifyZip(module, version)
      : await cache.readZipHash(module, version);
    const mod = await readIfExists(paths.GoMod);
    if (Sum !== undefined && mod !== undefined) {
      const GoModSum = hashGoMod(mod);
      const [byMod, byZip] = await Promise.all([
        options.sums?.mod(module, version, GoModSum),
        options.sums?.zip(module, version, Sum),
      ]);
      return { ...paths, Sum, GoModSum, ...sumdbOf(byZip ?? byMod) };
    }
  }
  // The database lookup runs while the module downloads.
  options.sums?.prefetch?.(module, version);
  // A `.info` or `.mod` already cached (stored from the proxy by an earlier step, such as the
  // module graph reading go.mod files) is not fetched again; only the zip is missing then.
  const cachedInfo = pathExists(paths.Info);
  const cachedMod = await readIfExists(paths.GoMod);
  const fetchInfo = info !== undefined || (!cachedInfo && options.info !== false);
  // Both are fetched before either is stored: a failure leaves nothing half-written behind.
  const [gotInfo, mod] = await Promise.all([
    fetchInfo ? (info ?? source.info(module, version)) : undefined,
    cachedMod ?? source.mod(module, version),
  ]);
  // Nothing of a module enters the cache before its go.mod is vouched for.
  const byMod = await options.sums?.mod(module, version, hashGoMod(mod));
  let byZip: string | undefined;
  const [, GoModSum] = await Promise.all([
    gotInfo ? cache.storeInfo(module, version, gotInfo) : undefined,
    cachedMod !== undefined ? hashGoMod(cachedMod) : cache.storeMod(module, version, mod),
  ]);
  const attempts = Math.max(1, options.zipAttempts ?? 2);
  for (let attempt = 1; ; attempt++) {
    let url: string | undefined;
    try {
      const Sum = await cache.storeZip(
        module,
        version,
        async (sink) => {
          const r = await source.zip(
            module,
            version,
            sink,
            options.onProgress ? { onProgress: options.onProgress } : {},
          );
          url = r.url;
        },
        options.sums
          ? async (digest) => {
              byZip = await options.sums?.zip(module, version, digest);
            }
          : undefined,
      );
      return { ...paths, Sum, GoModSum, ...sumdbOf(byZip ?? byMod) };
    } catch (e) {
      if (url !== undefined && isZipContentError(e)) {
        // The bytes arrived whole but are not a valid module zip: the proxy's fault, named as such.
        throw new ProxyFailure(
          'proxy-bad-response',
          `zip rejected: ${zipRejection(e, module, version)}`,
          { module, version, url },
          e,
        );
      }
      const transient =
        e instanceof ProxyFailure &&
        (e.code === 'proxy-truncated' || e.code === 'proxy-timeout' || e.code === 'proxy-network');
      if (!transient || attempt >= attempts) throw e;
    }
  }
}

function sumdbOf(name: string | undefined): { SumDB?: string } {
  return name === undefined ? {} : { SumDB: name };
}
