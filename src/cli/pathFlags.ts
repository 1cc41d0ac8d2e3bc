// Flags that name a directory or an output file: the wrong kind of file is bad usage naming the flag.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isAbsent, kindOf } from '../util/read.js';
import { UsageError } from './context.js';

/**
 * Follows `path` (and, when it is missing, its parents) to what the file system has there:
 * the stats of `path`, or of the nearest existing ancestor when `path` is missing. A link loop or
 * a denied lookup is bad usage naming `flag`.
 */
async function lookUp(flag: string, given: string, path: string): Promise<{ at: string; st: Stats }> {
  for (let p = path; ; p = dirname(p)) {
    try {
      return { at: p, st: await stat(p) };
    } catch (e) {
      if (isAbsent(e)) {
        if (dirname(p) === p) throw e;
        continue;
      }
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--${flag} ${given}: cannot look up ${p} (${code ?? 'error'})`, 'check the path');
    }
  }
}

function emptyPath(flag: string, what: string): UsageError {
  return new UsageError(`--${flag}: the path is empty`, `give --${flag} ${what}`);
}

/**
 * Checks a flag naming a directory that is created when missing (`--cache-dir`): it must be a
 * directory (after links) or missing under a directory. Otherwise a usage error (exit 2) names
 * the flag and what is in the way, before anything is written.
 */
export async function checkDirFlag(flag: string, given: string | undefined, cwd: string): Promise<void> {
  if (given === undefined) return;
  // An empty value (an unset shell variable) would otherwise mean the current directory.
  if (given === '') throw emptyPath(flag, 'a directory (it is created when missing)');
  const path = resolve(cwd, given);
  const { at, st } = await lookUp(flag, given, path);
  if (st.isDirectory()) return;
  throw new UsageError(
    at === path
      ? `--${flag} ${given}: ${path} is ${kindOf(st)}, not a directory`
      : `--${flag} ${given}: ${at} is ${kindOf(st)}, not a directory, so ${path} cannot be created`,
    `give --${flag} a directory (it is created when missing)`,
  );
}

/**
 * Checks a flag naming a file the command writes (`--go-sum`, `--go-mod`): it must be a regular
 * file (after links) or missing under a directory; a directory, FIFO, socket or device in its place
 * is a usage error (exit 2) naming the flag, before anything is written.
 */
export async function checkOutputFileFlag(
  flag: string,
  given: string | undefined,
  cwd: string,
): Promise<void> {
  if (given === undefined) return;
  if (given === '') throw emptyPath(flag, 'the path of a regular file (it is created when missing)');
  const path = resolve(cwd, given);
  const { at, st } = await lookUp(flag, given, path);
  if (at === path ? st.isFile() : st.isDirectory()) return;
  throw new UsageError(
    at === path
      ? `--${flag} ${given}: ${path} is ${kindOf(st)}, not a regular file`
      : `--${flag} ${given}: ${at} is ${kindOf(st)}, not a directory, so ${path} cannot be written`,
    `give --${flag} the path of a regular file (it is created when missing)`,
  );
}
