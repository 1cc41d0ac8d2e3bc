// The h1: hash of the module zip a directory would make, computed without writing the zip.
import { type H1Digest, hash1Files } from '../dirhash/index.js';
import {
  checkedFilesError,
  checkFilesWithValid,
  checkModuleVersion,
  listFilesInDir,
  type ModuleVersion,
} from './check.js';

/**
 * The h1: hash of the module zip that {@link createFromDir} would write for `m` from `dir`: the
 * same files (VCS folders, nested modules, vendored packages and links left out), named
 * `module@version/<path>`. Throws as `createFromDir` would for a bad module or invalid files.
 *
 * @example
 * ```ts
 * await hashModuleDir('./foo', { path: 'example.com/foo', version: 'v1.0.0' });
 * ```
 */
export async function hashModuleDir(dir: string, m: ModuleVersion): Promise<H1Digest> {
  checkModuleVersion(m);
  const { files } = await listFilesInDir(dir);
  const { cf, valid } = checkFilesWithValid(files);
  const err = checkedFilesError(cf, `hash ${dir} as ${m.path}@${m.version}`);
  if (err) throw err;
  const prefix = `${m.path}@${m.version}/`;
  const byName = new Map(valid.map((f) => [prefix + f.path, f]));
  return hash1Files([...byName.keys()], (name) => byName.get(name)!.open());
}
