// Walks one parsed module and extracts its surface (ModuleSurface), evaluating version/platform branches.
import type { PythonTarget } from '../build/types.js';
import { evaluateCondition } from './condition.js';
import { StubParseError } from './errors.js';
import { Interner } from './intern.js';
import type { PythonParser } from './parser.js';
import { dottedName, namedChildren, stringLiteral } from './syntax.js';
import { isDottedNameText, type SyntaxNode as Node } from './tree.js';
import { type TypeContext, toTypeExpr } from './typeexpr.js';
import type {
  ClassDef,
  ClassField,
  Constant,
  Decorator,
  FunctionDef,
  FunctionGroup,
  ImportDecl,
  ModuleSurface,
  Param,
  ParamKind,
  SourcePos,
  TypeAlias,
  TypeExpr,
  TypeVarDecl,
} from './types.js';

/**
 * How deep statements may nest (`if` inside `class` inside `if` …). CPython refuses more than 100
 * indentation levels; the cap keeps the recursive walk bounded on hostile input.
 */
export const MAX_BLOCK_DEPTH = 100;

/** Where the module comes from and what it is evaluated for. */
export interface ExtractOptions {
  /** Dotted module name. */
  readonly module: string;
  /** File name used in positions and errors. */
  readonly file: string;
  readonly target: PythonTarget;
  /** True for a package's `__init__` (relative imports resolve against the module itself). */
  readonly isPackage?: boolean;
  /** The source text the tree was parsed from (for the indentation check). */
  readonly source?: string;
  /** Shares names between the surfaces of one parse run (default: one interner per module). */
  readonly intern?: Interner;
}

const TYPING_MODULES = new Set(['', 'typing', 'typing_extensions', 't']);

/** `name` is `bare`, `typing.bare` or `typing_extensions.bare`. */
function isTypingName(name: string | undefined, bare: string): boolean {
  if (name === undefined) return false;
  if (name === bare) return true;
  const dot = name.lastIndexOf('.');
  return dot !== -1 && name.slice(dot + 1) === bare && TYPING_MODULES.has(name.slice(0, dot));
}

function typingHead(t: TypeExpr, bare: string): boolean {
  return t.kind === 'name' ? isTypingName(t.name, bare) : t.kind === 'subscript' && typingHead(t.base, bare);
}

/** `Final[X]` → X, `ClassVar[X]` → X; bare `Final` → undefined (the type comes from the value). */
function unwrap(t: TypeExpr, bare: string): TypeExpr | undefined {
  if (t.kind === 'subscript' && t.base.kind === 'name' && isTypingName(t.base.name, bare)) {
    return t.args.length === 1 ? t.args[0] : t;
  }
  return t.kind === 'name' && isTypingName(t.name, bare) ? undefined : t;
}

/** The type of a literal value (`3` → int), for `X: Final = 3` and unannotated `X = 3`. */
function literalType(node: Node): TypeExpr | undefined {
  switch (node.type) {
    case 'integer':
      return { kind: 'name', name: 'int' };
    case 'float':
      return { kind: 'name', name: 'float' };
    case 'true':
    case 'false':
      return { kind: 'name', name: 'bool' };
    case 'string':
    case 'concatenated_string': {
      const s = stringLiteral(node);
      if (s === undefined)
        return node.text.trimStart().toLowerCase().startsWith('b')
          ? { kind: 'name', name: 'bytes' }
          : undefined;
      return { kind: 'name', name: s.prefix.includes('b') ? 'bytes' : 'str' };
    }
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      return arg === null ? undefined : literalType(arg);
    }
    default:
      return undefined;
  }
}

/** An expression that reads as a type (for `X = Y` implicit aliases). */
function isTypeLike(node: Node): boolean {
  switch (node.type) {
    case 'identifier':
    case 'attribute':
    case 'subscript':
    case 'none':
      return true;
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      return op === '|' && l !== null && r !== null && isTypeLike(l) && isTypeLike(r);
    }
    default:
      return false;
  }
}

/** String items of a list/tuple literal, or of `a + b` concatenations of them. */
function stringItems(node: Node, out: string[], depth = 0): void {
  if (depth > 100) return;
  if (node.type === 'list' || node.type === 'tuple') {
    for (const c of namedChildren(node)) {
      const s = stringLiteral(c);
      if (s !== undefined && !s.prefix.includes('b')) out.push(s.content);
    }
  } else if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '+') {
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    if (l !== null) stringItems(l, out, depth + 1);
    if (r !== null) stringItems(r, out, depth + 1);
  } else if (node.type === 'parenthesized_expression') {
    const inner = node.namedChild(0);
    if (inner !== null) stringItems(inner, out, depth + 1);
  }
}

/**
 * `list` at its exact length (a shared empty array when empty). Surfaces live as long as the build;
 * an array grown by push keeps room for 16 or more entries, most of it unused (a definition has two
 * or three parameters), which was a fifth of a typeshed-wide surface. Surfaces are read-only (their
 * types say so). The shared empties are not frozen: a frozen array is another kind of array to V8,
 * and every loop over surface lists then takes its slow path (that cost more than it saved).
 */
function exactList<T>(list: T[]): readonly T[] {
  return list.length === 0 ? EMPTY : list.slice();
}

const EMPTY: readonly never[] = [];
const NO_KEYWORDS: Readonly<Record<string, string>> = {};

/** Collects function definitions by name, in order of first appearance. */
class Groups {
  private readonly byName = new Map<string, FunctionDef[]>();

  add(def: FunctionDef): void {
    const list = this.byName.get(def.name);
    if (list === undefined) this.byName.set(def.name, [def]);
    else list.push(def);
  }

  toArray(): FunctionGroup[] {
    return [...this.byName].map(([name, defs]) => ({ name, defs: exactList(defs) }));
  }
}

/** What a block of statements adds to: a module or a class body. */
interface Scope {
  readonly functions: Groups;
  readonly classes: ClassDef[];
  /** An annotated or plain assignment to a simple name. */
  assignment(name: string, annotation: Node | null, value: Node | null, pos: SourcePos, node: Node): void;
  /** Anything else at statement level (imports, augmented assignments, calls). */
  other(node: Node): void;
}

class Extractor {
  private readonly ctx: TypeContext;

  constructor(
    readonly parser: PythonParser,
    readonly options: ExtractOptions,
  ) {
    this.ctx = { file: options.file, parser, intern: options.intern ?? new Interner() };
  }

  /**
   * A name that repeats across definitions (a parameter, a decorator, an imported module), shared
   * with its other uses. Names that are mostly unique (definitions, classes) are not looked up: the
   * lookup would cost more than the copy.
   */
  name(s: string): string {
    return this.ctx.intern.string(s);
  }

  pos(node: Node): SourcePos {
    const at = node.startPosition;
    return { file: this.options.file, line: at.row + 1, column: at.column + 1 };
  }

  type(node: Node): TypeExpr {
    return toTypeExpr(node, this.ctx);
  }

  /** Visits the statements of a block; `if` branches are chosen by the target. */
  block(block: Node, scope: Scope, depth: number): void {
    if (depth > MAX_BLOCK_DEPTH) {
      throw new StubParseError(
        'stub-too-deep',
        this.pos(block),
        `statements nest deeper than ${MAX_BLOCK_DEPTH} levels`,
      );
    }
    // tree-sitter-python tolerates some indentation CPython refuses (an indented line at module
    // level parses as a statement); every statement that starts a line must sit at the block's column.
    let indent: number | undefined = depth === 0 ? 0 : undefined;
    for (const stmt of block.namedChildren) {
      const type = stmt.type;
      if (type === 'comment') continue;
      const column = stmt.startPosition.column;
      if (this.startsLine(stmt.startIndex, column)) {
        if (indent === undefined) indent = column;
        else if (column !== indent) {
          throw new StubParseError(
            'stub-syntax',
            this.pos(stmt),
            column > indent ? 'unexpected indent' : 'unindent does not match any outer indentation level',
          );
        }
      }
      this.statement(stmt, type, scope, depth);
    }
  }

  /** True when only spaces, tabs or form feeds precede the statement on its line. */
  private startsLine(index: number, column: number): boolean {
    const text = this.options.source;
    if (text === undefined) return false;
    for (let i = index - 1; i >= index - column && i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 12) return false;
    }
    return true;
  }

  statement(stmt: Node, type: string, scope: Scope, depth: number): void {
    switch (type) {
      case 'function_definition':
        scope.functions.add(this.functionDef(stmt, EMPTY));
        return;
      case 'class_definition':
        scope.classes.push(this.classDef(stmt, EMPTY, depth));
        return;
      case 'decorated_definition': {
        // The definition is the last child (it runs to the end of the statement), decorators and
        // comments come before it.
        const kids = namedChildren(stmt);
        const def = kids[kids.length - 1];
        if (def === undefined) return;
        const decorators = kids
          .slice(0, -1)
          .filter((c) => c.type === 'decorator')
          .map((d) => this.decorator(d));
        if (def.type === 'function_definition') scope.functions.add(this.functionDef(def, decorators));
        else if (def.type === 'class_definition') scope.classes.push(this.classDef(def, decorators, depth));
        return;
      }
      case 'if_statement':
        this.ifStatement(stmt, scope, depth);
        return;
      case 'try_statement':
        // Every part of a `try` may declare names; type checkers see all of them.
        for (const part of namedChildren(stmt)) {
          if (part.type === 'block') this.block(part, scope, depth + 1);
          else {
            const body =
              part.type === 'except_clause'
                ? namedChildren(part).find((c) => c.type === 'block')
                : (part.childForFieldName('body') ?? namedChildren(part).find((c) => c.type === 'block'));
            if (body !== undefined && body !== null) this.block(body, scope, depth + 1);
          }
        }
        return;
      case 'expression_statement': {
        const expr = stmt.namedChild(0);
        if (expr !== null && expr.type === 'assignment') {
          const left = expr.childForFieldName('left');
          if (left !== null && left.type === 'identifier') {
            scope.assignment(
              left.text,
              expr.childForFieldName('type'),
              expr.childForFieldName('right'),
              this.pos(stmt),
              expr,
            );
            return;
          }
        }
        scope.other(stmt);
        return;
      }
      default:
        scope.other(stmt);
    }
  }

  ifStatement(stmt: Node, scope: Scope, depth: number): void {
    const cond = stmt.childForFieldName('condition');
    const body = stmt.childForFieldName('consequence');
    const truth = cond === null ? 'unknown' : evaluateCondition(cond, this.options.target);
    if (truth !== 'false' && body !== null) this.block(body, scope, depth + 1);
    if (truth === 'true') return;
    for (const alt of stmt.childrenForFieldName('alternative')) {
      if (alt === null) continue;
      if (alt.type === 'elif_clause') {
        const c = alt.childForFieldName('condition');
        const b = alt.childForFieldName('consequence');
        const t = c === null ? 'unknown' : evaluateCondition(c, this.options.target);
        if (t !== 'false' && b !== null) this.block(b, scope, depth + 1);
        if (t === 'true') return;
      } else if (alt.type === 'else_clause') {
        const b = alt.childForFieldName('body');
        if (b !== null) this.block(b, scope, depth + 1);
      }
    }
  }

  decorator(node: Node): Decorator {
    const expr = node.namedChild(0);
    if (expr === null) return { name: this.name(node.text.slice(1).trim()), keywords: NO_KEYWORDS };
    if (expr.type === 'call') {
      const fn = expr.childForFieldName('function');
      const args = expr.childForFieldName('arguments');
      const keywords: Record<string, string> = {};
      if (args !== null) {
        for (const a of namedChildren(args)) {
          if (a.type !== 'keyword_argument') continue;
          const k = a.childForFieldName('name');
          const v = a.childForFieldName('value');
          if (k !== null && v !== null) keywords[k.text] = v.text;
        }
      }
      const name = fn === null ? undefined : dottedName(fn);
      return { name: this.name(name ?? fn?.text ?? expr.text), keywords };
    }
    return { name: this.name(dottedName(expr) ?? expr.text), keywords: NO_KEYWORDS };
  }

  functionDef(node: Node, decorators: readonly Decorator[]): FunctionDef {
    const name = node.childForFieldName('name')?.text ?? '';
    // `async` is the first token of the definition; its text says so without another node lookup.
    const isAsync = node.text.startsWith('async');
    const paramsNode = node.childForFieldName('parameters');
    const returnsNode = node.childForFieldName('return_type');
    const params = paramsNode === null ? [] : this.params(paramsNode);
    const pos = this.pos(node);
    // Object literals, not spreads: this runs for every definition and spreads are much slower.
    // The key order is the surface's serialised order (wrapper hashes do not depend on it).
    return returnsNode === null
      ? { name, async: isAsync, params, decorators, pos }
      : { name, async: isAsync, params, decorators, pos, returns: this.type(returnsNode) };
  }

  params(node: Node): readonly Param[] {
    const out: { name: string; kind: ParamKind; annotation?: TypeExpr; hasDefault: boolean }[] = [];
    let keywordOnly = false;
    for (const p of namedChildren(node)) {
      let target: Node | null = p;
      let annotation: Node | null = null;
      let hasDefault = false;
      const pType = p.type;
      switch (pType) {
        case 'positional_separator':
          for (const q of out) if (q.kind === 'positional-or-keyword') q.kind = 'positional-only';
          continue;
        case 'keyword_separator':
          keywordOnly = true;
          continue;
        case 'typed_parameter':
          target = p.namedChild(0);
          annotation = p.childForFieldName('type');
          break;
        case 'default_parameter':
          target = p.childForFieldName('name');
          hasDefault = true;
          break;
        case 'typed_default_parameter':
          target = p.childForFieldName('name');
          annotation = p.childForFieldName('type');
          hasDefault = true;
          break;
        default:
          break;
      }
      if (target === null) continue;
      let kind: ParamKind;
      let name: string;
      const targetType = target === p ? pType : target.type;
      if (targetType === 'list_splat_pattern') {
        kind = 'var-positional';
        keywordOnly = true;
        name = this.name(target.namedChild(0)?.text ?? '');
      } else if (targetType === 'dictionary_splat_pattern') {
        kind = 'var-keyword';
        name = this.name(target.namedChild(0)?.text ?? '');
      } else if (targetType === 'identifier') {
        kind = keywordOnly ? 'keyword-only' : 'positional-or-keyword';
        name = this.name(target.text);
      } else {
        continue;
      }
      // One literal per shape (same key order): a property added after creation would not fit the
      // object and cost every annotated parameter a second allocation.
      out.push(
        annotation === null
          ? { name, kind, hasDefault }
          : { name, kind, hasDefault, annotation: this.type(annotation) },
      );
    }
    return exactList(out);
  }

  classDef(node: Node, decorators: readonly Decorator[], depth: number): ClassDef {
    const name = node.childForFieldName('name')?.text ?? '';
    const bases: TypeExpr[] = [];
    const keywords: Record<string, string> = {};
    const supers = node.childForFieldName('superclasses');
    if (supers !== null) {
      for (const a of namedChildren(supers)) {
        if (a.type === 'keyword_argument') {
          const k = a.childForFieldName('name');
          const v = a.childForFieldName('value');
          if (k !== null && v !== null) keywords[k.text] = v.text;
        } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat' && a.type !== 'comment') {
          bases.push(this.type(a));
        }
      }
    }
    const fields: ClassField[] = [];
    const scope: Scope = {
      functions: new Groups(),
      classes: [],
      assignment: (fieldName, annotation, value, pos) => {
        let type = annotation === null ? undefined : this.type(annotation);
        const classVar = type !== undefined && typingHead(type, 'ClassVar');
        if (classVar && type !== undefined) type = unwrap(type, 'ClassVar');
        const final = type !== undefined && typingHead(type, 'Final');
        if (final && type !== undefined)
          type = unwrap(type, 'Final') ?? (value === null ? undefined : literalType(value));
        const hasDefault = value !== null;
        fields.push(
          type === undefined
            ? { name: fieldName, hasDefault, classVar, final, pos }
            : { name: fieldName, hasDefault, classVar, final, pos, annotation: type },
        );
      },
      other: () => {},
    };
    const body = node.childForFieldName('body');
    if (body !== null) this.block(body, scope, depth + 1);
    return {
      name,
      bases: exactList(bases),
      keywords: Object.keys(keywords).length === 0 ? NO_KEYWORDS : keywords,
      decorators,
      fields: exactList(fields),
      methods: scope.functions.toArray(),
      classes: exactList(scope.classes),
      pos: this.pos(node),
    };
  }
}

function relativeModule(node: Node): string {
  // `relative_import` is the dots and an optional dotted name; keep it as written, without spaces.
  let out = '';
  for (const c of node.children) out += c.type === 'import_prefix' ? c.text.replaceAll(' ', '') : c.text;
  return out;
}

function typeVarKind(name: string | undefined): TypeVarDecl['kind'] | undefined {
  for (const k of ['TypeVar', 'ParamSpec', 'TypeVarTuple'] as const) if (isTypingName(name, k)) return k;
  return undefined;
}

/** Extracts the surface of a parsed module. `root` is the tree's `module` node. */
export function extractModule(root: Node, parser: PythonParser, options: ExtractOptions): ModuleSurface {
  const x = new Extractor(parser, options);
  const constants: Constant[] = [];
  const typeVars: TypeVarDecl[] = [];
  const aliases: TypeAlias[] = [];
  const imports: ImportDecl[] = [];
  let all: string[] | undefined;

  const extendAll = (node: Node | null, replace: boolean) => {
    const names: string[] = [];
    if (node !== null) stringItems(node, names);
    all = replace ? names : [...(all ?? []), ...names];
  };

  // Names the module gave typing's constructs so far (`from typing import TypeVar as _TypeVar`,
  // `import typing_extensions as te`), so that `_T = _TypeVar("_T")` is still read as a TypeVar.
  const typingAliases = new Map<string, string>();
  const typingName = (fn: string | undefined): string | undefined => {
    if (fn === undefined) return undefined;
    const dot = fn.indexOf('.');
    const head = dot === -1 ? fn : fn.slice(0, dot);
    const real = typingAliases.get(head);
    return real === undefined ? fn : dot === -1 ? real : `${real}${fn.slice(dot)}`;
  };

  const importStatement = (stmt: Node) => {
    const pos = x.pos(stmt);
    if (stmt.type === 'import_statement') {
      for (const n of stmt.childrenForFieldName('name')) {
        if (n === null) continue;
        if (n.type === 'aliased_import') {
          const mod = n.childForFieldName('name');
          const alias = n.childForFieldName('alias');
          if (mod !== null && alias !== null)
            imports.push({ module: x.name(mod.text), asName: alias.text, pos });
          if (mod !== null && alias !== null && (mod.text === 'typing' || mod.text === 'typing_extensions'))
            typingAliases.set(alias.text, mod.text);
        } else {
          imports.push({ module: x.name(n.text), pos });
        }
      }
      return;
    }
    const modNode = stmt.childForFieldName('module_name');
    if (modNode === null) return;
    const module = x.name(modNode.type === 'relative_import' ? relativeModule(modNode) : modNode.text);
    if (namedChildren(stmt).some((c) => c.type === 'wildcard_import')) {
      imports.push({ module, name: '*', pos });
      return;
    }
    for (const n of stmt.childrenForFieldName('name')) {
      if (n === null) continue;
      if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name');
        const alias = n.childForFieldName('alias');
        if (name !== null && alias !== null) {
          imports.push({ module, name: name.text, asName: alias.text, pos });
          if (module === 'typing' || module === 'typing_extensions') typingAliases.set(alias.text, name.text);
        }
      } else {
        imports.push({ module, name: n.text, pos });
      }
    }
  };

  const scope: Scope = {
    functions: new Groups(),
    classes: [],
    assignment: (name, annotation, value, pos) => {
      if (name === '__all__') {
        extendAll(value, true);
        return;
      }
      const annotationType = annotation === null ? undefined : x.type(annotation);
      if (
        annotationType !== undefined &&
        isTypingName(annotationType.kind === 'name' ? annotationType.name : undefined, 'TypeAlias')
      ) {
        if (value !== null) aliases.push({ name, value: x.type(value), form: 'explicit', pos });
        return;
      }
      if (annotationType === undefined && value !== null && value.type === 'call') {
        const fnNode = value.childForFieldName('function');
        const fn = typingName(fnNode === null ? undefined : dottedName(fnNode));
        const args = value.childForFieldName('arguments');
        const argList = args === null ? [] : namedChildren(args);
        const tvKind = typeVarKind(fn);
        if (tvKind !== undefined) {
          let bound: TypeExpr | undefined;
          const constraints: TypeExpr[] = [];
          argList.forEach((a, i) => {
            if (a.type === 'keyword_argument') {
              const v = a.childForFieldName('value');
              if (a.childForFieldName('name')?.text === 'bound' && v !== null) bound = x.type(v);
            } else if (i > 0 && a.type !== 'comment') {
              constraints.push(x.type(a));
            }
          });
          const decl: TypeVarDecl = { name, kind: tvKind, constraints, pos };
          typeVars.push(bound === undefined ? decl : { ...decl, bound });
          return;
        }
        if (isTypingName(fn, 'NewType') && argList.length === 2 && argList[1]!.type !== 'keyword_argument') {
          aliases.push({ name, value: x.type(argList[1]!), form: 'newtype', pos });
          return;
        }
      }
      if (annotationType === undefined && value !== null && isTypeLike(value)) {
        aliases.push({ name, value: x.type(value), form: 'implicit', pos });
        return;
      }
      const final = annotationType !== undefined && typingHead(annotationType, 'Final');
      let type = final && annotationType !== undefined ? unwrap(annotationType, 'Final') : annotationType;
      if (type === undefined && value !== null) type = literalType(value);
      constants.push(type === undefined ? { name, final, pos } : { name, final, pos, annotation: type });
    },
    other: (stmt) => {
      switch (stmt.type) {
        case 'import_statement':
        case 'import_from_statement':
          importStatement(stmt);
          return;
        case 'type_alias_statement': {
          const left = stmt.childForFieldName('left');
          const right = stmt.childForFieldName('right');
          if (left === null || right === null) return;
          // `type X[T] = …`: the name is the first identifier of the left side (a plain name's
          // `type` node is kept without children, see tree.ts).
          let nameNode: Node | null = left;
          while (nameNode !== null && nameNode.type !== 'identifier' && nameNode.namedChildCount > 0)
            nameNode = nameNode.namedChild(0);
          const aliasName = nameNode === null ? undefined : dottedName(nameNode, 'identifier');
          if (aliasName !== undefined && isDottedNameText(aliasName) && !aliasName.includes('.'))
            aliases.push({ name: aliasName, value: x.type(right), form: 'statement', pos: x.pos(stmt) });
          return;
        }
        case 'expression_statement': {
          const expr = stmt.namedChild(0);
          if (expr === null) return;
          if (expr.type === 'augmented_assignment') {
            const left = expr.childForFieldName('left');
            if (left?.text === '__all__' && expr.childForFieldName('operator')?.type === '+=') {
              extendAll(expr.childForFieldName('right'), false);
            }
          } else if (expr.type === 'call') {
            // __all__.extend([...]), __all__.append("x"), __all__.remove("x")
            const fnNode = expr.childForFieldName('function');
            const fn = fnNode === null ? undefined : dottedName(fnNode);
            const args = expr.childForFieldName('arguments');
            const first = args === null ? null : args.namedChild(0);
            if (first === null) return;
            if (fn === '__all__.extend') extendAll(first, false);
            else if (fn === '__all__.append' || fn === '__all__.remove') {
              const s = stringLiteral(first);
              if (s === undefined) return;
              all =
                fn === '__all__.append'
                  ? [...(all ?? []), s.content]
                  : (all ?? []).filter((n) => n !== s.content);
            }
          }
          return;
        }
        default:
          return;
      }
    },
  };

  x.block(root, scope, 0);
  const surface: ModuleSurface = {
    name: options.module,
    file: options.file,
    functions: scope.functions.toArray(),
    classes: exactList(scope.classes),
    constants: exactList(constants),
    typeVars: exactList(typeVars),
    aliases: exactList(aliases),
    imports: exactList(imports),
    ...(options.isPackage === undefined ? {} : { isPackage: options.isPackage }),
  };
  return all === undefined ? surface : { ...surface, all: [...new Set(all)] };
}
