import { describe, expect, it } from 'vitest';
import { type BuildRequest, buildWith, type ParsePackage } from '../../../src/python/build/index.js';
import { shimSha256 } from '../../../src/python/wrapper/index.js';
import { def, group, mod, n, p, pkg } from '../support/surface.js';

// A stand-in parser: each target's single file name says which hand-built surface it is.
const surfaces = {
  minimal: pkg(
    mod('minimal', { functions: [group(def('add', [p('a', n('int')), p('b', n('int'))], n('int')))] }),
  ),
  aio: pkg(mod('aio', { functions: [group(def('fetch', [p('url', n('str'))], n('str'), { async: true }))] })),
};
const parse: ParsePackage = (stubs) => surfaces[stubs.module as keyof typeof surfaces];
const stubs = (module: string) => ({ module, files: new Map([[`${module}.pyi`, '']]) });

describe('buildWith', () => {
  const req: BuildRequest = {
    targets: [
      { spec: 'aio', alias: 'a', stubs: stubs('aio') },
      { spec: 'minimal==1.0', alias: 'm', stubs: stubs('minimal') },
    ],
  };

  it('returns one result per target in request order, with the shim and its SHA-256', () => {
    const res = buildWith(req, parse);
    expect(res.targets.map((t) => t.alias)).toEqual(['a', 'm']);
    const m = res.targets[1]!;
    expect(m.shim).toBe('extern python fun add(a: int, b: int): int\n');
    expect(m.shimSha256).toBe(shimSha256(m.shim));
    expect(m.skipped).toEqual([]);
    expect(res.targets[0]?.wrapper.items[0]?.async).toBe(true);
  });

  it('passes the requested Python target to the parser (default 3.12 linux)', () => {
    const seen: unknown[] = [];
    const spy: ParsePackage = (s, py) => {
      seen.push(py);
      return parse(s, py);
    };
    buildWith(req, spy);
    buildWith({ ...req, python: { version: [3, 9], platform: 'win32' } }, spy);
    expect(seen).toEqual([
      { version: [3, 12], platform: 'linux' },
      { version: [3, 12], platform: 'linux' },
      { version: [3, 9], platform: 'win32' },
      { version: [3, 9], platform: 'win32' },
    ]);
  });

  it.each([
    ['build-no-targets', { targets: [] }],
    ['build-empty-alias', { targets: [{ spec: 'aio', alias: '', stubs: stubs('aio') }] }],
    [
      'build-duplicate-alias',
      {
        targets: [
          { spec: 'aio', alias: 'x', stubs: stubs('aio') },
          { spec: 'minimal', alias: 'x', stubs: stubs('minimal') },
        ],
      },
    ],
  ] as const)('refuses %s', (code, bad) => {
    expect(() => buildWith(bad, parse)).toThrow(expect.objectContaining({ code }));
  });
});
