// go.mod and go.sum text of a Mochi program's Go bridge, in the form `go mod tidy` leaves them.
import type { MainRequirement, Replacement } from '../mvs/index.js';
import { compareModuleVersions } from '../mvs/index.js';

/** What the bridge go.mod holds. */
export interface BridgeGoMod {
  readonly path: string;
  readonly goVersion: string;
  readonly require: readonly MainRequirement[];
  /** Directory replacements, directories relative to the go.mod's folder (`./…` or `../…`). */
  readonly replace: readonly Replacement[];
}

function quote(s: string): string {
  // x/mod quotes a token that is empty or holds spaces, quotes, `//`, `/*` or control characters.
  return s === '' || /[\s"'`]|\/\/|\/\*|[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : s;
}

function requireBlock(list: readonly MainRequirement[], indirect: boolean): string {
  const line = (r: MainRequirement) => `${quote(r.path)} ${r.version}${indirect ? ' // indirect' : ''}`;
  if (list.length === 0) return '';
  if (list.length === 1) return `\nrequire ${line(list[0]!)}\n`;
  return `\nrequire (\n${list.map((r) => `\t${line(r)}\n`).join('')})\n`;
}

/**
 * The bridge go.mod: `module`, `go`, the direct requirements, then the `// indirect` ones (the two
 * blocks cmd/go 1.17+ keeps), then one `replace` line per directory module.
 */
export function renderBridgeGoMod(m: BridgeGoMod): string {
  const sorted = [...m.require].sort(compareModuleVersions);
  let out = `module ${quote(m.path)}\n\ngo ${m.goVersion}\n`;
  out += requireBlock(
    sorted.filter((r) => !r.indirect),
    false,
  );
  out += requireBlock(
    sorted.filter((r) => r.indirect),
    true,
  );
  const reps = [...m.replace].sort((a, b) =>
    a.old.path < b.old.path ? -1 : a.old.path > b.old.path ? 1 : 0,
  );
  if (reps.length === 1) {
    const r = reps[0]!;
    out += `\nreplace ${quote(r.old.path)} => ${quote(r.new.path)}\n`;
  } else if (reps.length > 1) {
    out += `\nreplace (\n${reps.map((r) => `\t${quote(r.old.path)} => ${quote(r.new.path)}\n`).join('')})\n`;
  }
  return out;
}

/** One go.sum line's data: a module version and the `h1:` of its zip or (with `goMod`) its go.mod. */
export interface SumLine {
  readonly path: string;
  readonly version: string;
  readonly goMod: boolean;
  readonly h1: string;
}

/**
 * go.sum text: one line per hash, `path version h1:…` or `path version/go.mod h1:…`, in x/mod's
 * `module.Sort` order (the zip line before the go.mod line of the same version), no repeats.
 */
export function renderGoSumLines(lines: readonly SumLine[]): string {
  const keyed = new Map<string, { path: string; version: string; h1: string }>();
  for (const l of lines) {
    const version = l.goMod ? `${l.version}/go.mod` : l.version;
    keyed.set(`${l.path} ${version}`, { path: l.path, version, h1: l.h1 });
  }
  return [...keyed.values()]
    .sort(compareModuleVersions)
    .map((l) => `${l.path} ${l.version} ${l.h1}\n`)
    .join('');
}
