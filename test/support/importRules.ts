// The import rule of the source tree as a check: which folder may import which, and which modules stay pure.
import { posix } from 'node:path';
import ts from 'typescript';

/** One import that breaks a rule. */
export interface Violation {
  /** The importing file, relative to the repository root (`src/go/x.ts`). */
  readonly file: string;
  /** The specifier as written, or the chain that reaches a forbidden module (`a.ts -> b.ts -> node:fs`). */
  readonly import: string;
  readonly rule: string;
}

/** Node built-ins that do I/O or start threads and processes: never reachable from a pure module. */
export const IO_MODULES: readonly string[] = [
  'fs',
  'fs/promises',
  'http',
  'https',
  'http2',
  'net',
  'child_process',
  'worker_threads',
];

/**
 * The pure modules: parse, compare, hash, render, diff, lower. Neither they nor anything they
 * import (transitively) may import one of {@link IO_MODULES}. A path ending in `/` is a folder.
 */
export const PURE: readonly string[] = [
  'src/errors.ts',
  'src/errorCodes.ts',
  'src/lock/',
  'src/go/semver/',
  'src/go/module/',
  'src/go/dirhash/hash1.ts',
  'src/go/lockfile/entry.ts',
  'src/go/lockfile/render.ts',
  'src/go/lockfile/diff.ts',
  'src/go/lockfile/parse.ts',
  'src/go/lockfile/spec.ts',
  'src/go/lockfile/gosum.ts',
  'src/go/lockfile/gomod.ts',
  'src/go/modfile/',
  'src/go/mvs/',
  'src/go/load/',
  'src/go/bridge/resolve.ts',
  'src/go/bridge/render.ts',
  'src/go/bridge/parse.ts',
  'src/go/vendor/plan.ts',
  'src/go/vendor/embed.ts',
  'src/go/sumdb/client.ts',
  'src/go/sumdb/errors.ts',
  'src/go/sumdb/note.ts',
  'src/go/sumdb/tlog.ts',
  'src/python/pep440/',
  'src/python/pep508/',
  'src/python/resolver/',
  'src/python/importspec/',
  'src/python/typemap/',
  'src/python/wrapper/',
  'src/python/lockfile/',
  'src/python/install/plan.ts',
  'src/python/install/errors.ts',
  'src/project/settings.ts',
  'src/util/toml.ts',
];

/**
 * Folders in layer order, top first: a file may import its own folder and those below it, never
 * one above. `go` and `python` are one layer whose two halves never import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['src/cli/'],
  ['src/serve/'],
  ['src/project/'],
  ['src/go/', 'src/python/'],
  ['src/lock/'],
  ['src/util/'],
];

function layerOf(file: string): { level: number; folder: string } | undefined {
  for (const [level, folders] of LAYERS.entries()) {
    for (const folder of folders) if (file.startsWith(folder)) return { level, folder };
  }
  return undefined;
}

function isPure(file: string): boolean {
  return PURE.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
}

/** Every module specifier `source` imports or re-exports, static or dynamic. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The repository path a relative specifier of `from` names (`./a.js` → `dir/a.ts`), else undefined. */
function resolve(from: string, spec: string, files: ReadonlyMap<string, string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = posix.join(posix.dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

function builtin(spec: string): string | undefined {
  const name = spec.startsWith('node:') ? spec.slice(5) : spec;
  return IO_MODULES.includes(name) ? spec : undefined;
}

/**
 * Checks `files` (repository path → source text) against the import rule:
 * - `layer`: no import from a folder above the file's own (cli → project → go | python → lock → util);
 * - `go-python`: nothing under `src/go/` imports `src/python/`, and the other way round;
 * - `pure`: no pure module ({@link PURE}) reaches an I/O built-in ({@link IO_MODULES}), directly or
 *   through the modules it imports.
 */
export function checkImportRules(files: ReadonlyMap<string, string>): Violation[] {
  const edges = new Map<string, { spec: string; target: string | undefined }[]>();
  for (const [file, text] of files) {
    edges.set(
      file,
      importsOf(text).map((spec) => ({ spec, target: resolve(file, spec, files) })),
    );
  }
  const out: Violation[] = [];
  for (const [file, list] of edges) {
    const own = layerOf(file);
    for (const { spec, target } of list) {
      if (own === undefined || target === undefined) continue;
      const other = layerOf(target);
      if (other === undefined) continue;
      if (other.level === own.level && other.folder !== own.folder) {
        out.push({ file, import: spec, rule: 'go-python' });
      } else if (other.level < own.level) {
        out.push({ file, import: spec, rule: 'layer' });
      }
    }
  }
  // For each pure file, the first chain (breadth first) to an I/O built-in.
  for (const file of edges.keys()) {
    if (!isPure(file)) continue;
    const seen = new Map<string, string>([[file, file]]);
    const queue = [file];
    let found: string | undefined;
    while (queue.length > 0 && found === undefined) {
      const at = queue.shift() as string;
      for (const { spec, target } of edges.get(at) ?? []) {
        if (builtin(spec) !== undefined) {
          found = `${seen.get(at)} -> ${spec}`;
          break;
        }
        if (target !== undefined && !seen.has(target)) {
          seen.set(target, `${seen.get(at)} -> ${target}`);
          queue.push(target);
        }
      }
    }
    if (found !== undefined) out.push({ file, import: found, rule: 'pure' });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.rule < b.rule ? -1 : 1));
}
