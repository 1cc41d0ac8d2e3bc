// go.mod bytes to what the module graph needs, through the x/mod-equal parser (ParseLax, as cmd/go reads dependencies).
import { parseLax } from '../modfile/index.js';
import type { ModSummary } from '../mvs/index.js';

/**
 * The graph's view of a dependency's go.mod: declared module path, `go` version, requirements.
 *
 * @throws {GoModParseError} when the file does not parse.
 */
export function goModSummary(fileName: string, data: Uint8Array | string): ModSummary {
  const f = parseLax(fileName, data);
  return {
    ...(f.module ? { module: f.module.mod.path } : {}),
    ...(f.go?.version ? { goVersion: f.go.version } : {}),
    require: f.require.map((r) => ({ path: r.mod.path, version: r.mod.version })),
  };
}
