// Builds a file:// GOPROXY tree from module source directories `<module>@<version>/` (the example's bundled proxy).
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { artifactPath, listPath, versionDir } from '../../src/go/cache/index.js';
import { createFromDir } from '../../src/go/modzip/index.js';
import { renderInfo } from '../../src/go/proxy/index.js';
import { sort } from '../../src/go/semver/index.js';
import { writeFileAtomic } from '../../src/util/atomic.js';

/** One module version found under the source root. */
export interface SourceModule {
  readonly module: string;
  readonly version: string;
  readonly dir: string;
}

/** Every `<module path>@<version>` directory under `srcRoot`, sorted by module then version. */
export async function findSourceModules(srcRoot: string): Promise<SourceModule[]> {
  const out: SourceModule[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const abs = join(dir, d.name);
      const at = d.name.indexOf('@');
      if (at < 0) {
        await walk(abs);
        continue;
      }
      const rel = relative(srcRoot, abs).split(sep).join('/');
      const slash = rel.lastIndexOf('@');
      out.push({ module: rel.slice(0, slash), version: rel.slice(slash + 1), dir: abs });
    }
  };
  await walk(srcRoot);
  return out.sort((a, b) =>
    a.module === b.module ? (a.version < b.version ? -1 : 1) : a.module < b.module ? -1 : 1,
  );
}

/**
 * Writes, for every source module version, the proxy protocol's `.info` (a fixed time per version,
 * so the tree is reproducible), `.mod` (the directory's go.mod) and `.zip` (x/mod's CreateFromDir
 * rules, deterministic bytes), and each module's `@v/list`.
 */
export async function buildProxyTree(srcRoot: string, outRoot: string): Promise<SourceModule[]> {
  const mods = await findSourceModules(srcRoot);
  const byModule = new Map<string, string[]>();
  for (const [i, m] of mods.entries()) {
    const time = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().replace('.000Z', 'Z');
    await mkdir(versionDir(outRoot, m.module), { recursive: true });
    await writeFileAtomic(
      artifactPath(outRoot, m.module, m.version, 'info'),
      renderInfo({ Version: m.version, Time: time }),
    );
  }
  for (const m of mods) {
    await createFromDir(
      m.dir,
      { path: m.module, version: m.version },
      artifactPath(outRoot, m.module, m.version, 'zip'),
    );
    await writeFileAtomic(
      artifactPath(outRoot, m.module, m.version, 'mod'),
      await readFile(join(m.dir, 'go.mod')),
    );
    byModule.set(m.module, [...(byModule.get(m.module) ?? []), m.version]);
  }
  for (const [module, versions] of byModule) {
    await writeFileAtomic(
      listPath(outRoot, module),
      sort(versions)
        .map((v) => `${v}\n`)
        .join(''),
    );
  }
  return mods;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [src, out] = process.argv.slice(2);
  if (!src || !out)
    throw new Error('usage: node --import tsx test/support/goproxy.ts <src-root> <proxy-root>');
  const mods = await buildProxyTree(resolve(src), resolve(out));
  console.log(`${out}: ${mods.length} module versions`);
}
