// The shim: a wrapper's Mochi extern declarations in a fixed order, and its SHA-256 (wrapper-sha256).
import { createHash } from 'node:crypto';
import { render, renderMember } from '../typemap/render.js';
import type { MochiType } from '../typemap/types.js';
import type { Wrapper, WrapperItem } from './types.js';

function block(head: string, members: readonly string[]): string {
  return members.length === 0 ? `${head} {}` : `${head} {\n${members.map((m) => `  ${m}`).join(',\n')}\n}`;
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
    block(`type ${i.name} =`, i.type.kind === 'record' ? i.type.fields.map(renderMember) : []),
  );
  const declared = new Set(w.items.filter((i) => i.kind !== 'fun' && i.kind !== 'const').map((i) => i.name));
  const used = new Set<string>();
  for (const i of w.items) refs(i.type, used);
  const types = [
    ...of('type').map((i) => ({ name: i.name, text: `extern python type ${i.name}` })),
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
  const funs = of('fun').map((i) => {
    if (i.type.kind !== 'fun') return `extern python fun ${i.name}: ${render(i.type)}`;
    return `extern python fun ${i.name}(${i.type.params.map(render).join(', ')}): ${render(i.type.result)}`;
  });
  return [records, types, vars, funs]
    .filter((s) => s.length > 0)
    .map((s) => `${s.join('\n')}\n`)
    .join('\n');
}

/** Lowercase-hex SHA-256 of the shim text's UTF-8 bytes: the lock's `wrapper-sha256`. */
export function shimSha256(shim: string): string {
  return createHash('sha256').update(shim, 'utf8').digest('hex');
}
