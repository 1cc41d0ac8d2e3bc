import { describe, expect, it } from 'vitest';
import { optional, scalar, union } from '../../../src/python/typemap/index.js';
import type { MochiType } from '../../../src/python/typemap/types.js';
import { CAPABILITY_TOKENS, extractCapabilities } from '../../../src/python/wrapper/index.js';
import type { WrapperItem } from '../../../src/python/wrapper/types.js';

const int = scalar('int');
const item = (kind: WrapperItem['kind'], type: MochiType, async = false): WrapperItem => ({
  name: 'x',
  sourceName: 'x',
  kind,
  type,
  async,
});
const caps = (...items: WrapperItem[]) => extractCapabilities({ module: 'm', items, skipped: [] });

describe('extractCapabilities', () => {
  it('keeps the closed vocabulary sorted', () => {
    expect([...CAPABILITY_TOKENS]).toEqual([...CAPABILITY_TOKENS].sort());
  });

  it.each<[string, WrapperItem, string[]]>([
    [
      'async def',
      item('fun', { kind: 'fun', params: [], result: { kind: 'async', inner: int } }, true),
      ['async', 'callable'],
    ],
    [
      'record',
      item('record', {
        kind: 'record',
        name: 'R',
        fields: [{ name: 'a', type: { kind: 'list', elem: int } }],
      }),
      ['dataclass', 'list'],
    ],
    [
      'interface',
      item('interface', {
        kind: 'interface',
        name: 'I',
        fields: [],
        methods: [{ name: 'm', params: [{ kind: 'set', elem: int }], result: int }],
      }),
      ['protocol', 'set'],
    ],
    [
      'const',
      item('const', { kind: 'map', key: scalar('string'), value: optional(int) }),
      ['constant', 'map', 'optional'],
    ],
    ['opaque type', item('type', { kind: 'ref', name: 'G' }), []],
    [
      'stream and tuple',
      item('const', { kind: 'stream', elem: { kind: 'tuple', elems: [int, int] } }),
      ['constant', 'stream', 'tuple'],
    ],
    [
      'sum and typevar',
      item('fun', {
        kind: 'fun',
        params: [{ kind: 'typevar', name: 'T' }],
        result: union([int, scalar('string')]),
      }),
      ['callable', 'sum', 'typevar'],
    ],
  ])('%s', (_, it1, expected) => {
    expect(caps(it1)).toEqual(expected);
  });

  it('de-duplicates across items and is empty for an empty surface', () => {
    const f = item('fun', { kind: 'fun', params: [], result: int });
    expect(caps(f, f)).toEqual(['callable']);
    expect(caps()).toEqual([]);
  });
});
