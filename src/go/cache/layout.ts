// Pure path maths of the cache: Go's cache/download tree, and where the cache lives by default.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { escapePath, escapeVersion } from '../module/index.js';

/** Environment variable that overrides the cache root. */
export const CACHE_ENV = 'MOCHI_GO_BRIDGE_CACHE';

/**
 * The default cache root: `$MOCHI_GO_BRIDGE_CACHE` when set; on macOS
 * `~/Library/Caches/mochi-go-bridge/modules`; on Windows `%LocalAppData%\mochi-go-bridge\modules`;
 * elsewhere `$XDG_CACHE_HOME/mochi-go-bridge/modules`, falling back to `~/.cache` when
 * XDG_CACHE_HOME is unset or not absolute (as the XDG spec says).
 */
export function defaultCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env[CACHE_ENV];
  if (override) return override;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'mochi-go-bridge', 'modules');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'mochi-go-bridge', 'modules');
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg?.startsWith('/') ? xdg : join(home, '.cache');
  return join(base, 'mochi-go-bridge', 'modules');
}

/** The four artifacts of a cached module version, plus the zip's hash sidecar. */
export type Artifact = 'info' | 'mod' | 'zip' | 'ziphash';

/** `<root>/<escaped-module>/@v`: the directory holding every artifact of a module's versions. */
export function versionDir(root: string, module: string): string {
  return join(root, ...escapePath(module).split('/'), '@v');
}

/** `<root>/<escaped-module>/@v/<escaped-version>.<artifact>`. */
export function artifactPath(root: string, module: string, version: string, artifact: Artifact): string {
  return join(versionDir(root, module), `${escapeVersion(version)}.${artifact}`);
}

/** `<root>/<escaped-module>/@v/list`: the versions fully stored, one per line (a file proxy's list). */
export function listPath(root: string, module: string): string {
  return join(versionDir(root, module), 'list');
}
