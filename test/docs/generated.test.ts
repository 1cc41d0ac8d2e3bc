import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillRegion, generatedDocs, REPO, renderSkipReasons } from '../../scripts/docs.js';
import { SKIP_REASONS } from '../../src/python/typemap/reasons.js';

describe('generated documentation', () => {
  it('docs/cli.md and the generated tables are up to date (run `npm run docs` when this fails)', async () => {
    for (const [path, text] of await generatedDocs()) {
      expect(await readFile(join(REPO, path), 'utf8'), `${path} is stale: run \`npm run docs\``).toBe(text);
    }
  });

  it('docs/cli.md holds the help of every command and group', async () => {
    const cli = (await generatedDocs()).get('docs/cli.md')!;
    for (const h of [
      '## mochi-pkg go\n',
      '## mochi-pkg go zip\n',
      '## mochi-pkg python\n',
      '## mochi-pkg lock\n',
    ]) {
      expect(cli).toContain(h);
    }
    expect(cli).toContain('--go-sum <file>');
  });

  it('names only paths under examples/ that exist, in the README and every page of docs/', async () => {
    const pages = ['README.md', ...(await readdir(join(REPO, 'docs'))).map((f) => `docs/${f}`)];
    const missing: string[] = [];
    for (const page of pages.filter((p) => p.endsWith('.md') && p !== 'docs/changelog.md')) {
      const text = await readFile(join(REPO, page), 'utf8');
      for (const [path] of text.matchAll(/\bexamples\/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]/g)) {
        if (!existsSync(join(REPO, path))) missing.push(`${page}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists every skip reason once, from typemap.SKIP_REASONS', () => {
    const table = renderSkipReasons();
    for (const reason of Object.keys(SKIP_REASONS)) expect(table.split(`| \`${reason}\` |`).length).toBe(2);
  });

  it('refuses a page whose markers are missing', () => {
    expect(() => fillRegion('no markers', 'skip-reasons', 'x')).toThrow(
      'missing <!-- generated:skip-reasons -->',
    );
  });
});
