import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/context.js';
import { parsePythonTarget } from '../../src/cli/python-target.js';
import { cli } from '../support/cli.js';

describe('--python / --platform (one parser for lock and python inspect)', () => {
  it('is undefined without either flag, so the build default applies', () => {
    expect(parsePythonTarget('lock', {})).toBeUndefined();
  });

  it('fills the missing half from the default target', () => {
    expect(parsePythonTarget('lock', { python: '3.9' })).toEqual({ version: [3, 9], platform: 'linux' });
    expect(parsePythonTarget('lock', { platform: 'win32' })).toEqual({ version: [3, 12], platform: 'win32' });
  });

  it.each([['3'], ['3.12.1'], ['v3.12'], ['123.1'], ['']])(
    'refuses --python %j as a usage error',
    (python) => {
      expect(() => parsePythonTarget('lock', { python })).toThrow(UsageError);
      expect(() => parsePythonTarget('lock', { python })).toThrow(`lock: --python ${JSON.stringify(python)}`);
    },
  );

  it.each([['Linux'], ['linux 2'], ['']])('refuses --platform %j as a usage error', (platform) => {
    expect(() => parsePythonTarget('python inspect', { platform })).toThrow(/^python inspect: --platform/);
  });

  it('refuses, for lock, a --platform no lock is made for, naming the flag', () => {
    expect(() => parsePythonTarget('lock', { platform: 'beos' }, true)).toThrow(
      'lock: --platform "beos" is not a platform a lock is made for (linux, darwin, win32)',
    );
    // Stubs alone may be evaluated for any sys.platform.
    expect(parsePythonTarget('python inspect', { platform: 'beos' })).toEqual({
      version: [3, 12],
      platform: 'beos',
    });
  });

  it('names the flag of a bad platform or target before lock, sync or config does any work', async () => {
    const platform = await cli('lock', '--platform', 'beos', '--offline');
    expect(platform.code).toBe(2);
    expect(platform.err).toContain(
      'error[usage]: lock: --platform "beos" is not a platform a lock is made for',
    );
    for (const command of ['lock', 'config', 'sync']) {
      const r = await cli(command, '--target', '3.12-beos');
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `error[registry-bad-target]: ${command}: --target "3.12-beos" is not <X.Y>-<linux|darwin|win32>`,
      );
    }
  });

  it('gives lock and python inspect the same answer for the same bad value (exit 2)', async () => {
    const a = await cli('lock', '--python', '3.x');
    const b = await cli('python', 'inspect', 'x.pyi', '--python', '3.x');
    expect([a.code, b.code]).toEqual([2, 2]);
    expect(a.err).toContain('--python "3.x" is not a version like 3.12');
    expect(b.err).toContain('--python "3.x" is not a version like 3.12');
  });
});
