// The go.mod of a program's Go bridge, written from the lock's [[go-package]] entries alone.
import { renderBridgeGoMod } from '../bridge/render.js';
import type { MainRequirement, Replacement } from '../mvs/index.js';
import { type GoLockEntry, type GoManifest, pathModuleVersion } from './entry.js';

/**
 * The bridge go.mod (module `module`, `go goVersion`) as `go mod tidy` leaves it: the imported
 * modules as direct requirements, indirect entries marked `require` as `// indirect` ones, and a
 * `replace` to its directory for each `path` module (`dirOf` gives the directory relative to
 * the go.mod's folder).
 */
export function renderGoMod(
  m: GoManifest,
  module: string,
  goVersion: string,
  dirOf: (e: GoLockEntry) => string,
): string {
  const require: MainRequirement[] = [];
  const replace: Replacement[] = [];
  for (const e of m.entries) {
    if (e.source === 'path') {
      require.push({ path: e.module, version: pathModuleVersion(e.module) });
      replace.push({ old: { path: e.module }, new: { path: dirOf(e) } });
    } else if (!e.indirect) require.push({ path: e.module, version: e.version! });
    else if (e.require) require.push({ path: e.module, version: e.version!, indirect: true });
  }
  return renderBridgeGoMod({ path: module, goVersion, require, replace });
}
