// The bridge main module's fixed names and its replace targets (light: `sync` imports it without the lock flow).
import { relative, resolve, sep } from 'node:path';

/** The bridge's module path in the go.mod written for a program. */
export const BRIDGE_MODULE = 'mochi.local/bridge';
/** The bridge go.mod's `go` version: the reference toolchain's, so the graph is pruned. */
export const BRIDGE_GO_VERSION = '1.19';

/** The directory of a `path` entry, relative to `from` (a go.mod's folder), as a go.mod `replace` target. */
export function replaceDir(projectRoot: string, localPath: string, from: string): string {
  const rel = relative(from, resolve(projectRoot, localPath)).split(sep).join('/');
  return rel === '..' || rel.startsWith('../') ? rel : `./${rel}`;
}
