// fast-check generators of valid lock manifests (normalised names, identifiers, consistent sources).
import fc from 'fast-check';
import { CAPABILITIES, type LockEntry, type Manifest } from '../../../src/python/lockfile/index.js';

const segment = fc.stringMatching(/^[a-z0-9]{1,6}$/);
export const distName = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('-'));
export const alias = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
/** Any non-empty text: control characters, quotes, backslashes and astral code points included. */
export const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const sha = fc.stringMatching(/^[0-9a-f]{64}$/);
const caps = fc.subarray([...CAPABILITIES], { minLength: 1 });

export const entry: fc.Arbitrary<LockEntry> = fc
  .record(
    {
      name: distName,
      alias,
      source: fc.constantFrom('registry', 'index', 'git', 'path'),
      version: text,
      specifier: text,
      indexUrl: text,
      gitUrl: text,
      gitRev: text,
      localPath: text,
      wrapperSha256: sha,
      capabilities: caps,
    },
    { requiredKeys: ['name', 'alias', 'source'] },
  )
  .map((r) => {
    // Keep only the keys the entry's source allows, and add the one it requires.
    const { indexUrl, gitUrl, gitRev, localPath, specifier, ...common } = r;
    switch (r.source) {
      case 'registry':
        return { ...common, ...(specifier === undefined ? {} : { specifier }) };
      case 'index':
        return {
          ...common,
          indexUrl: indexUrl ?? 'https://example.com/simple',
          ...(specifier === undefined ? {} : { specifier }),
        };
      case 'git':
        return {
          ...common,
          gitUrl: gitUrl ?? 'https://example.com/r.git',
          ...(gitRev === undefined ? {} : { gitRev }),
        };
      default:
        return { ...common, localPath: localPath ?? './stubs' };
    }
  });

export const manifest: fc.Arbitrary<Manifest> = fc
  .uniqueArray(entry, { maxLength: 8, selector: (e) => `${e.name}:${e.alias}` })
  .map((entries) => ({ entries }));

/** The values tomllib should read from the rendered text of `m`. */
export function tomlValues(m: Manifest): Record<string, unknown> {
  const keyOf: Record<string, string> = {
    indexUrl: 'index-url',
    gitUrl: 'git-url',
    gitRev: 'git-rev',
    localPath: 'local-path',
    wrapperSha256: 'wrapper-sha256',
  };
  const tables = [...m.entries]
    .sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0,
    )
    .map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [keyOf[k] ?? k, v])));
  return tables.length === 0 ? { 'schema-version': 1 } : { 'schema-version': 1, 'python-package': tables };
}
