// A lexer for Mochi source: the token rules of Mochi's own lexer, enough to find declarations.
import { IDENT_PART_RE, IDENT_START_RE } from '../lock/identifier.js';
import { ProjectError } from './errors.js';

/** Token kinds. Comments and whitespace are consumed, not returned. */
export type TokenKind = 'ident' | 'string' | 'number' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** The token's source text; for strings, including the quotes. */
  readonly text: string;
  /** 1-based line and column (in code points) of the first character. */
  readonly line: number;
  readonly column: number;
}

// Mochi's identifiers, one rule with the lock reader (src/lock/identifier.ts).
const IDENT_START = IDENT_START_RE;
const IDENT_PART = IDENT_PART_RE;
const DIGIT = /[0-9]/;
/** `ASCII_IDENT_PART[c]` for c < 128: the fast path of {@link IDENT_PART}. */
const ASCII_IDENT_PART: readonly boolean[] = Array.from({ length: 128 }, (_, c) =>
  IDENT_PART.test(String.fromCharCode(c)),
);

/** True when `ch` (one code point) may start an identifier. */
function isIdentStart(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x80
    ? code === 0x5f || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a)
    : IDENT_START.test(ch);
}
const TWO_CHAR_PUNCT = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>', ':-', '..']);

/**
 * Splits Mochi source into tokens. `//` line comments and `/* … *\/` block comments are skipped,
 * strings are `"…"` with backslash escapes and may span lines (as in Mochi's lexer). Characters
 * Mochi has no token for come back as one-character `punct` tokens: finding imports must not
 * depend on the rest of the grammar.
 *
 * @throws {ProjectError} `project-syntax` for an unterminated string or block comment.
 */
export function* tokenize(src: string, file: string): Generator<Token> {
  let i = 0;
  let line = 1;
  let col = 1;
  const n = src.length;
  // Advances over src[i..end), keeping line and column (columns in code points).
  const advance = (end: number) => {
    for (; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c === 10) {
        line++;
        col = 1;
      } else if (c < 0xdc00 || c > 0xdfff) {
        col++; // a low surrogate continues the previous code point
      }
    }
  };
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') {
      advance(i + 1);
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      advance(nl < 0 ? n : nl);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0)
        throw new ProjectError('project-syntax', 'unterminated block comment (missing */)', {
          file,
          line,
          column: col,
        });
      advance(end + 2);
      continue;
    }
    const startLine = line;
    const startCol = col;
    const start = i;
    if (c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= n)
        throw new ProjectError('project-syntax', 'unterminated string literal', { file, line, column: col });
      advance(j + 1);
      yield { kind: 'string', text: src.slice(start, i), line: startLine, column: startCol };
      continue;
    }
    const cp = String.fromCodePoint(src.codePointAt(i)!);
    if (isIdentStart(cp)) {
      let j = i + cp.length;
      // ASCII letters, digits and `_` are decided by code; only other characters need the regex.
      while (j < n) {
        const code = src.charCodeAt(j);
        if (code < 0x80) {
          if (!ASCII_IDENT_PART[code]) break;
          j++;
          continue;
        }
        const next = String.fromCodePoint(src.codePointAt(j)!);
        if (!IDENT_PART.test(next)) break;
        j += next.length;
      }
      advance(j);
      yield { kind: 'ident', text: src.slice(start, i), line: startLine, column: startCol };
      continue;
    }
    if (DIGIT.test(c)) {
      let j = i + 1;
      while (j < n && DIGIT.test(src[j]!)) j++;
      if (src[j] === '.' && DIGIT.test(src[j + 1] ?? '')) {
        j += 2;
        while (j < n && DIGIT.test(src[j]!)) j++;
      } else if (src[j] === 'n') {
        j++;
      }
      advance(j);
      yield { kind: 'number', text: src.slice(start, i), line: startLine, column: startCol };
      continue;
    }
    const two = src.slice(i, i + 2);
    advance(i + (TWO_CHAR_PUNCT.has(two) ? 2 : cp.length));
    yield { kind: 'punct', text: src.slice(start, i), line: startLine, column: startCol };
  }
}

/**
 * The value of a Mochi string token (`"…"`), escapes decoded: `\\`, `\"`, `\n`, `\t`, `\r`, `\0`,
 * `\uXXXX`. Returns undefined for any other escape, which the caller reports.
 */
export function decodeString(text: string): string | undefined {
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === '\\' || e === '"') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else if (e === 'r') out += '\r';
    else if (e === '0') out += '\0';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else return undefined;
  }
  return out;
}
