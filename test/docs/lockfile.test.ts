// docs/lockfile.md against the code: every key of each table in the renderer's order, and samples that are canonical locks.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GO_FIELD_ORDER } from '../../src/go/lockfile/index.js';
import { parseLock, renderLock } from '../../src/project/index.js';
import { CAPABILITIES, FIELD_ORDER } from '../../src/python/lockfile/index.js';

const page = await readFile(fileURLToPath(new URL('../../docs/lockfile.md', import.meta.url)), 'utf8');

/** The text of the `## <title>` section, up to the next `## `. */
function section(title: string): string {
  const start = page.indexOf(`\n## ${title}\n`);
  expect(start, `docs/lockfile.md has a "## ${title}" section`).toBeGreaterThan(0);
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

/** The keys named in the first column of a section's key table, in order. */
function tableKeys(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
}

/** The ```toml blocks of a section. */
function tomlBlocks(text: string): string[] {
  return [...text.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('docs/lockfile.md', () => {
  it('lists every [[python-package]] key in the order the renderer writes them', () => {
    expect(tableKeys(section('`[[python-package]]`'))).toEqual(FIELD_ORDER.map(([, key]) => key));
  });

  it('lists every [[go-package]] key in the order the renderer writes them', () => {
    expect(tableKeys(section('`[[go-package]]`'))).toEqual(GO_FIELD_ORDER.map(([, key]) => key));
  });

  it('names every capability token, sorted', () => {
    const row = section('`[[python-package]]`')
      .split('\n')
      .find((l) => l.startsWith('| `capabilities`'));
    expect(/sorted tokens from `([a-z ]+)`/.exec(row ?? '')?.[1]?.split(' ')).toEqual(
      [...CAPABILITIES].sort(),
    );
  });

  it('shows samples that are canonical locks: header and [[python-package]], then [[go-package]]', () => {
    const [python] = tomlBlocks(section('The file'));
    const [go] = tomlBlocks(section('`[[go-package]]`'));
    const text = `${python}${go}`;
    expect(renderLock(parseLock(text))).toBe(text);
  });
});
