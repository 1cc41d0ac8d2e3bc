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

// Not frozen: a frozen array is another kind of array to V8, and the loops over children would
// take their slow path (nothing writes to it: `children` is read-only to every reader).
const NO_CHILDREN: readonly SyntaxNode[] = [];

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

/**
 * Node types that have no fields in tree-sitter-python's node-types.json (and are common): their
 * children's field is not asked for. The copy is checked against the public cursor's, which asks
 * for every field, in tree.test.ts.
 */
export const FIELDLESS: ReadonlySet<string> = new Set([
  'module',
  'parameters',
  'argument_list',
  'expression_statement',
  'type',
  'list',
  'tuple',
  'expression_list',
  'parenthesized_expression',
  'decorator',
  'dotted_name',
  'union_type',
  'generic_type',
  'type_parameter',
  'concatenated_string',
]);

/**
 * True when the walk should not copy the children of a node of type `type` over `start`..`end`,
 * whose parent has type `parentType` and which fills the parent's field `field`.
 */
function isLeafForSurface(
  type: string,
  field: string | null,
  parentType: string | undefined,
  text: string,
  start: number,
  end: number,
): boolean {
  switch (type) {
    case 'string':
    case 'comment':
    case 'identifier':
    // Tokens without children, and names read off their text: no child lookup at all.
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'ellipsis':
    case 'positional_separator':
    case 'keyword_separator':
    case 'dotted_name':
    case 'import_prefix':
    case 'wildcard_import':
      return true;
    case 'block':
      // A function's body declares nothing the module exports (in stubs it is `...`).
      return parentType === 'function_definition';
    case 'type':
    case 'attribute':
      return isDottedNameText(text.slice(start, end));
    default:
      // A parameter's default value: the surface records only that there is one.
      return (
        field === 'value' && (parentType === 'default_parameter' || parentType === 'typed_default_parameter')
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

/** Int32 slots per node of a flat tree: type id, field id (0 = none), start, end, parent index. */
export const FLAT_SLOTS = 5;

let scratch = new Int32Array(64 * 1024);

/**
 * Walks the tree under `walker`'s current node and writes the nodes the surface needs, in preorder,
 * as {@link FLAT_SLOTS} ints each (see {@link syntaxFromFlat}); frees the walker. Iterative, so deep
 * trees cannot overflow the stack. A flat tree is plain data: it can cross threads (a transferable
 * buffer) and is turned into SyntaxNodes where the source text is.
 */
export function flattenTree(walker: TreeWalker, grammar: Grammar, text: string): Int32Array {
  const w = walker;
  const { types, named } = grammar;
  // One scratch buffer, reused from call to call (the walk is synchronous); the result is an
  // exact-size copy, so each file leaves one small buffer behind instead of a generous one.
  let out = scratch;
  let n = 0;
  const push = (typeId: number, fieldId: number, start: number, end: number, parent: number): number => {
    if ((n + 1) * FLAT_SLOTS > out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
      scratch = bigger;
    }
    const at = n * FLAT_SLOTS;
    out[at] = typeId;
    out[at + 1] = fieldId;
    out[at + 2] = start;
    out[at + 3] = end;
    out[at + 4] = parent;
    return n++;
  };
  try {
    const rootType = types[w.typeId()] ?? 'ERROR';
    const rootStart = w.startIndex();
    const rootEnd = w.endIndex();
    push(w.typeId(), 0, rootStart, rootEnd, -1);
    if (isLeafForSurface(rootType, null, undefined, text, rootStart, rootEnd) || !w.gotoFirstChild())
      return out.slice(0, n * FLAT_SLOTS);
    // The parents of the cursor's node: their flat index and type.
    const parents: number[] = [0];
    const parentTypes: string[] = [rootType];
    let parent = 0;
    let parentType = rootType;
    for (;;) {
      const typeId = w.typeId();
      if (named[typeId] === true) {
        const fieldId = FIELDLESS.has(parentType) ? 0 : w.fieldId();
        const start = w.startIndex();
        const end = w.endIndex();
        const index = push(typeId, fieldId, start, end, parent);
        const type = types[typeId] ?? 'ERROR';
        const field = fieldId === 0 ? null : (grammar.fields[fieldId] ?? null);
        if (!isLeafForSurface(type, field, parentType, text, start, end) && w.gotoFirstChild()) {
          parents.push(index);
          parentTypes.push(type);
          parent = index;
          parentType = type;
          continue;
        }
      } else if (OPERATOR_PARENTS.has(parentType)) {
        const fieldId = w.fieldId();
        if (fieldId !== 0) push(typeId, fieldId, w.startIndex(), w.endIndex(), parent);
      }
      while (!w.gotoNextSibling()) {
        parents.pop();
        parentTypes.pop();
        if (parents.length === 0) return out.slice(0, n * FLAT_SLOTS);
        w.gotoParent();
        parent = parents[parents.length - 1]!;
        parentType = parentTypes[parentTypes.length - 1]!;
      }
    }
  } finally {
    w.delete();
  }
}

/** The SyntaxNodes of a flat tree (from {@link flattenTree} over `source`); returns the root. */
export function syntaxFromFlat(flat: Int32Array, grammar: Grammar, source: SourceText): SyntaxNode {
  const { types, named, fields } = grammar;
  const count = flat.length / FLAT_SLOTS;
  const nodes: SyntaxNode[] = new Array(count);
  const kids: (SyntaxNode[] | undefined)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * FLAT_SLOTS;
    const typeId = flat[at]!;
    const fieldId = flat[at + 1]!;
    const node = new SyntaxNode(
      types[typeId] ?? 'ERROR',
      named[typeId] === true,
      fieldId === 0 ? null : (fields[fieldId] ?? null),
      flat[at + 2]!,
      flat[at + 3]!,
      source,
    );
    nodes[i] = node;
    const parent = flat[at + 4]!;
    if (parent >= 0) {
      const list = kids[parent];
      if (list === undefined) {
        const fresh = [node];
        kids[parent] = fresh;
        nodes[parent]!.children = fresh;
      } else list.push(node);
    }
  }
  if (count === 0) throw new Error('syntaxFromFlat: empty flat tree');
  return nodes[0]!;
}

/** Copies the tree under `walker`'s current node into SyntaxNodes (flattenTree, then syntaxFromFlat). */
export function copyTree(walker: TreeWalker, grammar: Grammar, source: SourceText): SyntaxNode {
  return syntaxFromFlat(flattenTree(walker, grammar, source.text), grammar, source);
}
