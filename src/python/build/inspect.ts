// `python inspect` as a library call: one stub file or package on disk -> its wrapper, shim, hash and capabilities.
import { join } from 'node:path';
import { statIfExists } from '../../util/read.js';
import { type Capability, extractCapabilities } from '../lockfile/capabilities.js';
import { StubLoadError } from '../stubs/errors.js';
import { readStubFiles } from '../stubs/load.js';
import { loadStubParser } from '../stubs/parse.js';
import { buildWith, DEFAULT_PYTHON } from './build.js';
import { bundledTypeshed, typeshedExternals } from './externals.js';
import type { PythonTarget, TargetResult } from './types.js';

/** Options of {@link inspectStubs}. */
export interface InspectOptions {
  /** Python version and platform the stubs are evaluated for (default 3.12 on linux). */
  readonly python?: PythonTarget | undefined;
  /**
   * Typeshed root (holding `stdlib/` and `stubs/`) where names from outside the package resolve;
   * `false` resolves inside the package only; default: pyright's bundled copy when installed.
   */
  readonly typeshed?: string | false | undefined;
}

/** What {@link inspectStubs} found: the build's result for the one target, and its capabilities. */
export interface Inspection extends TargetResult {
  readonly python: PythonTarget;
  /** Sorted capability tokens; empty when the surface has none. */
  readonly capabilities: readonly Capability[];
}

/**
 * A typeshed root given by name must hold `stdlib/` or `stubs/`: any other folder (a typo, the
 * stub package itself) would resolve nothing, and every outside name would become a skip.
 */
async function requireTypeshedRoot(root: string): Promise<void> {
  const isDir = async (p: string) => (await statIfExists(p))?.isDirectory() === true;
  if ((await isDir(join(root, 'stdlib'))) || (await isDir(join(root, 'stubs')))) return;
  throw new StubLoadError('stub-not-found', root, 'not a typeshed tree: no stdlib/ or stubs/ folder in it', {
    hint: 'give the typeshed root (the folder holding stdlib/ and stubs/), or resolve inside the package only',
  });
}

/**
 * Reads a `.pyi` file or a stub package directory (`.py` files too when it holds `py.typed`),
 * parses it for the target and builds the Mochi wrapper of its top-level module.
 *
 * @throws {StubParseError} for a missing path or a stub that does not parse (file, line, column).
 * @throws {StubLoadError} `stub-not-found` when `typeshed` names a folder without `stdlib/` or `stubs/`.
 */
export async function inspectStubs(path: string, options: InspectOptions = {}): Promise<Inspection> {
  const python = options.python ?? DEFAULT_PYTHON;
  if (typeof options.typeshed === 'string') await requireTypeshedRoot(options.typeshed);
  const stubs = await readStubFiles(path);
  const parser = await loadStubParser();
  const root = options.typeshed === false ? undefined : (options.typeshed ?? bundledTypeshed());
  const externals = root === undefined ? undefined : typeshedExternals(root, parser, python);
  const result = buildWith(
    { targets: [{ spec: stubs.module, alias: stubs.module, stubs }], python },
    (s, py) => parser.parsePackage(s, py),
    externals ? { externals } : {},
  );
  const target = result.targets[0]!;
  return { ...target, python, capabilities: extractCapabilities(target.wrapper) ?? [] };
}
