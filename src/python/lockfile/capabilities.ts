// Capability tokens: a closed, coarse vocabulary describing what a generated wrapper's surface uses.
import type { MochiParam, MochiType } from '../typemap/types.js';
import type { Wrapper } from '../wrapper/types.js';

/** The closed capability vocabulary recorded in `capabilities = […]`. */
export type Capability =
  | 'any'
  | 'async'
  | 'callable'
  | 'class'
  | 'constant'
  | 'dataclass'
  | 'defaults'
  | 'list'
  | 'map'
  | 'named'
  | 'optional'
  | 'protocol'
  | 'set'
  | 'stream'
  | 'sum'
  | 'tuple'
  | 'typevar'
  | 'variadic';

/** Every capability token, sorted (the order they are written in). */
export const CAPABILITIES: readonly Capability[] = [
  'any',
  'async',
  'callable',
  'class',
  'constant',
  'dataclass',
  'defaults',
  'list',
  'map',
  'named',
  'optional',
  'protocol',
  'set',
  'stream',
  'sum',
  'tuple',
  'typevar',
  'variadic',
];

const TOKENS: ReadonlySet<string> = new Set(CAPABILITIES);

/** True when `token` is in the closed vocabulary. */
export function isCapability(token: unknown): token is Capability {
  return typeof token === 'string' && TOKENS.has(token);
}

/** Type kinds that are a capability by themselves (`async` types and `fun` types map by name below). */
const KIND_TOKEN: Partial<Record<MochiType['kind'], Capability>> = {
  unknown: 'any',
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

/** `named`, `defaults` and `variadic`: how a `def`'s parameters may be passed. */
function signatureTokens(sig: readonly MochiParam[] | undefined, out: Set<Capability>): void {
  for (const p of sig ?? []) {
    if (p.optional) out.add('defaults');
    if (p.mode === 'normal' || p.mode === 'keyword') out.add('named');
    else if (p.mode === 'var-positional' || p.mode === 'var-keyword') out.add('variadic');
  }
}

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
        signatureTokens(t.signature, out);
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
        for (const m of t.methods) {
          stack.push(...m.params, m.result);
          signatureTokens(m.signature, out);
        }
        break;
      default:
        break;
    }
  }
}

/**
 * The capability tokens of a wrapper: item flags give `async` (async fun), `dataclass` (record),
 * `protocol` (interface), `constant` (const), `class` (a class with members); walking each item's
 * MochiType (and its members') adds `callable`, `stream`, `map`, `set`, `list`, `optional`, `sum`,
 * `tuple`, `typevar`, `async` and `any` (an `any`-typed value); a function's named parameters add
 * `named` (passable by name), `defaults` (omittable) and `variadic` (`*args`, `**kwargs`).
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
    if (item.kind === 'type' && item.members) out.add('class');
    for (const m of item.members ?? []) walkType(m.type, out);
  }
  return out.size === 0 ? undefined : CAPABILITIES.filter((c) => out.has(c));
}
