// Querier rules on a small in-memory module source: pre-release fallback, ranges, +incompatible, retractions, warnings.
import { describe, expect, it } from 'vitest';
import type { ModuleSource, VersionInfo } from '../../../src/go/proxy/index.js';
import { ModuleNotFoundError, VersionNotFoundError } from '../../../src/go/proxy/index.js';
import { type GoQueryError, isRevisionQuery, Querier, shortMessage } from '../../../src/go/query/index.js';
import * as semver from '../../../src/go/semver/index.js';

/** A module source over `{ path: { version: go.mod text } }`; `@latest` is absent (404). */
function memorySource(
  mods: Record<string, Record<string, string>>,
  revisions: Record<string, string> = {},
): ModuleSource {
  const versionsOf = (m: string) => {
    const v = mods[m];
    if (!v) throw new ModuleNotFoundError({ module: m });
    return v;
  };
  return {
    list: async (m) => semver.sort(Object.keys(versionsOf(m)).filter((v) => !semver.isPseudoVersion(v))),
    info: async (m, v): Promise<VersionInfo> => {
      const resolved = revisions[`${m}@${v}`] ?? v;
      if (versionsOf(m)[resolved] === undefined) throw new VersionNotFoundError({ module: m, version: v });
      return { Version: resolved };
    },
    latest: async (m) => {
      throw new VersionNotFoundError({ module: m, version: 'latest' });
    },
    mod: async (m, v) => {
      const text = versionsOf(m)[v];
      if (text === undefined) throw new VersionNotFoundError({ module: m, version: v });
      return new TextEncoder().encode(text);
    },
    zip: async () => {
      throw new Error('not used');
    },
  };
}

const mod = (path: string, extra = '') => `module ${path}\n${extra}`;

const source = memorySource(
  {
    'x.com/pre': { 'v0.5.0-alpha': mod('x.com/pre'), 'v0.6.0-beta': mod('x.com/pre') },
    'x.com/ret': {
      'v1.0.0': mod('x.com/ret'),
      'v1.1.0': mod('x.com/ret'),
      'v1.2.0': `// Deprecated: use x.com/ret/v2\n${mod('x.com/ret', 'retract [v1.1.0, v1.2.0] // broken builds\n')}`,
    },
    // v1 has a go.mod of its own, so v2.0.0+incompatible is never a query's answer.
    'x.com/inc': { 'v1.0.0': mod('x.com/inc', 'go 1.16\n'), 'v2.0.0+incompatible': mod('x.com/inc') },
    // Without a go.mod anywhere (the made-up `module <path>`), +incompatible versions count.
    'x.com/old': { 'v1.0.0': mod('x.com/old'), 'v2.0.0+incompatible': mod('x.com/old') },
    'x.com/rev': { 'v0.0.0-20200101000000-abcdefabcdef': mod('x.com/rev') },
  },
  { 'x.com/rev@abcdef': 'v0.0.0-20200101000000-abcdefabcdef' },
);

describe('Querier', () => {
  const q = new Querier(source);
  const v = async (path: string, query: string) => (await q.query(path, query)).Version;

  it('falls back to pre-releases when no release matches a prefix or latest', async () => {
    expect(await v('x.com/pre', 'v0')).toBe('v0.6.0-beta');
    expect(await v('x.com/pre', 'latest')).toBe('v0.6.0-beta');
    expect(await v('x.com/pre', '>=v0.5.0')).toBe('v0.6.0-beta');
    expect(await v('x.com/pre', '>=v0.5.0-alpha')).toBe('v0.5.0-alpha');
  });

  it('skips retracted versions for latest, prefixes and ranges, but not for an exact version', async () => {
    expect(await v('x.com/ret', 'latest')).toBe('v1.0.0');
    expect(await v('x.com/ret', 'v1')).toBe('v1.0.0');
    expect(await v('x.com/ret', '>v1.0.0').catch((e: GoQueryError) => e.code)).toBe('go-query-no-match');
    expect(await v('x.com/ret', 'v1.1.0')).toBe('v1.1.0');
    expect(await q.retracted('x.com/ret', 'v1.1.0')).toEqual(['broken builds']);
    expect(await q.retracted('x.com/ret', 'v1.0.0')).toBeUndefined();
  });

  it('words warnings as go get does', async () => {
    expect(await q.warnings('x.com/ret', 'v1.2.0')).toEqual([
      'module x.com/ret is deprecated: use x.com/ret/v2',
      'x.com/ret@v1.2.0: retracted by module author: broken builds',
    ]);
    expect(await q.warnings('x.com/pre', 'v0.6.0-beta')).toEqual([]);
  });

  it('chooses +incompatible versions only when the compatible ones have no go.mod', async () => {
    expect(await v('x.com/inc', 'latest')).toBe('v1.0.0');
    expect(await v('x.com/old', 'latest')).toBe('v2.0.0+incompatible');
    expect(await v('x.com/inc', 'v2')).toBe('v2.0.0+incompatible');
  });

  it('resolves revisions through .info and refuses malformed ranges as go does', async () => {
    expect(await v('x.com/rev', 'abcdef')).toBe('v0.0.0-20200101000000-abcdefabcdef');
    expect(isRevisionQuery('v1.2.3')).toBe(true);
    expect(isRevisionQuery('v1.2')).toBe(false);
    await expect(q.query('x.com/ret', '<=v1.2')).rejects.toMatchObject({
      code: 'go-query-invalid',
      message: 'ambiguous semantic version "v1.2" in range "<=v1.2"',
    });
    await expect(q.query('x.com/ret', '>vx')).rejects.toMatchObject({ code: 'go-query-invalid' });
    await expect(q.query('x.com/ret', 'v1.9')).rejects.toMatchObject({
      message: 'module x.com/ret: no matching versions for query "v1.9"',
    });
  });

  it('shortens messages as cmd/go ShortMessage does', () => {
    expect(shortMessage('  first\nsecond', 'd')).toBe('first');
    expect(shortMessage('', 'd')).toBe('d');
    expect(shortMessage('x'.repeat(501), 'd')).toBe('(message omitted: too long)');
    expect(shortMessage('bell\u0007', 'd')).toBe('(message omitted: contains non-printable characters)');
  });
});
