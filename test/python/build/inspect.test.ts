import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectStubs } from '../../../src/python/build/index.js';
import { render } from '../../../src/python/typemap/render.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const weatherapi = `${repo}examples/weather-report/stubs/weatherapi`;
const typeshed = `${repo}examples/weather-report/typeshed`;

describe('inspectStubs', () => {
  it('builds the wrapper of a stub package with its shim, hash and capabilities', async () => {
    const r = await inspectStubs(weatherapi, { typeshed });
    expect(r.python).toEqual({ version: [3, 12], platform: 'linux' });
    expect(r.wrapper.module).toBe('weatherapi');
    const fetch = r.wrapper.items.find((i) => i.name === 'fetch')!;
    expect([fetch.async, render(fetch.type)]).toEqual([
      true,
      'fun(city: string, days?: int): async Forecast',
    ]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['private-name']);
    expect(r.capabilities).toContain('async');
    expect(r.shim).toContain('extern python fun fetch(city: string, days?: int): async Forecast\n');
    expect(r.shimSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same result without a typeshed when the package needs nothing from outside', async () => {
    const a = await inspectStubs(weatherapi, { typeshed });
    const b = await inspectStubs(weatherapi, { typeshed: false });
    expect(b.shimSha256).toBe(a.shimSha256);
  });

  it('throws the stub error for a missing path', async () => {
    await expect(inspectStubs(`${repo}examples/no-such-stubs`)).rejects.toMatchObject({
      code: expect.stringMatching(/^stub|^STUB/i),
    });
  });
});
