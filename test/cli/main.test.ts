import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { commandGroups, main, renderGroupHelp, renderHelp } from '../../src/cli/main.js';
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

  it('prints the help of every group with --help or -h, exit 0, listing each of its commands', async () => {
    expect(commandGroups()).toEqual(['go', 'go zip', 'python']);
    for (const group of commandGroups()) {
      for (const flag of ['--help', '-h']) {
        const r = await cli(...group.split(' '), flag);
        expect([r.code, r.err]).toEqual([0, '']);
        expect(r.out).toBe(renderGroupHelp(group));
      }
    }
    const zip = await cli('go', 'zip', '--help');
    expect(zip.out).toMatch(/^mochi-pkg go zip: module zips/);
    for (const c of ['go zip check', 'go zip create', 'go zip extract'])
      expect(zip.out).toContain(`mochi-pkg ${c} `);
    expect(zip.out).not.toContain('mochi-pkg go hash');
    const go = await cli('go', '--help');
    for (const c of commands.filter((x) => x.name.startsWith('go '))) expect(go.out).toContain(c.summary);
  });

  it('prints the group help for a bare group, as a usage error (exit 2)', async () => {
    const r = await cli('go', 'zip');
    expect(r.code).toBe(2);
    expect(r.out).toBe(renderGroupHelp('go zip'));
  });

  it("prints every command's own help with --help or -h, exit 0", async () => {
    for (const entry of commands) {
      const { command } = await entry.load();
      for (const flag of ['--help', '-h']) {
        const r = await cli(...entry.name.split(' '), flag);
        expect([r.code, r.err]).toEqual([0, '']);
        expect(r.out).toBe(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
      }
    }
  });

  it('names the innermost group of an unknown subcommand', async () => {
    const r = await cli('go', 'zip', 'nope', '--help');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown go zip command: "go zip nope"');
    expect(r.err).toContain(
      'available: mochi-pkg go zip check, mochi-pkg go zip create, mochi-pkg go zip extract',
    );
  });

  it('reports an unexpected exception as error[internal], exit 3', async () => {
    const stdout = new PassThrough();
    stdout.write = () => {
      throw new Error('boom');
    };
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => {
      err += d;
    });
    const code = await main({ argv: ['--help'], stdout, stderr, env: {}, cwd: process.cwd() });
    expect(code).toBe(3);
    expect(err).toMatch(
      /^mochi-pkg: error\[internal\]: an unexpected failure \(please report it\): Error: boom/,
    );
  });
});
