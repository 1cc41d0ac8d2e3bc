// Converts annotation syntax (tree-sitter nodes) to TypeExpr, parsing string annotations as forward references.
import { StubParseError } from './errors.js';
import type { Interner } from './intern.js';
import type { PythonParser } from './parser.js';
import { dottedName, isPlainDotted, namedChildren, stringLiteral } from './syntax.js';
import type { SyntaxNode as Node } from './tree.js';
import type { TypeExpr } from './types.js';

/**
 * How many conversion steps deep an annotation may go (one bracket level takes two or three).
 * CPython's tokenizer refuses more than 200 nested brackets, so a deeper annotation is not valid
 * Python anyway; the cap keeps the recursive conversion bounded, also inside string annotations,
 * which the file-level bracket check does not see.
 */
export const MAX_TYPE_DEPTH = 1000;

/** What a conversion needs besides the node: the file (for errors) and a parser for string annotations. */
export interface TypeContext {
  readonly file: string;
  readonly parser: PythonParser;
  /** Shares name annotations between the surfaces of one parse run. */
  readonly intern: Interner;
}

function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

function other(node: Node): TypeExpr {
  return { kind: 'other', text: node.text };
}

function tooDeep(ctx: TypeContext, node: Node): StubParseError {
  return new StubParseError(
    'stub-too-deep',
    { file: ctx.file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 },
    'annotation nests too deeply (CPython allows at most 200 nested brackets)',
  );
}

/** A literal inside `Literal[...]`, or undefined when the node is not one. */
function literalOf(node: Node, type: string = node.type): TypeExpr | undefined {
  switch (type) {
    case 'integer':
      return { kind: 'literal', type: 'int', value: node.text };
    case 'float':
      return { kind: 'literal', type: 'float', value: node.text };
    case 'true':
    case 'false':
      return { kind: 'literal', type: 'bool', value: node.text };
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(node, type);
      const bytes = s?.prefix.includes('b') ?? node.text.trimStart().toLowerCase().startsWith('b');
      return { kind: 'literal', type: bytes ? 'bytes' : 'str', value: node.text };
    }
    case 'unary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const arg = node.childForFieldName('argument');
      if ((op === '-' || op === '+') && arg !== null && (arg.type === 'integer' || arg.type === 'float')) {
        return { kind: 'literal', type: arg.type === 'integer' ? 'int' : 'float', value: node.text };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `type` wrapper nodes (the type-statement grammar) around a single expression → that expression. */
function unwrapType(node: Node): Node {
  let cur = node;
  while (cur.type === 'type' && cur.namedChildCount === 1) cur = cur.namedChild(0) ?? cur;
  return cur;
}

/** The arguments of a subscript: `X[a, b]` → [a, b]; `tuple[()]` → []. */
function subscriptArgs(node: Node): Node[] {
  const subs = node.childrenForFieldName('subscript');
  if (subs.length === 1 && subs[0]!.type === 'tuple' && subs[0]!.namedChildCount === 0) return [];
  return subs;
}

function convertArgs(base: TypeExpr, args: readonly Node[], ctx: TypeContext, depth: number): TypeExpr[] {
  const name = base.kind === 'name' ? lastSegment(base.name) : '';
  if (name === 'Literal') {
    return args.map((a) => literalOf(unwrapType(a)) ?? convert(a, ctx, depth + 1));
  }
  if (name === 'Annotated') {
    // Only the first argument is a type; the metadata after it is arbitrary Python.
    return args.map((a, i) => (i === 0 ? convert(a, ctx, depth + 1) : other(a)));
  }
  return args.map((a) => convert(a, ctx, depth + 1));
}

function flattenUnion(members: TypeExpr[]): TypeExpr {
  // Most unions hold no union: the list made for them is the union's (exact length, as surfaces
  // keep them for the whole build). A nested one is spliced in.
  if (!members.some((m) => m.kind === 'union')) return { kind: 'union', members };
  const flat: TypeExpr[] = [];
  for (const m of members) {
    if (m.kind === 'union') flat.push(...m.members);
    else flat.push(m);
  }
  return { kind: 'union', members: flat.slice() };
}

// `None` and `...` carry nothing but their kind: one object each for every surface (read-only;
// not frozen, which would give them another shape at every `kind` lookup).
const NONE: TypeExpr = { kind: 'none' };
const ELLIPSIS: TypeExpr = { kind: 'ellipsis' };

function forward(node: Node, text: string, ctx: TypeContext, depth: number): TypeExpr {
  let parsed: TypeExpr | undefined;
  try {
    parsed = ctx.parser.withExpression(text, (expr) => convert(expr, ctx, depth + 1));
  } catch (e) {
    // Positions inside the string's own tree mean nothing to the reader: report the string's.
    if (e instanceof StubParseError && e.code === 'stub-too-deep') throw tooDeep(ctx, node);
    throw e;
  }
  return parsed === undefined ? { kind: 'forward', text } : { kind: 'forward', text, parsed };
}

/**
 * The TypeExpr of an annotation whose text is a bare dotted name (`int`, `typing.Any`, `None`), read
 * off the text the parser delimited; undefined when the text is anything else. Most annotations are
 * such names, and every node property is a call into wasm: this takes one call instead of four or
 * more for the `type` wrapper, the identifier or attribute chain, and their types.
 */
function plainName(text: string, ctx: TypeContext): TypeExpr | undefined {
  // A name starts with a letter, `_` or a non-ASCII character (not a digit: `1`; not a dot: `...`).
  const first = text.charCodeAt(0);
  const nameStart =
    (first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95 || first > 127;
  if (!nameStart || text.endsWith('.') || text.includes('..') || !isPlainDotted(text)) return undefined;
  if (text === 'None') return NONE;
  if (text === 'True' || text === 'False') return { kind: 'literal', type: 'bool', value: text };
  return ctx.intern.name(text);
}

function convert(node: Node, ctx: TypeContext, depth: number): TypeExpr {
  if (depth > MAX_TYPE_DEPTH) throw tooDeep(ctx, node);
  const plain = plainName(node.text, ctx);
  if (plain !== undefined) return plain;
  // Every property of a node is a call into wasm: read the type once and hand it on.
  const type = node.type;
  switch (type) {
    case 'type': {
      // The grammar gives a `type` exactly one named child.
      const inner = node.namedChild(0);
      return inner === null ? other(node) : convert(inner, ctx, depth + 1);
    }
    case 'identifier':
      return ctx.intern.name(node.text);
    case 'attribute': {
      const name = dottedName(node, type);
      return name === undefined ? other(node) : ctx.intern.name(name);
    }
    case 'none':
      return NONE;
    case 'ellipsis':
      return ELLIPSIS;
    case 'parenthesized_expression': {
      // Comments inside the parentheses (typeshed documents union branches that way) are children too.
      const kids = namedChildren(node).filter((c) => c.type !== 'comment');
      return kids.length === 1 ? convert(kids[0]!, ctx, depth + 1) : other(node);
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      if (value === null) return other(node);
      const base = convert(value, ctx, depth + 1);
      return { kind: 'subscript', base, args: convertArgs(base, subscriptArgs(node), ctx, depth) };
    }
    case 'generic_type': {
      // The type-statement grammar's spelling of `X[a, b]`: an identifier then a type_parameter.
      const kids = namedChildren(node);
      const head = kids[0];
      const params = kids[1];
      if (head === undefined || params === undefined || params.type !== 'type_parameter') return other(node);
      const base = convert(head, ctx, depth + 1);
      let args = namedChildren(params);
      if (args.length === 1 && args[0]!.type === 'type') {
        const only = namedChildren(args[0]!);
        if (only.length === 1 && only[0]!.type === 'tuple' && only[0]!.namedChildCount === 0) args = [];
      }
      return { kind: 'subscript', base, args: convertArgs(base, args, ctx, depth) };
    }
    case 'member_type': {
      const kids = namedChildren(node);
      const left = kids[0];
      const right = kids[1];
      if (left === undefined || right === undefined) return other(node);
      const l = convert(left, ctx, depth + 1);
      return l.kind === 'name' ? { kind: 'name', name: `${l.name}.${right.text}` } : other(node);
    }
    case 'union_type':
      return flattenUnion(namedChildren(node).map((c) => convert(c, ctx, depth + 1)));
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (op !== '|' || left === null || right === null) return other(node);
      return flattenUnion([convert(left, ctx, depth + 1), convert(right, ctx, depth + 1)]);
    }
    case 'list':
      return {
        kind: 'list',
        elems: namedChildren(node)
          .filter((c) => c.type !== 'comment')
          .map((c) => convert(c, ctx, depth + 1)),
      };
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(node, type);
      if (s === undefined || s.prefix.includes('b')) return other(node);
      return forward(node, s.content, ctx, depth);
    }
    default:
      return literalOf(node, type) ?? other(node);
  }
}

/** Converts an annotation or type-level expression node to a TypeExpr. */
export function toTypeExpr(node: Node, ctx: TypeContext): TypeExpr {
  return convert(node, ctx, 0);
}
