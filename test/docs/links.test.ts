// Every relative link of README.md and docs/*.md points at a file that exists, and at a heading of it when it names one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code fences). */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (m) out.add(slug(m[1]!));
  }
  return out;
}

/** The relative links of a page (outside code fences and inline code). */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
}

describe('documentation links', () => {
  it('slugs headings the way GitHub does', () => {
    expect(slug('`import go` in mochi.lock')).toBe('import-go-in-mochilock');
    expect(slug('`[[go-package]]`')).toBe('go-package');
    expect(slug('Import specs (`importspec`) and projects (`project`)')).toBe(
      'import-specs-importspec-and-projects-project',
    );
  });

  it('finds the links between the pages', () => {
    const readme = links(readFileSync(join(repo, 'README.md'), 'utf8'));
    expect(readme).toEqual(
      expect.arrayContaining(['docs/cli.md', 'docs/lockfile.md', 'docs/go.md', 'docs/python.md']),
    );
    expect(links(readFileSync(join(repo, 'docs/go.md'), 'utf8'))).toContain('lockfile.md#go-package');
  });

  it("lists every page of docs/ in the README's documentation table", () => {
    const readme = links(readFileSync(join(repo, 'README.md'), 'utf8'));
    expect(pages.filter((p) => p.startsWith('docs/') && !readme.includes(p))).toEqual([]);
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(repo, page), 'utf8');
    const broken: string[] = [];
    for (const link of links(text)) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? join(repo, page) : join(repo, dirname(page), path);
      if (!existsSync(target)) broken.push(`${link}: no file ${relative(repo, target)}`);
      else if (anchor !== undefined && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${link}: no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
