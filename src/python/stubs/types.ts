// Types-only contract: what a .pyi module declares, after version/platform branches are evaluated.
// The parser produces it; the type mapper and wrapper consume it. Annotations stay syntax trees
// (TypeExpr) here: resolving names and lowering them to Mochi types is the type mapper's job.
import type { StubParseError } from './errors.js';

/** Where something is in its source file (1-based line and column). */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** An annotation or type-level expression, as written. */
export type TypeExpr =
  /** A name or dotted name: `int`, `typing.List`, `collections.abc.Mapping`. */
  | { readonly kind: 'name'; readonly name: string }
  /** `base[args]`; `Dict[str, int]` has two args, `Callable[[A, B], R]` has a `list` then `R`. */
  | { readonly kind: 'subscript'; readonly base: TypeExpr; readonly args: readonly TypeExpr[] }
  /** `A | B` (PEP 604), flattened left to right. */
  | { readonly kind: 'union'; readonly members: readonly TypeExpr[] }
  /** `None`. */
  | { readonly kind: 'none' }
  /** `...` (as in `tuple[int, ...]` or `Callable[..., R]`). */
  | { readonly kind: 'ellipsis' }
  /** `[A, B]`, the parameter list of `Callable`. */
  | { readonly kind: 'list'; readonly elems: readonly TypeExpr[] }
  /** A literal inside `Literal[...]`; `value` is the Python source text of the literal. */
  | {
      readonly kind: 'literal';
      readonly type: 'int' | 'str' | 'bytes' | 'bool' | 'float';
      readonly value: string;
    }
  /** A string annotation (forward reference), already parsed as an expression when possible. */
  | { readonly kind: 'forward'; readonly text: string; readonly parsed?: TypeExpr }
  /** Anything else (a call, an attribute of a call, arithmetic…), kept as source text. */
  | { readonly kind: 'other'; readonly text: string };

export type ParamKind =
  | 'positional-only'
  | 'positional-or-keyword'
  | 'var-positional'
  | 'keyword-only'
  | 'var-keyword';

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
  readonly annotation?: TypeExpr;
  readonly hasDefault: boolean;
}

export interface Decorator {
  /** Dotted name of the decorator: `overload`, `typing.overload`, `dataclass`, `dataclasses.dataclass`. */
  readonly name: string;
  /** Keyword arguments when the decorator is called, as source text: `{ frozen: 'True' }`. */
  readonly keywords: Readonly<Record<string, string>>;
}

export interface FunctionDef {
  readonly name: string;
  readonly async: boolean;
  readonly params: readonly Param[];
  readonly returns?: TypeExpr;
  readonly decorators: readonly Decorator[];
  readonly pos: SourcePos;
}

/** A function name with all its definitions; more than one means an `@overload` group. */
export interface FunctionGroup {
  readonly name: string;
  readonly defs: readonly FunctionDef[];
}

/**
 * A name assigned in a class body: `x: int`, `x: int = 0`, `x: ClassVar[int]`, and also plain
 * `X = 1` (enum members), which has no annotation.
 */
export interface ClassField {
  readonly name: string;
  /** The declared type with `ClassVar[…]` and `Final[…]` unwrapped (the flags below keep them). */
  readonly annotation?: TypeExpr;
  readonly hasDefault: boolean;
  /** `ClassVar[...]` annotated. */
  readonly classVar: boolean;
  /** `Final` / `Final[...]` annotated; a bare `Final = <literal>` gets the literal's type. */
  readonly final: boolean;
  readonly pos: SourcePos;
}

export interface ClassDef {
  readonly name: string;
  readonly bases: readonly TypeExpr[];
  /** Class keywords as source text, e.g. `{ total: 'False', metaclass: 'ABCMeta' }`. */
  readonly keywords: Readonly<Record<string, string>>;
  readonly decorators: readonly Decorator[];
  /** Annotated class-body names, in source order. */
  readonly fields: readonly ClassField[];
  /** Methods (including properties and overload groups), in source order of first definition. */
  readonly methods: readonly FunctionGroup[];
  /** Nested classes. */
  readonly classes: readonly ClassDef[];
  readonly pos: SourcePos;
}

/** A module-level name with a value: `X: int`, `X: Final = 3`, `X = 3`, `X = ...`. */
export interface Constant {
  readonly name: string;
  /**
   * The declared type, `Final[…]` unwrapped; for `X: Final = 3` and unannotated `X = 3`, the type of
   * the literal (`int`, `float`, `bool`, `str`, `bytes`); absent when nothing says the type.
   */
  readonly annotation?: TypeExpr;
  /** `Final` or `Final[...]`. */
  readonly final: boolean;
  readonly pos: SourcePos;
}

export interface TypeVarDecl {
  readonly name: string;
  readonly kind: 'TypeVar' | 'ParamSpec' | 'TypeVarTuple';
  readonly bound?: TypeExpr;
  readonly constraints: readonly TypeExpr[];
  readonly pos: SourcePos;
}

export interface TypeAlias {
  readonly name: string;
  readonly value: TypeExpr;
  /**
   * `explicit` = `X: TypeAlias = …`, `statement` = `type X = …`, `implicit` = `X = Y` where Y reads
   * as a type (a name, dotted name, subscript, `|` union or None; note that Y may also name a
   * function or a constant: resolve it before treating it as a type), `newtype` =
   * `X = NewType("X", T)` with `value` = T (a distinct type whose runtime values are T's).
   */
  readonly form: 'explicit' | 'statement' | 'implicit' | 'newtype';
  readonly pos: SourcePos;
}

export interface ImportDecl {
  /** Absolute module, or relative with leading dots as written (`.sub`, `..`). */
  readonly module: string;
  /** The imported name, or `*`; absent for `import m` / `import m as n`. */
  readonly name?: string;
  /** The bound name when `as` is used. `from m import x as x` is an explicit re-export. */
  readonly asName?: string;
  readonly pos: SourcePos;
}

/** Everything one module declares at top level, for the chosen Python version and platform. */
export interface ModuleSurface {
  /** Dotted module name, e.g. `httpx`, `httpx._client`. */
  readonly name: string;
  readonly file: string;
  readonly functions: readonly FunctionGroup[];
  readonly classes: readonly ClassDef[];
  readonly constants: readonly Constant[];
  readonly typeVars: readonly TypeVarDecl[];
  readonly aliases: readonly TypeAlias[];
  readonly imports: readonly ImportDecl[];
  /** True for a package's `__init__` module: relative imports resolve against the module itself. */
  readonly isPackage?: boolean;
  /**
   * `__all__` when the module declares it: literal lists/tuples, `+` of them, `+=`, `.extend`,
   * `.append`, `.remove`, each in the branches the target takes; de-duplicated, in first-seen order.
   */
  readonly all?: readonly string[];
}

/** A package (or single-module) surface: every module, keyed by dotted name. */
export interface PackageSurface {
  /** The top-level module name. */
  readonly name: string;
  readonly modules: ReadonlyMap<string, ModuleSurface>;
  /** Files left out because they did not parse (only with `parsePackage(…, { keepGoing: true })`). */
  readonly errors?: readonly StubParseError[];
}
