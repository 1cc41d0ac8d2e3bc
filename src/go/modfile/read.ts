// The go.mod lexer and syntax parser (x/mod modfile/read.go): tokens, lines, blocks and where each comment belongs.
import { type GoModIssue, GoModParseError, issueAt } from './errors.js';
import { isPrint, isSpace, quoteRune, trimSpace } from './quote.js';
import {
  type Comment,
  type Comments,
  type FileSyntax,
  type Line,
  type LineBlock,
  noComments,
  type Position,
  type Stmt,
} from './syntax.js';

/** The largest go.mod accepted (x/mod's module zip limit for go.mod files). */
export const MAX_GOMOD_BYTES = 16 << 20;

const EOF = -1;
const EOLCOMMENT = -2;
const IDENT = -3;
const STRING = -4;
const COMMENT = -5;

interface Token {
  kind: number;
  pos: Position;
  endPos: Position;
  text: string;
}

const isEOL = (k: number): boolean => k === EOF || k === EOLCOMMENT || k === 0x0a;
const LPAREN = 0x28;
const RPAREN = 0x29;

// Thrown by the lexer to stop at its first error, as x/mod's panic does.
class Stop {}

const decoder = new TextDecoder('utf-8');

/** Decodes one rune at `i` as Go's utf8.DecodeRune does: invalid bytes give U+FFFD, width 1. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  const cont = (k: number): number => {
    const x = b[i + k];
    return x !== undefined && (x & 0xc0) === 0x80 ? x & 0x3f : -1;
  };
  if (c >= 0xc2 && c <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c & 0x1f) << 6) | c1, 2];
  } else if (c >= 0xe0 && c <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      const r = ((c & 0x0f) << 12) | (c1 << 6) | c2;
      if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return [r, 3];
    }
  } else if (c >= 0xf0 && c <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const r = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (r >= 0x10000 && r <= 0x10ffff) return [r, 4];
    }
  }
  return [0xfffd, 1];
}

// Token text: most tokens are short ASCII, which needs no UTF-8 decoder.
function decodeText(b: Uint8Array, start: number, end: number): string {
  let ascii = '';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return decoder.decode(b.subarray(start, end));
    ascii += String.fromCharCode(c);
  }
  return ascii;
}

function isIdent(c: number): boolean {
  switch (c) {
    case 0x20:
    case 0x28:
    case 0x29:
    case 0x5b:
    case 0x5d:
    case 0x7b:
    case 0x7d:
    case 0x2c:
      return false;
    default:
      return !isSpace(c) && isPrint(c);
  }
}

class Input {
  private readonly b: Uint8Array;
  private off = 0;
  private tokenStart = 0;
  token: Token;
  // The current position, kept as numbers (an object is made only where a token starts or ends).
  private line = 1;
  private col = 1;
  readonly comments: Comment[] = [];
  readonly file: FileSyntax;
  issue: GoModIssue | undefined;

  constructor(
    private readonly filename: string,
    data: Uint8Array,
  ) {
    this.b = data;
    this.file = { name: filename, comments: noComments(), stmt: [] };
    this.token = { kind: EOF, pos: this.pos, endPos: this.pos, text: '' };
  }

  private get pos(): Position {
    return { line: this.line, lineRune: this.col, byte: this.off };
  }

  private set pos(p: Position) {
    this.line = p.line;
    this.col = p.lineRune;
    this.off = p.byte;
  }

  error(s: string): never {
    this.issue = issueAt(this.filename, this.pos, s);
    throw new Stop();
  }

  private eof(): boolean {
    return this.off >= this.b.length;
  }

  private peekRune(): number {
    if (this.eof()) return 0;
    const c = this.b[this.off]!;
    return c < 0x80 ? c : decodeRune(this.b, this.off)[0];
  }

  private peekPrefix(p: string): boolean {
    for (let i = 0; i < p.length; i++) {
      if (this.b[this.off + i] !== p.charCodeAt(i)) return false;
    }
    return true;
  }

  private readRune(): number {
    if (this.eof()) this.error('internal lexer error: readRune at EOF');
    let r = this.b[this.off]!;
    if (r < 0x80) {
      this.off++;
    } else {
      const [rr, size] = decodeRune(this.b, this.off);
      r = rr;
      this.off += size;
    }
    if (r === 0x0a) {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return r;
  }

  private startToken(): void {
    this.tokenStart = this.off;
    this.token = { kind: EOF, pos: this.pos, endPos: this.pos, text: '' };
  }

  private endToken(kind: number): void {
    let text = decodeText(this.b, this.tokenStart, this.off);
    if (kind === COMMENT || kind === EOLCOMMENT) {
      if (text.endsWith('\r\n')) text = text.slice(0, -2);
      else if (text.endsWith('\n')) text = text.slice(0, -1);
    }
    this.token = { kind, pos: this.token.pos, endPos: this.pos, text };
  }

  peek(): number {
    return this.token.kind;
  }

  lex(): Token {
    const tok = this.token;
    this.readToken();
    return tok;
  }

  readToken(): void {
    while (!this.eof()) {
      const c = this.peekRune();
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.readRune();
        continue;
      }
      if (this.peekPrefix('//')) {
        this.startToken();
        const lineStart = this.off === 0 ? 0 : this.b.lastIndexOf(0x0a, this.off - 1) + 1;
        const before = this.off > lineStart ? this.b.subarray(lineStart, this.off) : new Uint8Array();
        const suffix = trimSpace(decoder.decode(before)).length > 0;
        this.readRune();
        this.readRune();
        while (!this.eof() && this.readRune() !== 0x0a) {
          // the comment runs to the end of the line
        }
        if (!suffix) {
          this.endToken(COMMENT);
          return;
        }
        this.endToken(EOLCOMMENT);
        this.comments.push({ start: this.token.pos, token: this.token.text, suffix });
        return;
      }
      if (this.peekPrefix('/*')) this.error('mod files must use // comments (not /* */ comments)');
      break;
    }
    this.startToken();
    if (this.eof()) {
      this.endToken(EOF);
      return;
    }
    const c = this.peekRune();
    switch (c) {
      case 0x0a:
      case 0x28:
      case 0x29:
      case 0x5b:
      case 0x5d:
      case 0x7b:
      case 0x7d:
      case 0x2c:
        this.readRune();
        this.endToken(c);
        return;
      case 0x22:
      case 0x60: {
        const q = c;
        this.readRune();
        for (;;) {
          if (this.eof()) {
            this.pos = this.token.pos;
            this.error('unexpected EOF in string');
          }
          if (this.peekRune() === 0x0a) this.error('unexpected newline in string');
          const d = this.readRune();
          if (d === q) break;
          if (d === 0x5c && q !== 0x60) {
            if (this.eof()) {
              this.pos = this.token.pos;
              this.error('unexpected EOF in string');
            }
            this.readRune();
          }
        }
        this.endToken(STRING);
        return;
      }
    }
    if (!isIdent(c)) this.error(`unexpected input character ${quoteRune(c)}`);
    while (isIdent(this.peekRune())) {
      if (this.peekPrefix('//')) break;
      if (this.peekPrefix('/*')) this.error('mod files must use // comments (not /* */ comments)');
      this.readRune();
    }
    this.endToken(IDENT);
  }

  parseFile(): void {
    let cb: Stmt | undefined;
    for (;;) {
      switch (this.peek()) {
        case 0x0a:
          this.lex();
          if (cb) {
            this.file.stmt.push(cb);
            cb = undefined;
          }
          break;
        case COMMENT: {
          const tok = this.lex();
          cb ??= { kind: 'comments', comments: noComments(), start: tok.pos };
          cb.comments.before.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          if (cb) this.file.stmt.push(cb);
          return;
        default:
          this.parseStmt();
          if (cb) {
            this.file.stmt[this.file.stmt.length - 1]!.comments.before = cb.comments.before;
            cb = undefined;
          }
      }
    }
  }

  private parseStmt(): void {
    const first = this.lex();
    const start = first.pos;
    let end = first.endPos;
    const tokens = [first.text];
    for (;;) {
      const tok = this.lex();
      if (isEOL(tok.kind)) {
        this.file.stmt.push({
          kind: 'line',
          comments: noComments(),
          start,
          token: tokens,
          inBlock: false,
          end,
        });
        return;
      }
      if (tok.kind === LPAREN) {
        const next = this.peek();
        if (isEOL(next)) {
          this.file.stmt.push(this.parseLineBlock(start, tokens, tok));
          return;
        }
        if (next === RPAREN) {
          const rparen = this.lex();
          if (isEOL(this.peek())) {
            this.lex();
            this.file.stmt.push({
              kind: 'block',
              comments: noComments(),
              start,
              token: tokens,
              lparen: { comments: noComments(), pos: tok.pos },
              line: [],
              rparen: { comments: noComments(), pos: rparen.pos },
            });
            return;
          }
          tokens.push(tok.text, rparen.text);
        } else {
          tokens.push(tok.text);
        }
        continue;
      }
      tokens.push(tok.text);
      end = tok.endPos;
    }
  }

  private parseLineBlock(start: Position, token: string[], lparen: Token): LineBlock {
    const x: LineBlock = {
      kind: 'block',
      comments: noComments(),
      start,
      token,
      lparen: { comments: noComments(), pos: lparen.pos },
      line: [],
      rparen: { comments: noComments(), pos: start },
    };
    let comments: Comment[] = [];
    for (;;) {
      switch (this.peek()) {
        case EOLCOMMENT:
          this.lex();
          break;
        case 0x0a:
          this.lex();
          if (
            (comments.length === 0 && x.line.length > 0) ||
            (comments.length > 0 && comments[comments.length - 1]!.token !== '')
          ) {
            comments.push({ start: { line: 0, lineRune: 0, byte: 0 }, token: '', suffix: false });
          }
          break;
        case COMMENT: {
          const tok = this.lex();
          comments.push({ start: tok.pos, token: tok.text, suffix: false });
          break;
        }
        case EOF:
          this.error(
            `syntax error (unterminated block started at ${this.filename}:${x.start.line}:${x.start.lineRune})`,
          );
          break;
        case RPAREN: {
          const rparen = this.lex();
          x.rparen.comments.before = comments;
          x.rparen.pos = rparen.pos;
          if (!isEOL(this.peek())) this.error('syntax error (expected newline after closing paren)');
          this.lex();
          return x;
        }
        default: {
          const l = this.parseLine();
          x.line.push(l);
          l.comments.before = comments;
          comments = [];
        }
      }
    }
  }

  private parseLine(): Line {
    const first = this.lex();
    if (isEOL(first.kind)) this.error('internal parse error: parseLine at end of line');
    const start = first.pos;
    let end = first.endPos;
    const tokens = [first.text];
    for (;;) {
      const tok = this.lex();
      if (isEOL(tok.kind)) {
        return { kind: 'line', comments: noComments(), start, token: tokens, inBlock: true, end };
      }
      tokens.push(tok.text);
      end = tok.endPos;
    }
  }

  // Attaches each end-of-line comment to the syntax that ends before it on its line
  // (x/mod assignComments; every comment the lexer collects is an end-of-line one).
  assignComments(): void {
    const post: { span: [Position, Position]; comments: Comments }[] = [];
    const add = (span: [Position, Position], comments: Comments) => post.push({ span, comments });
    const after = (p: Position, s: string): Position => ({ ...p, byte: p.byte + s.length });
    for (const stmt of this.file.stmt) {
      if (stmt.kind === 'block') {
        const lp = stmt.lparen.pos;
        add([lp, after(lp, ')')], stmt.lparen.comments);
        for (const l of stmt.line) add([l.start, l.end], l.comments);
        const rp = stmt.rparen.pos;
        add([rp, after(rp, ')')], stmt.rparen.comments);
        add([stmt.start, after(rp, ')')], stmt.comments);
      } else if (stmt.kind === 'line') {
        add([stmt.start, stmt.end], stmt.comments);
      } else {
        add([stmt.start, stmt.start], stmt.comments);
      }
    }
    const suffix = this.comments.slice();
    for (let i = post.length - 1; i >= 0; i--) {
      const { span, comments } = post[i]!;
      const [start, end] = span;
      // Not to something starting on an earlier line (a block's last element takes it).
      if (start.line !== end.line) continue;
      while (suffix.length > 0 && end.byte <= suffix[suffix.length - 1]!.start.byte) {
        comments.suffix.push(suffix.pop()!);
      }
    }
    for (const p of post) p.comments.suffix.reverse();
    this.file.comments.before.push(...suffix);
  }
}

/**
 * Parses go.mod bytes into syntax (x/mod's unexported `parse`): no directive is checked here.
 *
 * @throws {GoModParseError} on a lexical or block-structure error.
 */
export function parseSyntax(file: string, data: Uint8Array | string): FileSyntax {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (bytes.length > MAX_GOMOD_BYTES) {
    throw new GoModParseError([
      {
        file,
        line: 0,
        column: 0,
        problem: `file is ${bytes.length} bytes, more than the ${MAX_GOMOD_BYTES} a go.mod may have`,
      },
    ]);
  }
  const input = new Input(file, bytes);
  try {
    input.readToken();
    input.parseFile();
  } catch (e) {
    if (!(e instanceof Stop) || !input.issue) throw e;
    throw new GoModParseError([input.issue]);
  }
  input.assignComments();
  return input.file;
}
