// The build: import targets and their stub sources -> wrappers, shims, hashes and skip reports.
import { MochiPkgError } from '../../errors.js';
import { packageModules } from '../stubs/parse.js';
import { type ParsePackagesOptions, parsePackages, type ReadyPackages } from '../stubs/pool.js';
import type { ModuleSurface, PackageSurface } from '../stubs/types.js';
import type { ExternalModules } from '../typemap/scope.js';
import { renderShim, shimSha256 } from '../wrapper/shim.js';
import { releaseScopes, wrapModule } from '../wrapper/wrap.js';
import { DEFAULT_PYTHON } from './defaults.js';
import type { BuildRequest, BuildResult, PythonTarget, StubFiles, TargetResult } from './types.js';

/** A refused build request. Codes: `build-no-targets`, `build-empty-alias`, `build-duplicate-alias`. */
export class BuildError extends MochiPkgError {}

export { DEFAULT_PYTHON };

/** Turns one target's stub files into a package surface (the .pyi parser, injected). */
export type ParsePackage = (stubs: StubFiles, python: PythonTarget) => PackageSurface;

/** Options of `buildWith`. */
export interface BuildOptions {
  /** Modules outside each target's package that names may resolve into (e.g. the stdlib stubs). */
  readonly externals?: ExternalModules;
}

/** Refuses empty target lists, empty aliases and duplicate aliases, naming the offending target. */
export function validateRequest(req: BuildRequest): void {
  if (req.targets.length === 0) {
    throw new BuildError('build-no-targets', 'build request has no targets', {
      hint: 'add at least one `import python "…" as <alias>` target',
    });
  }
  const seen = new Map<string, number>();
  req.targets.forEach((t, i) => {
    if (t.alias.trim() === '') {
      throw new BuildError(
        'build-empty-alias',
        `target ${i} (${JSON.stringify(t.spec)}) has an empty alias`,
        {
          hint: 'give the import a name: import python "…" as <alias>',
        },
      );
    }
    const prev = seen.get(t.alias);
    if (prev !== undefined) {
      throw new BuildError(
        'build-duplicate-alias',
        `targets ${prev} and ${i} both use the alias ${JSON.stringify(t.alias)}`,
        { hint: 'each import python declaration needs its own alias' },
      );
    }
    seen.set(t.alias, i);
  });
}

/**
 * Builds every target with the given parser: per target, the wrapper of its top-level module, the
 * shim, the shim's SHA-256 and the skip reports, in request order. All targets are parsed first,
 * so a target's names may resolve into the other targets of the same request (`requests` naming
 * `urllib3` types), then into `options.externals`. Pure apart from `parse`.
 *
 * @example buildWith({ targets: [{ spec: 'm', alias: 'm', stubs }] }, parse).targets[0].shimSha256
 */
export function buildWith(req: BuildRequest, parse: ParsePackage, options: BuildOptions = {}): BuildResult {
  validateRequest(req);
  const python = req.python ?? DEFAULT_PYTHON;
  const surfaces = req.targets.map((t) => parse(t.stubs, python));
  const siblings = new Map<string, ModuleSurface>();
  for (const s of surfaces) for (const [name, m] of s.modules) if (!siblings.has(name)) siblings.set(name, m);
  const outer = options.externals;
  const externals: ExternalModules = (name) => siblings.get(name) ?? outer?.(name);
  const targets: TargetResult[] = req.targets.map((t, i) => {
    const wrapper = wrapModule(surfaces[i]!, t.stubs.module, { externals });
    const shim = renderShim(wrapper);
    return { alias: t.alias, wrapper, shim, shimSha256: shimSha256(shim), skipped: wrapper.skipped };
  });
  return { targets, externals };
}

/** Options of {@link buildWhileParsing}. */
export interface StreamingOptions<R> extends BuildOptions {
  /** How the stub files are parsed (threads, keepGoing, diagnostics). */
  readonly parse?: Pick<ParsePackagesOptions, 'threads' | 'minParallelChars' | 'keepGoing' | 'report'>;
  /**
   * More work for each module of each target but its top-level one (in the surface's module
   * order), given the target's surface and the build's module lookup, done like the wrapping:
   * possibly while later targets are still being parsed, so it must be pure (it may be stopped
   * part-way and run again).
   */
  readonly each?: (target: number, module: string, surface: PackageSurface, externals: ExternalModules) => R;
}

/** What {@link buildWhileParsing} returns: the build, each target's surface and `each` results. */
export interface StreamingResult<R> {
  readonly result: BuildResult;
  readonly surfaces: readonly PackageSurface[];
  /** Per target, the `each` results of its other modules, in the surface's module order. */
  readonly each: readonly (readonly R[])[];
}

/**
 * Thrown by the module lookup of {@link buildWhileParsing} when the module asked for belongs to a
 * target not parsed yet: the work is tried again once that target is in. Never seen outside this file.
 */
class NotParsedYet extends Error {
  constructor(readonly job: number) {
    super(`target ${job} is not parsed yet`);
  }
}

/** One target's progress in {@link buildWhileParsing}. */
interface Progress<R> {
  result?: TargetResult;
  failure?: { readonly error: unknown };
  /** The modules `each` is called for, and its results so far. */
  others?: readonly string[];
  readonly extra: R[];
  /** The target that the last attempt found not parsed yet. */
  waitsFor?: number | undefined;
}

/**
 * {@link build}, with the wrapping of each target done while the worker threads still parse the
 * later ones. The result is exactly `buildWith` over the parsed surfaces: work on a target starts
 * once the target is parsed, and a module lookup that reaches a target still being parsed abandons
 * that piece of work, which is retried once that target is in (lookups and caches are pure, so an
 * abandoned attempt leaves no trace). Errors are thrown as `build` throws them: the first parse
 * error in target order, else the first wrapping error in target order.
 */
export async function buildWhileParsing<R = undefined>(
  req: BuildRequest,
  options: StreamingOptions<R> = {},
): Promise<StreamingResult<R>> {
  validateRequest(req);
  const n = req.targets.length;
  // Which targets hold each module, in request order (known before parsing: the files' names).
  const owners = new Map<string, number[]>();
  req.targets.forEach((t, i) => {
    for (const m of packageModules(t.stubs)) {
      const list = owners.get(m.name);
      if (list) list.push(i);
      else owners.set(m.name, [i]);
    }
  });
  let ready: ReadyPackages = () => undefined;
  let hurry: (job: number) => void = () => {};
  // Once everything is parsed: the same first-wins lookup as `buildWith`.
  let siblings: Map<string, ModuleSurface> | undefined;
  const outer = options.externals;
  const externals: ExternalModules = (name) => {
    if (siblings) return siblings.get(name) ?? outer?.(name);
    for (const j of owners.get(name) ?? []) {
      const s = ready(j);
      if (!s) throw new NotParsedYet(j);
      const m = s.modules.get(name);
      if (m) return m;
    }
    return outer?.(name);
  };
  const each = options.each;
  const progress: Progress<R>[] = Array.from({ length: n }, () => ({ extra: [] }));
  const finished = (p: Progress<R>) =>
    p.failure !== undefined || (p.result !== undefined && p.others?.length === p.extra.length);
  /** Does the next piece of target `i`'s work: its top-level wrapper first, then one `each`. */
  const step = (i: number, surface: PackageSurface): void => {
    const p = progress[i]!;
    const t = req.targets[i]!;
    try {
      if (p.result === undefined) {
        const wrapper = wrapModule(surface, t.stubs.module, { externals });
        const shim = renderShim(wrapper);
        p.result = { alias: t.alias, wrapper, shim, shimSha256: shimSha256(shim), skipped: wrapper.skipped };
        p.others = each ? [...surface.modules.keys()].filter((m) => m !== t.stubs.module) : [];
      } else {
        p.extra.push(each!(i, p.others![p.extra.length]!, surface, externals));
      }
      if (finished(p)) releaseScopes(surface);
    } catch (e) {
      if (e instanceof NotParsedYet) {
        p.waitsFor = e.job;
        hurry(e.job);
        return;
      }
      p.failure = { error: e };
    }
    p.waitsFor = undefined;
  };
  let first = 0;
  // One piece of work per call: the parse loop extracts worker replies in between.
  const meanwhile = (r: ReadyPackages, h: (job: number) => void): boolean => {
    ready = r;
    hurry = h;
    while (first < n && finished(progress[first]!)) first++;
    for (let i = first; i < n; i++) {
      const p = progress[i]!;
      if (finished(p)) continue;
      const s = r(i);
      if (!s || (p.waitsFor !== undefined && !r(p.waitsFor))) continue;
      step(i, s);
      return true;
    }
    return false;
  };
  const surfaces = await parsePackages(
    req.targets.map((t) => t.stubs),
    req.python ?? DEFAULT_PYTHON,
    { ...options.parse, meanwhile },
  );
  siblings = new Map();
  for (const s of surfaces) for (const [name, m] of s.modules) if (!siblings.has(name)) siblings.set(name, m);
  for (let i = 0; i < n; i++) {
    const p = progress[i]!;
    while (!finished(p)) {
      step(i, surfaces[i]!);
      if (p.waitsFor !== undefined) throw new Error(`buildWhileParsing: target ${i} waits after parsing`);
    }
    if (p.failure) throw p.failure.error;
  }
  return {
    result: { targets: progress.map((p) => p.result!), externals },
    surfaces,
    each: progress.map((p) => p.extra),
  };
}

/**
 * Builds every target with the real .pyi parser (tree-sitter-python, loaded on first use). Stub
 * files that do not parse are an error (StubParseError with file, line and column); names that do
 * not lower are skip reports, never errors. The tree-sitter work is shared with worker threads when
 * there is enough of it, and targets are wrapped while the later ones are parsed; the result is
 * the same as parsing every target, then wrapping one after the other.
 *
 * @example const res = await build({ targets: [{ spec: 'httpx', alias: 'httpx', stubs }] });
 */
export async function build(req: BuildRequest, options: BuildOptions = {}): Promise<BuildResult> {
  return (await buildWhileParsing(req, options)).result;
}
