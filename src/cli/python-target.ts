// The one `--python X.Y` / `--platform P` parser of every command that evaluates stubs for a target, and the check of `--target`.
import { DEFAULT_PYTHON } from '../python/build/defaults.js';
import type { PythonTarget } from '../python/build/types.js';
import { parseTargetName, TARGET_PLATFORMS } from '../python/lockfile/target.js';
import { UsageError } from './context.js';

/** The flags, for parseCommandArgs. */
export const pythonTargetFlags = {
  python: { type: 'string' },
  platform: { type: 'string' },
} as const;

/** Help lines for the two flags (aligned like the other flag lines). */
export const PYTHON_TARGET_HELP = `  --python <X.Y>       Python version the stubs are evaluated for (default ${DEFAULT_PYTHON.version.join('.')})
  --platform <name>    sys.platform the stubs are evaluated for (default ${DEFAULT_PYTHON.platform}; e.g. darwin, win32)`;

/**
 * The target of `--python` / `--platform`, or undefined when neither is given (the build's
 * default, 3.12 on linux). A version that is not `X.Y` or a platform that is not a `sys.platform`
 * word is a usage error naming the command; with `lockable` (lock, whose default target is this
 * pair), so is a platform no lock can be made for.
 */
export function parsePythonTarget(
  command: string,
  values: { readonly python?: string | undefined; readonly platform?: string | undefined },
  lockable = false,
): PythonTarget | undefined {
  if (values.python === undefined && values.platform === undefined) return undefined;
  const text = values.python ?? DEFAULT_PYTHON.version.join('.');
  const m = /^(\d{1,2})\.(\d{1,3})$/.exec(text);
  if (!m) {
    throw new UsageError(
      `${command}: --python ${JSON.stringify(text)} is not a version like 3.12`,
      'e.g. --python 3.12',
    );
  }
  const platform = values.platform ?? DEFAULT_PYTHON.platform;
  if (!/^[a-z][a-z0-9_]*$/.test(platform)) {
    throw new UsageError(
      `${command}: --platform ${JSON.stringify(platform)} is not a sys.platform value like linux`,
      'e.g. --platform linux, darwin or win32',
    );
  }
  if (lockable && !(TARGET_PLATFORMS as readonly string[]).includes(platform)) {
    throw new UsageError(
      `${command}: --platform ${JSON.stringify(platform)} is not a platform a lock is made for (${TARGET_PLATFORMS.join(', ')})`,
      'e.g. --platform darwin',
    );
  }
  return { version: [Number(m[1]), Number(m[2])], platform };
}

/**
 * Checks each `--target` value as the lock reads it, before any work: one that is not
 * `<X.Y>-<linux|darwin|win32>` is `registry-bad-target`, naming the command and the flag.
 */
export function checkTargetFlags(command: string, targets: readonly string[] | undefined): void {
  for (const t of targets ?? []) parseTargetName(t, `${command}: --target`);
}
