import { describe, expect, it } from 'vitest';
import { parseSettingsFile } from '../../../src/project/settings.js';
import { parseTargetName, tryParseTargetName } from '../../../src/python/lockfile/target.js';
import { closureTarget } from '../../../src/python/registry/closure.js';

const GOOD: [string, [number, number], string][] = [
  ['3.12-linux', [3, 12], 'linux'],
  ['3.11-darwin', [3, 11], 'darwin'],
  ['3.13-win32', [3, 13], 'win32'],
  ['2.7-linux', [2, 7], 'linux'],
  ['10.100-linux', [10, 100], 'linux'],
];
const BAD = [
  '',
  '3.12',
  '3-linux',
  '3.12-lnux',
  '3.12-beos',
  '3.12-Linux',
  '3.12-linux ',
  ' 3.12-linux',
  '3.12-linux/../..',
  '../../escaped',
  '3.x-linux',
  '123.1-linux',
  '3.1234-linux',
  '3.12-linux-extra',
];

describe('lock target names', () => {
  it.each(GOOD)('takes %j apart', (text, python, platform) => {
    expect(tryParseTargetName(text)).toEqual({ id: text, python, platform });
    expect(closureTarget(python, platform).id).toBe(text);
  });

  it.each(BAD)('refuses %j', (text) => {
    expect(tryParseTargetName(text)).toBeUndefined();
    expect(() => parseTargetName(text, '--target')).toThrow(
      expect.objectContaining({
        code: 'registry-bad-target',
        message: `--target ${JSON.stringify(text)} is not <X.Y>-<linux|darwin|win32>`,
      }),
    );
  });

  it('is the rule mochi.toml python.targets is read by', () => {
    for (const [text] of GOOD) {
      expect(
        parseSettingsFile(`[python]\ntargets = ["${text}"]\n`, 'mochi.toml', '/p').values.get(
          'python.targets',
        )?.value,
      ).toEqual([text]);
    }
    for (const text of BAD) {
      expect(() =>
        parseSettingsFile(`[python]\ntargets = [${JSON.stringify(text)}]\n`, 'mochi.toml', '/p'),
      ).toThrow(/settings-invalid|is not <X\.Y>/);
    }
  });
});
