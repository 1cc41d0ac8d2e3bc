// Class members and named parameters through the real parser: what the wrapper and the shim hold.
import { describe, expect, it } from 'vitest';
import { build } from '../../../src/python/build/index.js';
import { extractCapabilities } from '../../../src/python/lockfile/capabilities.js';
import { render } from '../../../src/python/typemap/index.js';

async function wrap(source: string, extra: Record<string, string> = {}, others: Record<string, string> = {}) {
  const module = 'm';
  const files = new Map([
    [Object.keys(extra).length ? '__init__.pyi' : `${module}.pyi`, source],
    ...Object.entries(extra),
  ]);
  // Other single-module targets of the same build (names resolve into them, as into the stdlib).
  const more = Object.entries(others).map(([name, text]) => ({
    spec: name,
    alias: name,
    stubs: { module: name, files: new Map([[`${name}.pyi`, text]]) },
  }));
  const res = await build({ targets: [{ spec: module, alias: module, stubs: { module, files } }, ...more] });
  const t = res.targets[0]!;
  return {
    shim: t.shim,
    skips: t.skipped.map((s) => `${s.itemPath} ${s.reason}: ${s.detail}`),
    members: (cls: string) =>
      (t.wrapper.items.find((i) => i.sourceName === cls)?.members ?? []).map(
        (m) =>
          `${m.kind} ${m.name}: ${render(m.type)}${m.settable ? ' settable' : ''}${m.inheritedFrom ? ` from ${m.inheritedFrom}` : ''}`,
      ),
    caps: extractCapabilities(t.wrapper),
  };
}

describe('class members', () => {
  it('carries the constructor, methods, class and static methods, properties and attributes', async () => {
    const w = await wrap(
      [
        'from typing import Any, ClassVar, Final',
        'class Response:',
        '    status_code: int',
        '    url: Final[str]',
        '    DEFAULT: ClassVar[int]',
        '    _private: int',
        '    def __init__(self, url: str, *, timeout: float | None = None) -> None: ...',
        '    def json(self, **kwargs: Any) -> Any: ...',
        '    @property',
        '    def text(self) -> str: ...',
        '    @property',
        '    def encoding(self) -> str | None: ...',
        '    @encoding.setter',
        '    def encoding(self, value: str | None) -> None: ...',
        '    @classmethod',
        '    def parse(cls, raw: bytes) -> Response: ...',
        '    @staticmethod',
        '    def codes() -> list[int]: ...',
        '    async def aclose(self) -> None: ...',
        '    def __len__(self) -> int: ...',
        '',
      ].join('\n'),
    );
    expect(w.members('Response')).toEqual([
      'constructor init: fun(url: string, *, timeout?: float?): Response',
      'classvar DEFAULT: int settable',
      'property encoding: string? settable',
      'attribute status_code: int settable',
      'property text: string',
      'attribute url: string',
      'staticmethod codes: fun(): list<int>',
      'classmethod parse: fun(raw: bytes): Response',
      'method aclose: fun(): async None',
      'method json: fun(**kwargs: any): any',
    ]);
    expect(w.shim).toBe(
      [
        'extern python type Response {',
        '  init(url: string, *, timeout?: float?)',
        '  static DEFAULT: int',
        '  encoding: string?',
        '  status_code: int',
        '  let text: string',
        '  let url: string',
        '  static fun codes(): list<int>',
        '  static fun parse(raw: bytes): Response',
        '  fun aclose(): async None',
        '  fun json(**kwargs: any): any',
        '}',
        '',
      ].join('\n'),
    );
    expect(w.caps).toEqual([
      'any',
      'async',
      'callable',
      'class',
      'defaults',
      'list',
      'named',
      'optional',
      'variadic',
    ]);
  });

  it('inherits members in MRO order across modules; a subclass redefinition wins; Self is the subclass', async () => {
    const w = await wrap(
      'from ._base import Base, Mixin\nclass Child(Mixin, Base):\n    def run(self) -> int: ...\n',
      {
        '_base.pyi': [
          'from typing_extensions import Self',
          'class Root:',
          '    def run(self) -> str: ...',
          '    def copy(self) -> Self: ...',
          '    name: str',
          'class Base(Root):',
          '    def __init__(self, name: str) -> None: ...',
          'class Mixin(Root):',
          '    def name(self) -> bytes: ...',
          '',
        ].join('\n'),
      },
    );
    // C3: Child, Mixin, Base, Root — `name` comes from Mixin (a method), not Root's attribute.
    expect(w.members('Child')).toEqual([
      'constructor init: fun(name: string): Child from m._base.Base',
      'method copy: fun(): Child from m._base.Root',
      'method name: fun(): bytes from m._base.Mixin',
      'method run: fun(): int',
    ]);
  });

  it('gives enum members the enum type, read-only', async () => {
    const w = await wrap(
      'from enum import Enum\nclass Color(Enum):\n    RED = 1\n    GREEN = 2\n',
      {},
      { enum: 'class Enum:\n    @property\n    def value(self) -> int: ...\n' },
    );
    expect(w.members('Color')).toEqual([
      'classvar GREEN: Color',
      'classvar RED: Color',
      'property value: int from enum.Enum',
    ]);
  });

  it('skips only the members a caller cannot use, each with its reason, and keeps the class', async () => {
    const w = await wrap(
      [
        'from typing import Callable, ParamSpec, TypeVar',
        'P = ParamSpec("P")',
        'R = TypeVar("R")',
        'class Pool:',
        '    def submit(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R: ...',
        '    def size(self) -> int: ...',
        '    missing: Nowhere',
        '',
      ].join('\n'),
    );
    expect(w.members('Pool')).toEqual(['method size: fun(): int']);
    expect(w.skips).toEqual([
      'm.Pool.missing unresolved-name: Nowhere is not defined in m or imported into it',
      'm.Pool.submit paramspec: parameter fn: P is a ParamSpec',
    ]);
  });

  it('reads an unannotated assignment in a class body as a class attribute of type any', async () => {
    const w = await wrap('class Config:\n    DEBUG = False\n    level: int = 0\n');
    expect(w.members('Config')).toEqual(['classvar DEBUG: any settable', 'attribute level: int settable']);
  });
});

describe('nested classes', () => {
  it('wraps a public nested class as an item named Outer.Inner, visible by its bare name in the body', async () => {
    const w = await wrap(
      [
        'class Table:',
        '    class Row:',
        '        cells: list[str]',
        '        class Cell:',
        '            value: int',
        '        def first(self) -> Cell: ...',
        '    class _Hidden:',
        '        x: int',
        '    def row(self, i: int) -> Row: ...',
        '    def cell(self) -> Table.Row.Cell: ...',
        'def make() -> Table.Row: ...',
        'class _Private:',
        '    class Inner:',
        '        y: int',
        'def hidden() -> _Private.Inner: ...',
        '',
      ].join('\n'),
    );
    expect(w.members('Table')).toEqual([
      'method cell: fun(): Table.Row.Cell',
      'method row: fun(i: int): Table.Row',
    ]);
    expect(w.members('Table.Row')).toEqual([
      'attribute cells: list<string> settable',
      'method first: fun(): Table.Row.Cell',
    ]);
    expect(w.members('Table.Row.Cell')).toEqual(['attribute value: int settable']);
    expect(w.shim).toContain(
      'extern python type Table.Row {\n  cells: list<string>\n  fun first(): Table.Row.Cell\n}\n',
    );
    expect(w.shim).toContain('extern python fun make(): Table.Row\n');
    // A class nested in a private class is not an item; it is named by its full Python path.
    expect(w.shim).toContain('extern python fun hidden(): m._Private.Inner\n');
    expect(w.shim).not.toContain('_Hidden');
    expect(w.skips).toEqual(['m._Private private-name: _Private is private']);
  });
});

describe('parameters as Python has them', () => {
  it('keeps positional-only, defaults, keyword-only, *args and **kwargs; an unannotated parameter is any', async () => {
    const w = await wrap(
      'def f(a: int, /, b, c: str = "x", *rest: int, d: bool, e: float = 1.0, **kw: str) -> None: ...\n',
    );
    expect(w.shim).toBe(
      'extern python fun f(a: int, /, b: any, c?: string, *rest: int, d: bool, e?: float, **kw: string): None\n',
    );
  });

  it('marks keyword-only parameters with a bare * when there is no *args', async () => {
    const w = await wrap('def g(x: int, *, y: int = 0) -> int: ...\n');
    expect(w.shim).toBe('extern python fun g(x: int, *, y?: int): int\n');
  });

  it('reads **kwargs: Unpack[TD] as the TypedDict of the keywords', async () => {
    const w = await wrap(
      'from typing import TypedDict, Unpack\nclass Opts(TypedDict):\n    retries: int\ndef h(**kw: Unpack[Opts]) -> None: ...\n',
    );
    expect(w.shim).toContain('extern python fun h(**kw: Opts): None\n');
  });
});
