import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { nearestWord } from '../../src/util/nearest.js';
import { cli, cliWithEnv } from '../support/cli.js';

/** Runs the CLI with stderr claiming to be a terminal. */
async function onTerminal(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let err = '';
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main({ argv, stdout, stderr, env, cwd: process.cwd() });
  return { code, err };
}

describe('global flags', () => {
  it('suggests the nearest flag of the command for an unknown one', async () => {
    const r = await cli('lock', '--chekc');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[usage]: lock: unknown flag --chekc');
    expect(r.err).toContain('hint: did you mean --check?');
    const far = await cli('go', 'list', '--zzzzzzzz', 'x');
    expect(far.err).toContain('unknown flag --zzzzzzzz');
    expect(far.err).not.toContain('did you mean');
  });

  it('suggests the nearest command', async () => {
    expect((await cli('lok')).err).toContain('did you mean `mochi-pkg lock`?');
    expect((await cli('go', 'lsit')).err).toContain('did you mean `mochi-pkg go list`?');
  });

  it('colors error labels on a terminal unless NO_COLOR, --color=never, or TERM=dumb; --color=always forces it', async () => {
    const red = '\x1b[31;1merror[usage]\x1b[0m';
    expect((await onTerminal({}, 'lok')).err).toContain(red);
    expect((await onTerminal({ NO_COLOR: '1' }, 'lok')).err).not.toContain('\x1b[');
    expect((await onTerminal({ TERM: 'dumb' }, 'lok')).err).not.toContain('\x1b[');
    expect((await onTerminal({}, '--color=never', 'lok')).err).not.toContain('\x1b[');
    expect((await cliWithEnv({ NO_COLOR: '1' }, 'lok', '--color', 'always')).err).toContain(red);
    const bad = await cli('--color=sometimes', 'lok');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--color "sometimes" is not auto, always or never');
  });

  it('prints version details as JSON', async () => {
    const r = await cliWithEnv({ MOCHI_GO_BRIDGE_CACHE: '/tmp/go-cache' }, '--version', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      node: process.versions.node,
      platform: process.platform,
      caches: { go: '/tmp/go-cache' },
    });
    expect(doc.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof doc.caches.python).toBe('string');
    expect((await cli('--version', '--jsn')).code).toBe(2);
  });

  it('passes --quiet and --verbose anywhere before --, and lock --verbose shows its settings', async () => {
    // Caches of this test's own: the quiet run fills the Go one from the example's proxy, so the
    // run with GOPROXY=off finds the go.mod files there (never in a ~/.cache another test filled),
    // and neither run writes to the user's cache.
    const goCache = mkdtempSync(join(tmpdir(), 'mochi-flags-go-'));
    const pyCache = mkdtempSync(join(tmpdir(), 'mochi-flags-py-'));
    try {
      const env = { MOCHI_GO_BRIDGE_CACHE: goCache, MOCHI_PYTHON_CACHE: pyCache };
      const q = await cliWithEnv(env, '--quiet', 'lock', '--check', '--cwd', 'examples/weather-report');
      expect(q.code).toBe(0);
      expect(q.err).toBe('');
      expect(q.out).toContain('mochi.lock is up to date');
      const r = await cliWithEnv(
        { ...env, GOPROXY: 'off' },
        'lock',
        '--check',
        '--cwd',
        'examples/weather-report',
        '-v',
      );
      expect(r.code).toBe(0);
      expect(r.err).toContain('go.proxy = off  ($GOPROXY)');
      expect(r.err).toContain('python.stubs-dirs = [');
    } finally {
      rmSync(goCache, { recursive: true, force: true });
      rmSync(pyCache, { recursive: true, force: true });
    }
  });

  it('finds typos within a third of the word', () => {
    expect(nearestWord('--stub-dir', ['--stubs-dir', '--cwd'])).toBe('--stubs-dir');
    expect(nearestWord('--x', ['--stubs-dir'])).toBeUndefined();
  });
});
