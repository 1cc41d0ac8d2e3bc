// Reads the import declarations of a Go source file, as cmd/go's imports.ReadImports does (lenient: a syntax error ends the list).

/** What one Go file imports, and the prefix of the file that was read (for build constraints). */
export interface FileImports {
  /** Import paths in file order (unquoted; invalid literals dropped). */
  readonly imports: readonly string[];
  /** The file's text up to the end of its import declarations. */
  readonly head: string;
  /** The name in its package clause (undefined without one). */
  readonly name: string | undefined;
}

const IDENT_RE = /^[\p{L}_][\p{L}\p{Nd}_]*/u;

/**
 * The imports of a Go file: after the package clause, every `import "p"`, `import n "p"` and
 * `import ( … )` declaration until the first other declaration. Comments and `;` are skipped;
 * anything unexpected ends the scan with what was read so far (cmd/go does the same without
 * reporting syntax errors).
 */
export function readImports(src: string): FileImports {
  let i = 0;
  const n = src.length;
  const skip = (): void => {
    for (;;) {
      while (
        i < n &&
        (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r' || src[i] === ';')
      )
        i++;
      if (src.startsWith('//', i)) {
        const nl = src.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (src.startsWith('/*', i)) {
        const e = src.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 2;
      } else return;
    }
  };
  const ident = (): string | undefined => {
    skip();
    const m = IDENT_RE.exec(src.slice(i, i + 256));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const str = (): string | undefined => {
    skip();
    const q = src[i];
    if (q === '`') {
      const e = src.indexOf('`', i + 1);
      if (e < 0) return undefined;
      const s = src.slice(i + 1, e);
      i = e + 1;
      return s;
    }
    if (q !== '"') return undefined;
    let j = i + 1;
    while (j < n && src[j] !== '"' && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
    if (src[j] !== '"') return undefined;
    const lit = src.slice(i, j + 1);
    i = j + 1;
    try {
      const v: unknown = JSON.parse(lit);
      return typeof v === 'string' ? v : undefined;
    } catch {
      // Not a literal JSON reads (Go escapes such as \x41 or \a): keep the plain ones only.
      return /\\/.test(lit) ? '\u0000' : lit.slice(1, -1);
    }
  };
  const imports: string[] = [];
  const spec = (): boolean => {
    skip();
    if (src[i] === '.') i++;
    else if (src[i] !== '"' && src[i] !== '`') {
      if (ident() === undefined) return false;
    }
    const p = str();
    if (p === undefined) return false;
    if (!p.includes('\u0000')) imports.push(p);
    return true;
  };
  let head = n;
  const name = ident() === 'package' ? ident() : undefined;
  if (name !== undefined) {
    for (;;) {
      skip();
      const save = i;
      if (ident() !== 'import') {
        head = save;
        break;
      }
      skip();
      if (src[i] === '(') {
        i++;
        let ok = true;
        for (;;) {
          skip();
          if (src[i] === ')') {
            i++;
            break;
          }
          if (!spec()) {
            ok = false;
            break;
          }
        }
        if (!ok) {
          head = i;
          break;
        }
      } else if (!spec()) {
        head = i;
        break;
      }
    }
  }
  return { imports, head: src.slice(0, Math.min(head, n)), name };
}
