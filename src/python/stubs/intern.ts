// One object per distinct name across the surfaces of one parse run.
import type { TypeExpr } from './types.js';

/**
 * Most of a surface is names, and the same few repeat in every module (`self`, `str`, `int`, `bool`,
 * `Incomplete`: over 600,000 name strings and 300,000 name annotations in typeshed, 75,000 distinct).
 * Surfaces live as long as the build, so each copy is memory the garbage collector copies and
 * promotes; with lists kept at their length (extract.ts) this halves typeshed's surfaces. Surfaces are
 * read-only, so sharing is not observable. The tables hold at most {@link MAX_ENTRIES} each: past
 * that, names are no longer shared (an interner can live as long as its parser, and a long-lived
 * process must not keep every name it ever saw).
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly names = new Map<string, TypeExpr>();

  /** `s`, or the equal string this interner returned before. */
  string(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    if (this.strings.size < MAX_ENTRIES) this.strings.set(s, s);
    return s;
  }

  /** The annotation `{ kind: 'name', name }`, one object per name. */
  name(name: string): TypeExpr {
    let t = this.names.get(name);
    if (t === undefined) {
      t = { kind: 'name', name: this.string(name) };
      if (this.names.size < MAX_ENTRIES) this.names.set(name, t);
    }
    return t;
  }
}

const MAX_ENTRIES = 200_000;
