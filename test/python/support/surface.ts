// Hand-built stub surfaces for type-mapping and wrapper tests (independent of the .pyi parser).
import type {
  ClassDef,
  ClassField,
  Constant,
  Decorator,
  FunctionDef,
  FunctionGroup,
  ImportDecl,
  ModuleSurface,
  PackageSurface,
  Param,
  TypeAlias,
  TypeExpr,
  TypeVarDecl,
} from '../../../src/python/stubs/types.js';

const pos = { file: 'fixture.pyi', line: 1, column: 1 };

/** A name type expression: `n('int')`, `n('typing.List')`. */
export const n = (name: string): TypeExpr => ({ kind: 'name', name });
/** `base[args]`. */
export const sub = (base: string | TypeExpr, ...args: TypeExpr[]): TypeExpr => ({
  kind: 'subscript',
  base: typeof base === 'string' ? n(base) : base,
  args,
});
/** `A | B | …`. */
export const u = (...members: TypeExpr[]): TypeExpr => ({ kind: 'union', members });
export const none: TypeExpr = { kind: 'none' };
export const ellipsis: TypeExpr = { kind: 'ellipsis' };
/** `[A, B]` (a Callable parameter list). */
export const lst = (...elems: TypeExpr[]): TypeExpr => ({ kind: 'list', elems });
/** A literal inside Literal[...]. */
export const lit = (type: 'int' | 'str' | 'bytes' | 'bool' | 'float', value: string): TypeExpr => ({
  kind: 'literal',
  type,
  value,
});

/** A parameter `name: annotation`, positional-or-keyword unless said otherwise. */
export function p(name: string, annotation?: TypeExpr, extra: Partial<Param> = {}): Param {
  return {
    name,
    kind: 'positional-or-keyword',
    hasDefault: false,
    ...(annotation ? { annotation } : {}),
    ...extra,
  };
}

export function deco(name: string, keywords: Record<string, string> = {}): Decorator {
  return { name, keywords };
}

export function def(
  name: string,
  params: Param[],
  returns?: TypeExpr,
  opts: { async?: boolean; decorators?: Decorator[] } = {},
): FunctionDef {
  return {
    name,
    async: opts.async ?? false,
    params,
    ...(returns ? { returns } : {}),
    decorators: opts.decorators ?? [],
    pos,
  };
}

export function group(...defs: FunctionDef[]): FunctionGroup {
  return { name: defs[0]?.name ?? '', defs };
}

export function field(name: string, annotation?: TypeExpr, extra: Partial<ClassField> = {}): ClassField {
  return {
    name,
    hasDefault: false,
    classVar: false,
    final: false,
    pos,
    ...(annotation ? { annotation } : {}),
    ...extra,
  };
}

export function cls(name: string, body: Partial<ClassDef> = {}): ClassDef {
  return {
    name,
    bases: [],
    keywords: {},
    decorators: [],
    fields: [],
    methods: [],
    classes: [],
    pos,
    ...body,
  };
}

export function constant(name: string, annotation?: TypeExpr, final = false): Constant {
  return { name, final, pos, ...(annotation ? { annotation } : {}) };
}

export function typeVar(name: string, kind: TypeVarDecl['kind'] = 'TypeVar'): TypeVarDecl {
  return { name, kind, constraints: [], pos };
}

export function alias(name: string, value: TypeExpr, form: TypeAlias['form'] = 'explicit'): TypeAlias {
  return { name, value, form, pos };
}

export function imp(module: string, name?: string, asName?: string): ImportDecl {
  return {
    module,
    pos,
    ...(name !== undefined ? { name } : {}),
    ...(asName !== undefined ? { asName } : {}),
  };
}

/** A module surface; `file` defaults to `<last part>.pyi` (use `__init__.pyi` for packages). */
export function mod(name: string, body: Partial<ModuleSurface> = {}): ModuleSurface {
  return {
    name,
    file: `${name.split('.').join('/')}.pyi`,
    functions: [],
    classes: [],
    constants: [],
    typeVars: [],
    aliases: [],
    imports: [],
    ...body,
  };
}

/** A package surface from modules; the first module names the package. */
export function pkg(...modules: ModuleSurface[]): PackageSurface {
  return { name: modules[0]?.name ?? '', modules: new Map(modules.map((m) => [m.name, m])) };
}
