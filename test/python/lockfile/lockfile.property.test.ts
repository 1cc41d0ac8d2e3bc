import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockfileError, parseToml, renderToml, sortManifest } from '../../../src/python/lockfile/index.js';
import { manifest } from './arbitraries.js';

// Fragments that stress a TOML parser: structure, quoting, escapes, odd scalars.
const FRAGMENTS = [
  '[[',
  ']]',
  '[',
  ']',
  '{',
  '}',
  '=',
  ',',
  '"',
  "'",
  '"""',
  "'''",
  '\\',
  '\\u',
  '\\U0010FFFF',
  '#',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '.',
  '-',
  '1979-05-27T07:32:00Z',
  '1979-05-27',
  '07:32:00',
  'inf',
  'nan',
  'true',
  '0x1F',
  '1_000',
  '1e9',
  '+1',
  '[[python-package]]',
  '[python-package]',
  'schema-version = 2',
  'schema-version = 1',
  'name = "x"',
  'source = "pypi"',
  'capabilities = [1]',
  'a.b.c = 1',
  '__proto__ = 1',
  'python-package = []',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'é',
];

const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), what: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.nat(),
    what: fc.string({ unit: 'binary', maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swaplines' as const), at: fc.nat(), with: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.what + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'replace':
      return text.slice(0, at) + m.what + text.slice(at + 1);
    case 'dupline':
    case 'swaplines': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.op === 'dupline') lines.splice(i, 0, lines[i]!);
      else {
        const j = m.with % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return lines.join('\n');
    }
  }
}

describe('lockfile properties', () => {
  it('parseToml ∘ renderToml is the identity on sorted manifests, and rendering is a fixed point', () => {
    fc.assert(
      fc.property(manifest, (m) => {
        const text = renderToml(m);
        const back = parseToml(text);
        expect(back).toEqual(sortManifest(m));
        expect(renderToml(back)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('10,000 mutated lock files into parseToml give a manifest or a LockfileError, never another exception', () => {
    let errors = 0;
    fc.assert(
      fc.property(manifest, fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, muts) => {
        const text = muts.reduce(apply, renderToml(m));
        try {
          parseToml(text);
        } catch (e) {
          if (!(e instanceof LockfileError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
          errors++;
        }
      }),
      { numRuns: 10_000 },
    );
    // The mutations must actually reach the error paths, or the test proves nothing.
    expect(errors).toBeGreaterThan(2_000);
  });

  it('ends a 100,000-deep nested document in a syntax error, not a stack overflow', () => {
    const deep = `schema-version = 1\nx = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(() => parseToml(deep)).toThrow(LockfileError);
    const deepTables = `schema-version = 1\nx = ${'{a='.repeat(100_000)}1${'}'.repeat(100_000)}\n`;
    expect(() => parseToml(deepTables)).toThrow(LockfileError);
  });
});
