// Path maths of the cache: Go's cache/download tree, and where the cache lives by default.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultAreaCacheRoot } from '../../util/cacheRoot.js';
import { memoize } from '../../util/memo.js';
import { escapePath, escapeVersion } from '../module/index.js';

/** Environment variable that overrides the cache root. */
export const CACHE_ENV = 'MOCHI_GO_BRIDGE_CACHE';

/** The folder (under the user's cache directory) that versions before the `mochi-pkg/go` layout used. */
export const LEGACY_CACHE_DIR = join('mochi-go-bridge', 'modules');

/**
 * The default cache root: `$MOCHI_GO_BRIDGE_CACHE` when set; else `mochi-pkg/go` in the user's
 * cache directory (`$XDG_CACHE_HOME` or `~/.cache`, `~/Library/Caches` on macOS,
 * `%LocalAppData%` on Windows), beside the Python cache (`mochi-pkg/python`). A cache at the
 * earlier default, `mochi-go-bridge/modules` in the same directory, is used instead while the new
 * folder does not exist.
 */
export function defaultCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
  exists?: (path: string) => boolean,
): string {
  return defaultAreaCacheRoot('go', CACHE_ENV, {
    env,
    platform,
    home,
    legacy: [LEGACY_CACHE_DIR],
    ...(exists === undefined ? {} : { exists }),
  });
}

/** The four artifacts of a cached module version, plus the zip's hash sidecar. */
export type Artifact = 'info' | 'mod' | 'zip' | 'ziphash';

/** A module's escaped path as path segments (escapePath checks it first; a refused one is not kept). */
const escapedSegments = memoize((module: string): readonly string[] => escapePath(module).split('/'), {
  max: 1 << 14,
});

/** `<root>/<escaped-module>/@v`: the directory holding every artifact of a module's versions. */
export function versionDir(root: string, module: string): string {
  return join(root, ...escapedSegments(module), '@v');
}

/**
 * `<root>/<escaped-module>/@v/<escaped-version>` by `root NUL module NUL version`: the four artifact
 * paths of a version, asked for several times each by a sync, share it.
 */
const versionBase = memoize(
  (key: string): string => {
    const [root = '', module = '', version = ''] = key.split('\u0000');
    return join(versionDir(root, module), escapeVersion(version));
  },
  { max: 1 << 14 },
);

/** `<root>/<escaped-module>/@v/<escaped-version>.<artifact>`. */
export function artifactPath(root: string, module: string, version: string, artifact: Artifact): string {
  return `${versionBase(`${root}\u0000${module}\u0000${version}`)}.${artifact}`;
}

/** `<root>/<escaped-module>/@v/list`: the versions fully stored, one per line (a file proxy's list). */
export function listPath(root: string, module: string): string {
  return join(versionDir(root, module), 'list');
}
