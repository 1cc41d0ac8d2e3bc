// Build constraints (`//go:build`, `// +build`) evaluated as `go mod tidy` does: every tag but `ignore` both true and false.

/** A build constraint expression (go/build/constraint). */
export type ConstraintExpr =
  | { readonly op: 'tag'; readonly tag: string }
  | { readonly op: 'not'; readonly x: ConstraintExpr }
  | { readonly op: 'and' | 'or'; readonly x: ConstraintExpr; readonly y: ConstraintExpr };

/** Thrown for a `//go:build` line that does not parse; cmd/go then leaves the file out. */
export class ConstraintSyntaxError extends Error {}

const TAG_RE = /^[\p{L}\p{Nd}_.]+$/u;

/** `//go:build` with nothing or a space after it (constraint.IsGoBuild). */
export function goBuildExpr(line: string): string | undefined {
  if (!line.startsWith('//go:build')) return undefined;
  const rest = line.trim().slice('//go:build'.length);
  const trimmed = rest.trim();
  if (rest.length === trimmed.length && rest !== '') return undefined;
  return trimmed;
}

/** `// +build` with nothing or a space after it (constraint.IsPlusBuild); returns the expression text. */
export function plusBuildExpr(line: string): string | undefined {
  if (!line.startsWith('//')) return undefined;
  const body = line.slice(2).trim();
  if (!body.startsWith('+build')) return undefined;
  const rest = body.slice('+build'.length);
  const trimmed = rest.trim();
  if (rest.length === trimmed.length && rest !== '') return undefined;
  return trimmed;
}

/** Parses a `//go:build` expression: tags, `!`, `&&`, `||`, parentheses (at most 100 deep). */
export function parseGoBuild(text: string): ConstraintExpr {
  const toks = text.match(/&&|\|\||[!()]|[^\s!()&|]+|\S/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const or = (depth: number): ConstraintExpr => {
    let x = and(depth);
    while (peek() === '||') {
      i++;
      x = { op: 'or', x, y: and(depth) };
    }
    return x;
  };
  const and = (depth: number): ConstraintExpr => {
    let x = not(depth);
    while (peek() === '&&') {
      i++;
      x = { op: 'and', x, y: not(depth) };
    }
    return x;
  };
  const not = (depth: number): ConstraintExpr => {
    if (depth > 100) throw new ConstraintSyntaxError('expression too deeply nested');
    const t = toks[i++];
    if (t === '!') return { op: 'not', x: not(depth + 1) };
    if (t === '(') {
      const x = or(depth + 1);
      if (toks[i++] !== ')') throw new ConstraintSyntaxError('missing )');
      return x;
    }
    if (t === undefined || !TAG_RE.test(t)) throw new ConstraintSyntaxError(`unexpected ${t ?? 'end'}`);
    return { op: 'tag', tag: t };
  };
  if (toks.length === 0) throw new ConstraintSyntaxError('empty expression');
  const x = or(0);
  if (i !== toks.length) throw new ConstraintSyntaxError(`unexpected ${toks[i]}`);
  return x;
}

/** Parses a `// +build` line's text: space-separated OR of comma-separated AND of `[!]tag`. */
export function parsePlusBuild(text: string): ConstraintExpr | undefined {
  let x: ConstraintExpr | undefined;
  for (const clause of text.split(/\s+/).filter((c) => c !== '')) {
    let y: ConstraintExpr | undefined;
    for (let lit of clause.split(',')) {
      let z: ConstraintExpr;
      if (lit.startsWith('!!') || lit === '!') z = { op: 'tag', tag: 'ignore' };
      else {
        const neg = lit.startsWith('!');
        if (neg) lit = lit.slice(1);
        z = { op: 'tag', tag: TAG_RE.test(lit) ? lit : 'ignore' };
        if (neg) z = { op: 'not', x: z };
      }
      y = y === undefined ? z : { op: 'and', x: y, y: z };
    }
    if (y !== undefined) x = x === undefined ? y : { op: 'or', x, y };
  }
  return x;
}

/**
 * cmd/go's `imports.eval` with the `*` tag set: a tag other than `ignore` takes whatever value
 * satisfies the expression (`prefer`), `ignore` is false.
 */
export function evalAnyTags(x: ConstraintExpr, prefer = true): boolean {
  switch (x.op) {
    case 'tag':
      return x.tag !== '' && x.tag !== 'ignore' && TAG_RE.test(x.tag) ? prefer : false;
    case 'not':
      return !evalAnyTags(x.x, !prefer);
    case 'and':
      return evalAnyTags(x.x, prefer) && evalAnyTags(x.y, prefer);
    case 'or':
      return evalAnyTags(x.x, prefer) || evalAnyTags(x.y, prefer);
  }
}

/**
 * The leading comment block of a Go file, as cmd/go's `parseFileHeader` finds it: the text up to
 * the last blank line before the first non-comment line, and the `//go:build` line if any.
 */
export function fileHeader(content: string): { header: string; goBuild?: string; multiple: boolean } {
  let end = 0;
  let ended = false;
  let inSlashStar = false;
  let goBuild: string | undefined;
  let multiple = false;
  let pos = 0;
  outer: while (pos < content.length) {
    const nl = content.indexOf('\n', pos);
    const next = nl < 0 ? content.length : nl + 1;
    let line = content.slice(pos, nl < 0 ? content.length : nl).trim();
    pos = next;
    if (line.length === 0 && !ended) {
      end = pos;
      continue;
    }
    if (!line.startsWith('//')) ended = true;
    if (!inSlashStar && goBuildExpr(line) !== undefined) {
      if (goBuild !== undefined) multiple = true;
      goBuild = line;
    }
    while (line.length > 0) {
      if (inSlashStar) {
        const i = line.indexOf('*/');
        if (i >= 0) {
          inSlashStar = false;
          line = line.slice(i + 2).trim();
          continue;
        }
        continue outer;
      }
      if (line.startsWith('//')) continue outer;
      if (line.startsWith('/*')) {
        inSlashStar = true;
        line = line.slice(2).trim();
        continue;
      }
      break outer;
    }
  }
  return { header: content.slice(0, end), ...(goBuild === undefined ? {} : { goBuild }), multiple };
}

/** cmd/go's `imports.ShouldBuild` with every tag but `ignore` allowed (what `go mod tidy` considers). */
export function shouldBuildAnyTags(content: string): boolean {
  const h = fileHeader(content);
  if (h.multiple) return false;
  if (h.goBuild !== undefined) {
    try {
      return evalAnyTags(parseGoBuild(goBuildExpr(h.goBuild)!));
    } catch (e) {
      if (e instanceof ConstraintSyntaxError) return false;
      throw e;
    }
  }
  for (const raw of h.header.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('//') || !line.includes('+build')) continue;
    const text = plusBuildExpr(line);
    if (text === undefined) continue;
    const x = parsePlusBuild(text);
    if (x !== undefined && !evalAnyTags(x)) return false;
  }
  return true;
}
