// Wrapping several modules of one package shares the package's caches: a module's wrapper must not
// depend on which modules were wrapped before it.
import { describe, expect, it } from 'vitest';
import { loadStubParser } from '../../../src/python/stubs/parse.js';
import { renderShim, wrapModule } from '../../../src/python/wrapper/index.js';

const FILES: Record<string, string> = {
  '__init__.pyi': 'from pkg.a import Conn as Conn\n',
  'a.pyi': [
    'from typing import Generic, TypeVar',
    '_T = TypeVar("_T")',
    'class Box(Generic[_T]):',
    '    def get(self) -> _T: ...',
    'class Conn:',
    '    peer: Conn',
    '    def reopen(self) -> Conn: ...',
    'class Pool(Box[Conn]): ...',
    '',
  ].join('\n'),
  // `b` names `Conn` without re-exporting it: there it is the dotted `pkg.a.Conn`.
  'b.pyi': ['from pkg.a import Conn, Pool', 'class Sub(Conn): ...', 'class Pools(Pool): ...', ''].join('\n'),
};

async function surface() {
  const parser = await loadStubParser();
  return parser.parsePackage(
    { module: 'pkg', files: new Map(Object.entries(FILES)) },
    { version: [3, 12], platform: 'linux' },
  );
}

describe('wrapping modules of one package in turn', () => {
  it('gives each module the shim it has when wrapped alone, in any order', async () => {
    const modules = ['pkg', 'pkg.a', 'pkg.b'];
    const alone = new Map<string, string>();
    for (const m of modules) alone.set(m, renderShim(wrapModule(await surface(), m)));
    // The classes `b` names by dotted path are items of `a` and of `pkg`, named there by item name.
    expect(alone.get('pkg.b')).toContain('pkg.a.Conn');
    expect(alone.get('pkg.a')).toContain('fun reopen(): Conn\n');
    expect(alone.get('pkg.a')).not.toContain('pkg.a.Conn');
    for (const order of [modules, [...modules].reverse(), ['pkg.b', 'pkg', 'pkg.a']]) {
      const shared = await surface();
      for (const m of order)
        expect(renderShim(wrapModule(shared, m)), `${m} after ${order}`).toBe(alone.get(m));
    }
  });
});
