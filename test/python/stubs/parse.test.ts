import { describe, expect, it } from 'vitest';
import type { ModuleSurface, TypeExpr } from '../../../src/python/stubs/index.js';
import { refusal, useParser } from './support.js';

const parser = useParser();

function parse(src: string, target?: { version: [number, number]; platform: string }): ModuleSurface {
  return parser().parseModule(src, { module: 'm', ...(target === undefined ? {} : { target }) });
}

const name = (n: string): TypeExpr => ({ kind: 'name', name: n });

describe('typing constructs imported under another name', () => {
  it('reads TypeVar, ParamSpec and NewType called through an alias of the name or of the module', () => {
    const s = parse(
      [
        'import typing_extensions as te',
        'from typing import NewType as _NewType, ParamSpec as _PS, TypeVar as _TypeVar',
        '_T = _TypeVar("_T", bound=int)',
        '_P = _PS("_P")',
        'U = te.TypeVar("U", str, bytes)',
        'UserId = _NewType("UserId", int)',
        'V = Other("V")',
        '',
      ].join('\n'),
    );
    expect(s.typeVars.map((t) => [t.name, t.kind, t.bound, t.constraints])).toEqual([
      ['_T', 'TypeVar', name('int'), []],
      ['_P', 'ParamSpec', undefined, []],
      ['U', 'TypeVar', undefined, [name('str'), name('bytes')]],
    ]);
    expect(s.aliases.map((a) => [a.name, a.form, a.value])).toEqual([['UserId', 'newtype', name('int')]]);
    expect(s.constants.map((c) => c.name)).toEqual(['V']);
  });
});

describe('functions', () => {
  it('reads parameters: positional-only, defaults, *args, keyword-only, **kwargs', () => {
    const s = parse(
      'def f(a: int, /, b: str = ..., *args: int, c, d: bytes = b"", **kw: float) -> bool: ...\n',
    );
    const f = s.functions[0]!.defs[0]!;
    expect(f.params.map((p) => [p.name, p.kind, p.hasDefault])).toEqual([
      ['a', 'positional-only', false],
      ['b', 'positional-or-keyword', true],
      ['args', 'var-positional', false],
      ['c', 'keyword-only', false],
      ['d', 'keyword-only', true],
      ['kw', 'var-keyword', false],
    ]);
    expect(f.params.map((p) => p.annotation)).toEqual([
      name('int'),
      name('str'),
      name('int'),
      undefined,
      name('bytes'),
      name('float'),
    ]);
    expect(f.returns).toEqual(name('bool'));
    expect(f.async).toBe(false);
  });

  it('treats a bare * as the start of keyword-only parameters', () => {
    const f = parse('def g(a, *, b: int) -> None: ...\n').functions[0]!.defs[0]!;
    expect(f.params.map((p) => p.kind)).toEqual(['positional-or-keyword', 'keyword-only']);
    expect(f.returns).toEqual({ kind: 'none' });
  });

  it('groups @overload definitions under one name and keeps the async flag per definition', () => {
    const s = parse(
      'from typing import overload\n@overload\ndef f(x: int) -> int: ...\n@overload\nasync def f(x: str) -> str: ...\ndef g() -> None: ...\n',
    );
    expect(s.functions.map((g) => [g.name, g.defs.map((d) => d.async)])).toEqual([
      ['f', [false, true]],
      ['g', [false]],
    ]);
    expect(s.functions[0]!.defs[0]!.decorators).toEqual([{ name: 'overload', keywords: {} }]);
  });

  it('records the source position of each definition', () => {
    const s = parser().parseModule('\n\nasync def fetch(url: str) -> str: ...\n', {
      module: 'm',
      file: 'm.pyi',
    });
    expect(s.functions[0]!.defs[0]!.pos).toEqual({ file: 'm.pyi', line: 3, column: 1 });
    expect(s.functions[0]!.defs[0]!.async).toBe(true);
  });
});

describe('annotations', () => {
  const ann = (a: string): TypeExpr => parse(`x: ${a}\n`).constants[0]!.annotation!;

  it.each<[string, TypeExpr]>([
    ['int', name('int')],
    ['typing.List[int]', { kind: 'subscript', base: name('typing.List'), args: [name('int')] }],
    ['dict[str, int]', { kind: 'subscript', base: name('dict'), args: [name('str'), name('int')] }],
    ['int | None', { kind: 'union', members: [name('int'), { kind: 'none' }] }],
    ['int | str | None', { kind: 'union', members: [name('int'), name('str'), { kind: 'none' }] }],
    [
      'tuple[int, ...]',
      { kind: 'subscript', base: name('tuple'), args: [name('int'), { kind: 'ellipsis' }] },
    ],
    ['tuple[()]', { kind: 'subscript', base: name('tuple'), args: [] }],
    [
      'Callable[[int, str], bool]',
      {
        kind: 'subscript',
        base: name('Callable'),
        args: [{ kind: 'list', elems: [name('int'), name('str')] }, name('bool')],
      },
    ],
    [
      'Literal["a", b"b", 1, -2, True]',
      {
        kind: 'subscript',
        base: name('Literal'),
        args: [
          { kind: 'literal', type: 'str', value: '"a"' },
          { kind: 'literal', type: 'bytes', value: 'b"b"' },
          { kind: 'literal', type: 'int', value: '1' },
          { kind: 'literal', type: 'int', value: '-2' },
          { kind: 'literal', type: 'bool', value: 'True' },
        ],
      },
    ],
    ['"Foo"', { kind: 'forward', text: 'Foo', parsed: name('Foo') }],
    [
      '"list[Foo] | None"',
      {
        kind: 'forward',
        text: 'list[Foo] | None',
        parsed: {
          kind: 'union',
          members: [{ kind: 'subscript', base: name('list'), args: [name('Foo')] }, { kind: 'none' }],
        },
      },
    ],
    ['"not valid ("', { kind: 'forward', text: 'not valid (' }],
    [
      'Annotated[int, "meta"]',
      { kind: 'subscript', base: name('Annotated'), args: [name('int'), { kind: 'other', text: '"meta"' }] },
    ],
    ['foo()', { kind: 'other', text: 'foo()' }],
  ])('%s', (src, expected) => {
    expect(ann(src)).toEqual(expected);
  });
});

describe('classes', () => {
  it('reads bases, keywords, decorators, fields, methods and nested classes', () => {
    const s = parse(`
@dataclass(frozen=True)
@final
class Pair(Base[int], Protocol, metaclass=ABCMeta):
    x: int
    y: ClassVar[int] = 3
    z: Final = 1.5
    RED = 1
    def m(self) -> Pair: ...
    @property
    def p(self) -> int: ...
    @p.setter
    def p(self, v: int) -> None: ...
    class Inner: ...
`);
    const c = s.classes[0]!;
    expect(c.name).toBe('Pair');
    expect(c.bases).toEqual([
      { kind: 'subscript', base: name('Base'), args: [name('int')] },
      name('Protocol'),
    ]);
    expect(c.keywords).toEqual({ metaclass: 'ABCMeta' });
    expect(c.decorators).toEqual([
      { name: 'dataclass', keywords: { frozen: 'True' } },
      { name: 'final', keywords: {} },
    ]);
    expect(c.fields.map((f) => [f.name, f.annotation, f.hasDefault, f.classVar, f.final])).toEqual([
      ['x', name('int'), false, false, false],
      ['y', name('int'), true, true, false],
      ['z', name('float'), true, false, true],
      ['RED', undefined, true, false, false],
    ]);
    expect(c.methods.map((m) => [m.name, m.defs.length])).toEqual([
      ['m', 1],
      ['p', 2],
    ]);
    expect(c.classes.map((k) => k.name)).toEqual(['Inner']);
  });

  it('evaluates version branches inside a class body', () => {
    const s = parse(
      'import sys\nclass C:\n    if sys.version_info >= (3, 11):\n        def new(self) -> None: ...\n    else:\n        def old(self) -> None: ...\n',
    );
    expect(s.classes[0]!.methods.map((m) => m.name)).toEqual(['new']);
  });
});

describe('module-level names', () => {
  it('classifies constants, Final, TypeVars, aliases and NewType', () => {
    const s = parse(`
from typing import Final, TypeAlias, TypeVar, ParamSpec, TypeVarTuple, NewType
K: int
N: Final = 3
M: Final[str]
V = 3
E = ...
T = TypeVar("T", bound="Foo")
S = TypeVar("S", int, str)
P = ParamSpec("P")
Ts = TypeVarTuple("Ts")
X: TypeAlias = "dict[str, int]"
Y = list[int] | None
type Z = dict[str, int]
U = NewType("U", int)
`);
    expect(s.constants.map((c) => [c.name, c.annotation, c.final])).toEqual([
      ['K', name('int'), false],
      ['N', name('int'), true],
      ['M', name('str'), true],
      ['V', name('int'), false],
      ['E', undefined, false],
    ]);
    expect(s.typeVars.map((t) => [t.name, t.kind, t.bound, t.constraints])).toEqual([
      ['T', 'TypeVar', { kind: 'forward', text: 'Foo', parsed: name('Foo') }, []],
      ['S', 'TypeVar', undefined, [name('int'), name('str')]],
      ['P', 'ParamSpec', undefined, []],
      ['Ts', 'TypeVarTuple', undefined, []],
    ]);
    expect(s.aliases.map((a) => [a.name, a.form])).toEqual([
      ['X', 'explicit'],
      ['Y', 'implicit'],
      ['Z', 'statement'],
      ['U', 'newtype'],
    ]);
    expect(s.aliases[3]!.value).toEqual(name('int'));
  });

  it('reads imports and re-exports as written', () => {
    const s = parse(
      'import a.b as c, d.e\nfrom .sub import x as x, y\nfrom .. import z\nfrom m import *\nfrom __future__ import annotations\n',
    );
    expect(s.imports.map(({ pos: _pos, ...rest }) => rest)).toEqual([
      { module: 'a.b', asName: 'c' },
      { module: 'd.e' },
      { module: '.sub', name: 'x', asName: 'x' },
      { module: '.sub', name: 'y' },
      { module: '..', name: 'z' },
      { module: 'm', name: '*' },
    ]);
  });

  it('collects __all__ from literals, +=, extend, append and remove in taken branches', () => {
    const s = parse(`
import sys
__all__ = ["a", "b"] + ["c"]
if sys.version_info >= (3, 12):
    __all__ += ["d"]
else:
    __all__ += ["old"]
__all__.extend(("e",))
__all__.append("f")
__all__.remove("b")
__all__ += ["a"]
`);
    expect(s.all).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('has no __all__ when the module does not declare one', () => {
    expect(parse('x: int\n').all).toBeUndefined();
  });
});

describe('version and platform branches', () => {
  const src = `
import sys
from typing import TYPE_CHECKING
if sys.version_info >= (3, 12):
    def v312() -> None: ...
elif sys.version_info >= (3, 10):
    def v310() -> None: ...
else:
    def vold() -> None: ...
if sys.platform == "win32":
    def win() -> None: ...
elif sys.platform.startswith("linux"):
    def lin() -> None: ...
else:
    def other() -> None: ...
if sys.version_info[0] >= 3 and sys.version_info[:2] < (3, 13) and sys.platform != "darwin":
    def compound() -> None: ...
if TYPE_CHECKING:
    def checking() -> None: ...
if not TYPE_CHECKING:
    def runtime() -> None: ...
if some_flag:
    def unknown_a() -> None: ...
else:
    def unknown_b() -> None: ...
`;
  const names = (t?: { version: [number, number]; platform: string }) =>
    parse(src, t).functions.map((f) => f.name);

  it('defaults to Python 3.12 on linux', () => {
    expect(names()).toEqual(['v312', 'lin', 'compound', 'checking', 'unknown_a', 'unknown_b']);
  });
  it('takes the branches of another target', () => {
    expect(names({ version: [3, 10], platform: 'win32' })).toEqual([
      'v310',
      'win',
      'compound',
      'checking',
      'unknown_a',
      'unknown_b',
    ]);
    expect(names({ version: [3, 8], platform: 'darwin' })).toEqual([
      'vold',
      'other',
      'checking',
      'unknown_a',
      'unknown_b',
    ]);
    expect(names({ version: [3, 13], platform: 'linux' })).toEqual([
      'v312',
      'lin',
      'checking',
      'unknown_a',
      'unknown_b',
    ]);
  });
});

describe('errors', () => {
  it('reports invalid syntax with file, line and column', async () => {
    const e = await refusal(() =>
      parser().parseModule('x: int\ndef f(:\n', { module: 'm', file: 'bad.pyi' }),
    );
    expect(e.code).toBe('stub-syntax');
    expect([e.file, e.line]).toEqual(['bad.pyi', 2]);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.message).toMatch(/^bad\.pyi:2:\d+: invalid syntax/);
  });

  it('refuses NUL bytes at their position', async () => {
    const e = await refusal(() => parser().parseModule('x: int\nab\0c\n', { file: 'bin.pyi' }));
    expect([e.code, e.line, e.column]).toEqual(['stub-encoding', 2, 3]);
  });
});
