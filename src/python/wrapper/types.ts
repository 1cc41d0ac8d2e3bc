// Types-only contract: a generated Mochi wrapper — its items, and what was skipped.
import type { MochiType, SkipReport } from '../typemap/types.js';

/**
 * `fun` (module function), `record` (frozen dataclass, TypedDict, NamedTuple), `interface` (Protocol),
 * `const` (module constant), `type` (any other public class: an opaque foreign type, `extern python type G`).
 */
export type WrapperItemKind = 'fun' | 'record' | 'interface' | 'const' | 'type';

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
}

export interface Wrapper {
  /** The Python module the wrapper is for, e.g. `httpx`. */
  readonly module: string;
  /** Sorted by `sourceName`. */
  readonly items: readonly WrapperItem[];
  readonly skipped: readonly SkipReport[];
}
