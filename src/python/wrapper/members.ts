// Class members: the MRO of a class over its resolvable bases, and each public member lowered.
import type { ClassDef, ClassField, FunctionGroup, ModuleSurface, TypeExpr } from '../stubs/types.js';
import { type LowerContext, type LowerResult, lowerType, type Refusal, UNKNOWN } from '../typemap/lower.js';
import type { PackageScope } from '../typemap/scope.js';
import type { MochiParam, MochiType, SkipReport } from '../typemap/types.js';
import { decorated, lowerGroup, type Receiver } from './signature.js';
import type { ClassMember, ClassMemberKind } from './types.js';

/** One class of an MRO and the module it is written in (where its annotations resolve). */
export interface ClassPart {
  readonly def: ClassDef;
  readonly module: ModuleSurface;
}

/** What member lowering needs from the wrapping of a module. */
export interface MemberHost {
  readonly scope: PackageScope;
  /** The lowering context of annotations written in `module`, with `Self` = `self`. */
  ctx(module: ModuleSurface, self: MochiType): LowerContext;
  /** The surface of module `name` (package or external). */
  moduleOf(name: string): ModuleSurface;
}

/** Bases are followed at most this deep (hostile-input bound; typeshed's deepest is far below). */
const MAX_MRO_DEPTH = 32;

function baseName(e: TypeExpr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'subscript' && e.base.kind === 'name') return e.base.name;
  return undefined;
}

// MROs depend only on the scope (immutable surfaces and externals): one memo per scope.
const MROS = new WeakMap<PackageScope, WeakMap<ClassDef, readonly ClassPart[]>>();

/** The bases of `part` that resolve to classes (typing constructs, `object` and unknown names drop out). */
export function resolvedBases(host: MemberHost, part: ClassPart): ClassPart[] {
  const out: ClassPart[] = [];
  for (const b of part.def.bases) {
    const name = baseName(b);
    const r = name === undefined ? undefined : host.scope.resolve(part.module, name);
    if (r?.kind === 'class' && r.def !== part.def) out.push({ def: r.def, module: host.moduleOf(r.module) });
  }
  return out;
}

/**
 * The method resolution order of a class over its resolvable bases: C3 linearization, as CPython
 * computes `__mro__`. An inconsistent hierarchy (which CPython would refuse to create) falls back
 * to depth-first, left to right, first occurrence kept, so the wrapper still gets an answer.
 */
export function mro(host: MemberHost, part: ClassPart): readonly ClassPart[] {
  let memo = MROS.get(host.scope);
  if (!memo) {
    memo = new WeakMap();
    MROS.set(host.scope, memo);
  }
  return linearize(host, part, memo, new Set(), 0);
}

function linearize(
  host: MemberHost,
  part: ClassPart,
  memo: WeakMap<ClassDef, readonly ClassPart[]>,
  active: Set<ClassDef>,
  depth: number,
): readonly ClassPart[] {
  const hit = memo.get(part.def);
  if (hit) return hit;
  if (depth > MAX_MRO_DEPTH || active.has(part.def)) return [part];
  active.add(part.def);
  const bases = resolvedBases(host, part);
  const seqs = [...bases.map((b) => [...linearize(host, b, memo, active, depth + 1)]), [...bases]];
  active.delete(part.def);
  const out: ClassPart[] = [part];
  for (;;) {
    const live = seqs.filter((s) => s.length > 0);
    if (live.length === 0) break;
    const head = live
      .map((s) => s[0]!)
      .find((h) => !live.some((s) => s.some((x, i) => i > 0 && x.def === h.def)));
    if (!head) {
      // Inconsistent: keep the remaining classes depth-first.
      for (const s of live) for (const x of s) if (!out.some((o) => o.def === x.def)) out.push(x);
      break;
    }
    if (!out.some((o) => o.def === head.def)) out.push(head);
    for (const s of seqs) if (s[0]?.def === head.def) s.shift();
  }
  memo.set(part.def, out);
  return out;
}

/** How each kind of member sorts in a class (then by name). */
const RANK: Readonly<Record<ClassMemberKind, number>> = {
  constructor: 0,
  classvar: 1,
  attribute: 2,
  property: 2,
  classmethod: 3,
  staticmethod: 3,
  method: 4,
};

/** Members and failed members of one class. */
export interface Members {
  readonly members: ClassMember[];
  readonly skipped: SkipReport[];
}

/** What to collect (records keep their fields in the record type, and are built as record values). */
export interface MemberOptions {
  /** Leave out annotated attributes and the constructor (records). */
  readonly recordFields?: boolean;
  /**
   * Parameters of a dataclass's generated `__init__`, used when no class of the MRO declares a
   * constructor.
   */
  readonly dataclassInit?: readonly MochiParam[];
}

/** A `_name` is private to the class; dunders are Python protocol machinery (the constructor aside). */
export function isPublicMember(name: string): boolean {
  return !name.startsWith('_');
}

function isEnumModule(m: string): boolean {
  return m === 'enum';
}

const PROPERTY = ['property', 'cached_property', 'abstractproperty'];

/**
 * Every public member of a class, own and inherited, each from the first class of the MRO that
 * defines it: constructor (`__init__` or `__new__`, whichever comes first in the MRO, overloads by
 * the first that lowers), methods, class and static methods, properties (settable with a setter),
 * annotated attributes and class attributes (`ClassVar`, enum members). What does not lower is a
 * skip at `path.member`. Sorted by kind (constructor, class attributes, attributes and properties,
 * class and static methods, methods), then name.
 */
export function classMembers(
  host: MemberHost,
  part: ClassPart,
  self: MochiType,
  path: string,
  mochiName: (python: string) => string,
  options: MemberOptions = {},
): Members {
  const parts = mro(host, part);
  const isEnum = parts.some((p) => p.def.name === 'Enum' && isEnumModule(p.module.name));
  const members: ClassMember[] = [];
  const skipped: SkipReport[] = [];
  const seen = new Set<string>();
  const ctxs = new Map<ModuleSurface, LowerContext>();
  const ctxOf = (m: ModuleSurface): LowerContext => {
    let c = ctxs.get(m);
    if (!c) {
      c = host.ctx(m, self);
      ctxs.set(m, c);
    }
    return c;
  };
  const fail = (name: string, from: ClassPart, r: Refusal): void => {
    const inherited = from.def === part.def ? '' : `inherited from ${from.module.name}.${from.def.name}: `;
    skipped.push({ itemPath: `${path}.${name}`, reason: r.reason, detail: `${inherited}${r.detail}` });
  };
  const add = (
    name: string,
    from: ClassPart,
    kind: ClassMemberKind,
    type: MochiType,
    settable: boolean,
    async = false,
  ): void => {
    const m: ClassMember = {
      name: kind === 'constructor' ? 'init' : mochiName(name),
      sourceName: name,
      kind,
      type,
      async,
      settable,
      ...(from.def === part.def ? {} : { inheritedFrom: `${from.module.name}.${from.def.name}` }),
    };
    members.push(m);
  };

  if (!options.recordFields) lowerConstructor(parts, part, self, ctxOf, options, add, fail);

  for (const p of parts) {
    // Fields of an enum class's own `enum` base (`_value_`, `name`) are the Enum API, not members.
    const enumMembers = isEnum && !isEnumModule(p.module.name);
    const skipFields = options.recordFields === true && p.def === part.def;
    for (const f of p.def.fields) {
      if (!isPublicMember(f.name) || seen.has(f.name)) continue;
      seen.add(f.name);
      if (skipFields) continue;
      if (enumMembers && (f.annotation === undefined || f.hasDefault)) {
        add(f.name, p, 'classvar', self, false);
        continue;
      }
      const r = fieldType(f, ctxOf(p.module));
      if (!r.ok) fail(f.name, p, r);
      else add(f.name, p, f.classVar ? 'classvar' : 'attribute', r.type, !f.final);
    }
    for (const g of p.def.methods) {
      if (!isPublicMember(g.name) || seen.has(g.name)) continue;
      seen.add(g.name);
      method(g, p, ctxOf(p.module), add, fail);
    }
  }
  members.sort((a, b) => RANK[a.kind] - RANK[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { members, skipped };
}

function fieldType(f: ClassField, ctx: LowerContext): LowerResult {
  return f.annotation ? lowerType(f.annotation, ctx) : { ok: true, type: UNKNOWN };
}

type Add = (
  name: string,
  from: ClassPart,
  kind: ClassMemberKind,
  type: MochiType,
  settable: boolean,
  async?: boolean,
) => void;
type Fail = (name: string, from: ClassPart, r: Refusal) => void;

function method(g: FunctionGroup, p: ClassPart, ctx: LowerContext, add: Add, fail: Fail): void {
  const getter = g.defs.find((d) => decorated(d, ...PROPERTY));
  if (getter) {
    const r: LowerResult = getter.returns ? lowerType(getter.returns, ctx) : { ok: true, type: UNKNOWN };
    if (!r.ok) fail(g.name, p, { reason: r.reason, detail: `property: ${r.detail}` });
    else
      add(
        g.name,
        p,
        'property',
        r.type,
        g.defs.some((d) => decorated(d, 'setter')),
      );
    return;
  }
  const first = g.defs[0];
  const kind: ClassMemberKind =
    first && decorated(first, 'staticmethod')
      ? 'staticmethod'
      : first && decorated(first, 'classmethod')
        ? 'classmethod'
        : 'method';
  const receiver: Receiver = kind === 'staticmethod' ? 'none' : 'first';
  const r = lowerGroup(g, ctx, receiver);
  if (!r.ok) fail(g.name, p, r);
  else add(g.name, p, kind, r.sig.type, false, r.sig.async);
}

function lowerConstructor(
  parts: readonly ClassPart[],
  part: ClassPart,
  self: MochiType,
  ctxOf: (m: ModuleSurface) => LowerContext,
  options: MemberOptions,
  add: Add,
  fail: Fail,
): void {
  let found: { group: FunctionGroup; part: ClassPart } | undefined;
  for (const p of parts) {
    const g =
      p.def.methods.find((m) => m.name === '__init__') ?? p.def.methods.find((m) => m.name === '__new__');
    if (g) {
      found = { group: g, part: p };
      break;
    }
    if (p === part && options.dataclassInit) break;
  }
  if (!found) {
    if (options.dataclassInit) {
      const sig = options.dataclassInit;
      add(
        '__init__',
        part,
        'constructor',
        {
          kind: 'fun',
          params: sig.map((x) => x.type),
          result: self,
          signature: sig,
        },
        false,
      );
    }
    return;
  }
  const r = lowerGroup(found.group, ctxOf(found.part.module), 'first', self);
  if (!r.ok) fail(found.group.name, found.part, r);
  else add(found.group.name, found.part, 'constructor', r.sig.type, false);
}
