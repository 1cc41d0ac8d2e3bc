// Types-only contract: the Mochi types that .pyi annotations lower to, and skip reports.

/** Scalar names Mochi knows directly. `None` is the unit type (functions that return nothing). */
export type ScalarName = 'int' | 'float' | 'bool' | 'string' | 'bytes' | 'None';

/** A method of an interface type. */
export interface MochiMethod {
  readonly name: string;
  readonly params: readonly MochiType[];
  readonly result: MochiType;
}

/** A field of a record type, or an attribute of an interface type. */
export interface MochiField {
  readonly name: string;
  readonly type: MochiType;
}

/** The Mochi type a Python annotation lowers to (DESIGN.md §3). */
export type MochiType =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'scalar'; readonly name: ScalarName }
  | { readonly kind: 'list'; readonly elem: MochiType }
  | { readonly kind: 'tuple'; readonly elems: readonly MochiType[] }
  | { readonly kind: 'map'; readonly key: MochiType; readonly value: MochiType }
  | { readonly kind: 'set'; readonly elem: MochiType }
  | { readonly kind: 'fun'; readonly params: readonly MochiType[]; readonly result: MochiType }
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
 * Why a public name did not become a wrapper item. A closed set: tests pin it, the README documents
 * each reason. The stub pipeline may add reasons, but only here and with documentation.
 */
export type SkipReason =
  | 'unsupported-construct'
  | 'paramspec'
  | 'typevartuple'
  | 'unresolved-name'
  | 'open-union-any'
  | 'any-type'
  | 'private-name'
  | 'mutable-dataclass'
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
