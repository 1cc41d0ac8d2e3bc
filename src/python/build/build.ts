// The build: import targets and their stub sources -> wrappers, shims, hashes and skip reports.
import { MochiPkgError } from '../../errors.js';
import { parsePackages } from '../stubs/pool.js';
import type { ModuleSurface, PackageSurface } from '../stubs/types.js';
import type { ExternalModules } from '../typemap/scope.js';
import { renderShim, shimSha256 } from '../wrapper/shim.js';
import { wrapModule } from '../wrapper/wrap.js';
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

/**
 * Builds every target with the real .pyi parser (tree-sitter-python, loaded on first use). Stub
 * files that do not parse are an error (StubParseError with file, line and column); names that do
 * not lower are skip reports, never errors.
 *
 * @example const res = await build({ targets: [{ spec: 'httpx', alias: 'httpx', stubs }] });
 */
export async function build(req: BuildRequest, options: BuildOptions = {}): Promise<BuildResult> {
  validateRequest(req);
  // Every target is parsed up front, the tree-sitter work shared with worker threads when there
  // is enough of it; the surfaces are the same as parsing one target after the other.
  const surfaces = await parsePackages(
    req.targets.map((t) => t.stubs),
    req.python ?? DEFAULT_PYTHON,
  );
  const byStubs = new Map(req.targets.map((t, i) => [t.stubs, surfaces[i]!]));
  return buildWith(req, (stubs) => byStubs.get(stubs)!, options);
}
