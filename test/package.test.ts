import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as go from '../src/go/index.js';
import * as root from '../src/index.js';
import * as python from '../src/python/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('public surface', () => {
  it('root exports the error base, version and project namespace', () => {
    expect(Object.keys(root).sort()).toEqual([
      'ERROR_CODES',
      'MochiPkgError',
      'VERSION',
      'isMochiPkgError',
      'project',
      'redactUrls',
    ]);
  });
  it('mochi-pkg/go exports exactly its namespaces', () => {
    expect(Object.keys(go).sort()).toEqual([
      'cache',
      'dirhash',
      'lockfile',
      'module',
      'modzip',
      'proxy',
      'semver',
    ]);
  });
  it('mochi-pkg/python exports exactly its namespaces', () => {
    expect(Object.keys(python).sort()).toEqual([
      'build',
      'importspec',
      'lockfile',
      'pep440',
      'pep508',
      'registry',
      'stubs',
      'typemap',
      'wrapper',
    ]);
  });
});

describe.runIf(existsSync(`${repo}/dist/go/index.js`))('built package (npm run build)', () => {
  it('resolves its own subpath exports by self-reference', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const g = await import('mochi-pkg/go'); const p = await import('mochi-pkg/python'); const r = await import('mochi-pkg'); console.log(JSON.stringify([Object.keys(g).length > 0, Object.keys(p).length > 0, typeof r.MochiPkgError]))",
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([true, true, 'function']);
  });

  it('runs the bin', () => {
    const out = execFileSync(process.execPath, [`${repo}/bin/mochi-pkg.js`, '--version'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/^mochi-pkg /);
  });
});
