// Loads the Python grammar (tree-sitter-python's wasm under web-tree-sitter) and parses one source to a tree.
//
// Why this parser. Candidates measured on the typeshed copy inside pyright (5,205 .pyi, 12.7 MB),
// Node 20.20, 2 shared cores, best of three runs of parse-only (then a full tree walk):
//   web-tree-sitter 0.27.1 + tree-sitter-python 0.25.0 wasm: 0 files with error nodes,
//     ~1,800 files/s parse-only (2.9 s), full cursor walk 5.7 s; 10,000-deep `((…))` parses in 69 ms.
//   @lezer/python 1.1.19: 0 files with error nodes, ~1,370 files/s parse + walk (3.8 s), but a
//     10,000-deep `((…))` throws RangeError (stack overflow) and `list[` ×10,000 yields error nodes.
//   (CPython 3.11 `ast.parse` of the same files: 2.7–2.9 s.)
// tree-sitter-python is the grammar maintained by the tree-sitter organisation, ships its .wasm in
// the npm package (no install script needed), gives named fields (`parameters`, `return_type`,
// `superclasses`), explicit `/` and `*` separators, and ERROR/MISSING nodes with positions. Its
// parser keeps its stack on the wasm heap, so deep nesting does not overflow the JS stack.
// filbert (last release 2015) and dt-python-parser (ANTLR, SQL-domain) were not considered further.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Language, Node, Parser, Tree } from 'web-tree-sitter';
import { MAX_STUB_BYTES, StubParseError } from './errors.js';
import {
  copyTree,
  cursorWalker,
  flattenTree,
  type Grammar,
  grammarOf,
  SourceText,
  type SyntaxNode,
  syntaxFromFlat,
  type TreeWalker,
} from './tree.js';

export type { Node, Tree };

/**
 * The runtime's module object: `Parser.init` fills the object it is given with the binding's wasm
 * exports (it is Emscripten's `Module`). {@link directWalker} calls the cursor exports on it
 * directly; whether they behave as expected is checked when a parser is created.
 */
const binding: Record<string, unknown> = {};

let loading: Promise<Language> | undefined;
/** The tree-sitter runtime, imported by {@link loadPythonLanguage} (a command that parses no stub never loads it). */
let runtime: typeof import('web-tree-sitter') | undefined;

/** Loads (once per process) the tree-sitter runtime and the Python grammar. */
export function loadPythonLanguage(): Promise<Language> {
  loading ??= (async () => {
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init(binding);
    runtime = { Language, Parser } as typeof import('web-tree-sitter');
    const require = createRequire(import.meta.url);
    const wasm = await readFile(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    return Language.load(wasm);
  })();
  return loading;
}

/** The bytes of `text` as UTF-8, counted without encoding (for the size cap). */
function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** 1-based line and column of a string offset (columns count UTF-16 code units, like the tree). */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first ERROR or MISSING node of a tree that has errors, without recursion: the walk only
 * descends into subtrees whose `hasError` is set, so it is linear in the depth of the first error.
 */
function firstErrorNode(root: Node): Node {
  let node = root;
  for (;;) {
    if (node.isError || node.isMissing) return node;
    let next: Node | null = null;
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i);
      if (c !== null && (c.hasError || c.isMissing || c.isError)) {
        next = c;
        break;
      }
    }
    if (next === null) return node;
    node = next;
  }
}

/**
 * CPython refuses more than 200 nested brackets ("too many nested parentheses"). Counting raw
 * bracket characters over-estimates (brackets inside strings and comments count too), so it is only
 * a cheap trigger: when it passes the limit, the tree itself is measured.
 */
export const MAX_BRACKET_DEPTH = 200;

/** Tree depth allowed before a file is refused; generous, as one bracket level is 1–3 tree levels. */
const MAX_TREE_DEPTH = 3 * MAX_BRACKET_DEPTH + 300;

function rawBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return max;
}

/** The first node deeper than MAX_TREE_DEPTH, found with a cursor (no recursion), or undefined. */
function tooDeepNode(tree: Tree): Node | undefined {
  const cursor = tree.walk();
  try {
    for (;;) {
      if (cursor.currentDepth > MAX_TREE_DEPTH) return cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined;
      }
    }
  } finally {
    cursor.delete();
  }
}

type CursorCall = (tree: number) => number;

/** The binding's cursor exports, when present: each reads the cursor marshalled in its transfer buffer. */
interface CursorCalls {
  readonly typeId: CursorCall;
  readonly fieldId: CursorCall;
  readonly startIndex: CursorCall;
  readonly endIndex: CursorCall;
  readonly firstChild: CursorCall;
  readonly nextSibling: CursorCall;
  readonly parent: CursorCall;
}

function cursorCalls(): CursorCalls | undefined {
  const names = {
    typeId: '_ts_tree_cursor_current_node_type_id_wasm',
    fieldId: '_ts_tree_cursor_current_field_id_wasm',
    startIndex: '_ts_tree_cursor_start_index_wasm',
    endIndex: '_ts_tree_cursor_end_index_wasm',
    firstChild: '_ts_tree_cursor_goto_first_child_wasm',
    nextSibling: '_ts_tree_cursor_goto_next_sibling_wasm',
    parent: '_ts_tree_cursor_goto_parent_wasm',
  } as const;
  const out: Partial<Record<keyof typeof names, CursorCall>> = {};
  for (const [key, name] of Object.entries(names) as [keyof typeof names, string][]) {
    const fn = binding[name];
    if (typeof fn !== 'function') return undefined;
    out[key] = fn as CursorCall;
  }
  return out as CursorCalls;
}

/**
 * A walker that calls the binding's cursor exports itself. The public TreeCursor writes its four
 * words into the binding's transfer buffer before every call and reads them back after every move
 * (through generic, slow accessors); the cursor's words do not change while it walks one tree, so
 * they are marshalled once here and every move or read is then one wasm call. This makes the copy
 * about 3× faster than the public cursor; the parser checks it against the public cursor first.
 */
function directWalker(calls: CursorCalls, tree: Tree): TreeWalker {
  const cursor = tree.walk();
  // Reading a property marshals the cursor into the transfer buffer, where the calls find it.
  void cursor.nodeTypeId;
  // The tree's wasm address, which the binding's functions take as their argument.
  const t = (tree as unknown as Record<number, number>)[0]!;
  return {
    typeId: () => calls.typeId(t),
    fieldId: () => calls.fieldId(t),
    startIndex: () => calls.startIndex(t),
    endIndex: () => calls.endIndex(t),
    gotoFirstChild: () => calls.firstChild(t) === 1,
    gotoNextSibling: () => calls.nextSibling(t) === 1,
    gotoParent: () => calls.parent(t) === 1,
    delete: () => cursor.delete(),
  };
}

/** A source with fields, operators, nesting, comments and non-ASCII text, for the walker check. */
const WALKER_CHECK_SOURCE = [
  'import a.b as c',
  'from .x import (y as z, w)',
  'if sys.version_info >= (3, 10) and sys.platform not in ("win32",):',
  '    class C(B[int | None], metaclass=M):  # é',
  '        x: Final[int] = -1',
  '        @overload',
  '        async def f(self, a: "int", /, *b: str, c: dict[str, 日本] = {}, **d) -> None: ...',
  'else:',
  '    T = TypeVar("T", bound=int)',
  '',
].join('\n');

function sameCopy(a: SyntaxNode, b: SyntaxNode): boolean {
  if (
    a.type !== b.type ||
    a.field !== b.field ||
    a.isNamed !== b.isNamed ||
    a.startIndex !== b.startIndex ||
    a.endIndex !== b.endIndex ||
    a.children.length !== b.children.length
  )
    return false;
  return a.children.every((c, i) => sameCopy(c, b.children[i]!));
}

/** Describes an error node for a message: what was found where the grammar expected something else. */
function describeError(node: Node): string {
  if (node.isMissing) return `invalid syntax: expected ${JSON.stringify(node.type)}`;
  const first = node.child(0);
  const found = first === null ? node.text : first.text;
  const snippet = found.length > 40 ? `${found.slice(0, 40)}…` : found;
  return snippet.length === 0 ? 'invalid syntax' : `invalid syntax at ${JSON.stringify(snippet)}`;
}

/**
 * A loaded Python parser. Parsing is synchronous once the grammar is loaded; one instance is not
 * re-entrant (tree-sitter parsers hold state), which is fine in single-threaded JS.
 */
export class PythonParser {
  private readonly parser: Parser;
  private readonly grammar: Grammar;
  private readonly walker: (tree: Tree) => TreeWalker;

  /** `language` comes from {@link loadPythonLanguage}, which also loads the runtime. */
  constructor(language: Language) {
    if (runtime === undefined)
      throw new Error('PythonParser: loadPythonLanguage() has not loaded the runtime');
    this.parser = new runtime.Parser();
    this.parser.setLanguage(language);
    this.grammar = grammarOf(language);
    this.walker = cursorWalker;
    const calls = cursorCalls();
    if (calls !== undefined) {
      // Use the direct calls only when they copy a sample exactly as the public cursor does.
      const direct = (tree: Tree) => directWalker(calls, tree);
      const tree = this.parser.parse(WALKER_CHECK_SOURCE);
      if (tree !== null) {
        try {
          const src = new SourceText(WALKER_CHECK_SOURCE);
          const expected = copyTree(cursorWalker(tree), this.grammar, src);
          if (sameCopy(copyTree(direct(tree), this.grammar, src), expected)) this.walker = direct;
        } catch {
          // A binding that does not behave as expected: keep the public cursor.
        } finally {
          tree.delete();
        }
      }
    }
  }

  /** True when trees are copied through the binding's cursor calls (else the public TreeCursor). */
  get directCopy(): boolean {
    return this.walker !== cursorWalker;
  }

  /**
   * Parses `source` like {@link parse} and returns the parts of its tree the surface extractor
   * reads, as plain JS nodes (see tree.ts); the wasm tree is freed before returning.
   */
  parseToSyntax(source: string, file: string): SyntaxNode {
    return this.syntaxOf(this.parseToFlat(source, file), source);
  }

  /**
   * Parses `source` like {@link parse} and returns the parts of its tree the surface extractor
   * reads as a flat tree (plain ints, see tree.ts), which can be sent to another thread.
   */
  parseToFlat(source: string, file: string): Int32Array {
    const tree = this.parse(source, file);
    try {
      return flattenTree(this.walker(tree), this.grammar, source);
    } finally {
      tree.delete();
    }
  }

  /** The SyntaxNodes of a flat tree made by {@link parseToFlat} from `source`. */
  syntaxOf(flat: Int32Array, source: string): SyntaxNode {
    return syntaxFromFlat(flat, this.grammar, new SourceText(source));
  }

  /**
   * Parses `source` (already decoded text) and returns its tree; the caller must `delete()` it.
   * Refuses text over {@link MAX_STUB_BYTES}, NUL characters (as CPython does) and syntax errors,
   * each as a {@link StubParseError} naming `file`, line and column.
   */
  parse(source: string, file: string): Tree {
    if (source.length > MAX_STUB_BYTES || utf8Length(source) > MAX_STUB_BYTES) {
      throw new StubParseError(
        'stub-too-large',
        { file, line: 1, column: 1 },
        `stub file is ${utf8Length(source)} bytes; at most ${MAX_STUB_BYTES} are accepted`,
        { hint: 'Stub files are declarations only; split the module or check that this is really a stub.' },
      );
    }
    const nul = source.indexOf('\0');
    if (nul !== -1) {
      throw new StubParseError(
        'stub-encoding',
        { file, ...positionAt(source, nul) },
        'source contains a NUL byte',
        {
          hint: 'This looks like a binary file, not Python source.',
        },
      );
    }
    const tree = this.parser.parse(source);
    if (tree === null) {
      throw new StubParseError(
        'stub-syntax',
        { file, line: 1, column: 1 },
        'the parser gave up on this file',
      );
    }
    if (tree.rootNode.hasError) {
      const bad = firstErrorNode(tree.rootNode);
      const where = { file, line: bad.startPosition.row + 1, column: bad.startPosition.column + 1 };
      const what = describeError(bad);
      tree.delete();
      throw new StubParseError('stub-syntax', where, what, {
        hint: 'Check the file with `python3 -m ast <file>`.',
      });
    }
    if (rawBracketDepth(source) > MAX_BRACKET_DEPTH) {
      const deep = tooDeepNode(tree);
      if (deep !== undefined) {
        const where = { file, line: deep.startPosition.row + 1, column: deep.startPosition.column + 1 };
        tree.delete();
        throw new StubParseError('stub-too-deep', where, 'expressions nest too deeply', {
          hint: `CPython itself refuses more than ${MAX_BRACKET_DEPTH} nested brackets.`,
        });
      }
    }
    return tree;
  }

  /**
   * Parses `text` as a single expression (the inside of a string annotation) and hands its node to
   * `use`; returns undefined when the text is not exactly one expression. The tree is freed after.
   */
  withExpression<T>(text: string, use: (expr: SyntaxNode) => T): T | undefined {
    if (text.length > 10_000 || text.includes('\0')) return undefined;
    const source = `(${text}\n)`;
    const tree = this.parser.parse(source);
    if (tree === null) return undefined;
    let root: SyntaxNode;
    try {
      if (tree.rootNode.hasError) return undefined;
      root = copyTree(this.walker(tree), this.grammar, new SourceText(source));
    } finally {
      tree.delete();
    }
    if (root.namedChildCount !== 1) return undefined;
    const stmt = root.namedChild(0);
    if (stmt === null || stmt.type !== 'expression_statement' || stmt.namedChildCount !== 1) return undefined;
    const paren = stmt.namedChild(0);
    if (paren === null || paren.type !== 'parenthesized_expression' || paren.namedChildCount !== 1)
      return undefined;
    const expr = paren.namedChild(0);
    return expr === null ? undefined : use(expr);
  }
}

/** Loads the grammar (once) and returns a parser. */
export async function createPythonParser(): Promise<PythonParser> {
  return new PythonParser(await loadPythonLanguage());
}
