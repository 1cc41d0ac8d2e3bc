// go.sum lines for the modules a lock pins, in the order and form cmd/go writes them.
import { renderGoSumLines, type SumLine } from '../bridge/render.js';
import { type GoManifest, graphModVersion } from './entry.js';

/**
 * The go.sum text for the lock's `module-proxy` entries: the zip line `<module> <version> <zip-h1>`
 * and the go.mod line `<module> <version>/go.mod <mod-h1>` of each entry that records them, and
 * the go.mod lines of the other versions the module graph read (`graph-mod-h1`) — in x/mod's
 * `module.Sort` order, `\n` line ends. `path` entries have no go.sum lines (cmd/go records none
 * for directory replacements).
 *
 * @example
 * ```ts
 * renderGoSum(goManifest) // 'example.com/greet v1.1.0 h1:…\nexample.com/greet v1.1.0/go.mod h1:…\n'
 * ```
 */
export function renderGoSum(m: GoManifest): string {
  const lines: SumLine[] = [];
  for (const e of m.entries) {
    if (e.source !== 'module-proxy' || e.version === undefined) continue;
    const path = e.module;
    if (e.zipH1 !== undefined) lines.push({ path, version: e.version, goMod: false, h1: e.zipH1 });
    if (e.modH1 !== undefined) lines.push({ path, version: e.version, goMod: true, h1: e.modH1 });
    for (const g of e.graphModH1 ?? []) {
      lines.push({ path, version: graphModVersion(g), goMod: true, h1: g.slice(g.indexOf(' ') + 1) });
    }
  }
  return renderGoSumLines(lines);
}
