// A lock target's name, `<X.Y>-<platform>`: the one parser of `python.targets`, `lock --target`, `sync --target` and the lock's own target lists.
import { MochiPkgError } from '../../errors.js';

/** The platforms a lock can be made for, by their `sys.platform` names. */
export const TARGET_PLATFORMS = ['linux', 'darwin', 'win32'] as const;

/** A platform a lock can target. */
export type TargetPlatform = (typeof TARGET_PLATFORMS)[number];

/** A target name taken apart: `3.12-linux` is CPython 3.12 on linux. */
export interface TargetName {
  /** The name as the lock writes it (`3.12-linux`). */
  readonly id: string;
  readonly python: readonly [number, number];
  readonly platform: TargetPlatform;
}

const TARGET_RE = /^(\d{1,2})\.(\d{1,3})-([a-z0-9]+)$/;

/**
 * The parts of a target name, or undefined when `text` is not `<X.Y>-<linux|darwin|win32>`. A
 * target also names an environment's folder, so nothing else (no path) passes.
 *
 * @example
 * tryParseTargetName('3.12-darwin'); // { id: '3.12-darwin', python: [3, 12], platform: 'darwin' }
 * tryParseTargetName('3.12-beos'); // undefined
 */
export function tryParseTargetName(text: string): TargetName | undefined {
  const m = TARGET_RE.exec(text);
  if (!m || !(TARGET_PLATFORMS as readonly string[]).includes(m[3]!)) return undefined;
  return { id: text, python: [Number(m[1]), Number(m[2])], platform: m[3] as TargetPlatform };
}

/**
 * {@link tryParseTargetName}, throwing `registry-bad-target` for a name that is not a target;
 * `what` says where the name came from (`--target`, `the lock target`).
 */
export function parseTargetName(text: string, what: string): TargetName {
  const t = tryParseTargetName(text);
  if (t !== undefined) return t;
  throw new MochiPkgError(
    'registry-bad-target',
    `${what} ${JSON.stringify(text)} is not <X.Y>-<${TARGET_PLATFORMS.join('|')}>`,
    { hint: 'e.g. 3.12-linux, 3.11-darwin or 3.13-win32' },
  );
}
