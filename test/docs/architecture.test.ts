// docs/architecture.md against the source tree: every path it names exists, every src/ folder has its row.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(join(repo, 'docs/architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const named = [...page.matchAll(/`((?:src|test|scripts|bin)\/[A-Za-z0-9_./-]*)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !existsSync(join(repo, p)))).toEqual([]);
  });

  it('has a row in the layer table for every folder of src/', () => {
    const folders = readdirSync(join(repo, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.filter((f) => !page.includes(`| \`src/${f}/\``))).toEqual([]);
  });

  it('places every file directly under src/', () => {
    const files = readdirSync(join(repo, 'src')).filter((f) => f.endsWith('.ts'));
    expect(files.filter((f) => !page.includes(`\`src/${f}\``))).toEqual([]);
  });
});
