// packaging's context-sensitive tokenizer for dependency specifiers, with Python's regex semantics.
import { SPECIFIER_PATTERN } from '../pep440/index.js';

/** Python's `\w` for str patterns (Unicode letters, numbers and `_`), the basis of `\b`. */
const WORD = '[\\p{L}\\p{N}_]';
/** Python's `\b`. */
const B = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;

/** The token kinds of packaging's DEFAULT_RULES. */
export type TokenName =
  | 'LEFT_PARENTHESIS'
  | 'RIGHT_PARENTHESIS'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'SEMICOLON'
  | 'COMMA'
  | 'QUOTED_STRING'
  | 'OP'
  | 'BOOLOP'
  | 'IN'
  | 'NOT'
  | 'VARIABLE'
  | 'SPECIFIER'
  | 'AT'
  | 'URL'
  | 'IDENTIFIER'
  | 'VERSION_PREFIX_TRAIL'
  | 'VERSION_LOCAL_LABEL_TRAIL'
  | 'WS'
  | 'END';

const VARIABLES =
  'python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)' +
  '|platform[._](?:version|machine|python_implementation)|python_implementation' +
  '|implementation_(?:name|version)|extras?|dependency_groups';

const RULES: Record<Exclude<TokenName, 'END'>, RegExp> = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: new RegExp(`${B}(?:or|and)${B}`, 'uy'),
  IN: new RegExp(`${B}in${B}`, 'uy'),
  NOT: new RegExp(`${B}not${B}`, 'uy'),
  VARIABLE: new RegExp(`${B}(?:${VARIABLES})${B}`, 'uy'),
  // Python's re.IGNORECASE; the pattern spells out the non-ASCII letters Python folds.
  SPECIFIER: new RegExp(SPECIFIER_PATTERN, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: new RegExp(`${B}[a-zA-Z0-9][a-zA-Z0-9._-]*${B}`, 'uy'),
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
};

export interface Token {
  readonly name: TokenName;
  readonly text: string;
  /** Offset in UTF-16 code units. */
  readonly position: number;
}

/** A syntax error at a span of UTF-16 offsets; the parser turns it into a typed error. */
export class SyntaxProblem extends Error {
  constructor(
    readonly reason: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(reason);
  }
}

/** Matches `name` at `position` like Python's `pattern.match(source, pos)`; returns the text. */
function matchAt(source: string, name: TokenName, position: number): string | undefined {
  if (name === 'END') {
    // Python's `$`: the very end, or just before a final newline.
    const rest = source.length - position;
    return rest === 0 || (rest === 1 && source[position] === '\n') ? '' : undefined;
  }
  const re = RULES[name];
  re.lastIndex = position;
  const m = re.exec(source);
  return m === null ? undefined : m[0];
}

/** packaging's `Tokenizer`: check (optionally peeking), read, expect, enclosing tokens. */
export class Tokenizer {
  position = 0;
  private next: Token | undefined;

  constructor(readonly source: string) {}

  consume(name: TokenName): void {
    if (this.check(name)) this.read();
  }

  check(name: TokenName, peek = false): boolean {
    const text = matchAt(this.source, name, this.position);
    if (text === undefined) return false;
    if (!peek) this.next = { name, text, position: this.position };
    return true;
  }

  expect(name: TokenName, expected: string): Token {
    if (!this.check(name)) this.fail(`Expected ${expected}`);
    return this.read();
  }

  read(): Token {
    const token = this.next!;
    this.position += token.text.length;
    this.next = undefined;
    return token;
  }

  fail(reason: string, start: number = this.position, end: number = this.position): never {
    throw new SyntaxProblem(reason, start, end);
  }

  /** packaging's `enclosing_tokens`: an optional opening token whose closing one must follow. */
  enclosing<T>(open: TokenName, close: TokenName, around: string, body: () => T): T {
    let openPosition: number | undefined;
    if (this.check(open)) {
      openPosition = this.position;
      this.read();
    }
    const result = body();
    if (openPosition === undefined) return result;
    if (!this.check(close))
      this.fail(`Expected matching ${close} for ${open}, after ${around}`, openPosition);
    this.read();
    return result;
  }
}
