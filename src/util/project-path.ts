// The one rule for `path+<dir>` imports of both languages: relative, and inside the project unless allowed.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MochiPkgError } from '../errors.js';
import { isAbsoluteLocalPath } from './local-path.js';

export { isAbsoluteLocalPath };

/**
 * Codes of {@link ProjectPathError}: `path-absolute` (a `path+` directory written as an absolute
 * path: the lock would depend on where the project lives), `path-outside-project` (the directory,
 * after `..` and symbolic links, is outside the project and no opt-in allows it).
 */
export type ProjectPathErrorCode = 'path-absolute' | 'path-outside-project';

/** A `path+` directory that breaks the project-path rule. */
export class ProjectPathError extends MochiPkgError {
  declare readonly code: ProjectPathErrorCode;
  constructor(code: ProjectPathErrorCode, message: string, hint: string) {
    super(code, message, { hint });
  }
}

/** Options of {@link resolveProjectPath}. */
export interface ProjectPathOptions {
  /** Allow a directory outside the project (`lock --allow-outside-project`). Default false. */
  readonly allowOutside?: boolean;
  /** How the import is shown in messages, e.g. `mylib@path+../x`. */
  readonly label?: string;
}

/** The real path, or undefined when there is none yet (the reader of the directory reports that). */
async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    throw e;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves a `path+` directory written relative to the project root. The rule, the same for
 * `import python` and `import go`: the path is relative (the lock records it as written, never an
 * absolute path), and the directory — after `..` and after following symbolic links — lies inside
 * the project root, unless `allowOutside` says otherwise. A directory that does not exist yet is
 * checked lexically (its reader reports it missing).
 *
 * @example
 * ```ts
 * await resolveProjectPath('/work/app', './stubs/mylib'); // '/work/app/stubs/mylib'
 * ```
 * @throws {ProjectPathError} `path-absolute`, `path-outside-project`.
 */
export async function resolveProjectPath(
  root: string,
  localPath: string,
  options: ProjectPathOptions = {},
): Promise<string> {
  const label = options.label ?? `path+${localPath}`;
  if (isAbsoluteLocalPath(localPath)) {
    throw new ProjectPathError(
      'path-absolute',
      `${label}: the directory is an absolute path; mochi.lock must not depend on where the project lives`,
      'write the directory relative to the project root',
    );
  }
  const dir = resolve(root, localPath);
  if (options.allowOutside) return dir;
  const outside = (): never => {
    throw new ProjectPathError(
      'path-outside-project',
      `${label}: the directory ${dir} is outside the project ${root}`,
      'move the directory into the project, or pass --allow-outside-project to lock it by its relative path',
    );
  };
  if (!inside(root, dir)) outside();
  // Symbolic links may lead out of the project too: compare real paths when both exist.
  const realRoot = await realOrUndefined(root);
  const realDir = await realOrUndefined(dir);
  if (realRoot !== undefined && realDir !== undefined && !inside(realRoot, realDir)) outside();
  return dir;
}
