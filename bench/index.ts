// Runs every bench/*.bench.ts (or those whose name contains argv[2]) and prints their reports.
// Each bench module default-exports an async function that prints ratios against its reference.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
if (files.length === 0) {
  console.log(`no benchmarks match ${JSON.stringify(filter)}`);
}
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = (await import(pathToFileURL(`${dir}/${f}`).href)) as { default: () => Promise<void> };
  await mod.default();
}
