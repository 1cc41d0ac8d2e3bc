// Path maths of the cache: Go's cache/download tree, and where the cache lives by default.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultAreaCacheRoot } from '../../util/cacheRoot.js';
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

/** Escaped module paths already checked, as path segments: every artifact path of a version needs one. */
const escapedSegments = new Map<string, readonly string[]>();
const MAX_ESCAPED = 100_000;

/** `<root>/<escaped-module>/@v`: the directory holding every artifact of a module's versions. */
export function versionDir(root: string, module: string): string {
  let segments = escapedSegments.get(module);
  if (segments === undefined) {
    // escapePath checks the whole path first (and throws for an invalid one, which is not kept).
    segments = escapePath(module).split('/');
    if (escapedSegments.size >= MAX_ESCAPED) escapedSegments.clear();
    escapedSegments.set(module, segments);
  }
  return join(root, ...segments, '@v');
}

/** `<root>/<escaped-module>/@v/<escaped-version>` by root, module and version: a version's artifacts share it. */
const versionBases = new Map<string, string>();

/** `<root>/<escaped-module>/@v/<escaped-version>.<artifact>`. */
export function artifactPath(root: string, module: string, version: string, artifact: Artifact): string {
  const key = `${root}\u0000${module}\u0000${version}`;
  let base = versionBases.get(key);
  if (base === undefined) {
    base = join(versionDir(root, module), escapeVersion(version));
    if (versionBases.size >= MAX_ESCAPED) versionBases.clear();
    versionBases.set(key, base);
  }
  return `${base}.${artifact}`;
}

/** `<root>/<escaped-module>/@v/list`: the versions fully stored, one per line (a file proxy's list). */
export function listPath(root: string, module: string): string {
  return join(versionDir(root, module), 'list');
}
