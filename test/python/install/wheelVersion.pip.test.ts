// Differential: which `Wheel-Version` values of a wheel's WHEEL file pip 23 installs, and which it refuses.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InstallError } from '../../../src/python/install/errors.js';
import { planWheelInstall } from '../../../src/python/install/plan.js';
import { describeWithOracle, pythonOracle } from '../../support/oracles.js';
import { pipTargetInstall } from '../../support/pip.js';
import { members, wheelFiles, wheelZip } from './wheels.js';

/** WHEEL lines; each case is its own project `wv<i>`. */
const LINES: readonly string[] = [
  'Wheel-Version: 1.0',
  'Wheel-Version: 1.9',
  'Wheel-Version: 1.0.1',
  'Wheel-Version: 1',
  'Wheel-Version: 0.9',
  'Wheel-Version:   1.0   ',
  'Wheel-Version: 2.0',
  'Wheel-Version: 1.x',
  'Wheel-Version: v1.0',
  'Wheel-Version:',
  '',
];

const files = (i: number) =>
  wheelFiles(`wv${i}`, '1.0', [{ name: `wv${i}.py`, data: 'X = 1\n' }], { wheelVersionLine: LINES[i]! });
const wheelName = (i: number) => `wv${i}-1.0-py3-none-any.whl`;

/** True when we install the wheel; false when we refuse it as a bad wheel. */
function weInstall(i: number): boolean {
  try {
    planWheelInstall(wheelName(i), members(files(i)), {
      interpreter: '/usr/bin/python3',
      pythonVersion: '3.11',
    });
    return true;
  } catch (e) {
    if (e instanceof InstallError && e.code === 'install-bad-wheel') return false;
    throw e;
  }
}

describeWithOracle(pythonOracle(), "Wheel-Version against pip 23's install --target", () => {
  let work: string;
  const pipInstalls: boolean[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mochi-wheel-version-'));
    const links = join(work, 'links');
    mkdirSync(links);
    for (const i of LINES.keys()) writeFileSync(join(links, wheelName(i)), wheelZip(files(i)));
    for (const i of LINES.keys()) {
      const install = pipTargetInstall(links, join(work, `target-${i}`), [`wv${i}`]);
      try {
        execFileSync('python3', install.args, { env: install.env, stdio: ['ignore', 'ignore', 'pipe'] });
        pipInstalls.push(true);
      } catch {
        pipInstalls.push(false);
      }
    }
  }, 120_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pip both installs and refuses some of the cases', () => {
    expect(pipInstalls).toContain(true);
    expect(pipInstalls).toContain(false);
  });

  it.each(LINES.map((line, i) => [JSON.stringify(line), i] as const))('%s', (_, i) => {
    expect(weInstall(i)).toBe(pipInstalls[i]);
  });
});
