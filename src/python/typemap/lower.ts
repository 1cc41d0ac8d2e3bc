// Lowering: a .pyi annotation (TypeExpr) to a MochiType, or the reason it cannot be lowered.
import type { ClassDef, ModuleSurface, TypeExpr } from '../stubs/types.js';
import { optional, scalar, union } from './render.js';
import type { PackageScope, Resolution } from './scope.js';
import type { MochiType, SkipReason } from './types.js';

/** Why an annotation did not lower: one reason of the closed set, and what was refused. */
export interface Refusal {
  readonly reason: SkipReason;
  readonly detail: string;
}

/** The outcome of lowering one annotation. */
export type LowerResult =
  | { readonly ok: true; readonly type: MochiType }
  | ({ readonly ok: false } & Refusal);

/** How a class reference is named in the output (the wrapper knows its own items' Mochi names). */
export type ClassNamer = (module: string, def: ClassDef, external: boolean) => string;

/** Where an annotation is written, and what it may refer to. */
export interface LowerContext {
  readonly scope: PackageScope;
  /** The module the annotation is written in (names resolve from here). */
  readonly module: ModuleSurface;
  /** What `Self` means here (inside a class body), if anything. */
  readonly self?: MochiType;
  /** Names class references; default: the dotted Python name `module.Class`. */
  readonly className?: ClassNamer;
  /**
   * Types bound to TypeVars, by `module.name` of the TypeVar: the type arguments a subclass gives
   * a generic base (`class C(Mapping[str, int])` binds `typing._KT` to `string` in Mapping's members).
   */
  readonly typeArgs?: ReadonlyMap<string, MochiType>;
  /**
   * The class whose body the annotation is written in: its nested classes are visible by their
   * bare names there (`def row(self) -> Row` inside `class Table` with a `class Row`), as type
   * checkers read it. `module` is where the class is defined.
   */
  readonly classBody?: { readonly def: ClassDef; readonly module: string; readonly external: boolean };
}

/** Annotations nest at most this deep before they are refused as `complex` (hostile input guard). */
export const MAX_TYPE_DEPTH = 48;

// Not an Error: refusals are ordinary control flow (thousands per corpus run), and capturing a stack
// trace for each one was a measurable share of the wrapping time. It never escapes `lowerType`.
class Refused {
  readonly reason: SkipReason;
  readonly detail: string;
  constructor(reason: SkipReason, detail: string) {
    this.reason = reason;
    this.detail = detail;
  }
}

/** Throws a refusal out of the lowering (callers of `lowerType` get it as a result, never as a throw). */
function refuse(reason: SkipReason, detail: string): never {
  throw new Refused(reason, detail);
}

/** The source text of a type expression, for skip details. */
export function exprText(e: TypeExpr): string {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'subscript':
      return `${exprText(e.base)}[${e.args.map(exprText).join(', ')}]`;
    case 'union':
      return e.members.map(exprText).join(' | ');
    case 'none':
      return 'None';
    case 'ellipsis':
      return '...';
    case 'list':
      return `[${e.elems.map(exprText).join(', ')}]`;
    case 'literal':
      return e.value;
    case 'forward':
      return JSON.stringify(e.text);
    case 'other':
      return e.text;
  }
}

const LIST_LIKE = new Set([
  'list',
  'List',
  'Sequence',
  'MutableSequence',
  'Collection',
  'Iterable',
  'Iterator',
  'Reversible',
  'deque',
  'Deque',
  'Generator',
]);
const SET_LIKE = new Set(['set', 'Set', 'frozenset', 'FrozenSet', 'AbstractSet', 'MutableSet']);
const MAP_LIKE = new Set([
  'dict',
  'Dict',
  'DefaultDict',
  'defaultdict',
  'OrderedDict',
  'Mapping',
  'MutableMapping',
]);
const STREAM_LIKE = new Set(['AsyncIterator', 'AsyncIterable', 'AsyncGenerator']);
const UNWRAP = new Set(['Final', 'ClassVar', 'Annotated', 'Required', 'NotRequired', 'ReadOnly']);
const ANY_LIKE = new Set(['Any', 'Incomplete', 'object']);

/** What `Any`, `Incomplete`, `object` and missing annotations lower to (rendered `any`). */
export const UNKNOWN: MochiType = { kind: 'unknown' };

interface State {
  readonly ctx: LowerContext;
  readonly module: ModuleSurface;
  readonly depth: number;
  /** Aliases being expanded (cycle guard), as `module.name`. */
  readonly aliases: ReadonlySet<string>;
  /** Type arguments bound to a generic alias's TypeVars, by `module.name` of the TypeVar. */
  readonly args: ReadonlyMap<string, MochiType>;
}

/**
 * Lowers one annotation per the table of DESIGN.md §3. Never throws for any input shape: what
 * cannot be lowered comes back as `{ ok: false, reason, detail }`.
 *
 * @example lowerType({ kind: 'name', name: 'str' }, ctx) // { ok: true, type: { kind: 'scalar', name: 'string' } }
 */
// Shared by every lowering that is not inside an alias expansion (they are never mutated).
const NO_ALIASES: ReadonlySet<string> = new Set();
const NO_ARGS: ReadonlyMap<string, MochiType> = new Map();

export function lowerType(expr: TypeExpr, ctx: LowerContext): LowerResult {
  try {
    return {
      ok: true,
      type: lower(expr, {
        ctx,
        module: ctx.module,
        depth: 0,
        aliases: NO_ALIASES,
        args: ctx.typeArgs ?? NO_ARGS,
      }),
    };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.reason, detail: e.detail };
    if (e instanceof RangeError)
      return { ok: false, reason: 'complex', detail: 'annotation too deeply nested' };
    throw e;
  }
}

function deeper(s: State): State {
  if (s.depth >= MAX_TYPE_DEPTH) refuse('complex', `annotation nests deeper than ${MAX_TYPE_DEPTH} levels`);
  // Written out rather than spread: this runs at every step of every annotation.
  return { ctx: s.ctx, module: s.module, depth: s.depth + 1, aliases: s.aliases, args: s.args };
}

function lower(e: TypeExpr, s0: State): MochiType {
  const s = deeper(s0);
  switch (e.kind) {
    case 'none':
      return scalar('None');
    case 'name':
      return lowerName(e.name, resolveName(e.name, s), s);
    case 'subscript':
      return lowerSubscript(e, s);
    case 'union':
      return lowerUnion(e.members, s);
    case 'forward':
      if (e.parsed) return lower(e.parsed, s);
      return refuse(
        'unsupported-construct',
        `string annotation ${JSON.stringify(e.text)} is not a type expression`,
      );
    case 'literal':
      return refuse('unsupported-construct', `literal ${e.value} outside Literal[...]`);
    case 'ellipsis':
      return refuse('unsupported-construct', '... outside tuple[...] or Callable[...]');
    case 'list':
      return refuse('unsupported-construct', `${exprText(e)} outside Callable[...]`);
    case 'other':
      return refuse('unsupported-construct', `${e.text} is not a supported type expression`);
  }
}

/** A name as seen from where the annotation is written: the class body's nested classes first. */
function resolveName(name: string, s: State): Resolution {
  const body = s.ctx.classBody;
  if (body !== undefined && s.module === s.ctx.module) {
    const parts = name.split('.');
    let def = body.def.classes.find((c) => c.name === parts[0]);
    for (let i = 1; def !== undefined && i < parts.length; i++) {
      def = def.classes.find((c) => c.name === parts[i]);
    }
    if (def !== undefined) return { kind: 'class', module: body.module, def, external: body.external };
  }
  return s.ctx.scope.resolve(s.module, name);
}

function isAnyLike(e: TypeExpr, s: State): boolean {
  if (e.kind !== 'name') return false;
  if (e.name === 'MaybeNone' || e.name.endsWith('.MaybeNone')) return false;
  const r = s.ctx.scope.resolve(s.module, e.name);
  if (r.kind === 'special') return ANY_LIKE.has(r.name);
  return r.kind === 'alias' && isAnyLike(r.def.value, s);
}

// A union with an Any-like branch says nothing Mochi can check: it is `unknown` as a whole (the
// `union` constructor also absorbs branches that lower to `unknown`).
function lowerUnion(members: readonly TypeExpr[], s: State): MochiType {
  if (members.some((m) => isAnyLike(m, s))) return UNKNOWN;
  return union(members.map((m) => lower(m, s)));
}

function lowerName(text: string, r: Resolution, s: State): MochiType {
  switch (r.kind) {
    case 'special':
      return lowerSpecialBare(r.name, text, s);
    case 'class':
      return { kind: 'ref', name: classRef(r.module, r.def, r.external, s) };
    case 'alias':
      return expandAlias(r, [], s);
    case 'typevar': {
      const bound = s.args.get(`${r.module}.${r.def.name}`);
      if (bound) return bound;
      if (r.def.kind === 'ParamSpec') refuse('paramspec', `${text} is a ParamSpec`);
      if (r.def.kind === 'TypeVarTuple') refuse('typevartuple', `${text} is a TypeVarTuple`);
      return { kind: 'typevar', name: r.def.name };
    }
    case 'unresolved':
      return refuse('unresolved-name', r.detail);
    case 'module':
      return refuse('unsupported-construct', `${text} is a module, not a type`);
    case 'function':
    case 'constant':
      return refuse('unsupported-construct', `${text} is a ${r.kind}, not a type`);
  }
}

function classRef(module: string, def: ClassDef, external: boolean, s: State): string {
  return s.ctx.className ? s.ctx.className(module, def, external) : `${module}.${def.name}`;
}

function lowerSpecialBare(name: string, text: string, s: State): MochiType {
  switch (name) {
    case 'int':
    case 'float':
    case 'bool':
    case 'bytes':
      return scalar(name);
    case 'str':
    case 'Text':
    case 'LiteralString':
      return scalar('string');
    case 'None':
    case 'NoneType':
    case 'NoReturn':
    case 'Never':
    // typeshed's `MaybeNone` (an Any alias) marks "may be None, too inconvenient to check";
    // Mochi checks optionals anyway, so `X | MaybeNone` reads as `X?`.
    case 'MaybeNone':
      return scalar('None');
    case 'Self':
      if (s.ctx.self) return s.ctx.self;
      return refuse('unsupported-construct', 'Self outside a class');
  }
  if (ANY_LIKE.has(name)) return UNKNOWN;
  // A bare generic has Any elements: `list` is `list<any>`, `dict` is `map<any, any>`.
  if (LIST_LIKE.has(name) || name === 'tuple' || name === 'Tuple') return { kind: 'list', elem: UNKNOWN };
  if (SET_LIKE.has(name)) return { kind: 'set', elem: UNKNOWN };
  if (MAP_LIKE.has(name)) return { kind: 'map', key: UNKNOWN, value: UNKNOWN };
  if (STREAM_LIKE.has(name)) return { kind: 'stream', elem: UNKNOWN };
  // A bare Callable takes and returns Any; a class object (`type`) is a value Mochi has no type for.
  if (name === 'Callable' || name === 'type' || name === 'Type') return UNKNOWN;
  return refuse('unsupported-construct', `${text} has no Mochi equivalent`);
}

function arity(e: { readonly base: TypeExpr; readonly args: readonly TypeExpr[] }, n: number): void {
  if (e.args.length !== n) {
    refuse('unsupported-construct', `${exprText(e.base)}[...] takes ${n} argument(s), got ${e.args.length}`);
  }
}

function arg(args: readonly TypeExpr[], i: number): TypeExpr {
  return args[i] ?? refuse('unsupported-construct', `missing type argument ${i + 1}`);
}

function lowerSubscript(e: Extract<TypeExpr, { kind: 'subscript' }>, s: State): MochiType {
  if (e.base.kind !== 'name')
    return refuse('unsupported-construct', `${exprText(e)} is not a type expression`);
  const r = resolveName(e.base.name, s);
  if (r.kind === 'class') return { kind: 'ref', name: classRef(r.module, r.def, r.external, s) };
  if (r.kind === 'alias') return expandAlias(r, e.args, s);
  if (r.kind !== 'special') return lowerName(e.base.name, r, s);
  const name = r.name;
  const a = e.args;
  if (LIST_LIKE.has(name)) {
    if (name !== 'Generator') arity(e, 1);
    return { kind: 'list', elem: lower(arg(a, 0), s) };
  }
  if (SET_LIKE.has(name)) {
    arity(e, 1);
    return { kind: 'set', elem: lower(arg(a, 0), s) };
  }
  if (MAP_LIKE.has(name)) {
    arity(e, 2);
    const key = lower(arg(a, 0), s);
    if (
      !(key.kind === 'unknown' || (key.kind === 'scalar' && (key.name === 'string' || key.name === 'int')))
    ) {
      refuse('unsupported-key-type', `${exprText(e)}: map keys must be string, int or any`);
    }
    return { kind: 'map', key, value: lower(arg(a, 1), s) };
  }
  if (STREAM_LIKE.has(name)) return { kind: 'stream', elem: lower(arg(a, 0), s) };
  if (UNWRAP.has(name)) return lower(arg(a, 0), s);
  switch (name) {
    case 'tuple':
    case 'Tuple':
      if (a.length === 2 && a[1]?.kind === 'ellipsis') return { kind: 'list', elem: lower(arg(a, 0), s) };
      if (a.some((x) => x.kind === 'ellipsis')) refuse('unsupported-construct', `${exprText(e)}`);
      return { kind: 'tuple', elems: a.map((x) => lower(x, s)) };
    case 'Optional':
      arity(e, 1);
      return optional(lower(arg(a, 0), s));
    case 'Union':
      return lowerUnion(a, s);
    case 'Callable':
      return lowerCallable(e, s);
    case 'Awaitable':
      arity(e, 1);
      return { kind: 'async', inner: lower(arg(a, 0), s) };
    case 'Coroutine':
      arity(e, 3);
      return { kind: 'async', inner: lower(arg(a, 2), s) };
    case 'Literal':
      return lowerLiteral(e, s);
    case 'TypeGuard':
    case 'TypeIs':
      return scalar('bool');
    case 'Concatenate':
      return refuse('paramspec', `${exprText(e)} uses Concatenate`);
    case 'Unpack':
      return refuse('typevartuple', `${exprText(e)} unpacks a variadic type`);
    case 'type':
    case 'Type':
      // A class object: Mochi has no type for it, but can pass one it got from Python as `any`.
      return UNKNOWN;
  }
  if (ANY_LIKE.has(name)) return UNKNOWN;
  return refuse('unsupported-construct', `${exprText(e)} has no Mochi equivalent`);
}

function lowerCallable(e: Extract<TypeExpr, { kind: 'subscript' }>, s: State): MochiType {
  arity(e, 2);
  const params = arg(e.args, 0);
  const result = lower(arg(e.args, 1), s);
  // `Callable[..., R]` takes any arguments: a Mochi `fun` type cannot say that, `any` can.
  if (params.kind === 'ellipsis') return UNKNOWN;
  if (params.kind === 'list') return { kind: 'fun', params: params.elems.map((p) => lower(p, s)), result };
  if (params.kind === 'subscript' || params.kind === 'name') {
    // `Callable[P, R]` and `Callable[Concatenate[...], R]` refuse as ParamSpec uses.
    lower(params, s);
  }
  return refuse('unsupported-construct', `${exprText(e)}: parameter list is not [A, B, ...]`);
}

function lowerLiteral(e: Extract<TypeExpr, { kind: 'subscript' }>, s: State): MochiType {
  const branches: MochiType[] = [];
  for (const x of e.args) {
    if (x.kind === 'literal') {
      branches.push(x.type === 'str' ? scalar('string') : scalar(x.type));
    } else if (x.kind === 'none') {
      branches.push(scalar('None'));
    } else if (x.kind === 'name' && x.name.includes('.')) {
      // `Literal[Color.RED]`: an enum member; its type is the enum class.
      const owner = s.ctx.scope.resolve(s.module, x.name.slice(0, x.name.lastIndexOf('.')));
      if (owner.kind !== 'class')
        refuse('unsupported-construct', `Literal member ${x.name} is not an enum value`);
      branches.push({ kind: 'ref', name: classRef(owner.module, owner.def, owner.external, s) });
    } else if (x.kind === 'subscript' || x.kind === 'name') {
      // Nested `Literal[Literal[1], 2]` flattens; a Literal alias expands.
      branches.push(lower(x, s));
    } else {
      refuse('unsupported-construct', `Literal argument ${exprText(x)}`);
    }
  }
  if (branches.length === 0) refuse('unsupported-construct', 'empty Literal[]');
  return union(branches);
}

/** TypeVars of a generic alias, in order of first appearance (how `Alias[X]` binds them). */
function aliasParams(e: TypeExpr, module: ModuleSurface, s: State, out: string[], depth = 0): string[] {
  if (depth > MAX_TYPE_DEPTH) return out;
  switch (e.kind) {
    case 'name': {
      const r = s.ctx.scope.resolve(module, e.name);
      if (r.kind === 'typevar') {
        const key = `${r.module}.${r.def.name}`;
        if (!out.includes(key)) out.push(key);
      }
      break;
    }
    case 'subscript':
      aliasParams(e.base, module, s, out, depth + 1);
      for (const x of e.args) aliasParams(x, module, s, out, depth + 1);
      break;
    case 'union':
      for (const x of e.members) aliasParams(x, module, s, out, depth + 1);
      break;
    case 'list':
      for (const x of e.elems) aliasParams(x, module, s, out, depth + 1);
      break;
    case 'forward':
      if (e.parsed) aliasParams(e.parsed, module, s, out, depth + 1);
      break;
  }
  return out;
}

function expandAlias(
  r: Extract<Resolution, { kind: 'alias' }>,
  args: readonly TypeExpr[],
  s: State,
): MochiType {
  const key = `${r.module}.${r.def.name}`;
  if (s.aliases.has(key)) return refuse('complex', `type alias ${r.def.name} refers to itself`);
  const found = s.ctx.scope.module(r.module);
  if (!found) return refuse('unresolved-name', `module ${r.module} of alias ${r.def.name} is not available`);
  const bound = new Map(s.args);
  if (args.length > 0) {
    const params = aliasParams(r.def.value, found.mod, s, []);
    if (params.length !== args.length) {
      refuse(
        'unsupported-construct',
        `alias ${r.def.name} takes ${params.length} type argument(s), got ${args.length}`,
      );
    }
    params.forEach((p, i) => {
      bound.set(p, lower(arg(args, i), s));
    });
  }
  const aliases = new Set(s.aliases).add(key);
  return lower(r.def.value, { ...s, module: found.mod, aliases, args: bound });
}
