// Pins a project's `import go` declarations: resolve versions (keeping locked ones), download and verify into the cache, hash.
import { resolve } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { mapInOrder } from '../../util/pool.js';
import { resolveProjectPath } from '../../util/project-path.js';
import { readRegularFileIfExists } from '../../util/read.js';
import { cacheBridgeIO, goModSummary } from '../bridge/index.js';
import type { Cache } from '../cache/index.js';
import { download } from '../cache/index.js';
import { hashGoMod } from '../dirhash/index.js';
import { PackageLoadError } from '../load/packages.js';
import { GoModParseError, modulePath } from '../modfile/index.js';
import { hashModuleDir, MAX_GO_MOD } from '../modzip/index.js';
import type { ModuleSource } from '../proxy/index.js';
import { GoQueryError, Querier } from '../query/index.js';
import type { ModuleSums } from '../sumdb/verifier.js';
import { checksumMismatches, GoChecksumError } from './diff.js';
import { type GoLockEntry, type GoManifest, pathModuleVersion, sortGoManifest } from './entry.js';
import { providingModule } from './lookup.js';
import {
  type GoImportSpec,
  GoImportSpecError,
  type GoQuery,
  matchesQuery,
  parseGoImportSpec,
} from './spec.js';

/** One `import go` declaration to pin. */
export interface GoImport {
  /** The string inside the declaration. */
  readonly spec: string;
  readonly alias: string;
  /** Where it is (`file:line:column`), for messages. */
  readonly where?: string;
}

/** Options of {@link pinGoImports}. */
export interface PinOptions {
  readonly imports: readonly GoImport[];
  /** The project directory (`path+` directories are relative to it). */
  readonly projectRoot: string;
  /** Let `path+` directories lie outside the project (they stay relative in the lock). */
  readonly allowOutsideProject?: boolean;
  /** The verified module cache every module goes through. */
  readonly cache: Cache;
  /**
   * Where modules come from (a GOPROXY list). It is asked only for what the cache lacks and for
   * queries the previous lock does not answer, so a fully cached `--check` makes no request.
   */
  readonly source: ModuleSource;
  /** The `[[go-package]]` entries of the lock on disk: their versions are kept while the imports allow them. */
  readonly previous?: GoManifest;
  /** Re-hash cached zips instead of trusting their `.ziphash` sidecars. Default true. */
  readonly verify?: boolean;
  /** Checks each module's hashes (the checksum database) before they are accepted. */
  readonly sums?: ModuleSums;
  /** Modules resolved and downloaded at once. Default 8. */
  readonly jobs?: number;
  /**
   * Read each pinned module's latest go.mod (as `go get` does) for retractions and deprecations
   * and report them in {@link PinResult.warnings}. Default false: no request beyond what pinning needs.
   */
  readonly warnings?: boolean;
}

/** Something cmd/go would warn about in a pinned module, in its words. */
export interface PinWarning {
  readonly module: string;
  readonly version: string;
  readonly kind: 'retracted' | 'deprecated';
  /** `m@v: retracted by module author: …` or `module m is deprecated: …`. */
  readonly message: string;
}

/** How one module's version was chosen. */
export interface PinnedModule {
  readonly module: string;
  readonly version?: string;
  /** `spec` (pinned in the import), `lock` (kept from the previous lock), `proxy` (a query resolved now), `path`. */
  readonly from: 'spec' | 'lock' | 'proxy' | 'path';
  /** The query the imports asked for, when they asked one. */
  readonly query?: GoQuery;
}

/** What {@link pinGoImports} produces. */
export interface PinResult {
  readonly manifest: GoManifest;
  readonly modules: readonly PinnedModule[];
  /** Standard-library import paths found (nothing to pin), sorted. */
  readonly std: readonly string[];
  /** The package paths the imports name (module roots or packages inside modules), sorted. */
  readonly packages: readonly string[];
  /** Retracted or deprecated modules pinned, by module (empty unless asked for). */
  readonly warnings: readonly PinWarning[];
}

/**
 * A problem pinning Go modules: `go-import-conflict` (imports of one module that no single
 * version satisfies, or one module both from a directory and from the proxy),
 * `go-query-unresolved` (no version answers a query), `go-path-module` (a `path+` directory that
 * is not the module: no go.mod, or one declaring another path).
 */
export class GoPinError extends MochiPkgError {
  declare readonly code: 'go-import-conflict' | 'go-query-unresolved' | 'go-path-module';
}

type ModuleSpec = Extract<GoImportSpec, { kind: 'module' }>;
type PathSpec = Extract<GoImportSpec, { kind: 'path' }>;

// Narrower queries first: `vX.Y` decides before `vX`, which decides before a range, then `latest`.
function specificity(q: GoQuery): number {
  if (q === 'latest') return 0;
  if (q.startsWith('<') || q.startsWith('>')) return 1;
  return q.includes('.') ? 3 : 2;
}

function describe(imp: GoImport): string {
  return `import go ${JSON.stringify(imp.spec)}${imp.where ? ` at ${imp.where}` : ''}`;
}

/**
 * Resolves a query through the module source exactly as `go list -m <module>@<query>` does (see
 * {@link Querier.query}): `latest` and `vX` / `vX.Y` take the newest unretracted release, else the
 * newest pre-release; `+incompatible` versions only where cmd/go allows them.
 *
 * @throws {GoPinError} `go-query-unresolved` when no version answers (cmd/go's words in the message).
 */
export async function resolveQuery(
  source: ModuleSource,
  module: string,
  query: GoQuery,
  querier: Querier = new Querier(source),
): Promise<string> {
  try {
    return (await querier.query(module, query)).Version;
  } catch (e) {
    if (!(e instanceof GoQueryError)) throw e;
    throw new GoPinError('go-query-unresolved', e.message, { ...(e.hint ? { hint: e.hint } : {}), cause: e });
  }
}

/**
 * Pins every `import go` of a project: one entry per module with the sorted aliases of its
 * imports. The version is the one the imports pin, else the previous lock's version when it still
 * answers every query, else the query resolved through `source`. Each module version is
 * downloaded into `cache` (verified on store; a cached one is re-hashed) and its `zip-h1` and
 * `mod-h1` recorded; a `path+` module is hashed from its directory.
 *
 * @throws {GoImportSpecError} for a malformed spec (the message names the declaration).
 * @throws {GoPinError} for conflicting imports, unresolvable queries, bad `path+` modules.
 * @throws {GoChecksumError} when the previous lock pins a hash that the same module version no
 *   longer has: a security error, never silently rewritten.
 */
export async function pinGoImports(options: PinOptions): Promise<PinResult> {
  const std = new Set<string>();
  const parsed: { spec: ModuleSpec | PathSpec; imp: GoImport }[] = [];
  for (const imp of options.imports) {
    let spec: GoImportSpec;
    try {
      spec = parseGoImportSpec(imp.spec);
    } catch (e) {
      if (!(e instanceof GoImportSpecError) || imp.where === undefined) throw e;
      throw new GoImportSpecError(imp.spec, e.problem, e.hint, e, imp.where);
    }
    if (spec.kind === 'std') std.add(spec.path);
    else parsed.push({ spec, imp });
  }
  const previous = new Map((options.previous?.entries ?? []).map((e) => [e.module, e]));
  const querier = new Querier(options.source);
  // Each import path is a package: the module providing it is found as `go get` finds it.
  const io = cacheBridgeIO({
    cache: options.cache,
    source: options.source,
    projectRoot: options.projectRoot,
    parse: goModSummary,
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  });
  const named = new Set(parsed.map((p) => p.spec.module));
  // One lookup per distinct spec: a project may import one package under thousands of aliases.
  const lookups = new Map<string, Promise<ModuleSpec>>();
  const lookup = (spec: ModuleSpec): Promise<ModuleSpec> => {
    const key = JSON.stringify(spec);
    let found = lookups.get(key);
    if (found === undefined) {
      found = providingModule(spec, {
        querier,
        source: options.source,
        open: io.files,
        previous,
        named,
        cached: (m, v) => options.cache.has(m, v),
      });
      lookups.set(key, found);
    }
    return found;
  };
  const located = await mapInOrder(parsed, options.jobs ?? DEFAULT_PIN_JOBS, async (p) => {
    if (p.spec.kind === 'path') return p;
    try {
      const spec = await lookup(p.spec);
      return { spec, imp: p.imp };
    } catch (e) {
      if (e instanceof GoImportSpecError)
        throw new GoImportSpecError(p.imp.spec, e.problem, e.hint, e, p.imp.where);
      if (e instanceof PackageLoadError) {
        throw new GoPinError('go-query-unresolved', `${describe(p.imp)}: ${e.message}`, {
          ...(e.hint ? { hint: e.hint } : {}),
          cause: e,
        });
      }
      throw e;
    }
  });
  const byModule = new Map<string, { spec: ModuleSpec | PathSpec; imp: GoImport }[]>();
  for (const l of located) {
    const list = byModule.get(l.spec.module) ?? [];
    list.push(l);
    byModule.set(l.spec.module, list);
  }
  // Modules are resolved and downloaded in parallel; entries and errors come out in module order.
  const pinned = await mapInOrder(
    [...byModule].sort(([a], [b]) => (a < b ? -1 : 1)),
    options.jobs ?? DEFAULT_PIN_JOBS,
    ([module, uses]) => pinModule(options, querier, module, uses, previous.get(module)),
  );
  const entries = pinned.map((p) => p.entry);
  const modules = pinned.map((p) => p.pinned);
  const manifest = sortGoManifest({ entries });
  if (options.previous) {
    const bad = checksumMismatches(options.previous, manifest);
    if (bad.length > 0) throw new GoChecksumError(bad);
  }
  const warnings: PinWarning[] = [];
  if (options.warnings) {
    const proxied = manifest.entries.filter((e) => e.source === 'module-proxy' && e.version !== undefined);
    const found = await mapInOrder(proxied, options.jobs ?? DEFAULT_PIN_JOBS, (e) =>
      querier.warnings(e.module, e.version!),
    );
    for (const [i, e] of proxied.entries()) {
      for (const message of found[i]!) {
        const kind = message.startsWith('module ') ? 'deprecated' : 'retracted';
        warnings.push({ module: e.module, version: e.version!, kind, message });
      }
    }
  }
  const packages = [...new Set(parsed.map((p) => p.spec.module))].sort();
  return { manifest, modules, std: [...std].sort(), packages, warnings };
}

/** Modules pinned at once by default: downloads overlap, and a project has few Go modules. */
const DEFAULT_PIN_JOBS = 8;

/**
 * One module's lock entry and how its version was chosen, from all the imports of the module;
 * `kept` is the module's entry in the previous lock, if any.
 */
async function pinModule(
  options: PinOptions,
  querier: Querier,
  module: string,
  uses: readonly { spec: ModuleSpec | PathSpec; imp: GoImport }[],
  kept: GoLockEntry | undefined,
): Promise<{ entry: GoLockEntry; pinned: PinnedModule }> {
  const aliases = [...new Set(uses.map((u) => u.imp.alias))].sort();
  const paths = uses.filter((u): u is { spec: PathSpec; imp: GoImport } => u.spec.kind === 'path');
  if (paths.length > 0) {
    const other = uses.find((u) => u.spec.kind !== 'path' || u.spec.localPath !== paths[0]!.spec.localPath);
    if (other) {
      throw new GoPinError(
        'go-import-conflict',
        `${describe(other.imp)} and ${describe(paths[0]!.imp)} take module ${module} from different places`,
        { hint: 'import the module the same way everywhere' },
      );
    }
    const localPath = paths[0]!.spec.localPath;
    const entry: GoLockEntry = {
      module,
      source: 'path',
      localPath,
      ...(await hashPathModule(options.projectRoot, module, localPath, options.allowOutsideProject === true)),
      aliases,
    };
    return { entry, pinned: { module, from: 'path' } };
  }
  const mods = uses as { spec: ModuleSpec; imp: GoImport }[];
  const pinned = [...new Set(mods.flatMap((u) => (u.spec.version === undefined ? [] : [u.spec.version])))];
  const queries = mods.flatMap((u) => (u.spec.query === undefined ? [] : [{ q: u.spec.query, imp: u.imp }]));
  const unanswered = (v: string) => queries.find((q) => !matchesQuery(v, q.q));
  let version: string;
  let from: PinnedModule['from'];
  if (pinned.length > 1) {
    const [a, b] = pinned.map((v) => mods.find((u) => u.spec.version === v)!.imp);
    throw new GoPinError(
      'go-import-conflict',
      `${describe(a!)} and ${describe(b!)} pin different versions of ${module}`,
      {
        hint: 'a Mochi project uses one version of each Go module; pin the same version everywhere',
      },
    );
  }
  const narrowest = [...queries].sort((x, y) => specificity(y.q) - specificity(x.q))[0];
  if (pinned.length === 1) {
    version = pinned[0]!;
    from = 'spec';
  } else if (kept?.source === 'module-proxy' && kept.version !== undefined && !unanswered(kept.version)) {
    version = kept.version;
    from = 'lock';
  } else {
    version = await resolveQuery(options.source, module, narrowest!.q, querier);
    from = 'proxy';
  }
  const miss = unanswered(version);
  if (miss) {
    throw new GoPinError(
      'go-import-conflict',
      `${describe(miss.imp)} does not accept ${module}@${version}, which the other imports of the module need`,
      {
        hint: 'make the imports of one module agree on its version',
      },
    );
  }
  const got = await download(options.cache, options.source, module, version, {
    verify: options.verify ?? true,
    ...(options.sums === undefined ? {} : { sums: options.sums }),
  });
  return {
    entry: { module, version, source: 'module-proxy', zipH1: got.Sum, modH1: got.GoModSum, aliases },
    pinned: { module, version, from, ...(narrowest ? { query: narrowest.q } : {}) },
  };
}

async function hashPathModule(
  root: string,
  module: string,
  localPath: string,
  allowOutside: boolean,
): Promise<{ zipH1: string; modH1: string }> {
  const dir = await resolveProjectPath(root, localPath, {
    allowOutside,
    label: `${module}@path+${localPath}`,
  });
  // A regular file with its cap enforced while reading: a go.mod linked to /dev/zero or a FIFO
  // is refused, never read for ever.
  const mod = await readRegularFileIfExists(resolve(dir, 'go.mod'), { maxBytes: MAX_GO_MOD, what: 'go.mod' });
  if (mod === undefined) {
    throw new GoPinError('go-path-module', `${module}@path+${localPath}: ${dir} has no go.mod`, {
      hint: 'a path+ directory must be a Go module (run `go mod init` there)',
    });
  }
  // Read as the module graph will read it, so a go.mod that does not parse is reported here, in
  // go's words and naming the directory as written: found by the graph, it was a requirement of a
  // made-up version (`example.com/m@v0.0.0-00010101000000-000000000000: …`) with exit 1.
  const goModPath = resolve(dir, 'go.mod');
  try {
    goModSummary(goModPath, mod);
  } catch (e) {
    if (!(e instanceof GoModParseError)) throw e;
    throw new GoPinError(
      'go-path-module',
      `${module}@path+${localPath}: parsing ${localPath.replace(/\/+$/, '')}/go.mod: ${e.message}`,
      { hint: e.hint ?? 'fix the go.mod file', cause: e },
    );
  }
  const declared = modulePath(mod);
  if (declared !== module) {
    throw new GoPinError(
      'go-path-module',
      `${module}@path+${localPath}: go.mod declares module ${declared === '' ? '(none)' : JSON.stringify(declared)}, not ${module}`,
    );
  }
  const zipH1 = await hashModuleDir(dir, { path: module, version: pathModuleVersion(module) });
  return { zipH1, modH1: hashGoMod(mod) };
}
