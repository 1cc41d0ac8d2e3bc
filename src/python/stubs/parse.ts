// Public parsing entry points: one stub source → ModuleSurface, a package's stub files → PackageSurface.
import type { PythonTarget, StubFiles } from '../build/types.js';
import { DEFAULT_TARGET } from './condition.js';
import { StubParseError } from './errors.js';
import { extractModule } from './extract.js';
import { Interner } from './intern.js';
import { createPythonParser, type PythonParser } from './parser.js';
import type { SyntaxNode } from './tree.js';
import type { ModuleSurface, PackageSurface } from './types.js';

/** Options of {@link StubParser.parseModule}. */
export interface ParseModuleOptions {
  /** Dotted module name; default `module`. */
  readonly module?: string;
  /** File name for positions and errors; default `<module>.pyi`. */
  readonly file?: string;
  /** Python version and platform the `if sys.…` branches are evaluated for; default 3.12 / linux. */
  readonly target?: PythonTarget;
  /** The source is a package's `__init__` (relative imports resolve against the module itself). */
  readonly isPackage?: boolean;
}

/** Options of {@link StubParser.parsePackage}. */
export interface ParsePackageOptions {
  /**
   * `false` (default): the first file that does not parse throws its StubParseError.
   * `true`: such files are left out and their errors listed in `PackageSurface.errors`.
   */
  readonly keepGoing?: boolean;
}

/** Where a stub file sits in its package: its dotted module name and whether it is an `__init__`. */
export interface ModuleLocation {
  readonly module: string;
  readonly isPackage: boolean;
  /** `.pyi` beats `.py` for the same module. */
  readonly isStub: boolean;
}

function isIdentifierLike(segment: string): boolean {
  if (segment.length === 0) return false;
  for (const ch of segment) {
    if (ch === '-' || ch === '.' || ch === '@' || ch === ' ' || ch === '+') return false;
  }
  return true;
}

/**
 * Maps a `/`-separated path inside a package to its module: `__init__.pyi` → `pkg`, `a/b.pyi` →
 * `pkg.a.b`, `a/__init__.pyi` → `pkg.a`, and `pkg.pyi` → `pkg` when it is a one-file module. In a
 * package directory (`inPackage`: the files include `__init__.pyi`/`__init__.py`), `pkg.pyi` is the
 * submodule `pkg.pkg` (e.g. `fpdf/fpdf.pyi`). Returns undefined for files that are not Python
 * sources or whose folders are not importable names (e.g. `@tests`).
 */
export function moduleForPath(pkg: string, path: string, inPackage = false): ModuleLocation | undefined {
  const isStub = path.endsWith('.pyi');
  if (!isStub && !path.endsWith('.py')) return undefined;
  const parts = path.slice(0, path.length - (isStub ? 4 : 3)).split('/');
  if (!parts.every(isIdentifierLike)) return undefined;
  if (!inPackage && parts.length === 1 && parts[0] === pkg) return { module: pkg, isPackage: false, isStub };
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { module: [pkg, ...parts].join('.'), isPackage, isStub };
}

/** The text without a leading byte order mark. */
export function withoutBom(source: string): string {
  return source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
}

/**
 * The modules of a package in the order {@link StubParser.parsePackage} parses them (by name), each
 * with the file it comes from: `.pyi` beats `.py` for the same module.
 */
export function packageModules(files: StubFiles): { name: string; path: string; loc: ModuleLocation }[] {
  const chosen = new Map<string, { path: string; loc: ModuleLocation }>();
  const inPackage = files.files.has('__init__.pyi') || files.files.has('__init__.py');
  for (const path of [...files.files.keys()].sort()) {
    const loc = moduleForPath(files.module, path, inPackage);
    if (loc === undefined) continue;
    const prev = chosen.get(loc.module);
    if (prev === undefined || (loc.isStub && !prev.loc.isStub)) chosen.set(loc.module, { path, loc });
  }
  return [...chosen.keys()].sort().map((name) => ({ name, ...chosen.get(name)! }));
}

/** A loaded parser with synchronous `parseModule` / `parsePackage`. Create it with {@link loadStubParser}. */
export class StubParser {
  /** Names shared by every surface this parser extracts (see {@link Interner}). */
  private readonly intern = new Interner();

  constructor(private readonly parser: PythonParser) {}

  /**
   * Parses one stub (or annotated `.py`) source into its surface, for the target's version and
   * platform. Throws {@link StubParseError} (file, line, column) on syntax errors, NUL bytes, sizes
   * over the cap and nesting over the depth caps.
   */
  parseModule(source: string, options: ParseModuleOptions = {}): ModuleSurface {
    const module = options.module ?? 'module';
    const file = options.file ?? `${module}.pyi`;
    const text = withoutBom(source);
    return this.extract(this.parser.parseToSyntax(text, file), text, options);
  }

  /**
   * The first half of {@link parseModule}: parses `text` (without its BOM) to a flat tree, which
   * can cross threads. Throws {@link StubParseError} like parseModule.
   */
  parseToFlat(text: string, file: string): Int32Array {
    return this.parser.parseToFlat(text, file);
  }

  /**
   * The surface of a module whose flat tree was made (maybe on another thread) by
   * `PythonParser.parseToFlat` from `text` (without its BOM): the second half of {@link parseModule}.
   */
  moduleFromFlat(flat: Int32Array, text: string, options: ParseModuleOptions = {}): ModuleSurface {
    return this.extract(this.parser.syntaxOf(flat, text), text, options);
  }

  private extract(root: SyntaxNode, text: string, options: ParseModuleOptions): ModuleSurface {
    const module = options.module ?? 'module';
    return extractModule(root, this.parser, {
      module,
      file: options.file ?? `${module}.pyi`,
      source: text,
      target: options.target ?? DEFAULT_TARGET,
      intern: this.intern,
      ...(options.isPackage === undefined ? {} : { isPackage: options.isPackage }),
    });
  }

  /**
   * Parses every module of a package (see {@link moduleForPath} for the file → module rule). When a
   * module has both `.pyi` and `.py`, the `.pyi` is used. Modules are keyed and ordered by name.
   */
  parsePackage(
    files: StubFiles,
    target: PythonTarget = DEFAULT_TARGET,
    options: ParsePackageOptions = {},
  ): PackageSurface {
    const modules = new Map<string, ModuleSurface>();
    const errors: StubParseError[] = [];
    for (const { name, path, loc } of packageModules(files)) {
      try {
        modules.set(
          name,
          this.parseModule(files.files.get(path)!, {
            module: name,
            file: path,
            target,
            isPackage: loc.isPackage,
          }),
        );
      } catch (e) {
        if (!(options.keepGoing === true && e instanceof StubParseError)) throw e;
        errors.push(e);
      }
    }
    return errors.length === 0 ? { name: files.module, modules } : { name: files.module, modules, errors };
  }
}

/** Loads the Python grammar once and returns a parser whose methods are synchronous. */
export async function loadStubParser(): Promise<StubParser> {
  return new StubParser(await createPythonParser());
}

let shared: Promise<StubParser> | undefined;

function sharedParser(): Promise<StubParser> {
  shared ??= loadStubParser();
  return shared;
}

/** One-shot {@link StubParser.parseModule} (loads the grammar on first use). */
export async function parseModule(source: string, options: ParseModuleOptions = {}): Promise<ModuleSurface> {
  return (await sharedParser()).parseModule(source, options);
}

/** One-shot {@link StubParser.parsePackage} (loads the grammar on first use). */
export async function parsePackage(
  files: StubFiles,
  target: PythonTarget = DEFAULT_TARGET,
  options: ParsePackageOptions = {},
): Promise<PackageSurface> {
  return (await sharedParser()).parsePackage(files, target, options);
}
