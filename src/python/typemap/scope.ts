// Name resolution over a stub package: what a (dotted) name in a module refers to, across modules.
import type {
  ClassDef,
  Constant,
  FunctionGroup,
  ImportDecl,
  ModuleSurface,
  PackageSurface,
  TypeAlias,
  TypeVarDecl,
} from '../stubs/types.js';

/**
 * Modules outside the package that names may resolve into (for example the stdlib stubs, so that
 * `from datetime import datetime` is known to be a class). Return undefined for unknown modules.
 */
export type ExternalModules = (module: string) => ModuleSurface | undefined;

/** What a name binds to in one module. */
export type Binding =
  | { readonly kind: 'class'; readonly def: ClassDef }
  | { readonly kind: 'alias'; readonly def: TypeAlias }
  | { readonly kind: 'typevar'; readonly def: TypeVarDecl }
  | { readonly kind: 'function'; readonly def: FunctionGroup }
  | { readonly kind: 'constant'; readonly def: Constant }
  | { readonly kind: 'import'; readonly def: ImportDecl };

/** What a name resolves to after following imports and re-exports. */
export type Resolution =
  /** A class; `module` is where it is defined, `external` when that is outside the package. */
  | { readonly kind: 'class'; readonly module: string; readonly def: ClassDef; readonly external: boolean }
  | { readonly kind: 'alias'; readonly module: string; readonly def: TypeAlias; readonly external: boolean }
  | { readonly kind: 'typevar'; readonly module: string; readonly def: TypeVarDecl }
  | {
      readonly kind: 'function';
      readonly module: string;
      readonly def: FunctionGroup;
      readonly external: boolean;
    }
  | { readonly kind: 'constant'; readonly module: string; readonly def: Constant; readonly external: boolean }
  /** A construct of `typing`, `typing_extensions`, `collections.abc`, `builtins`…, by its bare name. */
  | { readonly kind: 'special'; readonly name: string; readonly qualified: string }
  | { readonly kind: 'module'; readonly module: string }
  | { readonly kind: 'unresolved'; readonly name: string; readonly detail: string };

/**
 * Modules whose names the type mapper knows by heart (the lowering table of DESIGN.md §3). Their
 * prefixes are stripped: `typing.List`, `collections.abc.Sequence` and `List` mean the same.
 */
const SPECIAL_MODULES = new Set([
  'typing',
  'typing_extensions',
  'collections.abc',
  'builtins',
  '_typeshed',
  'collections',
  'types',
]);

/** Builtin names a stub may use without importing them, beyond those in SPECIAL_NAMES. */
export const SPECIAL_NAMES = new Set([
  // builtins
  'int',
  'float',
  'bool',
  'bytes',
  'str',
  'object',
  'list',
  'set',
  'frozenset',
  'dict',
  'tuple',
  'type',
  'None',
  'NoneType',
  // typing / typing_extensions / collections.abc / collections / _typeshed
  'Any',
  'List',
  'Set',
  'FrozenSet',
  'AbstractSet',
  'MutableSet',
  'Dict',
  'DefaultDict',
  'defaultdict',
  'OrderedDict',
  'Mapping',
  'MutableMapping',
  'Sequence',
  'MutableSequence',
  'Collection',
  'Iterable',
  'Iterator',
  'Generator',
  'Reversible',
  'deque',
  'Deque',
  'Tuple',
  'Optional',
  'Union',
  'Callable',
  'Awaitable',
  'Coroutine',
  'AsyncIterator',
  'AsyncIterable',
  'AsyncGenerator',
  'Literal',
  'LiteralString',
  'Final',
  'ClassVar',
  'Annotated',
  'Required',
  'NotRequired',
  'ReadOnly',
  'Self',
  'NoReturn',
  'Never',
  'Type',
  'TypeGuard',
  'TypeIs',
  'Concatenate',
  'Unpack',
  'Text',
  'Incomplete',
  'MaybeNone',
  'Protocol',
  'TypedDict',
  'NamedTuple',
  'Generic',
]);

const MAX_HOPS = 64;

function isPackageFile(file: string): boolean {
  return /(^|\/)__init__\.pyi?$/.test(file);
}

/** The absolute module an import refers to, from `mod` (relative imports start with dots). */
export function absoluteModule(mod: ModuleSurface, spec: string): string {
  const dots = /^\.*/.exec(spec)?.[0].length ?? 0;
  if (dots === 0) return spec;
  const parts = mod.name.split('.');
  // A package's own name is its base for `.x`; a plain module's base is its parent package.
  const keep = parts.length - ((mod.isPackage ?? isPackageFile(mod.file)) ? 0 : 1) - (dots - 1);
  const base = parts.slice(0, Math.max(0, keep)).join('.');
  const rest = spec.slice(dots);
  return base && rest ? `${base}.${rest}` : base || rest;
}

/** Bindings of one module, built once: definitions win over imports of the same name. */
function bindingsOf(mod: ModuleSurface): Map<string, Binding> {
  const m = new Map<string, Binding>();
  for (const d of mod.imports) {
    if (d.name === '*') continue;
    const bound = d.asName ?? (d.name === undefined ? d.module.split('.')[0] : d.name);
    if (bound) m.set(bound, { kind: 'import', def: d });
  }
  for (const def of mod.constants) m.set(def.name, { kind: 'constant', def });
  for (const def of mod.aliases) m.set(def.name, { kind: 'alias', def });
  for (const def of mod.typeVars) m.set(def.name, { kind: 'typevar', def });
  for (const def of mod.functions) m.set(def.name, { kind: 'function', def });
  for (const def of mod.classes) m.set(def.name, { kind: 'class', def });
  return m;
}

/**
 * The (module, name) pairs one resolution has passed through, flat: `[module, name, module, name…]`.
 * A resolution visits a few pairs (at most MAX_HOPS deep), so a scan beats building a key string
 * per step for a Set; this is the hottest lookup of wrapping.
 */
type Visited = string[];

function visited(seen: Visited, module: string, name: string): boolean {
  for (let i = 0; i < seen.length; i += 2) if (seen[i] === module && seen[i + 1] === name) return true;
  return false;
}

// A module's bindings depend on nothing but the (immutable) surface, so every scope shares them.
const BINDINGS = new WeakMap<ModuleSurface, Map<string, Binding>>();

/**
 * Resolves names across the modules of one package (any module, any order, re-exports and star
 * imports followed), then across external modules when given, then against the builtins.
 */
export class PackageScope {
  readonly surface: PackageSurface;
  private readonly externals: ExternalModules | undefined;
  /** Resolutions of dotted names, per module: lowering asks for the same names over and over. */
  private readonly resolved = new WeakMap<ModuleSurface, Map<string, Resolution>>();

  constructor(surface: PackageSurface, externals?: ExternalModules) {
    this.surface = surface;
    this.externals = externals;
  }

  /** Module lookups, memoised: star imports and re-exports ask for the same modules over and over. */
  private readonly modules = new Map<string, { mod: ModuleSurface; external: boolean } | undefined>();

  /** The module named `name`, from the package first, then the externals. */
  module(name: string): { mod: ModuleSurface; external: boolean } | undefined {
    if (this.modules.has(name)) return this.modules.get(name);
    const own = this.surface.modules.get(name);
    const ext = own ? undefined : this.externals?.(name);
    const found = own ? { mod: own, external: false } : ext ? { mod: ext, external: true } : undefined;
    this.modules.set(name, found);
    return found;
  }

  /** Every name `mod` binds, definitions and imports (not star imports). */
  bindings(mod: ModuleSurface): Map<string, Binding> {
    let b = BINDINGS.get(mod);
    if (!b) {
      b = bindingsOf(mod);
      BINDINGS.set(mod, b);
    }
    return b;
  }

  /** Resolves a dotted name as written in `mod` (memoised: surfaces are immutable). */
  resolve(mod: ModuleSurface, dotted: string): Resolution {
    let memo = this.resolved.get(mod);
    if (!memo) {
      memo = new Map();
      this.resolved.set(mod, memo);
    }
    const hit = memo.get(dotted);
    if (hit) return hit;
    let r: Resolution;
    const b = SPECIAL_MODULES.has(mod.name) ? undefined : this.bindings(mod).get(dotted);
    if (b !== undefined && b.kind !== 'import') {
      // A plain name the module defines itself: what resolveIn would find first, without its
      // cycle-guard bookkeeping (a definition follows no import).
      r = this.fromBinding(mod, dotted, b, 0, false, []);
    } else {
      const parts = dotted.split('.');
      r = this.resolveIn(mod, parts[0] ?? '', 0, false, []);
      for (let i = 1; i < parts.length; i++) r = this.member(r, parts[i] ?? '', dotted);
    }
    memo.set(dotted, r);
    return r;
  }

  private member(r: Resolution, name: string, dotted: string): Resolution {
    if (r.kind === 'module') return this.exported(r.module, name, 0, []);
    if (r.kind === 'class') {
      const nested = r.def.classes.find((c) => c.name === name);
      if (nested) return { kind: 'class', module: r.module, def: nested, external: r.external };
    }
    if (r.kind === 'unresolved') return r;
    return { kind: 'unresolved', name: dotted, detail: `${dotted}: no member ${name} found` };
  }

  /** `name` as seen from outside module `modName` (`from modName import name`). */
  exported(modName: string, name: string, hops: number, seen: Visited): Resolution {
    const sub = `${modName}.${name}`;
    // The table wins over the stubs of `typing` itself, where `List = _Alias()` says nothing useful.
    if (SPECIAL_MODULES.has(modName) && SPECIAL_NAMES.has(name)) return special(name, sub);
    const found = this.module(modName);
    if (found) {
      const r = this.resolveIn(found.mod, name, hops + 1, found.external, seen);
      if (r.kind !== 'unresolved') return r;
      if (this.module(sub) || SPECIAL_MODULES.has(sub)) return { kind: 'module', module: sub };
      return r;
    }
    if (this.module(sub) || SPECIAL_MODULES.has(sub)) return { kind: 'module', module: sub };
    return {
      kind: 'unresolved',
      name: sub,
      detail: `${sub} is defined outside the package (module ${modName} is not available)`,
    };
  }

  private resolveIn(
    mod: ModuleSurface,
    name: string,
    hops: number,
    external: boolean,
    seen: Visited,
  ): Resolution {
    if (hops > MAX_HOPS || visited(seen, mod.name, name)) {
      return { kind: 'unresolved', name, detail: `${name}: import cycle through ${mod.name}` };
    }
    seen.push(mod.name, name);
    // Inside `typing`, `builtins`… themselves (`Callable: _SpecialForm`, `class int`), the table wins.
    if (SPECIAL_MODULES.has(mod.name) && SPECIAL_NAMES.has(name)) return special(name, `${mod.name}.${name}`);
    const b = this.bindings(mod).get(name);
    if (b) return this.fromBinding(mod, name, b, hops, external, seen);
    for (const d of mod.imports) {
      if (d.name !== '*') continue;
      const target = absoluteModule(mod, d.module);
      const found = this.module(target);
      if (!found) continue;
      const r = this.resolveIn(found.mod, name, hops + 1, found.external, seen);
      if (r.kind !== 'unresolved') return r;
    }
    // A package's submodule is an attribute of it (`__all__ = ["mime"]` in `email/__init__.pyi`).
    if ((mod.isPackage ?? isPackageFile(mod.file)) && this.module(`${mod.name}.${name}`)) {
      return { kind: 'module', module: `${mod.name}.${name}` };
    }
    if (SPECIAL_NAMES.has(name)) return special(name, `builtins.${name}`);
    // `typing.List` and friends are understood even when the stub forgot `import typing`.
    if (SPECIAL_MODULES.has(name)) return { kind: 'module', module: name };
    const builtins = this.externals?.('builtins');
    if (builtins && mod !== builtins) {
      const r = this.resolveIn(builtins, name, hops + 1, true, seen);
      if (r.kind !== 'unresolved') return r;
    }
    return { kind: 'unresolved', name, detail: `${name} is not defined in ${mod.name} or imported into it` };
  }

  private fromBinding(
    mod: ModuleSurface,
    name: string,
    b: Binding,
    hops: number,
    external: boolean,
    seen: Visited,
  ): Resolution {
    switch (b.kind) {
      case 'class':
        return { kind: 'class', module: mod.name, def: b.def, external };
      case 'alias':
        return { kind: 'alias', module: mod.name, def: b.def, external };
      case 'typevar':
        return { kind: 'typevar', module: mod.name, def: b.def };
      case 'function':
        return { kind: 'function', module: mod.name, def: b.def, external };
      case 'constant':
        return { kind: 'constant', module: mod.name, def: b.def, external };
      case 'import': {
        const target = absoluteModule(mod, b.def.module);
        if (b.def.name === undefined) {
          // `import a.b` binds `a`; `import a.b as c` binds c to a.b.
          return {
            kind: 'module',
            module: b.def.asName === undefined ? (target.split('.')[0] ?? target) : target,
          };
        }
        const r = this.exported(target, b.def.name, hops, seen);
        return r.kind === 'unresolved' && r.name === `${target}.${b.def.name}` ? { ...r, name } : r;
      }
    }
  }
}

function special(name: string, qualified: string): Resolution {
  return { kind: 'special', name, qualified };
}
