// Make every module a lock pins available in the module cache, verified against the lock's h1: sums.
import { MochiPkgError } from '../../errors.js';
import { mapInOrder } from '../../util/pool.js';
import { download } from '../cache/download.js';
import { CacheCorruptError } from '../cache/errors.js';
import type { Cache } from '../cache/store.js';
import { readIfExists } from '../cache/store.js';
import { hashGoMod } from '../dirhash/index.js';
import type { ModuleSource } from '../proxy/client.js';
import { type ChecksumMismatch, GoChecksumError } from './diff.js';
import type { GoLockEntry, GoManifest } from './entry.js';

/** What {@link fillCache} did. */
export interface FillResult {
  /** Module versions whose zip (and go.mod) were already cached and verified. */
  readonly cached: number;
  /** Module versions fetched from the module source. */
  readonly downloaded: number;
  /** go.mod-only versions (graph reads) fetched. */
  readonly goModsFetched: number;
  /** Cache entries that did not match the lock and were removed before refetching. */
  readonly refused: readonly string[];
}

/** Options of {@link fillCache}. */
export interface FillOptions {
  /** Use the cache only: a missing or refused module is a `sync-missing-module` error. */
  readonly offline?: boolean;
  /** Called for each module version fetched. */
  readonly onDownload?: (module: string, version: string) => void;
  /** Entries checked and fetched at once (default 16). */
  readonly jobs?: number;
  /** Called when a cache entry is refused (it is removed and fetched again unless offline). */
  readonly onRefused?: (module: string, version: string, why: string) => void;
  /**
   * Keep the verified zip bytes in `cache` for this process ({@link Cache.verifiedZip}), for a
   * caller that reads the modules next (vendoring): they are then neither read nor hashed again.
   */
  readonly keepZips?: boolean;
}

function missing(module: string, version: string, root: string, what: string): MochiPkgError {
  return new MochiPkgError(
    'sync-missing-module',
    `${module}@${version}: ${what} is not in the Go module cache ${root} (offline)`,
    { hint: 'run `mochi-pkg sync` once without --offline' },
  );
}

/** The cached zip's verified h1 and the cached go.mod's h1, or why the entry cannot be used. */
async function checkCached(
  cache: Cache,
  module: string,
  version: string,
  zipH1: string,
  modH1: string | undefined,
  keep: boolean,
): Promise<'ok' | 'absent' | string> {
  if (!(await cache.has(module, version))) return 'absent';
  let sum: string;
  try {
    // Re-hash the zip itself: a sidecar that agrees with the lock proves nothing about the zip.
    sum = await cache.verifyZip(module, version, { keep });
  } catch (e) {
    if (e instanceof CacheCorruptError) return e.message;
    throw e;
  }
  const at = `${module}@${version}`;
  if (sum !== zipH1) return `${at}: cached zip hashes ${sum}, mochi.lock pins ${zipH1}`;
  const mod = await readIfExists(cache.modPath(module, version));
  if (mod === undefined) return `${at}: cached go.mod is missing`;
  const got = hashGoMod(mod);
  if (modH1 !== undefined && got !== modH1)
    return `${at}: cached go.mod hashes ${got}, mochi.lock pins ${modH1}`;
  return 'ok';
}

/**
 * Makes `cache` hold, verified against the lock's `h1:` sums, the zip and go.mod of every
 * `module-proxy` entry and the go.mod of every other version the lock's graph read
 * (`graphModH1`), so `go build -mod=readonly` of the bridge works with `GOPROXY=off` and
 * `GOMODCACHE` pointing at the cache's parent. A cached entry that does not hash as the lock pins
 * is removed and fetched again (never used); served bytes that do not match are a
 * {@link GoChecksumError} and are removed from the cache.
 */
export async function fillCache(
  cache: Cache,
  source: ModuleSource,
  manifest: GoManifest,
  options: FillOptions = {},
): Promise<FillResult> {
  // Entries are checked and fetched concurrently (bounded); results are gathered in lock order,
  // and an offline miss throws for the first such entry in lock order, whatever finished first.
  const parts = await mapInOrder(manifest.entries, Math.max(1, options.jobs ?? 16), (e) =>
    fillEntry(cache, source, e, options),
  );
  let cached = 0;
  let downloaded = 0;
  let goModsFetched = 0;
  const refused: string[] = [];
  const mismatches: ChecksumMismatch[] = [];
  for (const p of parts) {
    cached += p.cached;
    downloaded += p.downloaded;
    goModsFetched += p.goModsFetched;
    refused.push(...p.refused);
    mismatches.push(...p.mismatches);
  }
  if (mismatches.length > 0) throw new GoChecksumError(mismatches);
  return { cached, downloaded, goModsFetched, refused };
}

/** {@link fillCache} for one entry: its zip and go.mod, then the go.mod files of its other graph versions. */
async function fillEntry(
  cache: Cache,
  source: ModuleSource,
  e: GoLockEntry,
  options: FillOptions,
): Promise<FillResult & { mismatches: ChecksumMismatch[] }> {
  let cached = 0;
  let downloaded = 0;
  let goModsFetched = 0;
  const refused: string[] = [];
  const mismatches: ChecksumMismatch[] = [];
  const result = () => ({ cached, downloaded, goModsFetched, refused, mismatches });
  if (e.source !== 'module-proxy' || e.version === undefined || e.zipH1 === undefined) return result();
  const { module, version, zipH1, modH1 } = e;
  const state = await checkCached(cache, module, version, zipH1, modH1, options.keepZips === true);
  if (state === 'ok') {
    cached++;
  } else {
    if (state !== 'absent') {
      refused.push(`${module}@${version}`);
      options.onRefused?.(module, version, state);
      await cache.remove(module, version);
    }
    if (options.offline) throw missing(module, version, cache.root, 'the module zip');
    options.onDownload?.(module, version);
    const r = await download(cache, source, module, version, { verify: true });
    downloaded++;
    const bad: ChecksumMismatch[] = [];
    if (r.Sum !== zipH1) bad.push({ module, version, key: 'zip-h1', locked: zipH1, actual: r.Sum });
    if (modH1 !== undefined && r.GoModSum !== modH1)
      bad.push({ module, version, key: 'mod-h1', locked: modH1, actual: r.GoModSum });
    if (bad.length > 0) {
      await cache.remove(module, version);
      mismatches.push(...bad);
    }
  }
  for (const line of e.graphModH1 ?? []) {
    const [v = '', h1 = ''] = line.split(' ');
    if (v === '' || h1 === '') continue;
    const have = await readIfExists(cache.modPath(module, v));
    if (have !== undefined && hashGoMod(have) === h1) continue;
    if (have !== undefined) {
      refused.push(`${module}@${v}/go.mod`);
      options.onRefused?.(
        module,
        v,
        `${module}@${v}: cached go.mod hashes ${hashGoMod(have)}, mochi.lock pins ${h1}`,
      );
    }
    if (options.offline) throw missing(module, v, cache.root, 'the go.mod');
    const body = await source.mod(module, v);
    const got = hashGoMod(body);
    if (got !== h1) {
      mismatches.push({ module, version: v, key: 'mod-h1', locked: h1, actual: got });
      continue;
    }
    await cache.storeMod(module, v, body);
    goModsFetched++;
  }
  return result();
}
