// Differential: every public method, property and annotated attribute CPython's `ast` sees in a
// typeshed class (in the branches the target takes) is a member of the wrapper or a skip with a reason.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { PythonTarget } from '../../../src/python/build/types.js';
import { parsePackages } from '../../../src/python/stubs/pool.js';
import type { ModuleSurface, PackageSurface } from '../../../src/python/stubs/types.js';
import { SKIP_REASONS } from '../../../src/python/typemap/reasons.js';
import type { ExternalModules } from '../../../src/python/typemap/scope.js';
import type { Wrapper } from '../../../src/python/wrapper/types.js';
import { wrapModule } from '../../../src/python/wrapper/wrap.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { TYPESHED, typeshedDistributions } from '../support/corpus.js';

const SCRIPT = fileURLToPath(new URL('./class_members.py', import.meta.url));

/** Public member names a wrapper accounts for in class `cls`: its members, or skips under it. */
function accounted(w: Wrapper, cls: string): Set<string> | undefined {
  const item = w.items.find((i) => i.sourceName === cls && i.kind !== 'fun' && i.kind !== 'const');
  if (!item) return undefined;
  const out = new Set<string>();
  for (const m of item.members ?? []) out.add(m.sourceName);
  const t = item.type;
  if (t.kind === 'record') for (const f of t.fields) out.add(f.name);
  if (t.kind === 'interface') {
    for (const f of t.fields ?? []) out.add(f.name);
    for (const m of t.methods) out.add(m.name);
  }
  const prefix = `${w.module}.${cls}.`;
  for (const s of w.skipped) {
    if (!s.itemPath.startsWith(prefix)) continue;
    expect(Object.keys(SKIP_REASONS)).toContain(s.reason);
    out.add(s.itemPath.slice(prefix.length));
  }
  return out;
}

async function compare(python: PythonTarget) {
  const dists = typeshedDistributions();
  const targets = dists.flatMap((d) => d.targets.map((t) => ({ dist: d.name, t })));
  const parsed = await parsePackages(
    targets.map((x) => x.t.stubs),
    python,
    { keepGoing: true },
  );
  const siblings = new Map<string, ModuleSurface>();
  for (const s of parsed) for (const [n, m] of s.modules) if (!siblings.has(n)) siblings.set(n, m);
  const externals: ExternalModules = (n) => siblings.get(n);
  // Every module's file, as an absolute path (what the reference reads).
  const jobs: { surface: PackageSurface; mod: ModuleSurface; path: string }[] = [];
  targets.forEach(({ dist, t }, i) => {
    const surface = parsed[i]!;
    const base = join(TYPESHED, dist === 'stdlib' ? 'stdlib' : `stubs/${dist}`);
    for (const mod of surface.modules.values()) {
      const single = mod.file === `${t.stubs.module}.pyi` && t.stubs.files.size === 1;
      jobs.push({ surface, mod, path: join(base, single ? mod.file : `${t.stubs.module}/${mod.file}`) });
    }
  });
  const list = join(tmpdir(), `mochi-pkg-members-${process.pid}.json`);
  writeFileSync(list, JSON.stringify(jobs.map((j) => j.path)));
  const reference = JSON.parse(
    runPython(`exec(open(${JSON.stringify(SCRIPT)}).read())`, [
      list,
      python.version.join('.'),
      python.platform,
    ]),
  ) as Record<string, Record<string, string[]>>;
  const missing: string[] = [];
  let classes = 0;
  let members = 0;
  let outOfScope = 0;
  let nested = 0;
  for (const j of jobs) {
    const ref = reference[j.path];
    expect(ref, j.path).toBeDefined();
    const w = wrapModule(j.surface, j.mod.name, { externals });
    for (const [cls, names] of Object.entries(ref ?? {})) {
      const have = accounted(w, cls);
      // A class that is not an item of its own module (private, not exported, or skipped as a
      // whole) is accounted for by the module's own report, not member by member.
      if (!have) {
        outOfScope++;
        continue;
      }
      classes++;
      if (cls.includes('.')) nested++;
      for (const n of names) {
        members++;
        if (!have.has(n)) missing.push(`${j.mod.name}.${cls}.${n}`);
      }
    }
  }
  return { missing, classes, nested, members, outOfScope };
}

describeWithOracle(pythonOracle(), 'class members of the typeshed corpus against CPython ast', () => {
  for (const python of [
    { version: [3, 12], platform: 'linux' },
    { version: [3, 9], platform: 'win32' },
  ] as const) {
    it(`misses no public member CPython sees (${python.version.join('.')}/${python.platform})`, {
      timeout: 900_000,
    }, async () => {
      const r = await compare({ version: [python.version[0], python.version[1]], platform: python.platform });
      expect(r.missing.slice(0, 50)).toEqual([]);
      expect(r.missing.length).toBe(0);
      // Not vacuous: most of typeshed's classes are items with members (13,376 classes at 3.12/linux).
      expect(r.classes).toBeGreaterThan(10_000);
      expect(r.members).toBeGreaterThan(50_000);
      if (process.env.MOCHI_REPORT_MEMBERS)
        console.log(JSON.stringify({ python, ...r, missing: r.missing.length }));
    });
  }
});
