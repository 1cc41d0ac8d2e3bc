// Writes go.mod syntax back as text, exactly as x/mod modfile.Format (and `go mod edit -fmt`) does.
import { trimSpace } from './quote.js';
import type { Comment, Comments, FileSyntax, Stmt } from './syntax.js';

type Node = Stmt | { kind: 'lparen' | 'rparen'; comments: Comments };

class Printer {
  // Output pieces: trimming and indentation look only at the last few, so formatting stays linear.
  private readonly parts: string[] = [];
  private pending: Comment[] = [];
  private margin = 0;

  get out(): string {
    return this.parts.join('');
  }

  private write(s: string): void {
    if (s !== '') this.parts.push(s);
  }

  // Whether anything follows the last newline.
  private indent(): boolean {
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!;
      if (p.endsWith('\n')) return false;
      if (p !== '') return true;
    }
    return false;
  }

  private trim(): void {
    while (this.parts.length > 0) {
      const p = this.parts[this.parts.length - 1]!;
      let n = p.length;
      while (n > 0 && (p[n - 1] === '\t' || p[n - 1] === ' ')) n--;
      if (n > 0) {
        this.parts[this.parts.length - 1] = p.slice(0, n);
        return;
      }
      this.parts.pop();
    }
  }

  private tabs(): void {
    this.write('\t'.repeat(this.margin));
  }

  newline(): void {
    if (this.pending.length > 0) {
      this.write(' ');
      for (const [i, com] of this.pending.entries()) {
        if (i > 0) {
          this.trim();
          this.write('\n');
          this.tabs();
        }
        this.write(trimSpace(com.token));
      }
      this.pending = [];
    }
    this.trim();
    this.write('\n');
    this.tabs();
  }

  file(f: FileSyntax): void {
    for (const com of f.comments.before) {
      this.write(trimSpace(com.token));
      this.newline();
    }
    for (const [i, stmt] of f.stmt.entries()) {
      this.expr(stmt);
      if (stmt.kind !== 'comments') this.newline();
      for (const com of stmt.comments.after) {
        this.write(trimSpace(com.token));
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    }
  }

  private expr(x: Node): void {
    const before = x.comments.before;
    if (before.length > 0) {
      this.trim();
      if (this.indent()) this.write('\n');
      this.tabs();
      for (const com of before) {
        this.write(trimSpace(com.token));
        this.newline();
      }
    }
    switch (x.kind) {
      case 'comments':
        break;
      case 'lparen':
        this.write('(');
        break;
      case 'rparen':
        this.write(')');
        break;
      case 'line':
        this.tokens(x.token);
        break;
      case 'block':
        this.tokens(x.token);
        this.write(' ');
        this.expr({ kind: 'lparen', comments: x.lparen.comments });
        this.margin++;
        for (const l of x.line) {
          this.newline();
          this.expr(l);
        }
        this.margin--;
        this.newline();
        this.expr({ kind: 'rparen', comments: x.rparen.comments });
        break;
    }
    this.pending.push(...x.comments.suffix);
  }

  private tokens(tokens: readonly string[]): void {
    let sep = '';
    for (const t of tokens) {
      if (t === ',' || t === ')' || t === ']' || t === '}') sep = '';
      this.write(sep + t);
      sep = ' ';
      if (t === '(' || t === '[' || t === '{') sep = '';
    }
  }
}

/**
 * The canonical text of a go.mod syntax tree (x/mod `modfile.Format`): one tab of indent inside
 * blocks, a blank line between statements, comments kept where they were.
 *
 * @example
 * ```ts
 * format(parse('go.mod', 'module   example.com/m\ngo 1.19').syntax); // 'module example.com/m\n\ngo 1.19\n'
 * ```
 */
export function format(f: FileSyntax): string {
  const p = new Printer();
  p.file(f);
  return p.out;
}
