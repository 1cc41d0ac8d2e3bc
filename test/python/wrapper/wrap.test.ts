import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractCapabilities } from '../../../src/python/lockfile/capabilities.js';
import { render } from '../../../src/python/typemap/index.js';
import { renderShim, shimSha256, wrapModule } from '../../../src/python/wrapper/index.js';
import type { Wrapper } from '../../../src/python/wrapper/types.js';
import {
  cls,
  constant,
  deco,
  def,
  field,
  group,
  imp,
  mod,
  n,
  none,
  p,
  pkg,
  sub,
  u,
} from '../support/surface.js';

function summary(w: Wrapper) {
  return {
    items: w.items.map((i) => `${i.kind} ${i.name}${i.async ? ' async' : ''}: ${render(i.type)}`),
    skipped: w.skipped.map((s) => `${s.itemPath} ${s.reason}`),
  };
}

// The seed's fixture shapes (seed 000, Phase 8 fixtures), as hand-built surfaces.
describe('seed fixture shapes', () => {
  it('minimal: def add(a: int, b: int) -> int', () => {
    const w = wrapModule(
      pkg(mod('minimal', { functions: [group(def('add', [p('a', n('int')), p('b', n('int'))], n('int')))] })),
    );
    expect(summary(w)).toEqual({ items: ['fun add: fun(a: int, b: int): int'], skipped: [] });
    expect(renderShim(w)).toBe('extern python fun add(a: int, b: int): int\n');
  });

  it('record: frozen dataclass Pair plus def make() -> Pair, which maps to the record', () => {
    const w = wrapModule(
      pkg(
        mod('rec', {
          imports: [imp('dataclasses', 'dataclass')],
          functions: [group(def('make', [], n('Pair')))],
          classes: [
            cls('Pair', {
              decorators: [deco('dataclass', { frozen: 'True' })],
              fields: [field('y', n('int')), field('x', n('int'))],
            }),
          ],
        }),
      ),
    );
    expect(summary(w)).toEqual({
      items: ['record Pair: record Pair { x: int; y: int }', 'fun make: fun(): Pair'],
      skipped: [],
    });
    expect(renderShim(w)).toBe('type Pair = {\n  x: int,\n  y: int\n}\n\nextern python fun make(): Pair\n');
    expect(extractCapabilities(w)).toEqual(['callable', 'dataclass']);
  });

  it('async: async def fetch(url: str) -> str', () => {
    const w = wrapModule(
      pkg(mod('aio', { functions: [group(def('fetch', [p('url', n('str'))], n('str'), { async: true }))] })),
    );
    expect(summary(w)).toEqual({ items: ['fun fetch async: fun(url: string): async string'], skipped: [] });
    expect(renderShim(w)).toBe('extern python fun fetch(url: string): async string\n');
    expect(extractCapabilities(w)).toEqual(['async', 'callable', 'named']);
  });

  it('a Protocol with an attribute and a method becomes an interface', () => {
    const w = wrapModule(
      pkg(
        mod('proto', {
          imports: [imp('typing', 'Protocol')],
          classes: [
            cls('Greeter', {
              bases: [n('Protocol')],
              fields: [field('name', n('str'))],
              methods: [group(def('greet', [p('self'), p('other', n('str'))], n('str')))],
            }),
          ],
        }),
      ),
    );
    expect(summary(w)).toEqual({
      items: ['interface Greeter: interface Greeter { name: string; greet(other: string): string }'],
      skipped: [],
    });
    expect(renderShim(w)).toBe(
      'extern python type Greeter {\n  name: string,\n  greet(other: string): string\n}\n',
    );
    expect(extractCapabilities(w)).toEqual(['named', 'protocol']);
  });

  it("counts a Protocol attribute's type among the capabilities", () => {
    const w = wrapModule(
      pkg(
        mod('proto2', {
          classes: [
            cls('HasTags', { bases: [n('typing.Protocol')], fields: [field('tags', sub('list', n('str')))] }),
          ],
        }),
      ),
    );
    expect(extractCapabilities(w)).toEqual(['list', 'protocol']);
  });

  it('a Protocol inherits the members of its Protocol bases, and may redefine them', () => {
    const w = wrapModule(
      pkg(
        mod('proto3', {
          classes: [
            cls('Reader', {
              bases: [n('typing.Protocol')],
              fields: [field('closed', n('bool'))],
              methods: [group(def('read', [p('self'), p('n', n('int'))], n('bytes')))],
            }),
            cls('TextReader', {
              bases: [n('Reader'), n('typing.Protocol')],
              methods: [group(def('read', [p('self'), p('n', n('int'))], n('str')))],
            }),
          ],
        }),
      ),
    );
    expect(summary(w).items).toEqual([
      'interface Reader: interface Reader { closed: bool; read(n: int): bytes }',
      'interface TextReader: interface TextReader { closed: bool; read(n: int): string }',
    ]);
  });

  it('a mutable dataclass is a class: settable attributes and the generated constructor', () => {
    const w = wrapModule(
      pkg(
        mod('mut', {
          classes: [
            cls('Point', {
              decorators: [deco('dataclass')],
              fields: [field('x', n('int')), field('y', n('int'))],
            }),
          ],
        }),
      ),
    );
    expect(w.skipped).toEqual([]);
    expect(renderShim(w)).toBe('extern python type Point {\n  init(x: int, y: int)\n  x: int\n  y: int\n}\n');
    expect(extractCapabilities(w)).toEqual(['callable', 'class', 'named']);
  });

  it('an Any-returning function maps, its result typed any', () => {
    const w = wrapModule(
      pkg(
        mod('anyret', {
          imports: [imp('typing', 'Any')],
          functions: [group(def('load', [p('s', n('str'))], n('Any')))],
        }),
      ),
    );
    expect(summary(w)).toEqual({ items: ['fun load: fun(s: string): any'], skipped: [] });
    expect(renderShim(w)).toBe('extern python fun load(s: string): any\n');
    expect(extractCapabilities(w)).toEqual(['any', 'callable', 'named']);
  });
});

describe('wrapper items', () => {
  const surface = pkg(
    mod('lib', {
      file: 'lib/__init__.pyi',
      imports: [
        imp('typing', 'overload'),
        imp('typing', 'Any'),
        imp('typing', 'TypedDict'),
        imp('typing', 'NamedTuple'),
        imp('._impl', 'Engine', 'Engine'),
        imp('._impl', 'hidden'),
        imp('._impl', 'helper', 'helper'),
      ],
      functions: [
        group(
          def('parse', [p('x', n('bytes'))], n('Any'), { decorators: [deco('overload')] }),
          def('parse', [p('x', n('str'))], n('int'), { decorators: [deco('overload')] }),
        ),
        group(
          def('bad', [p('x', n('Nowhere'))], n('int'), { decorators: [deco('typing.overload')] }),
          def('bad', [p('x', n('int'))], n('Nowhere'), { decorators: [deco('typing.overload')] }),
        ),
        group(
          def(
            'type',
            [
              p('x', n('int')),
              p('y', n('int'), { hasDefault: true }),
              p('a', n('int'), { kind: 'var-positional' }),
            ],
            none,
          ),
        ),
        group(def('_private', [], none)),
        group(def('start', [p('e', n('Engine'))], u(n('Engine'), none))),
      ],
      classes: [
        cls('Movie', {
          bases: [n('TypedDict')],
          keywords: { total: 'False' },
          fields: [field('title', n('str')), field('year', sub('typing.Required', n('int')))],
        }),
        cls('Row', {
          bases: [n('NamedTuple')],
          fields: [field('a', n('int')), field('b', sub('list', n('str')))],
        }),
        cls('Opaque'),
      ],
      constants: [constant('VERSION', n('str')), constant('untyped')],
    }),
    mod('lib._impl', {
      classes: [cls('Engine')],
      functions: [group(def('helper', [], n('int'))), group(def('hidden', [], n('int')))],
    }),
  );
  const w = wrapModule(surface);

  it('maps every public name to an item or a skip, sorted by source name', () => {
    expect(summary(w)).toEqual({
      items: [
        'type Engine: Engine',
        'record Movie: record Movie { title: string?; year: int }',
        'type Opaque: Opaque',
        'record Row: record Row { a: int; b: list<string> }',
        'const VERSION: string',
        'fun helper: fun(): int',
        'fun parse: fun(x: bytes): any',
        'fun start: fun(e: Engine): Engine?',
        'fun type_: fun(x: int, y?: int, *a: int): None',
        'const untyped: any',
      ],
      skipped: ['lib._private private-name', 'lib.bad overload'],
    });
  });

  it('keeps the Python name as sourceName when the Mochi name is escaped', () => {
    expect(w.items.find((i) => i.sourceName === 'type')?.name).toBe('type_');
  });

  it('explains an overload skip with every overload', () => {
    expect(w.skipped.find((s) => s.itemPath === 'lib.bad')?.detail).toBe(
      'none of 2 overloads lowers: #1 unresolved-name: parameter x: Nowhere is not defined in lib or imported into it; #2 unresolved-name: return: Nowhere is not defined in lib or imported into it',
    );
  });

  it('renders the shim in the fixed section order', () => {
    expect(renderShim(w)).toBe(
      [
        'type Movie = {\n  title: string?,\n  year: int\n}',
        'type Row = {\n  a: int,\n  b: list<string>\n}',
        '',
        'extern python type Engine',
        'extern python type Opaque',
        '',
        'extern python var VERSION: string',
        'extern python var untyped: any',
        '',
        'extern python fun helper(): int',
        'extern python fun parse(x: bytes): any',
        'extern python fun start(e: Engine): Engine?',
        'extern python fun type_(x: int, y?: int, *a: int): None',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic: the same surface gives the same shim bytes and hash', () => {
    const again = wrapModule(surface);
    expect(renderShim(again)).toBe(renderShim(w));
    expect(shimSha256(renderShim(again))).toBe(shimSha256(renderShim(w)));
    expect(shimSha256(renderShim(w))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('declares classes that items use but that are not items as opaque types', () => {
    const s = pkg(
      mod('q', {
        file: 'q/__init__.pyi',
        imports: [imp('._m', 'Inner')],
        functions: [group(def('get', [], n('Inner')))],
      }),
      mod('q._m', { classes: [cls('Inner')] }),
    );
    expect(renderShim(wrapModule(s))).toBe(
      'extern python type q._m.Inner\n\nextern python fun get(): q._m.Inner\n',
    );
  });

  it('honours __all__, including a private name it lists', () => {
    const s = pkg(
      mod('a', {
        all: ['_x', 'missing'],
        functions: [group(def('_x', [], n('int'))), group(def('y', [], n('int')))],
      }),
    );
    expect(summary(wrapModule(s))).toEqual({
      items: ['fun _x: fun(): int'],
      skipped: ['a.missing unresolved-name'],
    });
  });

  it('treats a submodule listed in __all__ as a module, not a missing name', () => {
    const s = pkg(
      mod('e', { file: 'e/__init__.pyi', all: ['mime', 'f'], functions: [group(def('f', [], n('int')))] }),
      mod('e.mime'),
    );
    expect(summary(wrapModule(s))).toEqual({ items: ['fun f: fun(): int'], skipped: [] });
  });

  it('wraps a namespace package (no __init__) as an empty module', () => {
    const s = { name: 'google', modules: new Map([['google.protobuf', mod('google.protobuf')]]) };
    expect(wrapModule(s)).toEqual({ module: 'google', items: [], skipped: [] });
  });

  it('refuses to wrap a module that is not in the surface', () => {
    expect(() => wrapModule(surface, 'nope')).toThrow(
      expect.objectContaining({ code: 'wrapper-module-missing' }),
    );
  });
});

describe('shim hash', () => {
  // Vectors from `sha256sum` / CPython hashlib.
  it('is the lowercase-hex SHA-256 of the shim text', () => {
    expect(shimSha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(shimSha256('extern python fun add(int, int): int\n')).toBe(
      'db27242ae0915534d6b75ad8c5a6ca8dbf199d37314d8eee4cb7767bf91a47ae',
    );
  });
});

describe('order and size independence', () => {
  it('gives the same wrapper and shim whatever order the stub declares things in', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(names, fc.integer(), (ns, seed) => {
        const fns = ns.map((x, i) =>
          group(
            def(x, [p('a', i % 2 ? n('int') : sub('list', n('str')))], i % 3 ? n('str') : n('typing.Any')),
          ),
        );
        const classes = ns.map((x) => cls(`C${x}`));
        const shuffled = [...fns].sort(
          (a, b) => ((a.name.charCodeAt(0) * seed) % 7) - ((b.name.charCodeAt(0) * seed) % 7),
        );
        const w1 = wrapModule(pkg(mod('o', { functions: fns, classes })));
        const w2 = wrapModule(pkg(mod('o', { functions: shuffled, classes: [...classes].reverse() })));
        expect(w2).toEqual(w1);
        expect(renderShim(w2)).toBe(renderShim(w1));
      }),
      { numRuns: 50 },
    );
  });

  it('wraps a 20,000-function module and a 5,000-module star-import chain without deep recursion (star chains stop at 64 modules)', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => group(def(`f${i}`, [p('x', n('int'))], n('int'))));
    expect(wrapModule(pkg(mod('big', { functions: many }))).items.length).toBe(20_000);
    const chain = Array.from({ length: 5_000 }, (_, i) =>
      mod(i === 0 ? 'c' : `c.m${i}`, {
        file: i === 0 ? 'c/__init__.pyi' : `c/m${i}.pyi`,
        imports: [imp(`c.m${i + 1}`, '*')],
        functions: [group(def(`g${i}`, [], n('int')))],
      }),
    );
    const w = wrapModule(pkg(...chain));
    expect(w.items.length).toBe(64);
  });
});
