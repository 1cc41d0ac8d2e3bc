// Shared helpers of the registry end-to-end tests: re-exports and an upstream fixture for requests.
import { contentPath } from '../../../src/python/registry/cache.js';
import { type BuiltFile, type PageMode, untypedWheel, upstreamVersion } from './fixtures.js';

export { RegistryResolver, registryIndexUrl } from '../../../src/python/registry/index.js';
export type { PageMode };
export const contentPathFor = contentPath;

/**
 * Upstream `requests` releases around the version typeshed's stubs describe: an older one, the
 * described one (the best match), a yanked newer one, a pre-release and one needing Python 3.13.
 */
export function upstreamFixture(metadataVersion: string): {
  files: BuiltFile[];
  specifier: string;
  best: string;
} {
  const best = upstreamVersion(metadataVersion);
  const [maj, min] = best.split('.').map(Number) as [number, number];
  const older = `${maj}.${min - 1}.0`;
  const yanked = `${maj}.${min}.99`;
  const pre = `${maj}.${min + 1}.0rc1`;
  const future = `${maj}.${min + 2}.0`;
  const files = [
    untypedWheel('requests', older, ['requests']),
    untypedWheel('requests', best, ['requests']),
    { ...untypedWheel('requests', yanked, ['requests']), yanked: 'broken' },
    untypedWheel('requests', pre, ['requests']),
    { ...untypedWheel('requests', future, ['requests']), requiresPython: '>=3.13' },
  ];
  return { files, specifier: `>=${older},<${maj + 1}`, best };
}
