// The syntax tree of a go.mod file (x/mod modfile's FileSyntax, Line, LineBlock, comments), kept for formatting.

/** A place in the input: line and rune column from 1, byte offset from 0. */
export interface Position {
  line: number;
  lineRune: number;
  byte: number;
}

/** One `//` comment. */
export interface Comment {
  start: Position;
  /** The comment text with its `//`, without the line end. */
  token: string;
  /** True for an end-of-line comment (after other text on its line). */
  suffix: boolean;
}

/** The comments attached to a syntax node. */
export interface Comments {
  /** Whole-line comments before the node. */
  before: Comment[];
  /** End-of-line comments after it. */
  suffix: Comment[];
  /** Whole-line comments after it (the file's trailing comments). */
  after: Comment[];
}

/** One line: a directive (`require x v1`) at top level, or a line (`x v1`) inside a block. */
export interface Line {
  readonly kind: 'line';
  comments: Comments;
  start: Position;
  /** The tokens; an empty list marks a removed line. */
  token: string[];
  inBlock: boolean;
  end: Position;
}

/** A factored block: `require ( ... )`. */
export interface LineBlock {
  readonly kind: 'block';
  comments: Comments;
  start: Position;
  lparen: { comments: Comments; pos: Position };
  /** The tokens before `(`, usually one verb. */
  token: string[];
  line: Line[];
  rparen: { comments: Comments; pos: Position };
}

/** Comment lines standing alone between statements. */
export interface CommentBlock {
  readonly kind: 'comments';
  comments: Comments;
  start: Position;
}

export type Stmt = Line | LineBlock | CommentBlock;

/** A whole file's syntax. */
export interface FileSyntax {
  /** The file name used in error messages. */
  name: string;
  comments: Comments;
  stmt: Stmt[];
}

/** A fresh, empty comment set. */
export function noComments(): Comments {
  return { before: [], suffix: [], after: [] };
}

/** A position with nothing in it (for nodes made by edits rather than parsing). */
export function zeroPosition(): Position {
  return { line: 0, lineRune: 0, byte: 0 };
}

/** A new line with `tokens` and no comments. */
export function newLine(tokens: string[], inBlock = false): Line {
  return {
    kind: 'line',
    comments: noComments(),
    start: zeroPosition(),
    token: tokens,
    inBlock,
    end: zeroPosition(),
  };
}
