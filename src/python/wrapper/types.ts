// Types-only contract: a generated Mochi wrapper — its items, and what was skipped.
import type { MochiType, SkipReport } from '../typemap/types.js';

/**
 * `fun` (module function), `record` (frozen dataclass, TypedDict, NamedTuple), `interface` (Protocol),
 * `const` (module constant), `type` (any other public class: an opaque foreign type, `extern python type G`).
 */
export type WrapperItemKind = 'fun' | 'record' | 'interface' | 'const' | 'type';

/**
 * What a class member is: the constructor (`__init__`/`__new__`), a method (`self`), a class or
 * static method (called on the class), a property, an instance attribute, or a class attribute
 * (`ClassVar`, enum members, constants of the class body).
 */
export type ClassMemberKind =
  | 'constructor'
  | 'method'
  | 'classmethod'
  | 'staticmethod'
  | 'property'
  | 'attribute'
  | 'classvar';

/** One member of a wrapped class, own or inherited. */
export interface ClassMember {
  /** The Mochi-visible name (the constructor is `init`). */
  readonly name: string;
  /** The Python name (`__init__` / `__new__` for the constructor). */
  readonly sourceName: string;
  readonly kind: ClassMemberKind;
  /**
   * For the constructor and methods the function type (with its named signature; an `async def`
   * returns `async R`), for properties and attributes the value type.
   */
  readonly type: MochiType;
  /** True for `async def` methods. */
  readonly async: boolean;
  /** For properties and attributes: a Mochi program may assign it (a setter; not `Final`). */
  readonly settable: boolean;
  /** The dotted Python name of the class that defines it, when inherited from a base. */
  readonly inheritedFrom?: string;
}

export interface WrapperItem {
  /** The Mochi-visible name. */
  readonly name: string;
  /** The Python name it wraps (items sort by this). */
  readonly sourceName: string;
  readonly kind: WrapperItemKind;
  /**
   * For `fun` the function type (an `async def` returns `async R`), for `record`/`interface` the
   * record/interface type, for `const` its type, for `type` a `ref` to itself.
   */
  readonly type: MochiType;
  /** True for `async def` functions. */
  readonly async: boolean;
  /**
   * For `type` (a class) and `record` items: the class's members, own and inherited in MRO order,
   * sorted by kind then name (record fields stay in the record type). Absent when there are none.
   */
  readonly members?: readonly ClassMember[];
}

export interface Wrapper {
  /** The Python module the wrapper is for, e.g. `httpx`. */
  readonly module: string;
  /** Sorted by `sourceName`. */
  readonly items: readonly WrapperItem[];
  readonly skipped: readonly SkipReport[];
}
