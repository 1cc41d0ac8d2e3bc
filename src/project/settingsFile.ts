// Reading a project's settings: mochi.toml at the project root (the only I/O), then the pure resolver.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defaultCacheRoot } from '../go/cache/layout.js';
import { DEFAULT_PROXY_URL } from '../go/proxy/goproxy.js';
import { DEFAULT_PYTHON } from '../python/build/defaults.js';
import type { PythonTarget } from '../python/build/types.js';
import { defaultPythonCacheRoot } from '../python/registry/cache.js';
import { DEFAULT_INDEX_URL } from '../python/registry/defaults.js';
import { readRegularFileIfExists } from '../util/read.js';
import { projectRoot } from './root.js';
import {
  type FlagValue,
  parseSettingsFile,
  resolveSettings,
  SETTINGS_FILE,
  SETTINGS_MAX_BYTES,
  type SettingKey,
  type Settings,
  SettingsError,
  type SettingsFile,
} from './settings.js';

/** What {@link loadSettings} needs. */
export interface LoadSettingsOptions {
  /** The shell's working directory (flag and environment paths are relative to it). */
  readonly cwd: string;
  /** The project directory (`--cwd`), relative to `cwd`; default `cwd`. */
  readonly project?: string | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Flag values by setting key. */
  readonly flags?: Partial<Record<SettingKey, FlagValue>>;
  /**
   * The `--python`/`--platform` pair of a lock, whose target is the default of `python.targets`
   * (default {@link DEFAULT_PYTHON}, 3.12-linux).
   */
  readonly python?: PythonTarget | undefined;
  /**
   * What the lock on disk was made with, given the settings without it: taken where no flag,
   * variable or mochi.toml sets the value (sync checks the lock with the index and targets it was
   * made with, which `lock`'s flags may have given).
   */
  readonly fromLock?: (settings: Settings) => LockDefaults;
}

/** The index and targets a lock records. */
export interface LockDefaults {
  readonly indexUrl?: string | undefined;
  readonly targets?: readonly string[] | undefined;
}

/** Reads `<dir>/mochi.toml` when it exists; throws {@link SettingsError} when it cannot be used. */
export async function readSettingsFile(dir: string): Promise<SettingsFile | undefined> {
  const path = join(dir, SETTINGS_FILE);
  const bytes = await readRegularFileIfExists(path, { maxBytes: SETTINGS_MAX_BYTES, what: SETTINGS_FILE });
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    // The BOM stays: parseSettingsFile refuses it, as tomllib does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SettingsError(path, 'is not UTF-8 text', {});
  }
  return parseSettingsFile(text, path, dir);
}

/**
 * The project's effective settings: its mochi.toml (if any) under the flags and the environment,
 * over the machine's defaults.
 */
export async function loadSettings(options: LoadSettingsOptions): Promise<Settings> {
  const env = options.env ?? process.env;
  const python = options.python ?? DEFAULT_PYTHON;
  const root = projectRoot(options.cwd, options.project);
  const file = await readSettingsFile(root);
  // The defaults are the machine's, not the environment's (the environment is its own layer).
  const bare = { ...env, MOCHI_PYTHON_CACHE: undefined, MOCHI_GO_BRIDGE_CACHE: undefined };
  const resolve = (fromLock: LockDefaults) =>
    resolveSettings({
      cwd: options.cwd,
      env,
      file,
      delimiter,
      ...(options.flags ? { flags: options.flags } : {}),
      defaults: {
        'python.index-url': fromLock.indexUrl ?? DEFAULT_INDEX_URL,
        'python.stubs-dirs': [],
        'python.cache-dir': defaultPythonCacheRoot(bare, process.platform, homedir()),
        // The lock's default target is the --python/--platform pair: shown as what it means.
        'python.targets':
          fromLock.targets !== undefined && fromLock.targets.length > 0
            ? fromLock.targets
            : [`${python.version.join('.')}-${python.platform}`],
        'go.proxy': DEFAULT_PROXY_URL,
        'go.sumdb': 'sum.golang.org',
        'go.cache-dir': defaultCacheRoot(bare),
      },
      defaultOrigins: {
        ...(fromLock.indexUrl === undefined ? {} : { 'python.index-url': 'mochi.lock' }),
        ...(fromLock.targets?.length ? { 'python.targets': 'mochi.lock' } : {}),
      },
    });
  const settings = resolve({});
  return options.fromLock === undefined ? settings : resolve(options.fromLock(settings));
}
