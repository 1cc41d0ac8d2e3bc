// Which folder is the project: the one `--cwd` names, else the nearest one up from the current
// folder that holds a mochi.toml or a mochi.lock (as cmd/go finds go.mod and uv pyproject.toml),
// else the current folder itself (a new project).
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { statIfExistsSync } from '../util/read.js';
import { ProjectError } from './errors.js';

/** The files that mark a project's root folder. */
export const PROJECT_MARKERS = ['mochi.toml', 'mochi.lock'] as const;

/**
 * The project folder for a command run in `cwd`: `project` resolved against `cwd` when given (used
 * as it is, even without a mochi.toml; `project-not-found` when it is not a directory), else the nearest of `cwd` and its parents that holds a
 * regular file named mochi.toml or mochi.lock, else `cwd`. Only existence checks; nothing is read.
 *
 * A marker in a parent folder that belongs to another user ends the search at `cwd`: on a shared
 * machine anyone can leave a `/tmp/mochi.toml` (with `go.sumdb = "off"` and their own proxy) above
 * another user's folders, as git's `safe.directory` check guards against for `.git`. `uid` is the
 * user to trust (default this process's; none on Windows).
 */
export function projectRoot(
  cwd: string,
  project?: string | undefined,
  uid: number | undefined = process.getuid?.(),
): string {
  const start = resolve(cwd, project ?? '.');
  if (project !== undefined) {
    // A --cwd that names no folder (a typo) is no project with default settings and no lock.
    if (statIfExistsSync(start)?.isDirectory() !== true) {
      throw new ProjectError(
        'project-not-found',
        `${start} is not a directory`,
        undefined,
        'pass the project directory with --cwd',
      );
    }
    return start;
  }
  for (let dir = start; ; ) {
    for (const name of PROJECT_MARKERS) {
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      if (st?.isFile() !== true) continue;
      return dir === start || uid === undefined || st.uid === uid ? dir : start;
    }
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}
