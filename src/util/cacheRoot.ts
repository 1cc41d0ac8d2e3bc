// Where mochi-pkg's caches live by default: one product folder in the user's cache directory, one subfolder per area.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product folder every default cache lives in. */
export const CACHE_PRODUCT = 'mochi-pkg';

/** Where to look for the user's cache directory (all injectable, so tests need no real home). */
export interface CacheRootOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/**
 * The user's cache directory: `~/Library/Caches` on macOS, `%LocalAppData%` on Windows, else
 * `$XDG_CACHE_HOME`, falling back to `~/.cache` when it is unset or not absolute (as the XDG spec
 * says).
 */
export function userCacheDir(options: CacheRootOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  if (platform === 'win32' && env.LOCALAPPDATA) return env.LOCALAPPDATA;
  const xdg = env.XDG_CACHE_HOME;
  return xdg?.startsWith('/') ? xdg : join(home, '.cache');
}

/**
 * The default cache root of one area (`go`, `python`): `$<envVar>` when set, else
 * `<user cache dir>/mochi-pkg/<area>`. `legacy` names folders under the user cache directory that
 * older versions used for this area: the first one that exists is used instead (and the new
 * location only once it does not), so an upgrade does not throw a warm cache away.
 */
export function defaultAreaCacheRoot(
  area: string,
  envVar: string,
  options: CacheRootOptions & {
    readonly legacy?: readonly string[];
    readonly exists?: (path: string) => boolean;
  } = {},
): string {
  const override = (options.env ?? process.env)[envVar];
  if (override) return override;
  const base = userCacheDir(options);
  const root = join(base, CACHE_PRODUCT, area);
  const exists = options.exists ?? existsSync;
  for (const old of options.legacy ?? []) {
    const path = join(base, old);
    if (!exists(root) && exists(path)) return path;
  }
  return root;
}
