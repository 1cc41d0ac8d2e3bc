// Surfaces share what repeats: name annotations, names, None/..., empty lists (stubs/intern.ts, extract.ts).
import { describe, expect, it } from 'vitest';
import { Interner } from '../../../src/python/stubs/intern.js';
import type { FunctionDef, ModuleSurface, TypeExpr } from '../../../src/python/stubs/types.js';
import { useParser } from './support.js';

const parser = useParser();

function fn(m: ModuleSurface, name: string): FunctionDef {
  const def = m.functions.find((g) => g.name === name)?.defs[0];
  if (def === undefined) throw new Error(`no function ${name}`);
  return def;
}

describe('Interner', () => {
  it('gives one name annotation per name, with the name', () => {
    const i = new Interner();
    const a = i.name('typing.Any');
    expect(a).toEqual({ kind: 'name', name: 'typing.Any' });
    expect(i.name(`typing.${'Any'}`)).toBe(a);
    expect(i.name('Any')).not.toBe(a);
    expect(i.string('self')).toBe('self');
  });

  it('keeps answering correctly once its tables are full', () => {
    const i = new Interner();
    for (let n = 0; n < 200_005; n++) i.name(`n${n}`);
    expect(i.name('n200004')).toEqual({ kind: 'name', name: 'n200004' });
    expect(i.name('late')).toEqual({ kind: 'name', name: 'late' });
    expect(i.name('n0')).toBe(i.name('n0'));
  });
});

describe('surfaces of one parser', () => {
  const A = 'def f(self, x: int, y: None = ...) -> int: ...\nclass C:\n    a: int\n';
  const B = 'def g(x: int, *args: typing.Any) -> None: ...\n';

  it('share name annotations across modules, and None', () => {
    const a = parser().parseModule(A, { module: 'a' });
    const b = parser().parseModule(B, { module: 'b' });
    const int = fn(a, 'f').returns as TypeExpr;
    expect(int).toEqual({ kind: 'name', name: 'int' });
    expect(fn(a, 'f').params[1]!.annotation).toBe(int);
    expect(a.classes[0]!.fields[0]!.annotation).toBe(int);
    expect(fn(b, 'g').params[0]!.annotation).toBe(int);
    const none = fn(b, 'g').returns!;
    expect(none).toEqual({ kind: 'none' });
    expect(fn(a, 'f').params[2]!.annotation).toBe(none);
  });

  it('share empty lists and keyword tables, and stay equal to a fresh parse', () => {
    const a = parser().parseModule(A, { module: 'a' });
    const b = parser().parseModule(B, { module: 'b' });
    expect(fn(a, 'f').decorators).toEqual([]);
    expect(fn(a, 'f').decorators).toBe(fn(b, 'g').decorators);
    expect(a.classes[0]!.bases).toBe(fn(a, 'f').decorators);
    expect(a.classes[0]!.keywords).toEqual({});
    expect(a.typeVars).toBe(b.aliases);
    expect(parser().parseModule(A, { module: 'a' })).toEqual(a);
  });

  it('keep every list at its length, with the same contents', () => {
    const m = parser().parseModule('class K(A, B, metaclass=M):\n    def m(self, a, b, /, c, *, d): ...\n', {
      module: 'k',
    });
    const k = m.classes[0]!;
    expect(k.bases).toEqual([
      { kind: 'name', name: 'A' },
      { kind: 'name', name: 'B' },
    ]);
    expect(k.keywords).toEqual({ metaclass: 'M' });
    expect(k.methods[0]!.defs[0]!.params.map((p) => `${p.name}:${p.kind}`)).toEqual([
      'self:positional-only',
      'a:positional-only',
      'b:positional-only',
      'c:positional-or-keyword',
      'd:keyword-only',
    ]);
  });
});
