import { describe, expect, it } from 'vitest';
import { ResolverError, resolve } from '../../../src/python/resolver/index.js';
import { dep, memorySource, type Universe } from './memory.js';

const pins = (r: Awaited<ReturnType<typeof resolve>>) =>
  Object.fromEntries(r.distributions.map((d) => [d.name, d.version]));

async function conflict(u: Universe, roots: string[]): Promise<string> {
  try {
    await resolve({ roots: roots.map((r) => dep(r, `your import of \`${r}\``)), source: memorySource(u) });
  } catch (e) {
    if (e instanceof ResolverError && e.code === 'resolver-conflict') return e.message;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('resolve', () => {
  it('picks the highest versions of a diamond', async () => {
    const u: Universe = {
      app: { '1.0': { deps: ['left', 'right'] } },
      left: { '1.0': { deps: ['base>=1'] }, '2.0': { deps: ['base>=2'] } },
      right: { '1.0': { deps: ['base<3'] } },
      base: { '1.0': {}, '2.0': {}, '3.0': {} },
    };
    const r = await resolve({ roots: [dep('app')], source: memorySource(u) });
    expect(pins(r)).toEqual({ app: '1.0', base: '2.0', left: '2.0', right: '1.0' });
  });

  it('backtracks when the newest version conflicts', async () => {
    const u: Universe = {
      a: { '1.0': { deps: ['c<2'] }, '2.0': { deps: ['c>=3'] } },
      b: { '1.0': { deps: ['c<3'] } },
      c: { '1.0': {}, '2.0': {}, '3.0': {} },
    };
    const r = await resolve({ roots: [dep('a'), dep('b')], source: memorySource(u) });
    expect(pins(r)).toEqual({ a: '1.0', b: '1.0', c: '1.0' });
  });

  it('keeps preferred versions that still fit', async () => {
    const u: Universe = { a: { '1.0': {}, '1.1': {}, '2.0': {} } };
    const r = await resolve({
      roots: [dep('a<2')],
      source: memorySource(u),
      preferences: new Map([['a', '1.0']]),
    });
    expect(pins(r)).toEqual({ a: '1.0' });
    const moved = await resolve({
      roots: [dep('a>=1.1')],
      source: memorySource(u),
      preferences: new Map([['a', '1.0']]),
    });
    expect(pins(moved)).toEqual({ a: '2.0' });
  });

  it('activates extras and records them', async () => {
    const u: Universe = {
      a: { '1.0': { deps: ['b'], extras: { socks: ['socksio>=1'] } } },
      b: { '1.0': {} },
      socksio: { '0.9': {}, '1.1': {} },
    };
    const r = await resolve({ roots: [dep('a[socks]')], source: memorySource(u) });
    expect(pins(r)).toEqual({ a: '1.0', b: '1.0', socksio: '1.1' });
    expect(r.distributions.find((d) => d.name === 'a')!.extras).toEqual(['socks']);
  });

  it('skips pre-releases unless named or nothing else fits', async () => {
    const u: Universe = { a: { '1.0': {}, '2.0b1': {} }, b: { '1.0a1': {} } };
    expect(pins(await resolve({ roots: [dep('a')], source: memorySource(u) }))).toEqual({ a: '1.0' });
    expect(pins(await resolve({ roots: [dep('a>=2.0b1')], source: memorySource(u) }))).toEqual({
      a: '2.0b1',
    });
    expect(pins(await resolve({ roots: [dep('b')], source: memorySource(u) }))).toEqual({ b: '1.0a1' });
  });

  it('uses yanked releases only when pinned exactly', async () => {
    const u: Universe = { a: { '1.0': {}, '2.0': { yanked: true } } };
    expect(pins(await resolve({ roots: [dep('a')], source: memorySource(u) }))).toEqual({ a: '1.0' });
    expect(pins(await resolve({ roots: [dep('a==2.0')], source: memorySource(u) }))).toEqual({ a: '2.0' });
    expect(await conflict(u, ['a>1.5'])).toMatch(/yanked/);
  });

  it('explains a conflict from the imports down', async () => {
    const u: Universe = {
      weather: { '2.0': { deps: ['httpx<0.25'] } },
      tabulate: { '1.0': { deps: ['httpx>=0.27'] } },
      httpx: { '0.24': {}, '0.27': {} },
    };
    const text = await conflict(u, ['weather', 'tabulate>=1']);
    expect(text).toContain('weather==2.0 depends on httpx<0.25');
    expect(text).toContain('your import of `tabulate>=1` requires tabulate>=1');
    expect(text).toContain('tabulate==1.0 depends on httpx>=0.27');
    expect(text).toMatch(/cannot all be satisfied/);
  });

  it('holds a release to its requirement on itself, as pip and uv do; an extra of itself is fine', async () => {
    const u: Universe = {
      a: { '1.0': { deps: ['a>=2'] }, '2.0': { deps: ['a>=2', 'a[x]'], extras: { x: ['b'] } } },
      b: { '1.0': {} },
      c: { '1.0': { deps: ['c>=2'] } },
    };
    expect(pins(await resolve({ roots: [dep('a<3')], source: memorySource(u) }))).toEqual({
      a: '2.0',
      b: '1.0',
    });
    // 1.0 asks for a>=2: it cannot be chosen, whatever else allows it.
    expect(await conflict(u, ['a<2'])).toContain('a==1.0 depends on a>=2, which excludes itself');
    expect(await conflict(u, ['c'])).toContain('c==1.0 depends on c>=2');
  });

  it('explains unusable releases and missing projects', async () => {
    const u: Universe = { a: { '1.0': { unusable: 'requires Python >=3.13 (the target is 3.12)' } } };
    expect(await conflict(u, ['a'])).toContain('a==1.0 requires Python >=3.13');
    expect(await conflict({}, ['nope'])).toContain('requires nope, which no version on the index matches');
  });
});
