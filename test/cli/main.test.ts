import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../src/cli/main.js';
import { cli } from '../support/cli.js';

describe('mochi-pkg CLI shell', () => {
  it('prints help listing every group, exit 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const g of ['go:', 'python:', 'lock:']) expect(r.out).toContain(g);
    expect(r.out).toBe(renderHelp());
  });

  it('prints help and exits 2 without arguments', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toContain('Usage:');
  });

  it('prints the package version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mochi-pkg \d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with exit 2 and a hint', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown command: "frobnicate"');
    expect(r.err).toContain('hint:');
  });

  it('rejects an unknown subcommand of a reserved group with exit 2', async () => {
    const r = await cli('go', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown go command');
  });
});
