// The files of one import's wrapper folder (`python_wrap/<alias>/`): shim, skip list, manifest. Pure.
import type { SkipReport } from '../typemap/types.js';
import { shimSha256 } from './shim.js';

/** The shim: the Mochi extern declarations; `wrapper-sha256` is the SHA-256 of its exact bytes. */
export const SHIM_FILE = 'wrapper.mochi';
/** One line per skipped name: `<item path>: <reason>: <detail>`. */
export const SKIPPED_FILE = 'SKIPPED.txt';
/** What a compiler needs besides the shim: which Python module the alias imports. */
export const MANIFEST_FILE = 'manifest.json';

/** What one import's wrapper folder is made from. */
export interface WrapperFolderInput {
  /** The import's alias (the folder's name). */
  readonly alias: string;
  /** The distribution name, as in the lock entry. */
  readonly name: string;
  /** The Python module the shim declares (what `import` loads at run time). */
  readonly module: string;
  readonly shim: string;
  readonly skipped: readonly SkipReport[];
}

// A skip detail may quote a multi-line annotation; each skip stays on one line.
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * `SKIPPED.txt`: one line per skip, `<item path>: <reason>: <detail>`, in the wrapper's order
 * (sorted by item path); empty when nothing was skipped.
 *
 * @example renderSkipped([{ itemPath: 'm.f', reason: 'paramspec', detail: 'P is a ParamSpec' }]) === 'm.f: paramspec: P is a ParamSpec\n'
 */
export function renderSkipped(skipped: readonly SkipReport[]): string {
  return skipped.map((s) => `${s.itemPath}: ${s.reason}: ${oneLine(s.detail)}\n`).join('');
}

/**
 * The files of `python_wrap/<alias>/`, by file name, in name order: the shim, `SKIPPED.txt`, and
 * `manifest.json` (`{alias, name, module, shim, wrapper-sha256}` in that key order). Deterministic.
 */
export function wrapperFiles(input: WrapperFolderInput): ReadonlyMap<string, string> {
  const manifest = {
    alias: input.alias,
    name: input.name,
    module: input.module,
    shim: SHIM_FILE,
    'wrapper-sha256': shimSha256(input.shim),
  };
  return new Map([
    [SKIPPED_FILE, renderSkipped(input.skipped)],
    [MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`],
    [SHIM_FILE, input.shim],
  ]);
}
