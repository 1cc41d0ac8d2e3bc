// Builds the bundled file:// index of examples/weather-report (reproducibly) from real typeshed stubs.
// Run `npx tsx test/python/registry/exampleIndex.ts examples/weather-report/index` to refresh it;
// test/python/registry/exampleIndex.test.ts checks that the committed copy is exactly this output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuiltFile, buildWheel, htmlPage, jsonPage, TYPESHED_STUBS } from './fixtures.js';

/** The toposort releases the example can choose from, and typeshed's stubs for them. */
function files(): Map<string, BuiltFile[]> {
  const untyped = (version: string) =>
    buildWheel(
      'toposort',
      version,
      [{ path: 'toposort.py', data: 'def toposort(data):\n    yield from ()\n' }],
      'py3-none-any',
      true,
    );
  const stubs = buildWheel(
    'types-toposort',
    '1.10.0.20260101',
    [
      {
        path: 'toposort-stubs/__init__.pyi',
        data: readFileSync(join(TYPESHED_STUBS, 'toposort/toposort.pyi')),
      },
    ],
    'py3-none-any',
    true,
  );
  return new Map([
    ['toposort', [untyped('1.9'), untyped('1.10'), { ...untyped('2.0'), requiresPython: '>=3.14' }]],
    ['types-toposort', [stubs]],
  ]);
}

/**
 * Every file of the bundled index, by relative path: `<name>/index.html` (PEP 503) for toposort,
 * `<name>/index.json` (PEP 691) for its stub package, and the wheels under `files/`.
 */
export function exampleIndexFiles(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [name, list] of files()) {
    // The pages link to ../../files/<wheel> (the server layout); here they sit one level higher.
    const page =
      name === 'toposort'
        ? htmlPage(list, { apiVersion: '1.0' })
        : jsonPage(name, list, { apiVersion: '1.1' });
    const file = name === 'toposort' ? 'index.html' : 'index.json';
    out.set(`${name}/${file}`, Buffer.from(page.replaceAll('../../files/', '../files/')));
    for (const f of list) out.set(`files/${f.filename}`, f.bytes);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: exampleIndex.ts <output dir>');
  for (const [rel, bytes] of exampleIndexFiles()) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
}
