import { describe, expect, it } from 'vitest';
import type { TypeExpr } from '../../../src/python/stubs/types.js';
import { lowerType, PackageScope, render, type SkipReason } from '../../../src/python/typemap/index.js';
import {
  alias,
  cls,
  ellipsis,
  imp,
  lit,
  lst,
  mod,
  n,
  none,
  pkg,
  sub,
  typeVar,
  u,
} from '../support/surface.js';

// One module that imports the usual typing names, defines a class, an alias and TypeVars.
const m = mod('m', {
  file: 'm/__init__.pyi',
  imports: [
    imp('typing', 'Any'),
    imp('collections.abc', 'Mapping'),
    imp('typing'),
    imp('typing_extensions', 'TypedDict'),
  ],
  classes: [cls('Pair')],
  typeVars: [typeVar('T'), typeVar('P', 'ParamSpec'), typeVar('Ts', 'TypeVarTuple')],
  aliases: [alias('Json', u(n('str'), n('int'), none)), alias('Pairs', sub('list', n('T')))],
});
const scope = new PackageScope(pkg(m));

function lower(e: TypeExpr) {
  return lowerType(e, { scope, module: m });
}
function ok(e: TypeExpr): string {
  const r = lower(e);
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return render(r.type);
}
function refused(e: TypeExpr): SkipReason {
  const r = lower(e);
  if (r.ok) throw new Error(`lowered to ${render(r.type)}`);
  return r.reason;
}

describe('lowering table (DESIGN.md §3)', () => {
  const table: [string, TypeExpr, string][] = [
    ['int', n('int'), 'int'],
    ['float', n('float'), 'float'],
    ['bool', n('bool'), 'bool'],
    ['bytes', n('bytes'), 'bytes'],
    ['str', n('str'), 'string'],
    ['None', none, 'None'],
    ['builtins. prefix', n('builtins.str'), 'string'],
    ['typing. prefix', sub('typing.List', n('int')), 'list<int>'],
    ['typing_extensions import', sub('typing_extensions.Sequence', n('int')), 'list<int>'],
    ['list[T]', sub('list', n('int')), 'list<int>'],
    ['Sequence', sub('typing.Sequence', n('str')), 'list<string>'],
    ['Iterable', sub('typing.Iterable', n('str')), 'list<string>'],
    ['Iterator', sub('typing.Iterator', n('str')), 'list<string>'],
    ['tuple[T, ...]', sub('tuple', n('int'), ellipsis), 'list<int>'],
    ['tuple[A, B]', sub('tuple', n('int'), n('str')), 'tuple<int, string>'],
    ['set', sub('set', n('int')), 'set<int>'],
    ['frozenset', sub('frozenset', n('str')), 'set<string>'],
    ['dict', sub('dict', n('str'), n('int')), 'map<string, int>'],
    ['typing.Dict', sub('typing.Dict', n('int'), n('str')), 'map<int, string>'],
    ['Mapping (imported)', sub('Mapping', n('str'), n('float')), 'map<string, float>'],
    ['MutableMapping', sub('typing.MutableMapping', n('str'), n('int')), 'map<string, int>'],
    ['Optional', sub('typing.Optional', n('int')), 'int?'],
    ['X | None', u(n('int'), none), 'int?'],
    ['Union', sub('typing.Union', n('int'), n('str')), 'int | string'],
    ['Union with None', sub('typing.Union', n('int'), n('str'), none), '(int | string)?'],
    ['one-branch Union', sub('typing.Union', n('int')), 'int'],
    ['Callable', sub('typing.Callable', lst(n('int'), n('str')), n('bool')), 'fun(int, string): bool'],
    ['Awaitable', sub('typing.Awaitable', n('str')), 'async string'],
    ['Coroutine', sub('typing.Coroutine', n('typing.Any'), n('typing.Any'), n('int')), 'async int'],
    ['AsyncIterator', sub('typing.AsyncIterator', n('bytes')), 'stream<bytes>'],
    ['AsyncIterable', sub('typing.AsyncIterable', n('str')), 'stream<string>'],
    ['Literal str', sub('typing.Literal', lit('str', "'a'"), lit('str', "'b'")), 'string'],
    ['Literal int', sub('typing.Literal', lit('int', '1')), 'int'],
    ['Literal mixed', sub('typing.Literal', lit('int', '1'), lit('str', "'a'")), 'int | string'],
    ['Final', sub('typing.Final', n('int')), 'int'],
    ['ClassVar', sub('typing.ClassVar', n('str')), 'string'],
    ['Annotated', sub('typing.Annotated', n('int'), lit('str', "'meta'")), 'int'],
    ['Required', sub('typing.Required', n('int')), 'int'],
    ['NotRequired', sub('typing.NotRequired', n('int')), 'int'],
    ['TypeVar', n('T'), 'T'],
    ['known class', n('Pair'), 'm.Pair'],
    ['alias', n('Json'), '(string | int)?'],
    ['generic alias', sub('Pairs', n('str')), 'list<string>'],
    ['forward reference', { kind: 'forward', text: 'Pair', parsed: n('Pair') }, 'm.Pair'],
    ['X | MaybeNone (typeshed)', u(n('str'), n('_typeshed.MaybeNone')), 'string?'],
    ['tuple[()]', sub('tuple'), 'tuple<>'],
    ['Any', n('Any'), 'any'],
    ['object', n('object'), 'any'],
    ['_typeshed.Incomplete', n('_typeshed.Incomplete'), 'any'],
    ['bare list', n('list'), 'list<any>'],
    ['bare dict', n('dict'), 'map<any, any>'],
    ['dict[Any, int]', sub('dict', n('Any'), n('int')), 'map<any, int>'],
    ['int | Any', u(n('int'), n('Any')), 'any'],
    ['Optional[Any]', sub('typing.Optional', n('Any')), 'any'],
    ['Union[str, Incomplete]', sub('typing.Union', n('str'), n('_typeshed.Incomplete')), 'any'],
    ['list[int | Any]', sub('list', u(n('int'), n('Any'))), 'list<any>'],
    ['type[C]', sub('type', n('Pair')), 'any'],
    ['Callable[..., R]', sub('typing.Callable', ellipsis, n('int')), 'any'],
  ];
  it.each(table)('%s', (_, e, text) => {
    expect(ok(e)).toBe(text);
  });
});

describe('refusals', () => {
  const table: [string, TypeExpr, SkipReason][] = [
    ['dict[bytes, int]', sub('dict', n('bytes'), n('int')), 'unsupported-key-type'],
    ['dict[Pair, int]', sub('dict', n('Pair'), n('int')), 'unsupported-key-type'],
    ['ParamSpec', sub('typing.Callable', n('P'), n('int')), 'paramspec'],
    [
      'Concatenate',
      sub('typing.Callable', sub('typing.Concatenate', n('int'), n('P')), n('int')),
      'paramspec',
    ],
    ['TypeVarTuple', n('Ts'), 'typevartuple'],
    ['Unpack', sub('tuple', sub('typing.Unpack', n('Ts'))), 'typevartuple'],
    ['unknown name', n('Nowhere'), 'unresolved-name'],
    ['external module', n('datetime.datetime'), 'unresolved-name'],
    ['other expression', { kind: 'other', text: 'foo()' }, 'unsupported-construct'],
    ['TypedDict used as a type', n('TypedDict'), 'unsupported-construct'],
  ];
  it.each(table)('%s', (_, e, reason) => {
    expect(refused(e)).toBe(reason);
  });

  it('refuses 10,000-deep nesting as complex without overflowing the stack', () => {
    let e: TypeExpr = n('int');
    for (let i = 0; i < 10_000; i++) e = sub('list', e);
    expect(refused(e)).toBe('complex');
  });

  it('refuses a self-referential alias as complex', () => {
    const r = mod('r', { aliases: [alias('A', sub('list', n('B'))), alias('B', u(n('int'), n('A')))] });
    const res = lowerType(n('A'), { scope: new PackageScope(pkg(r)), module: r });
    expect(res.ok === false && res.reason).toBe('complex');
  });
});

describe('names inside the special modules themselves', () => {
  it('reads `int` in builtins and `Callable` in typing by the table, not as local definitions', () => {
    const b = mod('builtins', { classes: [cls('int')], constants: [] });
    const t = mod('typing', {
      constants: [{ name: 'Callable', final: false, pos: { file: 't', line: 1, column: 1 } }],
    });
    const sb = new PackageScope(pkg(b));
    const st = new PackageScope(pkg(t));
    const rb = lowerType(n('int'), { scope: sb, module: b });
    const rt = lowerType(sub('Callable', lst(n('int')), n('int')), { scope: st, module: t });
    expect(rb.ok && render(rb.type)).toBe('int');
    expect(rt.ok && render(rt.type)).toBe('fun(int): int');
  });
});

describe('names across the package', () => {
  // pkg/__init__.pyi re-exports from a submodule; the submodule uses a name defined after it in
  // another module (forward, any order), and a star import.
  const init = mod('pkg', {
    file: 'pkg/__init__.pyi',
    imports: [imp('._models', 'Model', 'Model'), imp('.sub', '*')],
  });
  const models = mod('pkg._models', {
    imports: [imp('._types', 'Headers'), imp('typing')],
    classes: [cls('Model')],
    aliases: [alias('H', n('Headers'))],
  });
  const types = mod('pkg._types', {
    aliases: [alias('Headers', sub('typing.Mapping', n('str'), n('str')))],
    imports: [imp('typing')],
  });
  const subm = mod('pkg.sub', {
    file: 'pkg/sub/__init__.pyi',
    classes: [cls('Widget')],
    imports: [imp('.._models', 'Model')],
  });
  const scope = new PackageScope(pkg(init, models, types, subm));

  it('resolves a re-exported class from the package root', () => {
    const r = lowerType(n('Model'), { scope, module: init });
    expect(r.ok && render(r.type)).toBe('pkg._models.Model');
  });
  it('resolves an alias imported from a sibling module', () => {
    const r = lowerType(n('H'), { scope, module: models });
    expect(r.ok && render(r.type)).toBe('map<string, string>');
  });
  it('resolves through a star import', () => {
    const r = lowerType(n('Widget'), { scope, module: init });
    expect(r.ok && render(r.type)).toBe('pkg.sub.Widget');
  });
  it('resolves a parent-relative import (..)', () => {
    const r = lowerType(n('Model'), { scope, module: subm });
    expect(r.ok && render(r.type)).toBe('pkg._models.Model');
  });
  it('uses the class namer it is given', () => {
    const r = lowerType(sub('list', n('Model')), { scope, module: init, className: (_, d) => `X${d.name}` });
    expect(r.ok && render(r.type)).toBe('list<XModel>');
  });
});
