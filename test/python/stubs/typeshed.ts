// Lists the typeshed corpus shipped inside the pyright devDependency (stdlib + third-party stubs).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of pyright's typeshed copy. */
export const TYPESHED = fileURLToPath(
  new URL('../../../node_modules/pyright/dist/typeshed-fallback', import.meta.url),
);

/** Every .pyi under `dir`, sorted, as absolute paths (iterative walk). */
export function pyiFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && e.name.endsWith('.pyi')) out.push(p);
    }
  }
  return out.sort();
}

/** The reference script (CPython `ast`) of the differential test and the benchmark. */
export const TOPLEVEL_PY = fileURLToPath(new URL('./toplevel.py', import.meta.url));
