// A `def` (or an `@overload` group) lowered to a Mochi function type with its named parameters.
import type { FunctionDef, FunctionGroup, Param, TypeExpr } from '../stubs/types.js';
import { type LowerContext, lowerType, type Refusal, UNKNOWN } from '../typemap/lower.js';
import type { MochiParam, MochiType, ParamMode } from '../typemap/types.js';

/** A function signature lowered to Mochi: its type, plus whether it is `async def`. */
export interface Signature {
  /** A `fun` type whose `signature` names every parameter. */
  readonly type: MochiType;
  readonly async: boolean;
}

export type SigResult = { readonly ok: true; readonly sig: Signature } | ({ readonly ok: false } & Refusal);

/** True when `dotted`'s last dotted part is `name`, without making the part (this runs per member). */
function endsWithPart(dotted: string, name: string): boolean {
  const start = dotted.lastIndexOf('.') + 1;
  return dotted.length - start === name.length && dotted.startsWith(name, start);
}

/**
 * True when a decorator's last dotted part is `names` or one of them (`typing.overload` is
 * `overload`).
 */
export function decorated(
  def: { readonly decorators: readonly { readonly name: string }[] },
  names: string | readonly string[],
): boolean {
  for (const d of def.decorators) {
    if (typeof names === 'string') {
      if (endsWithPart(d.name, names)) return true;
    } else if (names.some((n) => endsWithPart(d.name, n))) return true;
  }
  return false;
}

const MODES: Readonly<Record<Param['kind'], ParamMode>> = {
  'positional-only': 'positional',
  'positional-or-keyword': 'normal',
  'keyword-only': 'keyword',
  'var-positional': 'var-positional',
  'var-keyword': 'var-keyword',
};

/** How the receiver is bound: `self`/`cls` is dropped from what a Mochi caller passes. */
export type Receiver = 'none' | 'first';

/**
 * `*args: P.args` / `**kwargs: P.kwargs` forward a ParamSpec; a Mochi caller cannot say what they
 * accept. `*args: *Ts` spreads a TypeVarTuple.
 */
function variadicRefusal(p: Param, a: TypeExpr, ctx: LowerContext): Refusal | undefined {
  if (a.kind === 'other' && a.text.startsWith('*'))
    return {
      reason: 'typevartuple',
      detail: `parameter ${p.name}: *${a.text.slice(1)} spreads a TypeVarTuple`,
    };
  if (a.kind !== 'name') return undefined;
  const m = /^(.*)\.(args|kwargs)$/.exec(a.name);
  if (!m?.[1]) return undefined;
  const r = ctx.scope.resolve(ctx.module, m[1]);
  return r.kind === 'typevar' && r.def.kind === 'ParamSpec'
    ? { reason: 'paramspec', detail: `parameter ${p.name}: ${a.name} forwards a ParamSpec` }
    : undefined;
}

/** `**kwargs: Unpack[TD]` (PEP 692): the keywords are TD's keys; the parameter's type is TD. */
function unpacked(a: TypeExpr, ctx: LowerContext): TypeExpr {
  if (a.kind !== 'subscript' || a.base.kind !== 'name' || a.args.length !== 1) return a;
  const r = ctx.scope.resolve(ctx.module, a.base.name);
  return r.kind === 'special' && r.name === 'Unpack' ? (a.args[0] ?? a) : a;
}

/**
 * Every parameter as Python has it, in order (`self`/`cls` dropped for a bound receiver): mode,
 * default, type. A missing annotation is `any`; `*args: T` and `**kwargs: T` give the type of each
 * extra argument. A missing return annotation is `any`, unless `result` fixes it (constructors).
 */
export function lowerSignature(
  def: FunctionDef,
  ctx: LowerContext,
  receiver: Receiver,
  result?: MochiType,
): SigResult {
  const first = def.params[0];
  const params =
    receiver === 'first' && first && first.kind !== 'var-positional' && first.kind !== 'var-keyword'
      ? def.params.slice(1)
      : def.params;
  // Made by map (an exact-length array): the member cache keeps signatures for the whole build, and
  // an array grown by push holds room for 16 or more parameters where most have two or three. The
  // first refusal ends the signature; the parameters after it are not lowered.
  let refused: SigResult | undefined;
  const sig = params.map((p): MochiParam => {
    let type: MochiType = UNKNOWN;
    if (p.annotation && refused === undefined) {
      const variadic = p.kind === 'var-positional' || p.kind === 'var-keyword';
      const refusal = variadic ? variadicRefusal(p, p.annotation, ctx) : undefined;
      if (refusal) refused = { ok: false, ...refusal };
      else {
        const a = p.kind === 'var-keyword' ? unpacked(p.annotation, ctx) : p.annotation;
        const r = lowerType(a, ctx);
        if (r.ok) type = r.type;
        else refused = { ...r, detail: `parameter ${p.name}: ${r.detail}` };
      }
    }
    return { name: p.name, type, mode: MODES[p.kind], optional: p.hasDefault };
  });
  if (refused !== undefined) return refused;
  let out: MochiType = result ?? UNKNOWN;
  if (result === undefined && def.returns) {
    const r = lowerType(def.returns, ctx);
    if (!r.ok) return { ...r, detail: `return: ${r.detail}` };
    out = r.type;
  }
  if (def.async) out = { kind: 'async', inner: out };
  return {
    ok: true,
    sig: {
      type: { kind: 'fun', params: sig.map((p) => p.type), result: out, signature: sig },
      async: def.async,
    },
  };
}

/**
 * The overload rule: the `@overload` definitions are tried in source order and the first whose
 * parameters and result all lower becomes the item (any declared overload is a valid way to call
 * the function, with exactly that result). When none lowers, the function is skipped as `overload`
 * with each overload's refusal in the detail. A group without `@overload` uses its last definition.
 */
export function lowerGroup(
  group: FunctionGroup,
  ctx: LowerContext,
  receiver: Receiver,
  result?: MochiType,
): SigResult {
  const overloads = group.defs.filter((d) => decorated(d, 'overload'));
  if (overloads.length === 0) {
    const last = group.defs[group.defs.length - 1];
    if (!last) return { ok: false, reason: 'unsupported-construct', detail: 'no definition' };
    return lowerSignature(last, ctx, receiver, result);
  }
  const failures: string[] = [];
  for (const [i, d] of overloads.entries()) {
    const r = lowerSignature(d, ctx, receiver, result);
    if (r.ok) return r;
    failures.push(`#${i + 1} ${r.reason}: ${r.detail}`);
  }
  return {
    ok: false,
    reason: 'overload',
    detail: `none of ${overloads.length} overloads lowers: ${failures.join('; ')}`,
  };
}
