// The shim: a wrapper's Mochi extern declarations in a fixed order, and its SHA-256 (wrapper-sha256).
import { createHash } from 'node:crypto';
import { render, renderMember, renderParams } from '../typemap/render.js';
import type { MochiType } from '../typemap/types.js';
import type { ClassMember, Wrapper, WrapperItem } from './types.js';

function block(head: string, members: readonly string[], sep = ','): string {
  return members.length === 0
    ? `${head} {}`
    : `${head} {\n${members.map((m) => `  ${m}`).join(`${sep}\n`)}\n}`;
}

/** `a: int, b?: string`: the parameters of a function type (named when it comes from a `def`). */
function params(t: Extract<MochiType, { kind: 'fun' }>): string {
  return t.signature ? renderParams(t.signature) : t.params.map(render).join(', ');
}

/** `(a: int, b?: string): R` of a function type. */
function call(t: MochiType): string {
  return t.kind === 'fun' ? `(${params(t)}): ${render(t.result)}` : `: ${render(t)}`;
}

// An inherited member's type is one object shared by every subclass (wrapper/members.ts), so its
// rendering and the classes it names are computed once per type, not once per subclass: one
// lookup per member finds all three.
interface TypeText {
  /** `(a: int): R` of a method's type. */
  call?: string;
  /** The type as an attribute's or property's type. */
  value?: string;
  /** The `ref` names it mentions. */
  refs?: readonly string[];
  /** The {@link renderShim} call that last added `refs` to its names (see `shims`). */
  seen: number;
}

const TEXTS = new WeakMap<MochiType, TypeText>();

/** Counts renderShim calls: a type whose `seen` is the current count is already counted in this shim. */
let shims = 0;

function textOf(t: MochiType): TypeText {
  let x = TEXTS.get(t);
  if (x === undefined) {
    x = { seen: 0 };
    TEXTS.set(t, x);
  }
  return x;
}

function valueText(t: MochiType): string {
  const x = textOf(t);
  x.value ??= render(t);
  return x.value;
}

function callText(t: MochiType): string {
  const x = textOf(t);
  x.call ??= call(t);
  return x.call;
}

/** Adds the names a member's type mentions to `out`, unless this shim has counted the type already. */
function memberRefs(t: MochiType, shim: number, out: Set<string>): void {
  const x = textOf(t);
  if (x.seen === shim) return;
  x.seen = shim;
  if (x.refs === undefined) {
    const found = new Set<string>();
    refs(t, found);
    x.refs = [...found];
  }
  for (const n of x.refs) out.add(n);
}

/**
 * One class member line, in the style of Mochi's `type T { field: T  fun m(...): R }`:
 * `init(a: int)` (constructor), `name: T` (settable attribute) or `let name: T` (read-only:
 * a property without setter, a `Final`), `static` before class attributes and class/static methods,
 * `fun m(a: int, b?: string): R` for methods.
 */
export function renderClassMember(m: ClassMember): string {
  switch (m.kind) {
    case 'constructor':
      return m.type.kind === 'fun' ? `init(${params(m.type)})` : `init: ${render(m.type)}`;
    case 'classvar':
      return `static ${m.settable ? '' : 'let '}${m.name}: ${valueText(m.type)}`;
    case 'attribute':
    case 'property':
      return `${m.settable ? '' : 'let '}${m.name}: ${valueText(m.type)}`;
    case 'classmethod':
    case 'staticmethod':
      return `static fun ${m.name}${callText(m.type)}`;
    case 'method':
      return `fun ${m.name}${callText(m.type)}`;
  }
}

/** Every `ref` name reachable from a type, without descending into other items' definitions. */
function refs(t: MochiType, out: Set<string>): void {
  switch (t.kind) {
    case 'ref':
      out.add(t.name);
      return;
    case 'list':
    case 'set':
    case 'stream':
      refs(t.elem, out);
      return;
    case 'map':
      refs(t.key, out);
      refs(t.value, out);
      return;
    case 'tuple':
      for (const e of t.elems) refs(e, out);
      return;
    case 'fun':
      for (const p of t.params) refs(p, out);
      refs(t.result, out);
      return;
    case 'async':
    case 'optional':
      refs(t.inner, out);
      return;
    case 'sum':
      for (const b of t.branches) refs(b, out);
      return;
    case 'record':
      for (const f of t.fields) refs(f.type, out);
      return;
    case 'interface':
      for (const f of t.fields ?? []) refs(f.type, out);
      for (const m of t.methods) {
        for (const p of m.params) refs(p, out);
        refs(m.result, out);
      }
      return;
    default:
      return;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The Mochi extern declarations of a wrapper, in the fixed order of DESIGN.md §3:
 * records (`type P = {\n  x: int,\n  y: int\n}`), then opaque and interface types
 * (`extern python type G`, an interface followed by its members in braces), then constants
 * (`extern python var V: T`), then functions (`extern python fun f(int, int): int`). Classes that
 * items refer to but that are not items themselves (private, skipped, or from another module) are
 * declared as opaque types too, so the shim is self-contained. Sections are separated by one blank
 * line; within a section, declarations sort by name. Pure: the same wrapper gives the same bytes.
 */
export function renderShim(w: Wrapper): string {
  const of = (kind: WrapperItem['kind']) =>
    w.items.filter((i) => i.kind === kind).sort((a, b) => cmp(a.name, b.name));
  const records = of('record').map((i) =>
    block(`type ${i.name} =`, [
      ...(i.type.kind === 'record' ? i.type.fields.map(renderMember) : []),
      ...(i.members ?? []).map(renderClassMember),
    ]),
  );
  const declared = new Set(w.items.filter((i) => i.kind !== 'fun' && i.kind !== 'const').map((i) => i.name));
  const used = new Set<string>();
  // Members inherited by several classes share one type object: its names are added once.
  const shim = ++shims;
  for (const i of w.items) {
    refs(i.type, used);
    for (const m of i.members ?? []) memberRefs(m.type, shim, used);
  }
  const types = [
    ...of('type').map((i) => {
      const head = `extern python type ${i.name}`;
      const members = (i.members ?? []).map(renderClassMember);
      return { name: i.name, text: members.length === 0 ? head : block(head, members, '') };
    }),
    ...of('interface').map((i) => {
      const members =
        i.type.kind === 'interface' ? [...(i.type.fields ?? []), ...i.type.methods].map(renderMember) : [];
      const head = `extern python type ${i.name}`;
      return { name: i.name, text: members.length === 0 ? head : block(head, members) };
    }),
    ...[...used].filter((n) => !declared.has(n)).map((n) => ({ name: n, text: `extern python type ${n}` })),
  ]
    .sort((a, b) => cmp(a.name, b.name))
    .map((d) => d.text);
  const vars = of('const').map((i) => `extern python var ${i.name}: ${render(i.type)}`);
  const funs = of('fun').map((i) => `extern python fun ${i.name}${call(i.type)}`);
  return [records, types, vars, funs]
    .filter((s) => s.length > 0)
    .map((s) => `${s.join('\n')}\n`)
    .join('\n');
}

/** Lowercase-hex SHA-256 of the shim text's UTF-8 bytes: the lock's `wrapper-sha256`. */
export function shimSha256(shim: string): string {
  return createHash('sha256').update(shim, 'utf8').digest('hex');
}
