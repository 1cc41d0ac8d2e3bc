// The typeshed corpus (pyright's copy) as build targets, and wrapper coverage counting over it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildTarget, TargetResult } from '../../../src/python/build/types.js';
import type { ModuleSurface, PackageSurface } from '../../../src/python/stubs/types.js';
import { type ExternalModules, PackageScope, type Resolution } from '../../../src/python/typemap/scope.js';
import type { Wrapper } from '../../../src/python/wrapper/types.js';
import { publicNames, wrapModule } from '../../../src/python/wrapper/wrap.js';

/** Root of pyright's typeshed copy. */
export const TYPESHED = fileURLToPath(
  new URL('../../../node_modules/pyright/dist/typeshed-fallback', import.meta.url),
);

/** One typeshed distribution (`stdlib`, or a folder of `stubs/`) and its top-level modules as targets. */
export interface Distribution {
  readonly name: string;
  readonly targets: readonly BuildTarget[];
  readonly files: number;
  /** Absolute paths of every file read, in target order (for the CPython reference). */
  readonly paths: readonly string[];
}

function importable(name: string): boolean {
  return !name.startsWith('.') && !name.startsWith('@') && !name.includes('-');
}

function readTree(dir: string, rel: string, out: Map<string, string>, paths: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && importable(e.name)) readTree(join(dir, e.name), path, out, paths);
    else if (e.isFile() && e.name.endsWith('.pyi')) {
      out.set(path, readFileSync(join(dir, e.name), 'utf8'));
      paths.push(join(dir, e.name));
    }
  }
}

function targetsIn(dir: string, dist: string): { targets: BuildTarget[]; files: number; paths: string[] } {
  const targets: BuildTarget[] = [];
  const paths: string[] = [];
  let files = 0;
  for (const e of readdirSync(dir).sort()) {
    if (!importable(e)) continue;
    const p = join(dir, e);
    const map = new Map<string, string>();
    let module: string;
    if (e.endsWith('.pyi')) {
      module = e.slice(0, -4);
      map.set(e, readFileSync(p, 'utf8'));
      paths.push(p);
    } else if (!e.includes('.') && statSync(p).isDirectory()) {
      module = e;
      readTree(p, '', map, paths);
    } else {
      continue;
    }
    if (map.size === 0) continue;
    files += map.size;
    targets.push({ spec: `${dist}:${module}`, alias: `${dist}:${module}`, stubs: { module, files: map } });
  }
  return { targets, files, paths };
}

/** Every distribution of the corpus: the stdlib, then `stubs/*` in name order. */
export function typeshedDistributions(root: string = TYPESHED): Distribution[] {
  const out: Distribution[] = [];
  const std = targetsIn(join(root, 'stdlib'), 'stdlib');
  out.push({ name: 'stdlib', ...std });
  for (const d of readdirSync(join(root, 'stubs')).sort()) {
    if (d.startsWith('.')) continue;
    out.push({ name: d, ...targetsIn(join(root, 'stubs', d), d) });
  }
  return out;
}

/** Counts of public functions and classes, and how many of each became items. */
export interface Coverage {
  functions: number;
  functionsMapped: number;
  classes: number;
  classesMapped: number;
  /** Classes mapped as records / interfaces / opaque types. */
  records: number;
  interfaces: number;
  opaque: number;
  /** Public members of mapped classes (own and inherited): in the wrapper plus skipped. */
  members: number;
  membersMapped: number;
  /** Mapped classes with at least one public member (mapped or skipped), and those with one mapped. */
  classesWithMembers: number;
  classesWithMembersMapped: number;
  /** Public names that were neither an item nor a skip (must stay 0). */
  unaccounted: string[];
}

export function emptyCoverage(): Coverage {
  return {
    functions: 0,
    functionsMapped: 0,
    classes: 0,
    classesMapped: 0,
    records: 0,
    interfaces: 0,
    opaque: 0,
    members: 0,
    membersMapped: 0,
    classesWithMembers: 0,
    classesWithMembersMapped: 0,
    unaccounted: [],
  };
}

function kindOf(scope: PackageScope, mod: ModuleSurface, r: Resolution, depth = 0): Resolution['kind'] {
  if (r.kind === 'alias' && r.def.form === 'implicit' && r.def.value.kind === 'name' && depth < 8) {
    const m = scope.module(r.module)?.mod ?? mod;
    const t = scope.resolve(m, r.def.value.name);
    if (t.kind === 'function' || t.kind === 'class') return kindOf(scope, m, t, depth + 1);
  }
  return r.kind;
}

/**
 * Adds one module's wrapper to `c`: every public function, class, constant and unresolved name
 * must be an item or a skip (else it is listed in `unaccounted`).
 */
export function addCoverage(
  c: Coverage,
  surface: PackageSurface,
  mod: ModuleSurface,
  w: Wrapper,
  externals: ExternalModules,
): void {
  const scope = new PackageScope(surface, externals);
  const items = new Map(w.items.map((i) => [i.sourceName, i]));
  const skipped = new Set(w.skipped.map((s) => s.itemPath));
  // Skipped members per class path (`mod.Class.member` → `mod.Class`).
  const memberSkips = new Map<string, number>();
  for (const s of w.skipped) {
    const at = s.itemPath.lastIndexOf('.');
    const owner = s.itemPath.slice(0, at);
    if (at > 0) memberSkips.set(owner, (memberSkips.get(owner) ?? 0) + 1);
  }
  for (const name of publicNames(scope, mod)) {
    const kind = kindOf(scope, mod, scope.resolve(mod, name));
    if (kind !== 'function' && kind !== 'class' && kind !== 'constant' && kind !== 'unresolved') continue;
    const item = items.get(name);
    if (!item && !skipped.has(`${mod.name}.${name}`)) c.unaccounted.push(`${mod.name}.${name}`);
    if (kind === 'function') {
      c.functions++;
      if (item) c.functionsMapped++;
    } else if (kind === 'class') {
      c.classes++;
      if (item) c.classesMapped++;
      if (item?.kind === 'record') c.records++;
      if (item?.kind === 'interface') c.interfaces++;
      if (item?.kind === 'type') c.opaque++;
      if (item) {
        const t = item.type;
        const mapped =
          (item.members?.length ?? 0) +
          (t.kind === 'record' ? t.fields.length : 0) +
          (t.kind === 'interface' ? (t.fields?.length ?? 0) + t.methods.length : 0);
        const all = mapped + (memberSkips.get(`${mod.name}.${name}`) ?? 0);
        c.members += all;
        c.membersMapped += mapped;
        if (all > 0) c.classesWithMembers++;
        if (mapped > 0) c.classesWithMembersMapped++;
      }
    }
  }
}

/** Result of running the whole corpus: per distribution coverage, a digest of every output byte. */
export interface CorpusRun {
  readonly perDist: Map<string, Coverage>;
  readonly digest: string;
  readonly targets: number;
  readonly modules: number;
  readonly skipReasons: Map<string, number>;
}

/**
 * Wraps every module of every parsed surface (the build itself wraps only each target's top module),
 * feeding coverage and a SHA-256 over all shims and skip reports in a fixed order.
 */
export function wrapAll(
  dists: readonly Distribution[],
  surfaces: ReadonlyMap<BuildTarget, PackageSurface>,
  results: ReadonlyMap<BuildTarget, TargetResult>,
  externals: ExternalModules,
): CorpusRun {
  const hash = createHash('sha256');
  const perDist = new Map<string, Coverage>();
  const skipReasons = new Map<string, number>();
  let targets = 0;
  let modules = 0;
  for (const d of dists) {
    const c = emptyCoverage();
    perDist.set(d.name, c);
    for (const t of d.targets) {
      targets++;
      const surface = surfaces.get(t);
      const top = results.get(t);
      if (!surface || !top) continue;
      hash.update(`${t.alias}\n${top.shimSha256}\n${top.shim}`);
      for (const mod of surface.modules.values()) {
        modules++;
        const w = mod.name === t.stubs.module ? top.wrapper : wrapModule(surface, mod.name, { externals });
        addCoverage(c, surface, mod, w, externals);
        hash.update(`${mod.name}\n${JSON.stringify(w)}\n`);
        for (const s of w.skipped) skipReasons.set(s.reason, (skipReasons.get(s.reason) ?? 0) + 1);
      }
    }
  }
  return { perDist, digest: hash.digest('hex'), targets, modules, skipReasons };
}

/** Everything one full pass produces, with its timing split. */
export interface CorpusPass extends CorpusRun {
  /** Parse + wrap of every module + shims + hashes, in ms (coverage counting excluded). */
  readonly wrapMs: number;
  /** CPU time (user + system) of the same work as `wrapMs`. */
  readonly wrapCpuMs: number;
  /** Batches of files parsed on worker threads and in this thread (0 and 1: no workers). */
  readonly shares: { readonly workers: number; readonly here: number };
  /**
   * Time until the last file was parsed (wrapping overlaps it: targets are wrapped while later ones
   * are parsed).
   */
  readonly parseMs: number;
  /** Stub files that did not parse, as `file:line:column code`. */
  readonly parseErrors: readonly string[];
}

/**
 * One full pass: every distribution through `buildWith` in one request (targets resolve into each
 * other, so the stdlib is what third-party stubs import), then every other module wrapped too.
 */
export async function corpusPass(
  dists: readonly Distribution[],
  threads?: number,
  code: 'src' | 'dist' = 'src',
): Promise<CorpusPass> {
  // The code timed: the TypeScript sources (as tests run them, through tsx), or the compiled package
  // in dist/ (as users run it; `npm run bench` builds it first). Both give the same bytes.
  const at = (m: string) => new URL(`../../../${code}/python/${m}`, import.meta.url).href;
  const { buildWhileParsing } = (await import(
    at('build/build.js')
  )) as typeof import('../../../src/python/build/build.js');
  const { renderShim, shimSha256 } = (await import(
    at('wrapper/shim.js')
  )) as typeof import('../../../src/python/wrapper/shim.js');
  const { wrapModule: timedWrapModule } = (await import(
    at('wrapper/wrap.js')
  )) as typeof import('../../../src/python/wrapper/wrap.js');
  const all = dists.flatMap((d) => d.targets);
  // What `build` does: every target parsed (sharing the work with worker threads) and wrapped as
  // soon as it and what it names are in; `keepGoing` so that a file that does not parse is counted
  // rather than fatal. The other modules of each target are wrapped with the build's lookup too.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let shares = { workers: 0, here: 0 };
  let parseMs = 0;
  const run = await buildWhileParsing(
    { targets: all },
    {
      parse: {
        keepGoing: true,
        ...(threads === undefined ? {} : { threads }),
        report: (s) => {
          shares = s;
          parseMs = performance.now() - t0;
        },
      },
      each: (_, m, s, externals) => shimSha256(renderShim(timedWrapModule(s, m, { externals }))),
    },
  );
  const res = run.result;
  const externals: ExternalModules = res.externals!;
  const surfaces = new Map<BuildTarget, PackageSurface>();
  const results = new Map<BuildTarget, TargetResult>();
  all.forEach((t, i) => {
    surfaces.set(t, run.surfaces[i]!);
    results.set(t, res.targets[i]!);
  });
  const wrapMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const wrapCpuMs = (cpu.user + cpu.system) / 1000;
  const parseErrors = run.surfaces.flatMap((s) => (s.errors ?? []).map((e) => `${e.message} (${e.code})`));
  return { ...wrapAll(dists, surfaces, results, externals), wrapMs, wrapCpuMs, parseMs, parseErrors, shares };
}
