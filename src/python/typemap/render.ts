// MochiType constructors that keep types in normal form, and the one textual rendering of a type.
import type { MochiField, MochiMethod, MochiParam, MochiType, ScalarName } from './types.js';

/** The scalar type `name`. */
export function scalar(name: ScalarName): MochiType {
  return { kind: 'scalar', name };
}

const NONE: MochiType = { kind: 'scalar', name: 'None' };

function isNone(t: MochiType): boolean {
  return t.kind === 'scalar' && t.name === 'None';
}

/**
 * `T?`. Idempotent (`optional(optional(T))` is `optional(T)`), and `None?` is just `None`, so that
 * equal Python unions always lower to equal Mochi types.
 *
 * @example render(optional(optional(scalar('int')))) === 'int?'
 */
export function optional(inner: MochiType): MochiType {
  // `any` already admits None.
  if (inner.kind === 'optional' || inner.kind === 'unknown' || isNone(inner)) return inner;
  return { kind: 'optional', inner };
}

/**
 * A union in normal form: nested unions flatten, `None` branches (and optional branches) make the
 * whole union optional, duplicate branches (by rendering) drop, and a one-branch union collapses to
 * that branch. Branch order is kept as written, so the result is deterministic for a given stub.
 *
 * @example render(union([scalar('int'), scalar('None')])) === 'int?'
 */
export function union(branches: readonly MochiType[]): MochiType {
  const out: MochiType[] = [];
  const seen = new Set<string>();
  let nullable = false;
  const add = (b: MochiType): void => {
    if (b.kind === 'sum') {
      for (const x of b.branches) add(x);
    } else if (b.kind === 'optional') {
      nullable = true;
      add(b.inner);
    } else if (isNone(b)) {
      nullable = true;
    } else {
      const key = render(b);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(b);
      }
    }
  };
  for (const b of branches) add(b);
  // A union with an `any` branch is `any`: it says nothing Mochi can check.
  if (out.some((b) => b.kind === 'unknown')) return { kind: 'unknown' };
  const first = out[0];
  const core: MochiType =
    first === undefined ? NONE : out.length === 1 ? first : { kind: 'sum', branches: out };
  return nullable ? optional(core) : core;
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A record type with its fields sorted by name. */
export function record(name: string, fields: readonly MochiField[]): MochiType {
  return { kind: 'record', name, fields: [...fields].sort(byName) };
}

/** An interface type with its attributes and methods each sorted by name. */
export function iface(
  name: string,
  fields: readonly MochiField[],
  methods: readonly MochiMethod[],
): MochiType {
  return { kind: 'interface', name, fields: [...fields].sort(byName), methods: [...methods].sort(byName) };
}

// A fun, async, sum or optional inside a union or before `?` would read ambiguously
// (`fun(): int | string`), so those are parenthesised there.
function tight(t: MochiType): string {
  const s = render(t);
  return t.kind === 'fun' || t.kind === 'async' || t.kind === 'sum' || t.kind === 'optional' ? `(${s})` : s;
}

/**
 * A named parameter list as Python spells its shape: `a: int, /, b: string, c?: float, *args: any,
 * d: bool, **kwargs: any`. `name?` marks a parameter with a default, `/` ends the positional-only
 * ones, `*` (alone) starts keyword-only ones when there is no `*args`.
 *
 * @example renderParams([{ name: 'url', type: scalar('string'), mode: 'normal', optional: false }]) === 'url: string'
 */
export function renderParams(sig: readonly MochiParam[]): string {
  const out: string[] = [];
  let star = false;
  sig.forEach((p, i) => {
    const t = render(p.type);
    if (p.mode === 'var-positional') {
      star = true;
      out.push(`*${p.name}: ${t}`);
    } else if (p.mode === 'var-keyword') {
      out.push(`**${p.name}: ${t}`);
    } else {
      if (p.mode === 'keyword' && !star) {
        star = true;
        out.push('*');
      }
      out.push(`${p.name}${p.optional ? '?' : ''}: ${t}`);
      if (p.mode === 'positional' && sig[i + 1]?.mode !== 'positional') out.push('/');
    }
  });
  return out.join(', ');
}

/** `(a: int, b?: string)` for a `def`, `(int, string)` for a `Callable`. */
function paramList(params: readonly MochiType[], sig: readonly MochiParam[] | undefined): string {
  return sig ? renderParams(sig) : params.map(render).join(', ');
}

function renderMethod(m: MochiMethod): string {
  return `${m.name}(${paramList(m.params, m.signature)}): ${render(m.result)}`;
}

/** `name(A, B): R` or `name: T`: one member of a record or interface. */
export function renderMember(m: MochiField | MochiMethod): string {
  return 'type' in m ? `${m.name}: ${render(m.type)}` : renderMethod(m);
}

/**
 * The Mochi spelling of a type (DESIGN.md §3): `list<T>`, `set<T>`, `map<K, V>`, `tuple<A, B>`,
 * `async T`, `stream<T>`, `T?`, `A | B`, `fun(A, B): R`, `record N { a: T }`, `any` (unknown),
 * `interface N { a: T; m(A): R }`.
 *
 * @example render({ kind: 'map', key: scalar('string'), value: scalar('int') }) === 'map<string, int>'
 */
export function render(t: MochiType): string {
  switch (t.kind) {
    case 'unknown':
      return 'any';
    case 'scalar':
    case 'ref':
    case 'typevar':
      return t.name;
    case 'list':
      return `list<${render(t.elem)}>`;
    case 'set':
      return `set<${render(t.elem)}>`;
    case 'stream':
      return `stream<${render(t.elem)}>`;
    case 'map':
      return `map<${render(t.key)}, ${render(t.value)}>`;
    case 'tuple':
      return `tuple<${t.elems.map(render).join(', ')}>`;
    case 'fun':
      return `fun(${paramList(t.params, t.signature)}): ${render(t.result)}`;
    case 'async':
      return `async ${tight(t.inner)}`;
    case 'optional':
      return `${tight(t.inner)}?`;
    case 'sum':
      return t.branches.map(tight).join(' | ');
    case 'record':
      return t.fields.length === 0
        ? `record ${t.name} {}`
        : `record ${t.name} { ${t.fields.map(renderMember).join('; ')} }`;
    case 'interface': {
      const members = [...(t.fields ?? []).map(renderMember), ...t.methods.map(renderMember)];
      return members.length === 0
        ? `interface ${t.name} {}`
        : `interface ${t.name} { ${members.join('; ')} }`;
    }
  }
}
