// Capability tokens of a wrapper (seed 000, DESIGN.md §3): the closed vocabulary the lock records.
import type { MochiType } from '../typemap/types.js';
import type { Wrapper } from './types.js';

/** The closed vocabulary, in sorted order. */
export const CAPABILITY_TOKENS = [
  'async',
  'callable',
  'constant',
  'dataclass',
  'list',
  'map',
  'optional',
  'protocol',
  'set',
  'stream',
  'sum',
  'tuple',
  'typevar',
] as const;

/** One capability token. */
export type Capability = (typeof CAPABILITY_TOKENS)[number];

function walk(t: MochiType, out: Set<Capability>): void {
  switch (t.kind) {
    case 'fun':
      out.add('callable');
      for (const p of t.params) walk(p, out);
      walk(t.result, out);
      return;
    case 'async':
      out.add('async');
      walk(t.inner, out);
      return;
    case 'stream':
    case 'list':
    case 'set':
      out.add(t.kind);
      walk(t.elem, out);
      return;
    case 'map':
      out.add('map');
      walk(t.key, out);
      walk(t.value, out);
      return;
    case 'optional':
      out.add('optional');
      walk(t.inner, out);
      return;
    case 'sum':
      out.add('sum');
      for (const b of t.branches) walk(b, out);
      return;
    case 'tuple':
      out.add('tuple');
      for (const e of t.elems) walk(e, out);
      return;
    case 'typevar':
      out.add('typevar');
      return;
    case 'record':
      for (const f of t.fields) walk(f.type, out);
      return;
    case 'interface':
      // Methods are not `fun` values: their parameter and result types count, the method itself does not.
      for (const f of t.fields) walk(f.type, out);
      for (const m of t.methods) {
        for (const p of m.params) walk(p, out);
        walk(m.result, out);
      }
      return;
    default:
      return;
  }
}

/**
 * The sorted, de-duplicated capability tokens a wrapper uses: item flags give `async` (async fun),
 * `dataclass` (record), `protocol` (interface), `constant` (const); walking each item's MochiType
 * gives `callable` (a fun type), `stream`, `map`, `set`, `list`, `optional`, `sum`, `tuple`,
 * `typevar` and `async` (an async type). An empty surface gives an empty list (the lock omits it).
 *
 * @example extractCapabilities({ module: 'm', items: [], skipped: [] }) // []
 */
export function extractCapabilities(w: Wrapper): Capability[] {
  const out = new Set<Capability>();
  for (const item of w.items) {
    if (item.kind === 'fun' && item.async) out.add('async');
    if (item.kind === 'record') out.add('dataclass');
    if (item.kind === 'interface') out.add('protocol');
    if (item.kind === 'const') out.add('constant');
    walk(item.type, out);
  }
  return CAPABILITY_TOKENS.filter((t) => out.has(t));
}
