// Turns a build (request + result) into the [[python-package]] manifest that pins it.

import { LockfileError } from '../../lock/errors.js';
import type { BuildRequest, BuildResult } from '../build/types.js';
import { parseImportSpec } from '../importspec/parse.js';
import { extractCapabilities } from './capabilities.js';
import type { LockEntry, Manifest } from './entry.js';
import { sortManifest } from './entry.js';

/** What a stub source resolved one import to, beyond what its spec says. */
export interface Resolution {
  /** The version the provider picked (registry and index sources); an exact `==` pin wins. */
  readonly version?: string;
  /** The full commit a git rev (or the default branch) resolved to; recorded as `git-rev`. */
  readonly gitCommit?: string;
}

/** What a build cannot tell by itself. */
export interface FromBuildOptions {
  /** Resolutions by alias, as the stub sources reported them. */
  readonly resolved?: ReadonlyMap<string, Resolution>;
}

/**
 * The manifest of a build: one entry per target, with the source and coordinates of its spec, the
 * original PEP 440 specifier, the version (pinned by `==N.N.N`, else as resolved), the wrapper
 * SHA-256 and the capabilities. Skip reports stay out of the lock. Entries come back sorted.
 *
 * @throws {LockfileError} `lockfile-build-mismatch` when the result has a different number of
 *   targets than the request, a missing target result, or a result for another alias; the
 *   spec's own `ImportSpecError` when a target's spec is malformed.
 */
export function fromBuildResult(
  req: BuildRequest,
  res: BuildResult,
  options: FromBuildOptions = {},
): Manifest {
  if (!req || !res || !Array.isArray(req.targets) || !Array.isArray(res.targets)) {
    throw new LockfileError('lockfile-build-mismatch', 'fromBuildResult: missing build request or result');
  }
  if (req.targets.length !== res.targets.length) {
    throw new LockfileError(
      'lockfile-build-mismatch',
      `fromBuildResult: the request has ${req.targets.length} targets but the result has ${res.targets.length}`,
    );
  }
  const entries: LockEntry[] = [];
  req.targets.forEach((target, i) => {
    const result = res.targets[i];
    if (!result) {
      throw new LockfileError(
        'lockfile-build-mismatch',
        `fromBuildResult: target ${i} (${target.alias}) has no result`,
        {
          entryIndex: i,
        },
      );
    }
    if (result.alias !== target.alias) {
      throw new LockfileError(
        'lockfile-build-mismatch',
        `fromBuildResult: target ${i} is ${JSON.stringify(target.alias)} but its result is for ${JSON.stringify(result.alias)}`,
        { entryIndex: i },
      );
    }
    const spec = parseImportSpec(target.spec);
    const e: { -readonly [K in keyof LockEntry]: LockEntry[K] } = {
      name: spec.name,
      alias: target.alias,
      source: spec.source,
    };
    const resolved = options.resolved?.get(target.alias);
    switch (spec.source) {
      case 'registry': {
        const version = spec.pinnedVersion ?? resolved?.version;
        if (version !== undefined) e.version = version;
        if (spec.specifier !== undefined) e.specifier = spec.specifier;
        break;
      }
      case 'index':
        if (resolved?.version !== undefined) e.version = resolved.version;
        e.indexUrl = spec.indexUrl;
        break;
      case 'git': {
        e.gitUrl = spec.gitUrl;
        const rev = resolved?.gitCommit ?? spec.gitRev;
        if (rev !== undefined) e.gitRev = rev;
        break;
      }
      case 'path':
        e.localPath = spec.localPath;
        break;
    }
    if (result.shimSha256) e.wrapperSha256 = result.shimSha256;
    const caps = extractCapabilities(result.wrapper);
    if (caps) e.capabilities = caps;
    entries.push(e);
  });
  return sortManifest({ entries });
}
