// The flags that set project settings, shared by the commands that read settings (`lock`, `config`).
import type { FlagValue, SettingKey } from '../project/settings.js';

/** parseArgs options of the setting flags. */
export const settingFlags = {
  'index-url': { type: 'string' },
  index: { type: 'string', multiple: true },
  'stubs-dir': { type: 'string', multiple: true },
  'cache-dir': { type: 'string' },
  target: { type: 'string', multiple: true },
  'go-proxy': { type: 'string' },
  'go-cache-dir': { type: 'string' },
} as const;

/** Help lines of the setting flags. */
export const settingFlagHelp = `  --index-url <url>    python.index-url
  --index <name>=<url> python.index: a named index, or another URL for one (repeatable)
  --stubs-dir <dir>    python.stubs-dirs (repeatable)
  --cache-dir <dir>    python.cache-dir
  --target <X.Y-plat>  python.targets (repeatable)
  --go-proxy <list>    go.proxy
  --go-cache-dir <dir> go.cache-dir`;

/** The setting flags' values by setting key. */
export function settingsFromFlags(values: {
  readonly 'index-url'?: string | undefined;
  readonly index?: string[] | undefined;
  readonly 'stubs-dir'?: string[] | undefined;
  readonly 'cache-dir'?: string | undefined;
  readonly target?: string[] | undefined;
  readonly 'go-proxy'?: string | undefined;
  readonly 'go-cache-dir'?: string | undefined;
}): Partial<Record<SettingKey, FlagValue>> {
  return {
    'python.index-url': values['index-url'],
    'python.index': values.index,
    'python.stubs-dirs': values['stubs-dir'],
    'python.cache-dir': values['cache-dir'],
    'python.targets': values.target,
    'go.proxy': values['go-proxy'],
    'go.cache-dir': values['go-cache-dir'],
  };
}
