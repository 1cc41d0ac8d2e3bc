// The memo of per-request parsing: the same answers as the function itself, bounded, errors not kept.
import { describe, expect, it } from 'vitest';
import { parseGoPath } from '../../src/serve/goproxy.js';
import { memoize } from '../../src/util/memo.js';

describe('memoize', () => {
  it('answers as the function does, for valid and invalid GOPROXY paths, first and later calls', () => {
    const memo = memoize(parseGoPath, { max: 4 });
    const paths = [
      '/golang.org/x/mod/@v/v0.8.0.mod',
      '/github.com/!azure/sdk/@v/list',
      '/example.com/m/@latest',
      '/example.com/m/@v/v1.0.0-!r!c1.info',
      '/example.com/m/@v/v1.0.0.zip',
      '/Example.com/m/@v/list',
      '/no-proxy-path',
      '/a/../b/@v/list',
    ];
    for (let round = 0; round < 3; round++) {
      for (const p of paths) expect(memo(p)).toEqual(parseGoPath(p));
    }
  });

  it('calls the function once per remembered string, forgets all when full, and keeps no error', () => {
    let calls = 0;
    const f = (s: string) => {
      calls++;
      if (s === 'bad') throw new Error('bad input');
      return s.length;
    };
    const memo = memoize(f, { max: 2 });
    expect([memo('a'), memo('bb'), memo('a'), memo('bb')]).toEqual([1, 2, 1, 2]);
    expect(calls).toBe(2);
    expect(memo('ccc')).toBe(3); // full: emptied, then holds ccc
    expect(calls).toBe(3);
    expect(memo('a')).toBe(1);
    expect(calls).toBe(4);
    expect(() => memo('bad')).toThrow('bad input');
    expect(() => memo('bad')).toThrow('bad input');
    expect(calls).toBe(6);
  });

  it('never remembers a string longer than maxKeyLength, and answers it all the same', () => {
    let calls = 0;
    const memo = memoize(
      (s: string) => {
        calls++;
        return s.length;
      },
      { maxKeyLength: 3 },
    );
    expect([memo('abc'), memo('abc'), memo('abcd'), memo('abcd')]).toEqual([3, 3, 4, 4]);
    expect(calls).toBe(3);
  });
});
