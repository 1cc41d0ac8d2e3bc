// The whole build list in the lock: the program's pinned modules, resolved as go mod tidy would, become [[go-package]] entries.
import { type BridgeResolution, cacheBridgeIO, goModSummary, resolveBridge } from '../bridge/index.js';
import type { Cache } from '../cache/index.js';
import { findPackageModule, modulePrefixes } from '../load/query.js';
import { type ModuleVersion, modKey } from '../mvs/index.js';
import type { ModuleSource } from '../proxy/index.js';
import { Querier } from '../query/index.js';
import type { ModuleSums } from '../sumdb/verifier.js';
import { BRIDGE_GO_VERSION, BRIDGE_MODULE } from './bridgeModule.js';
import { type GoLockEntry, type GoManifest, pathModuleVersion, sortGoManifest } from './entry.js';
import { prefixQuery } from './lookup.js';

export { BRIDGE_GO_VERSION, BRIDGE_MODULE, replaceDir } from './bridgeModule.js';

/** Options of {@link lockBuildList}. */
export interface BuildListOptions {
  /** The entries of the modules the program imports (from {@link pinGoImports}). */
  readonly direct: GoManifest;
  /** The package paths the program imports (non-standard). */
  readonly packages: readonly string[];
  readonly projectRoot: string;
  readonly cache: Cache;
  readonly source: ModuleSource;
  /**
   * The lock on disk: modules it already has answer test imports offline, as before, and its
   * `require` entries are the bridge go.mod's `// indirect` requirements tidy starts from.
   */
  readonly previous?: GoManifest;
  /**
   * Indirect modules of `previous` to move to their `@upgrade` version first, as `go get <module>`
   * moves a module the main module does not import (`lock --upgrade-package <module>`).
   */
  readonly upgrade?: ReadonlySet<string>;
  readonly verify?: boolean;
  /** Checks every go.mod and zip hash (the checksum database) before it is accepted. */
  readonly sums?: ModuleSums;
  readonly jobs?: number;
}

/** The lock's Go entries for the whole build list, and the resolution behind them. */
export interface BuildListResult {
  readonly manifest: GoManifest;
  readonly resolution: BridgeResolution;
}

/**
 * Resolves the program's Go side (the main module its imports imply, as `go mod tidy` leaves it)
 * and records every module of the build list: the imported ones keep their aliases (at the version
 * minimal version selection selects), the others are `indirect` (with `require` when the program's
 * go.mod lists them). Each entry records the hashes go.sum needs: `zip-h1` for modules that may
 * provide a built package, `mod-h1` when its go.mod was read, `graph-mod-h1` for the other
 * versions the graph read.
 */
export async function lockBuildList(o: BuildListOptions): Promise<BuildListResult> {
  const byModule = new Map(o.direct.entries.map((e) => [e.module, e]));
  const require: ModuleVersion[] = [];
  const dirs: { path: string; version: string; dir: string }[] = [];
  for (const e of o.direct.entries) {
    if (e.source === 'path')
      dirs.push({ path: e.module, version: pathModuleVersion(e.module), dir: e.localPath! });
    else require.push({ path: e.module, version: e.version! });
  }
  const io = cacheBridgeIO({
    cache: o.cache,
    source: o.source,
    projectRoot: o.projectRoot,
    parse: goModSummary,
    ...(o.verify === undefined ? {} : { verify: o.verify }),
    ...(o.sums === undefined ? {} : { sums: o.sums }),
  });
  io.setDirs(new Map(dirs.map((d) => [d.path, d.dir])));
  const known = new Map(
    (o.previous?.entries ?? []).flatMap((e) => (e.version ? [[e.module, e.version] as const] : [])),
  );
  const querier = new Querier(o.source);
  // `@latest` skips retracted versions, as cmd/go's query does.
  const latest = prefixQuery(querier, 'latest');
  const indirect: ModuleVersion[] = [];
  for (const e of o.previous?.entries ?? []) {
    if (!e.indirect || !e.require || e.version === undefined || byModule.has(e.module)) continue;
    // `go get <module>` may stay on the selected version even when it is retracted.
    const current = e.version;
    const version = o.upgrade?.has(e.module)
      ? (
          await querier.query(e.module, 'upgrade', {
            current,
            allowed: async (path, v) => v === current || (await querier.retracted(path, v)) === undefined,
          })
        ).Version
      : e.version;
    indirect.push({ path: e.module, version });
  }
  const resolution = await resolveBridge(
    {
      mainPath: BRIDGE_MODULE,
      goVersion: BRIDGE_GO_VERSION,
      require,
      indirect,
      dirs,
      packages: o.packages,
    },
    {
      summary: io.summary,
      files: io.files,
      touch: io.touch,
      ...(o.jobs === undefined ? {} : { jobs: o.jobs }),
      // A package no required module provides (a test import of a dependency): the previous
      // lock's module when it has one, else `@latest`, longest module path first (as tidy does).
      queryPackage: async (path) => {
        for (const prefix of modulePrefixes(path)) {
          const version = known.get(prefix);
          if (version === undefined) continue;
          const files = await io.files({ path: prefix, version });
          const dir = prefix === path ? '' : path.slice(prefix.length + 1);
          if ((files.dirs.get(dir) ?? []).some((n) => n.endsWith('.go'))) return { path: prefix, version };
        }
        const found = await findPackageModule(path, { query: latest, open: io.files });
        return { path: found.path, version: found.version };
      },
    },
  );
  const zip = new Set(resolution.zipSums.map(modKey));
  const mod = new Set(resolution.modSums.map(modKey));
  const required = new Set(resolution.require.map((r) => r.path));
  const others = new Map<string, string[]>();
  for (const m of resolution.modSums) {
    const list = others.get(m.path) ?? [];
    list.push(`${m.version} ${io.modH1.get(modKey(m))!}`);
    others.set(m.path, list);
  }
  const entries: GoLockEntry[] = [];
  for (const m of resolution.graph.buildList) {
    if (m.version === '') continue;
    const d = byModule.get(m.path);
    const graphModH1 = (others.get(m.path) ?? []).filter((g) => !g.startsWith(`${m.version} `));
    const extra = graphModH1.length > 0 ? { graphModH1 } : {};
    if (d?.source === 'path') {
      entries.push({ ...d, ...extra });
      continue;
    }
    const k = modKey(m);
    const zipH1 = zip.has(k) ? io.zipH1.get(k) : undefined;
    const modH1 = mod.has(k) ? io.modH1.get(k) : undefined;
    const hashes = { ...(zipH1 ? { zipH1 } : {}), ...(modH1 ? { modH1 } : {}) };
    if (d) {
      entries.push({
        module: m.path,
        version: m.version,
        source: 'module-proxy',
        ...hashes,
        ...extra,
        aliases: d.aliases,
      });
    } else {
      entries.push({
        module: m.path,
        version: m.version,
        source: 'module-proxy',
        ...hashes,
        indirect: true,
        ...(required.has(m.path) ? { require: true } : {}),
        ...extra,
        aliases: [],
      });
    }
  }
  return { manifest: sortGoManifest({ entries }), resolution };
}
