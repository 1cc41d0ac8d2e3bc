// A compact JS copy of the parts of a tree-sitter tree the surface extractor reads, built in one cursor walk.
//
// Why a copy. Every property of a web-tree-sitter `Node` is a call into wasm, and every node handed
// back is a fresh JS object whose construction is slow (it gets an indexed backing store). Reading
// a typeshed module node by node that way cost as much CPU as parsing it. One `TreeCursor` walk
// reads each kept node's type, field, start and end once (no Node objects), and the extractor then
// works on plain JS objects. Subtrees the surface never looks at are not copied at all: function
// bodies, parameter default values, the inside of string literals and of annotations that are a
// plain dotted name, and punctuation except the operator tokens that conditions and unions need.
import type { Language, Tree } from 'web-tree-sitter';

/** Per-language tables, read once: node type names, which types are named, field names. */
export interface Grammar {
  readonly types: readonly string[];
  readonly named: readonly boolean[];
  readonly fields: readonly (string | null)[];
}

const grammars = new WeakMap<Language, Grammar>();

/** The type and field tables of a language (cached per language). */
export function grammarOf(language: Language): Grammar {
  let g = grammars.get(language);
  if (g === undefined) {
    const types = language.types.map((t) => t ?? 'ERROR');
    g = {
      types,
      named: types.map((_, id) => language.nodeTypeIsNamed(id)),
      fields: language.fields,
    };
    grammars.set(language, g);
  }
  return g;
}

/** The source a tree was parsed from, with a lazily built table of line starts for positions. */
export class SourceText {
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  /** 0-based row and column (UTF-16 code units, rows split at `\n` as tree-sitter does) of an offset. */
  position(offset: number): { row: number; column: number } {
    let starts = this.lineStarts;
    if (starts === undefined) {
      starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - starts[lo]! };
  }
}

const NO_CHILDREN: readonly SyntaxNode[] = Object.freeze([]);

/** One kept node: its type, the field it fills in its parent, its text range and kept children. */
export class SyntaxNode {
  /** Kept children in source order (named ones, plus operator tokens under operator nodes). */
  children: readonly SyntaxNode[] = NO_CHILDREN;
  private named_: readonly SyntaxNode[] | undefined;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    /** The parent's field this node fills (`name`, `parameters`, `operator`…), or null. */
    readonly field: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly source: SourceText,
  ) {}

  /** The node's source text. */
  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  /** 0-based row and column of the node's start. */
  get startPosition(): { row: number; column: number } {
    return this.source.position(this.startIndex);
  }

  /** Kept named children (every kept child is named except operator tokens). */
  get namedChildren(): readonly SyntaxNode[] {
    if (this.named_ === undefined) {
      const all = this.children;
      this.named_ = all.every((c) => c.isNamed) ? all : all.filter((c) => c.isNamed);
    }
    return this.named_;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The first kept child filling `field`, or null. */
  childForFieldName(field: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === field) return c;
    return null;
  }

  /** Every kept child filling `field`, in source order. */
  childrenForFieldName(field: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === field);
  }
}

/** Node types whose operator tokens (anonymous children) are kept: `|`, `+`, `and`, `<`, `not in`… */
const OPERATOR_PARENTS = new Set([
  'binary_operator',
  'boolean_operator',
  'comparison_operator',
  'unary_operator',
  'augmented_assignment',
]);

/**
 * True when `text` is a dotted name and nothing else (`int`, `typing.Any`, `None`): the extractor
 * reads such nodes off their text, so their children need not be copied.
 */
export function isDottedNameText(text: string): boolean {
  if (text.length === 0) return false;
  const first = text.charCodeAt(0);
  if (!((first >= 97 && first <= 122) || (first >= 65 && first <= 90) || first === 95 || first > 127))
    return false;
  let prevDot = false;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (prevDot) return false;
      prevDot = true;
      continue;
    }
    prevDot = false;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
    if (!ok) return false;
  }
  return !prevDot;
}

/** True when the walk should not copy the children of `node` (whose parent is `parent`). */
function isLeafForSurface(node: SyntaxNode, parent: SyntaxNode | undefined): boolean {
  switch (node.type) {
    case 'string':
    case 'comment':
    case 'identifier':
      return true;
    case 'block':
      // A function's body declares nothing the module exports (in stubs it is `...`).
      return parent?.type === 'function_definition';
    case 'type':
    case 'attribute':
      return isDottedNameText(node.text);
    default:
      // A parameter's default value: the surface records only that there is one.
      return (
        node.field === 'value' &&
        (parent?.type === 'default_parameter' || parent?.type === 'typed_default_parameter')
      );
  }
}

/** The cursor moves and reads a copy needs; all of them act on one current node. */
export interface TreeWalker {
  typeId(): number;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Frees the walker's wasm memory. */
  delete(): void;
}

/** A walker over web-tree-sitter's public TreeCursor (each read marshals the cursor again). */
export function cursorWalker(tree: Tree): TreeWalker {
  const c = tree.walk();
  return {
    typeId: () => c.nodeTypeId,
    fieldId: () => c.currentFieldId,
    startIndex: () => c.startIndex,
    endIndex: () => c.endIndex,
    gotoFirstChild: () => c.gotoFirstChild(),
    gotoNextSibling: () => c.gotoNextSibling(),
    gotoParent: () => c.gotoParent(),
    delete: () => c.delete(),
  };
}

/**
 * Copies the tree under `walker`'s current node into SyntaxNodes, without recursion (deep trees
 * cannot overflow the stack), and frees the walker. Returns the copy of the starting node.
 */
export function copyTree(walker: TreeWalker, grammar: Grammar, source: SourceText): SyntaxNode {
  const w = walker;
  try {
    const { types, named, fields } = grammar;
    const root = new SyntaxNode(
      types[w.typeId()] ?? 'ERROR',
      true,
      null,
      w.startIndex(),
      w.endIndex(),
      source,
    );
    if (isLeafForSurface(root, undefined) || !w.gotoFirstChild()) return root;
    const parents: SyntaxNode[] = [];
    const kidStack: SyntaxNode[][] = [];
    let parent = root;
    let kids: SyntaxNode[] = [];
    for (;;) {
      const typeId = w.typeId();
      if (named[typeId] === true) {
        const fieldId = w.fieldId();
        const node = new SyntaxNode(
          types[typeId] ?? 'ERROR',
          true,
          fieldId === 0 ? null : (fields[fieldId] ?? null),
          w.startIndex(),
          w.endIndex(),
          source,
        );
        kids.push(node);
        if (!isLeafForSurface(node, parent) && w.gotoFirstChild()) {
          parent.children = kids;
          parents.push(parent);
          kidStack.push(kids);
          parent = node;
          kids = [];
          continue;
        }
      } else if (OPERATOR_PARENTS.has(parent.type)) {
        const fieldId = w.fieldId();
        if (fieldId !== 0) {
          const token = types[typeId] ?? 'ERROR';
          kids.push(
            new SyntaxNode(token, false, fields[fieldId] ?? null, w.startIndex(), w.endIndex(), source),
          );
        }
      }
      while (!w.gotoNextSibling()) {
        if (kids.length > 0) parent.children = kids;
        const up = parents.pop();
        if (up === undefined) return root;
        w.gotoParent();
        parent = up;
        kids = kidStack.pop()!;
      }
    }
  } finally {
    w.delete();
  }
}
