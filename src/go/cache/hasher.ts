// Checking and hashing a module zip before it is published (injectable, so tests can count or fail it).
import { hashZip } from '../dirhash/index.js';
import { checkedFilesError, checkZip } from '../modzip/check.js';

/** Checks a zip file against x/mod's CheckZip rules for `module@version` and returns its `h1:` hash. */
export interface ZipHasher {
  checkAndHash(path: string, module: string, version: string): Promise<string>;
}

/**
 * x/mod's CheckZip rules (file names, case-fold collisions, go.mod placement, sizes), then the
 * h1: hash: nothing that go itself would refuse gets published.
 */
export async function checkAndHashZip(path: string, module: string, version: string): Promise<string> {
  const problem = checkedFilesError(await checkZip(path, { path: module, version }), `${module}@${version}`);
  if (problem) throw problem;
  return hashZip(path, module, version);
}

/** The hasher that works on the calling thread. */
export const inlineHasher: ZipHasher = {
  checkAndHash: checkAndHashZip,
};
