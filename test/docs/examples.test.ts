// Runs every ```ts example of README.md and docs/*.md against the sources: imports of `mochi-pkg…` point at src/,
// and a line `expr; // => value` asserts that `expr` (awaited) deep-equals `value`.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const entry: Record<string, string> = {
  'mochi-pkg': join(repo, 'src/index.ts'),
  'mochi-pkg/go': join(repo, 'src/go/index.ts'),
  'mochi-pkg/python': join(repo, 'src/python/index.ts'),
};

/** One ```ts block: the page, the line its code starts on, the code. */
interface Example {
  readonly page: string;
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block of a Markdown page. */
function examplesOf(page: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    out.push({ page, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

/** The example as a module: package imports resolved to src/, `// =>` lines turned into assertions. */
function toModule(ex: Example): string {
  const body = ex.code
    .split('\n')
    .map((line, i) => {
      const m = /^(\s*)(.*?);\s*\/\/ => (.*)$/.exec(line);
      const where = `${ex.page}:${ex.line + i}`;
      return m ? `${m[1]}__expect(await (${m[2]}), ${m[3]}, ${JSON.stringify(where)});` : line;
    })
    .join('\n')
    .replace(
      /from '(mochi-pkg(?:\/go|\/python)?)'/g,
      (_, name: string) => `from '${pathToFileURL(entry[name]!).href}'`,
    );
  return `import { deepStrictEqual as __deepEqual } from 'node:assert/strict';
function __expect(actual: unknown, expected: unknown, where: string): void {
  __deepEqual(actual, expected, \`\${where}: the example's result changed\`);
}
${body}
export {};
`;
}

const pages = [
  'README.md',
  ...(await readdir(join(repo, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];
const examples: Example[] = [];
for (const page of pages.sort()) examples.push(...examplesOf(page, await readFile(join(repo, page), 'utf8')));

const dirs: string[] = [];
beforeAll(async () => {
  // Examples that use the default caches get fresh ones, never the user's.
  const caches = await mkdtemp(join(tmpdir(), 'mochi-doc-caches-'));
  dirs.push(caches);
  process.env.MOCHI_GO_BRIDGE_CACHE = join(caches, 'go');
  process.env.MOCHI_PYTHON_CACHE = join(caches, 'python');
  // No example reaches the public checksum database.
  process.env.GOSUMDB = 'off';
  process.env.XDG_CACHE_HOME = caches;
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('documentation examples', () => {
  it('finds examples in the README and in docs/', () => {
    expect(examples.length).toBeGreaterThan(5);
    expect(new Set(examples.map((e) => e.page)).has('README.md')).toBe(true);
  });

  it('turns a `// =>` line into an assertion that fails when the result differs', async () => {
    const code = toModule({
      page: 'x.md',
      line: 3,
      code: "import { semver } from 'mochi-pkg/go';\nsemver.canonical('v1.2'); // => 'v1.3.0'",
    });
    expect(code).toContain("__expect(await (semver.canonical('v1.2')), 'v1.3.0', \"x.md:4\");");
    const dir = await mkdtemp(join(tmpdir(), 'mochi-doc-example-'));
    dirs.push(dir);
    await writeFile(join(dir, 'wrong.ts'), code);
    await expect(import(pathToFileURL(join(dir, 'wrong.ts')).href)).rejects.toThrow(
      /x\.md:4: the example's result changed/,
    );
  });

  it.each(examples.map((e) => [`${e.page}:${e.line}`, e] as const))('runs %s', async (_name, ex) => {
    const dir = await mkdtemp(join(tmpdir(), 'mochi-doc-example-'));
    dirs.push(dir);
    const file = join(dir, 'example.ts');
    await writeFile(file, toModule(ex));
    await import(pathToFileURL(file).href);
  });
});
