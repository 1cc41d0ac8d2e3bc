// Modules outside a target's package, read lazily from a typeshed tree (stdlib/ and stubs/<dist>/).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { FileReadError, readRegularFileIfExistsSync } from '../../util/read.js';
import { MAX_STUB_BYTES } from '../stubs/errors.js';
import type { StubParser } from '../stubs/parse.js';
import type { ModuleSurface } from '../stubs/types.js';
import type { ExternalModules } from '../typemap/scope.js';
import type { PythonTarget } from './types.js';

interface Located {
  readonly file: string;
  readonly isPackage: boolean;
}

/** The most files indexed under one typeshed root (typeshed has about 5,200). */
const MAX_INDEXED_FILES = 50_000;

function indexTree(
  root: string,
  prefix: readonly string[],
  out: Map<string, Located>,
  budget: { left: number },
): void {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch (e) {
    if (isFsMiss(e)) return;
    throw e;
  }
  for (const e of entries) {
    if (budget.left <= 0) return;
    if (e.startsWith('.') || e.startsWith('@') || e.includes('-')) continue;
    const p = join(root, e);
    if (e.endsWith('.pyi')) {
      budget.left--;
      const stem = e.slice(0, -4);
      if (stem === '__init__') out.set(prefix.join('.'), { file: p, isPackage: true });
      else {
        const name = [...prefix, stem].join('.');
        if (!out.has(name)) out.set(name, { file: p, isPackage: false });
      }
    } else if (!e.includes('.') && statSync(p, { throwIfNoEntry: false })?.isDirectory()) {
      indexTree(p, [...prefix, e], out, budget);
    }
  }
}

/**
 * Module lookup over a typeshed tree: `<root>/stdlib` first, then every `<root>/stubs/<dist>`.
 * Modules are parsed on first use for the given target and cached; a module that does not parse
 * is treated as absent (its names then resolve as unresolved, which is what a skip reports).
 * Reads the disk synchronously because the type mapper asks for modules while lowering.
 */
export function typeshedExternals(root: string, parser: StubParser, target: PythonTarget): ExternalModules {
  let index: Map<string, Located> | undefined;
  const cache = new Map<string, ModuleSurface | undefined>();
  const build = (): Map<string, Located> => {
    const out = new Map<string, Located>();
    const budget = { left: MAX_INDEXED_FILES };
    indexTree(join(root, 'stdlib'), [], out, budget);
    const stubs = join(root, 'stubs');
    const dists = existsSync(stubs) ? readdirSync(stubs).sort() : [];
    for (const d of dists) {
      const sub = new Map<string, Located>();
      indexTree(join(stubs, d), [], sub, budget);
      for (const [k, v] of sub) if (!out.has(k)) out.set(k, v);
    }
    return out;
  };
  return (name) => {
    if (cache.has(name)) return cache.get(name);
    index ??= build();
    const loc = index.get(name);
    let mod: ModuleSurface | undefined;
    cache.set(name, undefined);
    if (loc) {
      try {
        // Only a regular file is read (a stub tree in a repository could hold a FIFO or a link to
        // a device); one that is not, is over the stub size cap or cannot be read is absent like a
        // broken one.
        const bytes = readRegularFileIfExistsSync(loc.file, { maxBytes: MAX_STUB_BYTES, what: 'stub file' });
        if (bytes !== undefined) {
          const source = bytes.toString('utf8');
          mod = parser.parseModule(source, {
            module: name,
            file: loc.file,
            target,
            isPackage: loc.isPackage,
          });
        }
      } catch (e) {
        const skip =
          e instanceof FileReadError ||
          (e instanceof MochiPkgError && e.code.startsWith('stub-')) ||
          isFsMiss(e);
        if (!skip) throw e;
      }
    }
    cache.set(name, mod);
    return mod;
  };
}

/** The typeshed copy inside the `pyright` npm package, when it is installed; else undefined. */
export function bundledTypeshed(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('pyright/package.json');
    const dir = join(dirname(pkg), 'dist', 'typeshed-fallback');
    return existsSync(join(dir, 'stdlib')) ? dir : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

function isFsMiss(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES';
}
