import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iface, optional, record, render, scalar, union } from '../../../src/python/typemap/index.js';
import type { MochiType } from '../../../src/python/typemap/types.js';

const int = scalar('int');
const str = scalar('string');
const none = scalar('None');

describe('render', () => {
  const table: [MochiType, string][] = [
    [int, 'int'],
    [{ kind: 'list', elem: str }, 'list<string>'],
    [{ kind: 'set', elem: int }, 'set<int>'],
    [{ kind: 'map', key: str, value: { kind: 'list', elem: int } }, 'map<string, list<int>>'],
    [{ kind: 'tuple', elems: [int, str] }, 'tuple<int, string>'],
    [{ kind: 'async', inner: str }, 'async string'],
    [{ kind: 'stream', elem: scalar('bytes') }, 'stream<bytes>'],
    [optional(int), 'int?'],
    [union([int, str]), 'int | string'],
    [{ kind: 'fun', params: [int, str], result: scalar('bool') }, 'fun(int, string): bool'],
    [{ kind: 'fun', params: [], result: none }, 'fun(): None'],
    [
      record('P', [
        { name: 'y', type: int },
        { name: 'x', type: int },
      ]),
      'record P { x: int; y: int }',
    ],
    [
      iface(
        'G',
        [{ name: 'name', type: str }],
        [
          { name: 'zap', params: [], result: none },
          { name: 'greet', params: [str], result: str },
        ],
      ),
      'interface G { name: string; greet(string): string; zap(): None }',
    ],
    [{ kind: 'ref', name: 'Pair' }, 'Pair'],
    [{ kind: 'typevar', name: 'T' }, 'T'],
    [optional({ kind: 'fun', params: [], result: int }), '(fun(): int)?'],
    [union([{ kind: 'fun', params: [], result: int }, str]), '(fun(): int) | string'],
    [optional(union([int, str])), '(int | string)?'],
    [{ kind: 'async', inner: optional(int) }, 'async (int?)'],
  ];
  it.each(table)('renders %j as %s', (t, text) => {
    expect(render(t)).toBe(text);
  });
});

const arbType: fc.Arbitrary<MochiType> = fc.letrec<{ t: MochiType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<MochiType>(int, str, none, scalar('bytes'), { kind: 'ref', name: 'R' }),
    tie('t').map((elem): MochiType => ({ kind: 'list', elem })),
    tie('t').map((inner) => optional(inner)),
    fc.array(tie('t'), { minLength: 1, maxLength: 4 }).map((bs) => union(bs)),
  ),
})).t;

describe('normal forms', () => {
  it('optional is idempotent', () => {
    fc.assert(
      fc.property(arbType, (t) => {
        expect(optional(optional(t))).toEqual(optional(t));
      }),
    );
  });

  it('a union with a None branch is optional and has no None branch', () => {
    fc.assert(
      fc.property(fc.array(arbType, { minLength: 1, maxLength: 4 }), (bs) => {
        const t = union([...bs, none]);
        const isNone = t.kind === 'scalar' && t.name === 'None';
        expect(isNone || t.kind === 'optional').toBe(true);
        const inner = t.kind === 'optional' ? t.inner : t;
        const branches = inner.kind === 'sum' ? inner.branches : [inner];
        if (!isNone) expect(branches.some((b) => b.kind === 'scalar' && b.name === 'None')).toBe(false);
      }),
    );
  });

  it('a one-branch union collapses to the branch', () => {
    expect(union([int])).toEqual(int);
    expect(union([int, int])).toEqual(int);
    expect(union([none])).toEqual(none);
    expect(union([optional(int), none])).toEqual(optional(int));
  });

  it('nested unions flatten and keep written order', () => {
    expect(render(union([str, union([int, str]), scalar('bytes')]))).toBe('string | int | bytes');
  });
});
