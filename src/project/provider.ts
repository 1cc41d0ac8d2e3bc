// Stub sources for Python imports: built-in path and git sources, and pluggable providers for registry/index specs.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMochiPkgError } from '../errors.js';
import type { StubFiles } from '../python/build/types.js';
import type { ImportSpec } from '../python/importspec/index.js';
import { normalizeName } from '../python/importspec/index.js';
import { contains, tryParseVersion } from '../python/pep440/index.js';
import { readStubFile } from '../python/stubs/load.js';
import { resolveProjectPath } from '../util/project-path.js';
import { isAbsent, readRegularFileIfExists } from '../util/read.js';
import { parseToml, TomlError } from '../util/toml.js';
import { fetchGitStubTree } from './git.js';
import { readStubTree, StubSourceError, type StubTreeLimits, selectStubPackage } from './stubs.js';

/** A parsed spec a provider is asked about: the `registry` and `index` forms. */
export type ProviderSpec = Extract<ImportSpec, { source: 'registry' | 'index' }>;

/** What a provider, or a built-in source, resolved an import to. */
export interface ResolvedStubs {
  /** The stubs of the one package the import names. */
  readonly stubs: StubFiles;
  /** The version the stubs are for, when the source knows it (recorded as `version` in the lock). */
  readonly version?: string;
  /** For git sources: the full commit the rev resolved to (recorded as `git-rev`). */
  readonly gitCommit?: string;
  /** Where the stubs came from, for messages: a directory, a URL at a commit, an index file. */
  readonly origin: string;
  /**
   * For imports resolved on a package index: the distribution and the index, so the lock can
   * resolve and pin its whole closure (`[[python-distribution]]`).
   */
  readonly index?: { readonly url: string; readonly name: string; readonly specifier: string };
}

/** What every source gets besides the spec. */
export interface StubContext {
  /** The project directory; `path` sources are relative to it. */
  readonly projectRoot: string;
  /** Where sources may cache downloads (git mirrors, index responses). */
  readonly cacheDir: string;
  readonly limits?: StubTreeLimits;
  /** Let `path+` directories lie outside the project (see {@link resolveProjectPath}). */
  readonly allowOutsideProject?: boolean;
}

/**
 * A pluggable source of stubs for `registry` and `index` specs (`name`, `name@<specifier>`,
 * `name@<id>+<url>`). The lock asks each provider in order; the first that returns stubs wins.
 *
 * Contract:
 * - Return `undefined` when the provider does not serve this spec (another may); throw a
 *   `MochiPkgError` (e.g. {@link StubSourceError}) when it should but cannot (network failure,
 *   no version satisfies the specifier, corrupt download).
 * - Return the stubs of exactly one top-level module as {@link StubFiles}, plus the resolved
 *   `version` (a PEP 440 version that satisfies `spec.specifier`, when the provider knows one).
 * - Be deterministic for the same inputs and cache state: `lock --check` relies on it.
 *
 * The typeshed-style directory provider ({@link typeshedProvider}) is the built-in example; a
 * package-index provider plugs in the same way.
 */
export interface StubProvider {
  /** Short name for messages, e.g. `typeshed:/path/to/stubs`. */
  readonly name: string;
  resolve(spec: ProviderSpec, ctx: StubContext): Promise<ResolvedStubs | undefined>;
}

/**
 * Reads `version = "…"` from a typeshed METADATA.toml; a trailing `.*` is dropped (`2.32.*` → `2.32`).
 * A file that is not UTF-8 or not TOML 1.0 (what typeshed's own tools, reading it with `tomllib`,
 * refuse) has no version.
 */
export function metadataVersion(src: string | Uint8Array): string | undefined {
  let doc: Record<string, unknown>;
  try {
    const text =
      typeof src === 'string' ? src : new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(src);
    doc = parseToml(text, { maxDepth: 16 });
  } catch (e) {
    if (e instanceof TomlError) return undefined;
    if (e instanceof TypeError && typeof src !== 'string') return undefined; // not UTF-8
    throw e;
  }
  const v = doc.version;
  return typeof v === 'string' && v !== '' ? v.replace(/\.\*$/, '') : undefined;
}

/**
 * Whether stubs for `stubVersion.*` (typeshed's convention: `1.2.*` covers every 1.2 release) can
 * serve `spec`: a pinned `==V` must lie inside `stubVersion.*`; any other specifier must admit
 * `stubVersion` itself. A version that is not PEP 440 cannot be checked and is accepted.
 */
function stubsAdmitted(spec: ProviderSpec & { source: 'registry' }, stubVersion: string): boolean {
  if (spec.specifier === undefined || tryParseVersion(stubVersion) === undefined) return true;
  if (spec.pinnedVersion !== undefined && tryParseVersion(spec.pinnedVersion) !== undefined) {
    return contains(`==${stubVersion}.*`, spec.pinnedVersion, { prereleases: true });
  }
  return contains(spec.specifier, stubVersion, { prereleases: true });
}

/** Most bytes of a distribution's METADATA.toml (typeshed's are under 1 KiB). */
const MAX_METADATA_BYTES = 1 << 20;

/**
 * A provider over a typeshed-style stub directory: `<dir>/stubs/<Distribution>/…` (third-party
 * stubs, with `METADATA.toml` giving their version) and `<dir>/stdlib/<module>.pyi` or
 * `<dir>/stdlib/<module>/` (the standard library, for bare names only). Distribution directories
 * match by PEP 503-normalised name; when their version does not fit the spec's specifier the
 * provider passes (returns undefined) so that the next one, e.g. the package index, is asked.
 * Serves `registry` specs; never `index` specs.
 *
 * @example
 * ```ts
 * typeshedProvider('node_modules/pyright/dist/typeshed-fallback') // requests, six, math, …
 * ```
 */
export function typeshedProvider(dir: string): StubProvider {
  let listing: Promise<Map<string, string>> | undefined;
  const distributions = () => {
    listing ??= readdir(join(dir, 'stubs'), { withFileTypes: true }).then(
      (entries) =>
        new Map(entries.filter((e) => e.isDirectory()).map((e) => [normalizeName(e.name), e.name])),
      (e: NodeJS.ErrnoException) => {
        if (isAbsent(e)) return new Map<string, string>();
        throw e;
      },
    );
    return listing;
  };
  return {
    name: `typeshed:${dir}`,
    async resolve(spec, ctx) {
      if (spec.source !== 'registry') return undefined;
      const dist = (await distributions()).get(spec.name);
      if (dist !== undefined) {
        const root = join(dir, 'stubs', dist);
        const files = await readStubTree(root, ctx.limits);
        const meta = await readRegularFileIfExists(join(root, 'METADATA.toml'), {
          maxBytes: MAX_METADATA_BYTES,
          what: 'METADATA.toml',
        });
        const version = meta === undefined ? undefined : metadataVersion(meta);
        // Stubs for another version are not stubs for this import: the next provider may have them.
        if (version !== undefined && !stubsAdmitted(spec, version)) return undefined;
        return {
          stubs: selectStubPackage(files, spec.name, root, dist),
          ...(version === undefined ? {} : { version }),
          origin: root,
        };
      }
      // The standard library: only for a bare name, since its stubs carry no version to match.
      if (spec.specifier !== undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.rawName)) return undefined;
      const one = join(dir, 'stdlib', `${spec.rawName}.pyi`);
      const text = await readStubFile(one, `${spec.rawName}.pyi`).catch(async (e: unknown) => {
        if (isAbsent(e)) return undefined;
        // A folder of that name is not a one-file module; a FIFO or a device there is an error.
        const isDir =
          isMochiPkgError(e, 'file-not-regular') &&
          (await stat(one).catch(() => undefined))?.isDirectory() === true;
        if (isDir) return undefined;
        throw e;
      });
      if (text !== undefined)
        return {
          stubs: { module: spec.rawName, files: new Map([[`${spec.rawName}.pyi`, text]]) },
          origin: one,
        };
      const pkg = join(dir, 'stdlib', spec.rawName);
      const files = await readStubTree(pkg, ctx.limits).catch((e: unknown) => {
        if (e instanceof StubSourceError && e.code === 'stubs-not-found') return undefined;
        throw e;
      });
      if (!files?.has('__init__.pyi')) return undefined;
      return { stubs: { module: spec.rawName, files }, origin: pkg };
    },
  };
}

/**
 * Finds the stubs for one import: `path` specs read the directory (relative to the project),
 * `git` specs read the repository at the rev through the cache, `registry` and `index` specs ask
 * `providers` in order.
 *
 * @throws {StubSourceError} `stubs-not-found` when nothing supplies the stubs (the message lists
 *   the providers asked), `stubs-unsupported` for an index spec no provider serves, and the
 *   sources' own errors.
 */
export async function resolveStubs(
  spec: ImportSpec,
  ctx: StubContext,
  providers: readonly StubProvider[],
): Promise<ResolvedStubs> {
  switch (spec.source) {
    case 'path': {
      const dir = await resolveProjectPath(ctx.projectRoot, spec.localPath, {
        allowOutside: ctx.allowOutsideProject === true,
        label: `${spec.name}@path+${spec.localPath}`,
      });
      const files = await readStubTree(dir, ctx.limits);
      return { stubs: selectStubPackage(files, spec.name, dir), origin: dir };
    }
    case 'git': {
      const tree = await fetchGitStubTree(spec.gitUrl, spec.gitRev, ctx.cacheDir, ctx.limits);
      const where = `${spec.gitUrl}@${tree.commit.slice(0, 12)}`;
      const repoName =
        spec.gitUrl
          .replace(/\/+$/, '')
          .split(/[/:]/)
          .pop()
          ?.replace(/\.git$/, '') ?? spec.name;
      return {
        stubs: selectStubPackage(tree.files, spec.name, where, repoName),
        gitCommit: tree.commit,
        origin: where,
      };
    }
    default: {
      for (const p of providers) {
        const found = await p.resolve(spec, ctx);
        if (found) return found;
      }
      if (spec.source === 'index') {
        throw new StubSourceError(
          'stubs-unsupported',
          `import python ${JSON.stringify(spec.spec)}: no stub provider serves package indexes in this build`,
          'use a path or git source for now, or a stub directory with --stubs-dir',
        );
      }
      throw new StubSourceError(
        'stubs-not-found',
        `import python ${JSON.stringify(spec.spec)}: no stubs for ${spec.name}${providers.length ? ` in ${providers.map((p) => p.name).join(', ')}` : ' (no stub provider configured)'}`,
        'pass --stubs-dir <typeshed-style dir> (or set MOCHI_PYTHON_STUBS), or use a path+ or git+ spec',
      );
    }
  }
}
