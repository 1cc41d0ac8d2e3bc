// Class members: the MRO of a class over its resolvable bases, and each public member lowered.
import type { ClassDef, ClassField, FunctionGroup, ModuleSurface, TypeExpr } from '../stubs/types.js';
import {
  type ClassNamer,
  type LowerContext,
  type LowerResult,
  lowerType,
  type Refusal,
  UNKNOWN,
} from '../typemap/lower.js';
import { render } from '../typemap/render.js';
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
  /** How the wrapped module names a class (its own public classes by their Mochi names). */
  readonly className: ClassNamer;
  /** The surface of module `name` (package or external). */
  moduleOf(name: string): ModuleSurface;
  /** Whether {@link className} names `def` by a name of this wrapper (one of its items) rather than its dotted path. */
  isItem(def: ClassDef): boolean;
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

/**
 * Builtin classes and generic containers the type mapper knows by name (`str` lowers to `string`,
 * `Mapping[str, int]` to a map) but which, as a base class, are the classes typeshed defines:
 * `builtins.str`, `typing.Mapping`, `builtins.dict`, … (`object` has no public member).
 */
const GENERIC_BASES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ...(
    ['list', 'dict', 'set', 'frozenset', 'tuple', 'str', 'bytes', 'int', 'float', 'bool', 'type'] as const
  ).map((n) => [n, ['builtins', n]] as [string, [string, string]]),
  ['List', ['builtins', 'list']],
  ['Dict', ['builtins', 'dict']],
  ['Set', ['builtins', 'set']],
  ['FrozenSet', ['builtins', 'frozenset']],
  ['Tuple', ['builtins', 'tuple']],
  ['deque', ['collections', 'deque']],
  ['Deque', ['collections', 'deque']],
  ['defaultdict', ['collections', 'defaultdict']],
  ['DefaultDict', ['collections', 'defaultdict']],
  ['OrderedDict', ['collections', 'OrderedDict']],
  ...(
    [
      'Mapping',
      'MutableMapping',
      'Sequence',
      'MutableSequence',
      'AbstractSet',
      'MutableSet',
      'Collection',
      'Iterable',
      'Iterator',
      'Reversible',
      'Generator',
      'AsyncIterator',
      'AsyncIterable',
      'AsyncGenerator',
      'Awaitable',
      'Coroutine',
      'Container',
      'KeysView',
      'ValuesView',
      'ItemsView',
      'MappingView',
    ] as const
  ).map((n) => [n, ['typing', n]] as [string, [string, string]]),
]);

/** One base of a class: the class it resolves to and the type arguments written (`[]` when bare). */
export interface BaseLink {
  readonly part: ClassPart;
  readonly args: readonly TypeExpr[];
}

const LINKS = new WeakMap<PackageScope, WeakMap<ClassDef, readonly BaseLink[]>>();

/**
 * The bases of `part` that resolve to classes, with their type arguments: classes of the package,
 * other modules and packages, and the generic containers typeshed defines (`Mapping[K, V]` is
 * `typing.Mapping`); `Generic`, `Protocol`, `object` and unknown names drop out.
 */
export function baseLinks(host: MemberHost, part: ClassPart): readonly BaseLink[] {
  let memo = LINKS.get(host.scope);
  if (!memo) {
    memo = new WeakMap();
    LINKS.set(host.scope, memo);
  }
  const hit = memo.get(part.def);
  if (hit) return hit;
  const out: BaseLink[] = [];
  for (const b of part.def.bases) {
    const name = baseName(b);
    const r = name === undefined ? undefined : host.scope.resolve(part.module, name);
    const args = b.kind === 'subscript' ? b.args : [];
    if (r?.kind === 'class') {
      if (r.def !== part.def) out.push({ part: { def: r.def, module: host.moduleOf(r.module) }, args });
    } else if (r?.kind === 'special') {
      const where = GENERIC_BASES.get(r.name);
      const mod = where === undefined ? undefined : host.scope.module(where[0])?.mod;
      const def = mod?.classes.find((c) => c.name === where![1]);
      if (mod && def && def !== part.def) out.push({ part: { def, module: mod }, args });
    }
  }
  memo.set(part.def, out);
  return out;
}

/** The bases of `part` that resolve to classes (see {@link baseLinks}). */
export function resolvedBases(host: MemberHost, part: ClassPart): ClassPart[] {
  return baseLinks(host, part).map((l) => l.part);
}

const PARAMS = new WeakMap<PackageScope, WeakMap<ClassDef, readonly string[]>>();

/** The TypeVars named inside `e`, in order of first appearance, as `module.name`. */
function typeVarsIn(host: MemberHost, module: ModuleSurface, e: TypeExpr, out: string[], depth = 0): void {
  if (depth > 16) return;
  if (e.kind === 'name') {
    const r = host.scope.resolve(module, e.name);
    if (r.kind === 'typevar' && r.def.kind === 'TypeVar') {
      const key = `${r.module}.${r.def.name}`;
      if (!out.includes(key)) out.push(key);
    }
  } else if (e.kind === 'subscript') {
    for (const a of e.args) typeVarsIn(host, module, a, out, depth + 1);
  } else if (e.kind === 'union') {
    for (const m of e.members) typeVarsIn(host, module, m, out, depth + 1);
  } else if (e.kind === 'list') {
    for (const m of e.elems) typeVarsIn(host, module, m, out, depth + 1);
  }
}

/**
 * A class's type parameters, as CPython orders `__parameters__`: those of `Generic[...]` (or
 * `Protocol[...]`) when the bases name one, else every TypeVar of the bases in order of appearance.
 */
export function typeParams(host: MemberHost, part: ClassPart): readonly string[] {
  let memo = PARAMS.get(host.scope);
  if (!memo) {
    memo = new WeakMap();
    PARAMS.set(host.scope, memo);
  }
  const hit = memo.get(part.def);
  if (hit) return hit;
  const out: string[] = [];
  const explicit = part.def.bases.find((b) => {
    if (b.kind !== 'subscript') return false;
    const name = baseName(b);
    const r = name === undefined ? undefined : host.scope.resolve(part.module, name);
    return r?.kind === 'special' && (r.name === 'Generic' || r.name === 'Protocol');
  });
  for (const b of explicit ? [explicit] : part.def.bases) typeVarsIn(host, part.module, b, out);
  memo.set(part.def, out);
  return out;
}

const NO_BINDINGS: ReadonlyMap<string, MochiType> = new Map();

/** What each class of an MRO binds (see {@link mroBindings}). */
type Bindings = ReadonlyMap<ClassDef, ReadonlyMap<string, MochiType>>;
const NO_MRO_BINDINGS: Bindings = new Map();

/**
 * A lowering kept for reuse by the other wrappers of the same scope, with the classes it named by
 * their dotted names: it holds for a wrapper only while none of those is one of that wrapper's
 * items (which it would name by its item name instead).
 */
interface Named<T> {
  readonly value: T;
  readonly named: readonly ClassDef[];
}

const NAMED_NONE: readonly ClassDef[] = [];

/** Whether a kept lowering holds for `host` (see {@link Named}). */
function holdsFor(host: MemberHost, named: readonly ClassDef[]): boolean {
  for (const d of named) if (host.isItem(d)) return false;
  return true;
}

/**
 * A class namer for `host` that records the classes it names: `specific` when one of them is an
 * item of `host`, else `named` lists them (see {@link Named}).
 */
class NameRecorder {
  /** A class named is an item of the wrapper. */
  specific = false;
  private list: ClassDef[] | undefined = undefined;

  constructor(protected readonly host: MemberHost) {}

  readonly className: ClassNamer = (m, def, external) => {
    if (this.host.isItem(def)) this.specific = true;
    else if (this.list === undefined) this.list = [def];
    else if (!this.list.includes(def)) this.list.push(def);
    return this.host.className(m, def, external);
  };

  /** The other classes named, in order. */
  get named(): readonly ClassDef[] {
    return this.list ?? NAMED_NONE;
  }
}

const BINDINGS = new WeakMap<PackageScope, WeakMap<ClassDef, Named<Bindings>>>();

/**
 * What each class of an MRO binds its bases' TypeVars to: `class C(Mapping[str, V])` binds
 * Mapping's `_KT` to `string` and its `_VT_co` to whatever `V` is bound to in C (itself, unless a
 * subclass of C gives it). The class itself binds nothing; a base written bare (`Mapping`) or with
 * the wrong number of arguments has `any` for each parameter, as at run time; an argument that
 * does not lower leaves its parameter a type variable. A class reached twice takes the first path
 * of the MRO (CPython requires them to agree).
 */
function mroBindings(host: MemberHost, parts: readonly ClassPart[]): Bindings {
  let memo = BINDINGS.get(host.scope);
  if (!memo) {
    memo = new WeakMap();
    BINDINGS.set(host.scope, memo);
  }
  const hit = memo.get(parts[0]!.def);
  if (hit && holdsFor(host, hit.named)) return hit.value;
  // Most classes have no generic base anywhere in their MRO: one shared empty answer.
  if (!parts.some((p) => baseLinks(host, p).some((l) => typeParams(host, l.part).length > 0))) {
    memo.set(parts[0]!.def, { value: NO_MRO_BINDINGS, named: NAMED_NONE });
    return NO_MRO_BINDINGS;
  }
  const naming = new NameRecorder(host);
  const className = naming.className;
  const out = new Map<ClassDef, ReadonlyMap<string, MochiType>>();
  for (const p of parts) {
    const mine = out.get(p.def) ?? NO_BINDINGS;
    if (!out.has(p.def)) out.set(p.def, mine);
    for (const link of baseLinks(host, p)) {
      if (out.has(link.part.def)) continue;
      const params = typeParams(host, link.part);
      if (params.length === 0) {
        out.set(link.part.def, NO_BINDINGS);
        continue;
      }
      const bound = new Map<string, MochiType>();
      const fits = link.args.length === params.length;
      const ctx: LowerContext = {
        scope: host.scope,
        module: p.module,
        className,
        typeArgs: mine,
      };
      params.forEach((key, i) => {
        if (!fits) {
          bound.set(key, UNKNOWN);
          return;
        }
        const r = lowerType(link.args[i]!, ctx);
        if (r.ok) bound.set(key, r.type);
      });
      out.set(link.part.def, bound);
    }
  }
  // Kept only when no argument named a class by a name of this wrapper (see `classMembers`).
  if (!naming.specific) memo.set(parts[0]!.def, { value: out, named: naming.named });
  return out;
}

/**
 * What each class of `part`'s MRO binds its TypeVars to (see {@link mroBindings}): the type
 * arguments to lower a base's annotations with, for records and protocols as for classes.
 */
export function inheritedTypeArgs(host: MemberHost, part: ClassPart): Bindings {
  return mroBindings(host, mro(host, part));
}

const BINDING_KEYS = new WeakMap<ReadonlyMap<string, MochiType>, string>();

/** A cache key for a binding map ('' when empty). */
function bindingKey(b: ReadonlyMap<string, MochiType>): string {
  if (b.size === 0) return '';
  let key = BINDING_KEYS.get(b);
  if (key === undefined) {
    key = [...b]
      .map(([k, t]) => `${k}=${render(t)}`)
      .sort()
      .join(';');
    BINDING_KEYS.set(b, key);
  }
  return key;
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
  /** Leave out the class's own instance fields and the constructor (records). */
  readonly recordFields?: boolean;
  /**
   * With `recordFields`: the classes whose instance fields are the record's (the class and its
   * same-kind bases); default the class alone.
   */
  readonly recordParts?: ReadonlySet<ClassDef>;
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
 * What `Self` lowers to while a member is lowered for the cache; replaced by the class's own type
 * when the member is used (a NUL cannot occur in a Python name, so no real class is called this).
 */
const SELF_NAME = '\0Self';
const SELF: MochiType = { kind: 'ref', name: SELF_NAME };

/** A member lowered once for every class that has it: its shape, or why it did not lower. */
type Lowered =
  | {
      readonly ok: true;
      readonly kind: ClassMemberKind;
      readonly type: MochiType;
      readonly async: boolean;
      readonly settable: boolean;
    }
  | ({ readonly ok: false } & Refusal);

interface CacheEntry {
  readonly lowered: Lowered;
  /** The member's type mentions `Self` (the sentinel must be replaced). */
  readonly self: boolean;
  /** Classes the lowering named by their dotted names (see {@link Named}). */
  readonly named: readonly ClassDef[];
}

/**
 * Lowered members per scope, keyed by the stub object (a field, a method group; constructors in
 * their own map since they lower differently). A class shared by many subclasses (a package's base
 * class, `Exception`) is lowered once per package instead of once per subclass. An entry is kept
 * only when its lowering named no class by a name of its wrapper, and used only by wrappers for which
 * none of the classes it named is an item (see {@link Named}).
 */
type MemberCache = WeakMap<object, KeyedEntries>;

/**
 * The entries of one stub by binding key. Almost every member is lowered under one key only, so the
 * first entry is held inline and a Map is made only for a second key (a Map per member was the
 * largest allocation of a typeshed-wide wrapping, and it outlives many young-generation collections).
 */
interface KeyedEntries {
  key: string;
  entry: CacheEntry;
  more?: Map<string, CacheEntry>;
}

function cachedEntry(map: MemberCache, stub: object, key: string): CacheEntry | undefined {
  const k = map.get(stub);
  if (k === undefined) return undefined;
  return k.key === key ? k.entry : k.more?.get(key);
}

function keepEntry(map: MemberCache, stub: object, key: string, entry: CacheEntry): void {
  const k = map.get(stub);
  if (k === undefined) map.set(stub, { key, entry });
  else if (k.key === key) k.entry = entry;
  else {
    k.more ??= new Map();
    k.more.set(key, entry);
  }
}

const CACHES = new WeakMap<PackageScope, { readonly members: MemberCache; readonly ctors: MemberCache }>();

function cacheOf(scope: PackageScope) {
  let c = CACHES.get(scope);
  if (!c) {
    c = { members: new WeakMap(), ctors: new WeakMap() };
    CACHES.set(scope, c);
  }
  return c;
}

const DOTTED = new WeakMap<ClassDef, string>();

/** `module.Class` of a class of an MRO (kept: every subclass names its bases). */
function dottedName(p: ClassPart): string {
  let s = DOTTED.get(p.def);
  if (s === undefined) {
    s = `${p.module.name}.${p.def.name}`;
    DOTTED.set(p.def, s);
  }
  return s;
}

/** `t` with every `Self` sentinel replaced by `self`. */
function withSelf(t: MochiType, self: MochiType): MochiType {
  switch (t.kind) {
    case 'ref':
      return t.name === SELF_NAME ? self : t;
    case 'list':
    case 'set':
    case 'stream':
      return { ...t, elem: withSelf(t.elem, self) };
    case 'map':
      return { ...t, key: withSelf(t.key, self), value: withSelf(t.value, self) };
    case 'tuple':
      return { ...t, elems: t.elems.map((e) => withSelf(e, self)) };
    case 'fun': {
      const params = t.params.map((p) => withSelf(p, self));
      const result = withSelf(t.result, self);
      return t.signature
        ? {
            kind: 'fun',
            params,
            result,
            signature: t.signature.map((p) => ({ ...p, type: withSelf(p.type, self) })),
          }
        : { kind: 'fun', params, result };
    }
    case 'async':
    case 'optional':
      return { ...t, inner: withSelf(t.inner, self) };
    case 'sum':
      return { ...t, branches: t.branches.map((b) => withSelf(b, self)) };
    default:
      return t;
  }
}

/** One public member of a class as its MRO gives it: the stub it comes from and where it sorts. */
interface Slot {
  readonly name: string;
  readonly from: ClassPart;
  readonly stub: ClassField | FunctionGroup;
  readonly isField: boolean;
  /** An enum member (a class attribute whose type is the enum class itself). */
  readonly enumMember: boolean;
  readonly rank: number;
  readonly mochi: string;
}

/** A class's slots, in member order, for one way of collecting them (see {@link slotsOf}). */
interface SlotTable {
  readonly mochiName: (python: string) => string;
  readonly slots: readonly Slot[];
}

const SLOTS = new WeakMap<PackageScope, WeakMap<ClassDef, { plain?: SlotTable; record?: SlotTable }>>();

/** Where a field sorts: class attributes before instance attributes (as `lowerField` decides). */
function fieldRank(f: ClassField): number {
  return RANK[f.classVar || (f.annotation === undefined && f.hasDefault) ? 'classvar' : 'attribute'];
}

/** Where a method group sorts (as `lowerMethod` decides its kind). */
function methodRank(g: FunctionGroup): number {
  if (g.defs.some((d) => decorated(d, PROPERTY))) return RANK.property;
  const first = g.defs[0];
  if (first && (decorated(first, 'staticmethod') || decorated(first, 'classmethod'))) return RANK.classmethod;
  return RANK.method;
}

/**
 * The public members of `part` over its MRO, each from the first class that defines it, sorted
 * as the members are (kind, then Mochi name, MRO order on ties). Which members there are and their
 * kinds depend only on the stubs, not on how they lower, so the table is built once per class.
 */
function slotsOf(
  host: MemberHost,
  part: ClassPart,
  parts: readonly ClassPart[],
  mochiName: (python: string) => string,
  options: MemberOptions,
): readonly Slot[] {
  let memo = SLOTS.get(host.scope);
  if (!memo) {
    memo = new WeakMap();
    SLOTS.set(host.scope, memo);
  }
  let forDef = memo.get(part.def);
  if (!forDef) {
    forDef = {};
    memo.set(part.def, forDef);
  }
  // `recordParts` is the class and its same-kind bases, the same for the class every time.
  const variant = options.recordFields === true ? 'record' : 'plain';
  const hit = forDef[variant];
  if (hit && hit.mochiName === mochiName) return hit.slots;
  const isEnum = parts.some((p) => p.def.name === 'Enum' && isEnumModule(p.module.name));
  const slots: Slot[] = [];
  const seen = new Set<string>();
  for (const p of parts) {
    // Fields of an enum class's own `enum` base (`_value_`, `name`) are the Enum API, not members.
    const enumMembers = isEnum && !isEnumModule(p.module.name);
    const skipFields =
      options.recordFields === true && (options.recordParts?.has(p.def) ?? p.def === part.def);
    for (const f of p.def.fields) {
      if (!isPublicMember(f.name) || seen.has(f.name)) continue;
      seen.add(f.name);
      // A record's own fields are its record type; its class variables are members.
      if (skipFields && !f.classVar) continue;
      const enumMember = enumMembers && (f.annotation === undefined || f.hasDefault);
      slots.push({
        name: f.name,
        from: p,
        stub: f,
        isField: true,
        enumMember,
        rank: enumMember ? RANK.classvar : fieldRank(f),
        mochi: mochiName(f.name),
      });
    }
    for (const g of p.def.methods) {
      if (!isPublicMember(g.name) || seen.has(g.name)) continue;
      seen.add(g.name);
      slots.push({
        name: g.name,
        from: p,
        stub: g,
        isField: false,
        enumMember: false,
        rank: methodRank(g),
        mochi: mochiName(g.name),
      });
    }
  }
  // Stable: equal keys keep MRO order, as the members' own sort did.
  slots.sort((a, b) => a.rank - b.rank || (a.mochi < b.mochi ? -1 : a.mochi > b.mochi ? 1 : 0));
  forDef[variant] = { mochiName, slots };
  return slots;
}

/** A member whose lowering could not be kept for reuse: lowered again for each class. */
function lowerSlot(stub: ClassField | FunctionGroup, isField: boolean, ctx: LowerContext): Lowered {
  return isField ? lowerField(stub as ClassField, ctx) : lowerMethod(stub as FunctionGroup, ctx);
}

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
  const members: ClassMember[] = [];
  const skipped: SkipReport[] = [];
  const cache = cacheOf(host.scope);
  const place = (name: string, mochi: string, from: ClassPart, entry: CacheEntry): void => {
    const l = entry.lowered;
    if (!l.ok) {
      const inherited = from.def === part.def ? '' : `inherited from ${dottedName(from)}: `;
      skipped.push({ itemPath: `${path}.${name}`, reason: l.reason, detail: `${inherited}${l.detail}` });
      return;
    }
    const type = entry.self ? withSelf(l.type, self) : l.type;
    // Written out (same key order) rather than spread: this runs for every member of every class.
    members.push(
      from.def === part.def
        ? { name: mochi, sourceName: name, kind: l.kind, type, async: l.async, settable: l.settable }
        : {
            name: mochi,
            sourceName: name,
            kind: l.kind,
            type,
            async: l.async,
            settable: l.settable,
            inheritedFrom: dottedName(from),
          },
    );
  };
  /** Looks a member up in the cache, or lowers it with a context that records what it used. */
  const bindings = mroBindings(host, parts);
  const lowered = (
    key: ClassField | FunctionGroup,
    map: MemberCache,
    from: ClassPart,
    lower: (ctx: LowerContext) => Lowered,
  ): CacheEntry => {
    const typeArgs = bindings.get(from.def) ?? NO_BINDINGS;
    const bkey = bindingKey(typeArgs);
    const hit = cachedEntry(map, key, bkey);
    if (hit && holdsFor(host, hit.named)) return hit;
    const ctx = new MemberContext(host, from, typeArgs);
    const entry: CacheEntry = { lowered: lower(ctx), self: ctx.usedSelf, named: ctx.named };
    if (!ctx.specific) keepEntry(map, key, bkey, entry);
    return entry;
  };

  if (!options.recordFields) {
    const found = constructorOf(parts, part, options);
    if (found === 'dataclass') {
      const sig = options.dataclassInit ?? [];
      const type: MochiType = { kind: 'fun', params: sig.map((x) => x.type), result: self, signature: sig };
      place('__init__', 'init', part, {
        lowered: { ok: true, kind: 'constructor', type, async: false, settable: false },
        self: false,
        named: NAMED_NONE,
      });
    } else if (found) {
      const entry = lowered(found.group, cache.ctors, found.part, (ctx) => {
        const r = lowerGroup(found.group, ctx, 'first', SELF);
        return r.ok
          ? { ok: true, kind: 'constructor', type: r.sig.type, async: false, settable: false }
          : { ok: false, reason: r.reason, detail: r.detail };
      });
      // The result is the class itself even when `Self` was not written.
      place(found.group.name, 'init', found.part, { lowered: entry.lowered, self: true, named: NAMED_NONE });
    }
  }

  for (const s of slotsOf(host, part, parts, mochiName, options)) {
    if (s.enumMember) {
      place(s.name, s.mochi, s.from, ENUM_MEMBER);
      continue;
    }
    const typeArgs = bindings.get(s.from.def) ?? NO_BINDINGS;
    // The common case inline: a kept lowering that holds for this wrapper.
    const hit = cachedEntry(cache.members, s.stub, bindingKey(typeArgs));
    if (hit && holdsFor(host, hit.named)) place(s.name, s.mochi, s.from, hit);
    else
      place(
        s.name,
        s.mochi,
        s.from,
        lowered(s.stub, cache.members, s.from, (ctx) => lowerSlot(s.stub, s.isField, ctx)),
      );
  }
  return { members, skipped };
}

/**
 * The context a member of `from` is lowered in for the cache: `Self` is the sentinel (and reading it
 * is noted), and the classes the lowering names are recorded (see {@link NameRecorder}). A class
 * rather than a literal with a getter: one is made per member lowered (about 100,000 in a
 * typeshed-wide pass), and a literal with a getter is rebuilt property by property each time.
 */
class MemberContext extends NameRecorder implements LowerContext {
  readonly scope: PackageScope;
  readonly module: ModuleSurface;
  declare readonly typeArgs?: ReadonlyMap<string, MochiType>;
  declare readonly classBody?: {
    readonly def: ClassDef;
    readonly module: string;
    readonly external: boolean;
  };
  /** `Self` was read. */
  usedSelf = false;

  constructor(host: MemberHost, from: ClassPart, typeArgs: ReadonlyMap<string, MochiType>) {
    super(host);
    this.scope = host.scope;
    this.module = from.module;
    const self = this as { typeArgs?: ReadonlyMap<string, MochiType>; classBody?: LowerContext['classBody'] };
    if (typeArgs.size > 0) self.typeArgs = typeArgs;
    if (from.def.classes.length > 0)
      self.classBody = { def: from.def, module: from.module.name, external: false };
  }

  get self(): MochiType {
    this.usedSelf = true;
    return SELF;
  }
}

/** An enum member: a class attribute of the enum's own type. */
const ENUM_MEMBER: CacheEntry = {
  lowered: { ok: true, kind: 'classvar', type: SELF, async: false, settable: false },
  self: true,
  named: NAMED_NONE,
};

function lowerField(f: ClassField, ctx: LowerContext): Lowered {
  const r: LowerResult = f.annotation ? lowerType(f.annotation, ctx) : { ok: true, type: UNKNOWN };
  if (!r.ok) return r;
  return {
    ok: true,
    // `X = 1` without an annotation is a class attribute; `x: int = 0` an instance attribute with a default.
    kind: f.classVar || (f.annotation === undefined && f.hasDefault) ? 'classvar' : 'attribute',
    type: r.type,
    async: false,
    settable: !f.final,
  };
}

function lowerMethod(g: FunctionGroup, ctx: LowerContext): Lowered {
  const getter = g.defs.find((d) => decorated(d, PROPERTY));
  if (getter) {
    const r: LowerResult = getter.returns ? lowerType(getter.returns, ctx) : { ok: true, type: UNKNOWN };
    if (!r.ok) return { ok: false, reason: r.reason, detail: `property: ${r.detail}` };
    const settable = g.defs.some((d) => decorated(d, 'setter'));
    return { ok: true, kind: 'property', type: r.type, async: false, settable };
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
  if (!r.ok) return { ok: false, reason: r.reason, detail: r.detail };
  return { ok: true, kind, type: r.sig.type, async: r.sig.async, settable: false };
}

/**
 * The constructor's definitions: from the first class of the MRO that declares `__init__` (or
 * else `__new__`); `dataclass` when the class itself is a dataclass without one (its generated
 * `__init__`); undefined when no class declares one.
 */
function constructorOf(
  parts: readonly ClassPart[],
  part: ClassPart,
  options: MemberOptions,
): { group: FunctionGroup; part: ClassPart } | 'dataclass' | undefined {
  for (const p of parts) {
    const g =
      p.def.methods.find((m) => m.name === '__init__') ?? p.def.methods.find((m) => m.name === '__new__');
    if (g) return { group: g, part: p };
    if (p.def === part.def && options.dataclassInit) return 'dataclass';
  }
  return undefined;
}
