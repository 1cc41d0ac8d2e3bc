// One go.mod parse as answers are compared with test/oracles/modfile (x/mod's modfile): ours, and the oracle's normalised.
import {
  format,
  GoModParseError,
  type Line,
  type ModFile,
  parse,
  parseLax,
} from '../../../src/go/modfile/index.js';

const at = (l: Line) => ({ line: l.start.line, col: l.start.lineRune, byte: l.start.byte });

/** Our answer for `data` (Parse, or ParseLax with `lax`) in the oracle's JSON shape. */
export function ourAnswer(name: string, data: string | Uint8Array, lax: boolean): unknown {
  let f: ModFile;
  try {
    f = (lax ? parseLax : parse)(name, data);
  } catch (e) {
    if (!(e instanceof GoModParseError)) throw e;
    return { err: e.message };
  }
  return {
    ...(f.module && {
      module: { path: f.module.mod.path, deprecated: f.module.deprecated, at: at(f.module.syntax) },
    }),
    ...(f.go && { go: { version: f.go.version, at: at(f.go.syntax) } }),
    require: f.require.map((r) => ({ mod: r.mod, indirect: r.indirect, at: at(r.syntax) })),
    exclude: f.exclude.map((r) => ({ mod: r.mod, at: at(r.syntax) })),
    replace: f.replace.map((r) => ({ old: r.old, new: r.new, at: at(r.syntax) })),
    retract: f.retract.map((r) => ({ low: r.low, high: r.high, rationale: r.rationale, at: at(r.syntax) })),
    format: format(f.syntax),
  };
}

/** The oracle's answer with its omitted empty lists filled in, as {@link ourAnswer} gives them. */
export function oracleAnswer(answer: Record<string, unknown>): unknown {
  if (answer.err !== undefined) return { err: answer.err };
  for (const k of ['require', 'exclude', 'replace', 'retract']) answer[k] ??= [];
  return answer;
}
