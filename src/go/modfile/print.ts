// Writes go.mod syntax back as text, exactly as x/mod modfile.Format (and `go mod edit -fmt`) does.
import { trimSpace } from './quote.js';
import type { Comment, Comments, FileSyntax, Stmt } from './syntax.js';

type Node = Stmt | { kind: 'lparen' | 'rparen'; comments: Comments };

class Printer {
  out = '';
  private pending: Comment[] = [];
  private margin = 0;

  private indent(): number {
    const nl = this.out.lastIndexOf('\n');
    return this.out.length - (nl + 1);
  }

  private trim(): void {
    let n = this.out.length;
    while (n > 0 && (this.out[n - 1] === '\t' || this.out[n - 1] === ' ')) n--;
    this.out = this.out.slice(0, n);
  }

  private tabs(): void {
    this.out += '\t'.repeat(this.margin);
  }

  newline(): void {
    if (this.pending.length > 0) {
      this.out += ' ';
      for (const [i, com] of this.pending.entries()) {
        if (i > 0) {
          this.trim();
          this.out += '\n';
          this.tabs();
        }
        this.out += trimSpace(com.token);
      }
      this.pending = [];
    }
    this.trim();
    this.out += '\n';
    this.tabs();
  }

  file(f: FileSyntax): void {
    for (const com of f.comments.before) {
      this.out += trimSpace(com.token);
      this.newline();
    }
    for (const [i, stmt] of f.stmt.entries()) {
      this.expr(stmt);
      if (stmt.kind !== 'comments') this.newline();
      for (const com of stmt.comments.after) {
        this.out += trimSpace(com.token);
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    }
  }

  private expr(x: Node): void {
    const before = x.comments.before;
    if (before.length > 0) {
      this.trim();
      if (this.indent() > 0) this.out += '\n';
      this.tabs();
      for (const com of before) {
        this.out += trimSpace(com.token);
        this.newline();
      }
    }
    switch (x.kind) {
      case 'comments':
        break;
      case 'lparen':
        this.out += '(';
        break;
      case 'rparen':
        this.out += ')';
        break;
      case 'line':
        this.tokens(x.token);
        break;
      case 'block':
        this.tokens(x.token);
        this.out += ' ';
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
      this.out += sep + t;
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
