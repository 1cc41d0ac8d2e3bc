// Surface -> wrapper: which public names of a module become Mochi items, and why the others do not.
import { MochiPkgError } from '../../errors.js';
import type {
  ClassDef,
  Constant,
  FunctionGroup,
  ModuleSurface,
  PackageSurface,
  TypeExpr,
} from '../stubs/types.js';
import { type LowerContext, type LowerResult, lowerType, type Refusal, UNKNOWN } from '../typemap/lower.js';
import { iface, record } from '../typemap/render.js';
import { absoluteModule, type ExternalModules, PackageScope, type Resolution } from '../typemap/scope.js';
import type { MochiField, MochiMethod, MochiParam, MochiType, SkipReport } from '../typemap/types.js';
import { classMembers, inheritedTypeArgs, type MemberHost, type MemberOptions } from './members.js';
import { decorated, lowerGroup } from './signature.js';
import type { Wrapper, WrapperItem } from './types.js';

/** Thrown when the module to wrap is not part of the surface (code `wrapper-module-missing`). */
export class WrapperError extends MochiPkgError {}

/** Options of `wrapModule`. */
export interface WrapOptions {
  /** Modules outside the package that names may resolve into (e.g. the stdlib stubs). */
  readonly externals?: ExternalModules;
}

/**
 * Words Mochi reserves in every position (its contextual query and agent words are left alone). A Python name that is one of them gets a trailing `_` as its Mochi name
 * (`sourceName` keeps the Python spelling), so the shim always parses.
 */
export const MOCHI_KEYWORDS: ReadonlySet<string> = new Set([
  'as',
  'break',
  'continue',
  'else',
  'export',
  'expect',
  'extern',
  'false',
  'for',
  'fun',
  'if',
  'import',
  'in',
  'let',
  'match',
  'null',
  'package',
  'return',
  'stream',
  'test',
  'true',
  'type',
  'var',
  'while',
]);

/** The Mochi-visible spelling of a Python name. */
export function mochiName(python: string): string {
  return MOCHI_KEYWORDS.has(python) ? `${python}_` : python;
}

function isPrivate(name: string): boolean {
  return name.startsWith('_');
}

// Wrapping every module of a package resolves the same names from each; one scope per
// (surface, externals) pair keeps those resolutions. Both are immutable inputs, so sharing is safe.
const SCOPES = new WeakMap<PackageSurface, Map<ExternalModules | undefined, PackageScope>>();

function scopeFor(surface: PackageSurface, externals: ExternalModules | undefined): PackageScope {
  let bySurface = SCOPES.get(surface);
  if (!bySurface) {
    bySurface = new Map();
    SCOPES.set(surface, bySurface);
  }
  let scope = bySurface.get(externals);
  if (!scope) {
    scope = new PackageScope(surface, externals);
    bySurface.set(externals, scope);
  }
  return scope;
}

/**
 * Drops the scopes (and with them every per-scope cache: resolutions, member tables) kept for
 * `surface`. A build calls it once a target is wrapped, so that those caches die young rather than
 * live, and cost the garbage collector, until the build ends. Wrapping the surface again rebuilds them.
 */
export function releaseScopes(surface: PackageSurface): void {
  SCOPES.delete(surface);
}

type Outcome = { readonly item: WrapperItem } | { readonly skip: SkipReport } | undefined;

type ClassKind = 'protocol' | 'typeddict' | 'namedtuple' | 'frozen-dataclass' | 'mutable-dataclass' | 'class';

function baseName(e: TypeExpr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'subscript' && e.base.kind === 'name') return e.base.name;
  return undefined;
}

/** Builds the wrapper of one module; holds the per-package caches. */
class Wrapping implements MemberHost {
  readonly scope: PackageScope;
  readonly mod: ModuleSurface;
  readonly skipped: SkipReport[] = [];
  /** Public classes of the wrapped module, by definition, with their Mochi name. */
  readonly publicClasses = new Map<ClassDef, string>();
  private readonly kinds = new Map<ClassDef, ClassKind>();

  constructor(surface: PackageSurface, mod: ModuleSurface, externals: ExternalModules | undefined) {
    this.scope = scopeFor(surface, externals);
    this.mod = mod;
  }

  readonly className = (m: string, def: ClassDef): string =>
    this.publicClasses.get(def) ?? this.defaultClassName(m, def);

  /** `module.Class` (`module.Outer.Inner` for a nested class): how a class that is not an item is named. */
  defaultClassName(m: string, def: ClassDef): string {
    return `${m}.${qualifiedName(this.moduleOf(m), def)}`;
  }

  isItem(def: ClassDef): boolean {
    return this.publicClasses.has(def);
  }

  ctx(module: ModuleSurface, self?: MochiType, typeArgs?: ReadonlyMap<string, MochiType>): LowerContext {
    const className = this.className;
    return {
      scope: this.scope,
      module,
      className,
      ...(self ? { self } : {}),
      ...(typeArgs && typeArgs.size > 0 ? { typeArgs } : {}),
    };
  }

  moduleOf(name: string): ModuleSurface {
    return this.scope.module(name)?.mod ?? this.mod;
  }

  classKind(def: ClassDef, module: ModuleSurface, depth = 0): ClassKind {
    const known = this.kinds.get(def);
    if (known) return known;
    let kind: ClassKind = 'class';
    const dc = def.decorators.find((d) => /(^|\.)dataclass$/.test(d.name));
    if (dc) kind = dc.keywords.frozen === 'True' ? 'frozen-dataclass' : 'mutable-dataclass';
    for (const b of def.bases) {
      const name = baseName(b);
      if (name === undefined || kind !== 'class') continue;
      const r = this.scope.resolve(module, name);
      if (r.kind === 'special') {
        if (r.name === 'Protocol') kind = 'protocol';
        else if (r.name === 'TypedDict') kind = 'typeddict';
        else if (r.name === 'NamedTuple') kind = 'namedtuple';
      } else if (r.kind === 'class' && depth < 16) {
        // A TypedDict's subclasses are TypedDicts; Protocol-ness is not inherited without `Protocol`.
        if (this.classKind(r.def, this.moduleOf(r.module), depth + 1) === 'typeddict') kind = 'typeddict';
      }
    }
    this.kinds.set(def, kind);
    return kind;
  }

  /** Fields of a record class, own and inherited from same-kind bases (base fields first). */
  recordFields(
    def: ClassDef,
    module: ModuleSurface,
    kind: ClassKind,
    depth = 0,
  ): { def: ClassDef; module: ModuleSurface }[] {
    const out: { def: ClassDef; module: ModuleSurface }[] = [];
    if (depth < 16) {
      for (const b of def.bases) {
        const name = baseName(b);
        const r = name === undefined ? undefined : this.scope.resolve(module, name);
        if (r?.kind === 'class') {
          const m = this.moduleOf(r.module);
          if (this.classKind(r.def, m) === kind) out.push(...this.recordFields(r.def, m, kind, depth + 1));
        }
      }
    }
    out.push({ def, module });
    return out;
  }

  wrapFunction(name: string, group: FunctionGroup, module: ModuleSurface, path: string): Outcome {
    const r = lowerGroup(group, this.ctx(module), 'none');
    if (!r.ok) return { skip: { itemPath: path, reason: r.reason, detail: r.detail } };
    return {
      item: { name: mochiName(name), sourceName: name, kind: 'fun', type: r.sig.type, async: r.sig.async },
    };
  }

  wrapConstant(name: string, c: Constant, module: ModuleSurface, path: string): Outcome {
    const r: LowerResult = c.annotation
      ? lowerType(c.annotation, this.ctx(module))
      : { ok: true, type: UNKNOWN };
    if (!r.ok) return { skip: { itemPath: path, reason: r.reason, detail: r.detail } };
    return { item: { name: mochiName(name), sourceName: name, kind: 'const', type: r.type, async: false } };
  }

  /** Members of a class or record, their failures added to the module's skips. */
  members(
    def: ClassDef,
    module: ModuleSurface,
    self: MochiType,
    path: string,
    options: MemberOptions,
  ): Pick<WrapperItem, 'members'> {
    const m = classMembers(this, { def, module }, self, path, mochiName, options);
    this.skipped.push(...m.skipped);
    return m.members.length === 0 ? {} : { members: m.members };
  }

  wrapClass(name: string, def: ClassDef, module: ModuleSurface, path: string): Outcome {
    const mName = itemName(name);
    const self: MochiType = { kind: 'ref', name: mName };
    const kind = this.classKind(def, module);
    if (kind === 'class') {
      const members = this.members(def, module, self, path, {});
      return { item: { name: mName, sourceName: name, kind: 'type', type: self, async: false, ...members } };
    }
    if (kind === 'protocol') return this.wrapProtocol(name, def, module, path);
    const fields: MochiField[] = [];
    // A mutable dataclass is a class whose generated `__init__` takes its fields, in order.
    const init: MochiParam[] = [];
    let initFailed: Refusal | undefined;
    const total = def.keywords.total !== 'False';
    const kwOnly = def.decorators.some(
      (d) => /(^|\.)dataclass$/.test(d.name) && d.keywords.kw_only === 'True',
    );
    // A base written with type arguments (`Base[int]`) has its fields lowered with them bound.
    const typeArgs = inheritedTypeArgs(this, { def, module });
    const parts = this.recordFields(def, module, kind);
    for (const part of parts) {
      const ctx = this.ctx(part.module, self, typeArgs.get(part.def));
      for (const f of part.def.fields) {
        if (f.classVar) continue;
        const r: LowerResult = f.annotation
          ? lowerField(f.annotation, ctx, kind === 'typeddict' && !total)
          : { ok: true, type: UNKNOWN };
        if (!r.ok) {
          if (kind !== 'mutable-dataclass')
            return { skip: { itemPath: path, reason: r.reason, detail: `field ${f.name}: ${r.detail}` } };
          initFailed ??= { reason: r.reason, detail: `field ${f.name}: ${r.detail}` };
          continue;
        }
        const at = fields.findIndex((x) => x.name === f.name);
        if (at >= 0) {
          fields.splice(at, 1);
          init.splice(at, 1);
        }
        fields.push({ name: f.name, type: r.type });
        init.push({
          name: f.name,
          type: r.type,
          mode: kwOnly ? 'keyword' : 'normal',
          optional: f.hasDefault,
        });
      }
    }
    if (kind === 'mutable-dataclass') {
      // Not a Mochi record (records are immutable values): a class with settable attributes.
      if (initFailed) this.skipped.push({ itemPath: `${path}.__init__`, ...initFailed });
      const members = this.members(def, module, self, path, initFailed ? {} : { dataclassInit: init });
      return { item: { name: mName, sourceName: name, kind: 'type', type: self, async: false, ...members } };
    }
    const members = this.members(def, module, self, path, {
      recordFields: true,
      recordParts: new Set(parts.map((p) => p.def)),
    });
    return {
      item: {
        name: mName,
        sourceName: name,
        kind: 'record',
        type: record(mName, fields),
        async: false,
        ...members,
      },
    };
  }

  wrapProtocol(name: string, def: ClassDef, module: ModuleSurface, path: string): Outcome {
    const mName = itemName(name);
    // Members of protocol bases come first; a redefinition in a subclass replaces them by name.
    const fields = new Map<string, MochiField>();
    const methods = new Map<string, MochiMethod>();
    const failed = new Map<string, SkipReport>();
    const member = (n: string) => `${path}.${n}`;
    const keep = (n: string, f?: MochiField, m?: MochiMethod, skip?: Refusal) => {
      fields.delete(n);
      methods.delete(n);
      failed.delete(n);
      if (f) fields.set(n, f);
      if (m) methods.set(n, m);
      if (skip) failed.set(n, { itemPath: member(n), reason: skip.reason, detail: skip.detail });
    };
    const typeArgs = inheritedTypeArgs(this, { def, module });
    for (const part of this.recordFields(def, module, 'protocol')) {
      const ctx = this.ctx(part.module, { kind: 'ref', name: mName }, typeArgs.get(part.def));
      for (const f of part.def.fields) {
        // Dunder attributes (`__slots__`, `__match_args__`, `__hash__: ClassVar[None]`) are class
        // machinery, not part of what a Mochi value of the protocol offers.
        if (isPrivateMember(f.name) || f.name.startsWith('__')) continue;
        const r: LowerResult = f.annotation ? lowerType(f.annotation, ctx) : { ok: true, type: UNKNOWN };
        if (r.ok) keep(f.name, { name: f.name, type: r.type });
        else keep(f.name, undefined, undefined, r);
      }
      for (const g of part.def.methods) {
        if (isPrivateMember(g.name)) continue;
        const getter = g.defs.find((d) => decorated(d, 'property'));
        if (getter) {
          const r: LowerResult = getter.returns
            ? lowerType(getter.returns, ctx)
            : { ok: true, type: UNKNOWN };
          if (r.ok) keep(g.name, { name: g.name, type: r.type });
          else keep(g.name, undefined, undefined, r);
          continue;
        }
        const r = lowerGroup(
          g,
          ctx,
          decorated(g.defs[0] ?? { decorators: [] }, 'staticmethod') ? 'none' : 'first',
        );
        if (!r.ok) keep(g.name, undefined, undefined, r);
        else if (r.sig.type.kind === 'fun') {
          const t = r.sig.type;
          keep(g.name, undefined, {
            name: g.name,
            params: t.params,
            result: t.result,
            ...(t.signature ? { signature: t.signature } : {}),
          });
        }
      }
    }
    this.skipped.push(...failed.values());
    return {
      item: {
        name: mName,
        sourceName: name,
        kind: 'interface',
        type: iface(mName, [...fields.values()], [...methods.values()]),
        async: false,
      },
    };
  }

  /** Turns one public name into an item or a skip; type-level names (aliases, TypeVars, modules) give nothing. */
  wrapName(name: string, r: Resolution, depth = 0): Outcome {
    const path = `${this.mod.name}.${name}`;
    switch (r.kind) {
      case 'function':
        return this.wrapFunction(name, r.def, this.moduleOf(r.module), path);
      case 'constant':
        return this.wrapConstant(name, r.def, this.moduleOf(r.module), path);
      case 'class':
        return this.wrapClass(name, r.def, this.moduleOf(r.module), path);
      case 'unresolved':
        return { skip: { itemPath: path, reason: 'unresolved-name', detail: r.detail } };
      case 'alias':
        // `connect = _connect` (implicit alias) may re-export a function or class under a new name.
        if (r.def.form === 'implicit' && r.def.value.kind === 'name' && depth < 8) {
          const target = this.scope.resolve(this.moduleOf(r.module), r.def.value.name);
          if (target.kind === 'function' || target.kind === 'class')
            return this.wrapName(name, target, depth + 1);
        }
        return undefined;
      default:
        return undefined;
    }
  }
}

/** The Mochi name of an item: `Outer.Inner` for a nested class, each part a Mochi name. */
function itemName(python: string): string {
  return python.includes('.') ? python.split('.').map(mochiName).join('.') : mochiName(python);
}

/** Nested classes are followed at most this deep (hostile-input bound). */
const MAX_NESTING = 8;

// Qualified names (`Outer.Inner`) of the classes of a module surface, nested ones included.
const QUALNAMES = new WeakMap<ModuleSurface, WeakMap<ClassDef, string>>();

/** `def`'s name inside `mod`: `Outer.Inner` for a nested class, else its own name. */
function qualifiedName(mod: ModuleSurface, def: ClassDef): string {
  let names = QUALNAMES.get(mod);
  if (!names) {
    const found = new WeakMap<ClassDef, string>();
    const walk = (defs: readonly ClassDef[], prefix: string, depth: number) => {
      for (const d of defs) {
        if (found.has(d)) continue;
        found.set(d, `${prefix}${d.name}`);
        if (depth < MAX_NESTING) walk(d.classes, `${prefix}${d.name}.`, depth + 1);
      }
    };
    walk(mod.classes, '', 0);
    names = found;
    QUALNAMES.set(mod, names);
  }
  return names.get(def) ?? def.name;
}

/**
 * The public classes nested in a public class, recursively: `[Outer.Inner, def]` pairs (a name
 * starting with `_` is private to its class, like any member).
 */
function nestedClasses(name: string, def: ClassDef, depth = 0): [string, ClassDef][] {
  if (depth >= MAX_NESTING) return [];
  const out: [string, ClassDef][] = [];
  for (const c of def.classes) {
    if (isPrivate(c.name)) continue;
    const n = `${name}.${c.name}`;
    out.push([n, c], ...nestedClasses(n, c, depth + 1));
  }
  return out;
}

// Dunder members (`__call__`, `__len__`) are part of a protocol's contract; `_x` members are not.
function isPrivateMember(name: string): boolean {
  return name.startsWith('_') && !(name.startsWith('__') && name.endsWith('__'));
}

function lowerField(annotation: TypeExpr, ctx: LowerContext, optionalByDefault: boolean): LowerResult {
  const r = lowerType(annotation, ctx);
  if (!r.ok) return r;
  // A TypedDict key that may be absent reads as an optional field in Mochi.
  const head = annotation.kind === 'subscript' && annotation.base.kind === 'name' ? annotation.base.name : '';
  const h = head.slice(head.lastIndexOf('.') + 1);
  const absent = h === 'NotRequired' || (optionalByDefault && h !== 'Required');
  return absent && r.type.kind !== 'optional' ? { ok: true, type: { kind: 'optional', inner: r.type } } : r;
}

const MAX_STAR_DEPTH = 64;

/** Names a module exports: `__all__` when declared, else its public definitions and explicit re-exports. */
export function publicNames(
  scope: PackageScope,
  mod: ModuleSurface,
  seen: Set<string> = new Set(),
): string[] {
  if (mod.all) return [...new Set(mod.all)];
  // Star-import chains are followed at most MAX_STAR_DEPTH modules deep (hostile-input bound).
  if (seen.has(mod.name) || seen.size >= MAX_STAR_DEPTH) return [];
  seen.add(mod.name);
  const names = new Set<string>();
  for (const [name, b] of scope.bindings(mod)) {
    if (isPrivate(name)) continue;
    if (b.kind !== 'import') names.add(name);
    // Stub re-export conventions (PEP 484): `from m import x as x`, `import m as m`.
    else if (b.def.asName !== undefined && b.def.asName === (b.def.name ?? b.def.module)) names.add(name);
  }
  for (const d of mod.imports) {
    if (d.name !== '*') continue;
    const target = scope.module(absoluteModule(mod, d.module));
    if (target) for (const n of publicNames(scope, target.mod, seen)) if (!isPrivate(n)) names.add(n);
  }
  return [...names];
}

function bySourceName(a: WrapperItem, b: WrapperItem): number {
  return a.sourceName < b.sourceName ? -1 : a.sourceName > b.sourceName ? 1 : 0;
}

function byItemPath(a: SkipReport, b: SkipReport): number {
  return a.itemPath < b.itemPath ? -1 : a.itemPath > b.itemPath ? 1 : 0;
}

/**
 * A namespace package (PEP 420: submodules but no `__init__`, like typeshed's `google`) declares
 * nothing itself: it wraps as an empty module rather than failing.
 */
function namespacePackage(surface: PackageSurface, name: string): ModuleSurface | undefined {
  const prefix = `${name}.`;
  if (![...surface.modules.keys()].some((k) => k.startsWith(prefix))) return undefined;
  return {
    name,
    file: `${name.split('.').join('/')}/__init__.pyi`,
    isPackage: true,
    functions: [],
    classes: [],
    constants: [],
    typeVars: [],
    aliases: [],
    imports: [],
  };
}

/**
 * The wrapper of module `moduleName` of a package surface: every public name becomes an item or a
 * skip report; private definitions are reported as `private-name`. Pure and deterministic.
 *
 * @example wrapModule(surface).items.map((i) => i.name) // ['add', 'Pair', …]
 */
export function wrapModule(
  surface: PackageSurface,
  moduleName: string = surface.name,
  options: WrapOptions = {},
): Wrapper {
  const mod = surface.modules.get(moduleName) ?? namespacePackage(surface, moduleName);
  if (!mod) {
    throw new WrapperError(
      'wrapper-module-missing',
      `module ${moduleName} is not in the stub package ${surface.name}`,
      {
        hint: `wrap one of: ${[...surface.modules.keys()].sort().join(', ')}`,
      },
    );
  }
  const w = new Wrapping(surface, mod, options.externals);
  const names = publicNames(w.scope, mod).sort();
  const resolved = names.map((n) => [n, w.scope.resolve(mod, n)] as const);
  // A public class's public nested classes are items of their own, named `Outer.Inner`.
  const nested: [string, ClassDef, string][] = [];
  for (const [n, r] of resolved) {
    if (r.kind !== 'class') continue;
    w.publicClasses.set(r.def, mochiName(n));
    for (const [inner, def] of nestedClasses(n, r.def)) {
      w.publicClasses.set(def, itemName(inner));
      nested.push([inner, def, r.module]);
    }
  }
  const items: WrapperItem[] = [];
  const add = (out: Outcome) => {
    if (out && 'item' in out) items.push(out.item);
    else if (out) w.skipped.push(out.skip);
  };
  for (const [n, r] of resolved) add(w.wrapName(n, r));
  for (const [n, def, m] of nested) add(w.wrapClass(n, def, w.moduleOf(m), `${mod.name}.${n}`));
  const listed = new Set(names);
  const privates = [...mod.functions, ...mod.classes, ...mod.constants].map((d) => d.name).filter(isPrivate);
  for (const n of new Set(privates)) {
    if (!listed.has(n)) {
      w.skipped.push({ itemPath: `${mod.name}.${n}`, reason: 'private-name', detail: `${n} is private` });
    }
  }
  return { module: mod.name, items: items.sort(bySourceName), skipped: w.skipped.sort(byItemPath) };
}
