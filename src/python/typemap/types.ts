// Types-only contract: the Mochi types that .pyi annotations lower to, and skip reports.

/** Scalar names Mochi knows directly. `None` is the unit type (functions that return nothing). */
export type ScalarName = 'int' | 'float' | 'bool' | 'string' | 'bytes' | 'None';

/**
 * How a Python parameter is passed (DESIGN.md §3, "parameters keep what Python gives them"):
 * `positional` (positional-only, before `/`), `normal` (by position or by name), `keyword`
 * (keyword-only, after `*` or `*args`), `var-positional` (`*args`), `var-keyword` (`**kwargs`).
 */
export type ParamMode = 'positional' | 'normal' | 'keyword' | 'var-positional' | 'var-keyword';

/** One parameter of a Python function as a Mochi caller sees it. */
export interface MochiParam {
  readonly name: string;
  /** The type of one argument (for `*args` / `**kwargs`: of each extra argument). */
  readonly type: MochiType;
  readonly mode: ParamMode;
  /** True when the parameter has a default, so a call may leave it out. */
  readonly optional: boolean;
}

/** A method of an interface type. */
export interface MochiMethod {
  readonly name: string;
  readonly params: readonly MochiType[];
  readonly result: MochiType;
  /** The named parameters, when the method comes from a `def` (`params` holds their types in order). */
  readonly signature?: readonly MochiParam[];
}

/** A field of a record type, or an attribute of an interface type. */
export interface MochiField {
  readonly name: string;
  readonly type: MochiType;
}

/**
 * The Mochi type a Python annotation lowers to (DESIGN.md §3). `unknown` is what `Any`,
 * `Incomplete`, `object` and a missing annotation lower to; the shim spells it `any`.
 */
export type MochiType =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'scalar'; readonly name: ScalarName }
  | { readonly kind: 'list'; readonly elem: MochiType }
  | { readonly kind: 'tuple'; readonly elems: readonly MochiType[] }
  | { readonly kind: 'map'; readonly key: MochiType; readonly value: MochiType }
  | { readonly kind: 'set'; readonly elem: MochiType }
  /**
   * A function type. `params` are the parameter types in order; `signature`, present for a Python
   * `def` (not for a `Callable[...]`), names them with their modes and defaults.
   */
  | {
      readonly kind: 'fun';
      readonly params: readonly MochiType[];
      readonly result: MochiType;
      readonly signature?: readonly MochiParam[];
    }
  | { readonly kind: 'async'; readonly inner: MochiType }
  | { readonly kind: 'stream'; readonly elem: MochiType }
  | { readonly kind: 'optional'; readonly inner: MochiType }
  | { readonly kind: 'sum'; readonly branches: readonly MochiType[] }
  /** Fields sorted by name. */
  | { readonly kind: 'record'; readonly name: string; readonly fields: readonly MochiField[] }
  /**
   * A Protocol: its attributes (`fields`, including read-only properties) and methods, each sorted by
   * name. Protocol attributes are part of the Mochi-visible surface, so they are kept, not dropped.
   */
  | {
      readonly kind: 'interface';
      readonly name: string;
      /** Attributes; absent when the protocol declares none. */
      readonly fields?: readonly MochiField[];
      readonly methods: readonly MochiMethod[];
    }
  /** A class: one of the wrapper's own items by its Mochi name, or a foreign class by dotted Python name. */
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'typevar'; readonly name: string };

export type MochiTypeKind = MochiType['kind'];

/**
 * Why a public name did not become a wrapper item. A closed set: tests pin it, docs/python.md documents
 * each reason. The stub pipeline may add reasons, but only here and with documentation.
 */
export type SkipReason =
  | 'unsupported-construct'
  | 'paramspec'
  | 'typevartuple'
  | 'unresolved-name'
  | 'private-name'
  | 'unsupported-key-type'
  | 'overload'
  | 'complex';

/** One public name that was not wrapped, and why. A skip never aborts the package. */
export interface SkipReport {
  /** Dotted path of the item inside the module, e.g. `httpx.Client.send`. */
  readonly itemPath: string;
  readonly reason: SkipReason;
  /** Human-readable detail: the annotation or construct that could not be lowered. */
  readonly detail: string;
  /** What a user could write to wrap it anyway (an override hint), when there is one. */
  readonly override?: string;
}
