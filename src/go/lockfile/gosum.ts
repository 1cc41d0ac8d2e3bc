// go.sum lines for the modules a lock pins, in the order and form cmd/go writes them.
import * as semver from '../semver/index.js';
import type { GoManifest } from './entry.js';

/**
 * The go.sum text for the lock's `module-proxy` entries: per module version, the zip line
 * `<module> <version> <zip-h1>` then the go.mod line `<module> <version>/go.mod <mod-h1>`,
 * modules in code-unit order and versions in semver order (cmd/go's `module.Sort`), `\n` line ends.
 * `path` entries have no go.sum lines (cmd/go records none for directory replacements).
 *
 * @example
 * ```ts
 * renderGoSum(goManifest) // 'example.com/greet v1.1.0 h1:…\nexample.com/greet v1.1.0/go.mod h1:…\n'
 * ```
 */
export function renderGoSum(m: GoManifest): string {
  const mods = m.entries
    .filter((e) => e.source === 'module-proxy' && e.version !== undefined)
    .sort((a, b) =>
      a.module < b.module ? -1 : a.module > b.module ? 1 : semver.compareStrings(a.version!, b.version!),
    );
  let out = '';
  for (const e of mods) {
    if (e.zipH1 !== undefined) out += `${e.module} ${e.version} ${e.zipH1}\n`;
    if (e.modH1 !== undefined) out += `${e.module} ${e.version}/go.mod ${e.modH1}\n`;
  }
  return out;
}
