// Capability tokens: a closed, coarse vocabulary describing what a generated wrapper's surface uses.
import type { MochiType } from '../typemap/types.js';
import type { Wrapper } from '../wrapper/types.js';

/** The closed capability vocabulary recorded in `capabilities = […]`. */
export type Capability =
  | 'async'
  | 'callable'
  | 'constant'
  | 'dataclass'
  | 'list'
  | 'map'
  | 'optional'
  | 'protocol'
  | 'set'
  | 'stream'
  | 'sum'
  | 'tuple'
  | 'typevar';

/** Every capability token, sorted (the order they are written in). */
export const CAPABILITIES: readonly Capability[] = [
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
];

const TOKENS: ReadonlySet<string> = new Set(CAPABILITIES);

/** True when `token` is in the closed vocabulary. */
export function isCapability(token: unknown): token is Capability {
  return typeof token === 'string' && TOKENS.has(token);
}

/** Type kinds that are a capability by themselves (`async` types and `fun` types map by name below). */
const KIND_TOKEN: Partial<Record<MochiType['kind'], Capability>> = {
  fun: 'callable',
  async: 'async',
  stream: 'stream',
  map: 'map',
  set: 'set',
  list: 'list',
  optional: 'optional',
  sum: 'sum',
  tuple: 'tuple',
  typevar: 'typevar',
};

/** Adds the tokens of every node of `root` to `out`. Iterative, so a deep tree cannot overflow the stack. */
function walkType(root: MochiType, out: Set<Capability>): void {
  const stack: MochiType[] = [root];
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    const token = KIND_TOKEN[t.kind];
    if (token) out.add(token);
    switch (t.kind) {
      case 'list':
      case 'set':
      case 'stream':
        stack.push(t.elem);
        break;
      case 'tuple':
        stack.push(...t.elems);
        break;
      case 'map':
        stack.push(t.key, t.value);
        break;
      case 'fun':
        stack.push(...t.params, t.result);
        break;
      case 'async':
      case 'optional':
        stack.push(t.inner);
        break;
      case 'sum':
        stack.push(...t.branches);
        break;
      case 'record':
        for (const f of t.fields) stack.push(f.type);
        break;
      case 'interface':
        for (const f of t.fields ?? []) stack.push(f.type);
        for (const m of t.methods) stack.push(...m.params, m.result);
        break;
      default:
        break;
    }
  }
}

/**
 * The capability tokens of a wrapper: item flags give `async` (async fun), `dataclass` (record),
 * `protocol` (interface), `constant` (const); walking each item's MochiType adds `callable`,
 * `stream`, `map`, `set`, `list`, `optional`, `sum`, `tuple`, `typevar` and `async`.
 * Sorted and de-duplicated; `undefined` when the surface yields no token (e.g. no items), so the
 * lock omits the key. Skipped names are not part of the surface and contribute nothing.
 *
 * @example
 * ```ts
 * extractCapabilities({ module: 'm', skipped: [], items: [{ name: 'get', sourceName: 'get', kind: 'fun', async: true,
 *   type: { kind: 'fun', params: [{ kind: 'scalar', name: 'string' }], result: { kind: 'scalar', name: 'int' } } }] })
 * // ['async', 'callable']
 * ```
 */
export function extractCapabilities(wrapper: Pick<Wrapper, 'items'>): Capability[] | undefined {
  const out = new Set<Capability>();
  for (const item of wrapper.items) {
    if (item.kind === 'fun' && item.async) out.add('async');
    else if (item.kind === 'record') out.add('dataclass');
    else if (item.kind === 'interface') out.add('protocol');
    else if (item.kind === 'const') out.add('constant');
    walkType(item.type, out);
  }
  return out.size === 0 ? undefined : CAPABILITIES.filter((c) => out.has(c));
}
