// Bundles the CLI into dist/cli-bundle/ (part of `npm run build`, after tsc has written dist/).
//
// Why: a warm `mochi-pkg lock --check` used to spend most of its wall time resolving, reading and
// linking separate ES modules: first about 240 of them, then ~40 chunks of an ES-module bundle, whose
// resolution and linking alone cost ~60 ms on Node 20. The CLI is now one CommonJS file per entry:
// - main.cjs: src/cli/main.ts and everything it loads. Lazily loaded commands stay lazy inside the file
//   (esbuild turns `import()` of a bundled module into a deferred initialiser), so a command still runs
//   only the code it uses; what the whole file costs is parsing it, which bin/mochi-pkg.js saves on every
//   later run with V8's code cache (Node 22+: Node's own compile cache; Node 20: src of the bin).
// - fast.cjs: src/cli/fast.ts (`--version` and a `lock --check` its memo answers) in a file of its own,
//   which bin/mochi-pkg.js loads first so that those load neither main.cjs nor the lock command.
// Each file's first line is `// mochi-pkg build <id>` (see buildId): the bin keys its code cache on it.
//
// What stays outside the bundle:
// - npm packages listed in EXTERNAL: resolved from node_modules at run time (web-tree-sitter finds its
//   wasm next to its own files, and the AWS SDK is loaded only by `serve`).
// - code that reads files next to itself: every `import.meta.url` in src/<x>.ts is rewritten to the URL of
//   the matching tsc output, dist/<x>.js, so worker scripts (`new URL('./hash-worker.js', import.meta.url)`),
//   the build cache's code stamp (dist/python/), package.json and the tree-sitter wasm are found exactly
//   where the unbundled build finds them. Worker threads run the tsc output (ES modules).
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The bundle's folder, one level below dist/, so that `../<x>.js` from any chunk is dist/<x>.js. */
export const BUNDLE_DIR = 'dist/cli-bundle';

/**
 * npm packages left to Node's resolver: web-tree-sitter and tree-sitter-python read their wasm next to
 * their own files, the AWS SDK is large and only `serve` loads it, pyright is read as files, and yazl is
 * CommonJS. The other packages (ES modules) are bundled, so that only the parts used are loaded.
 */
const EXTERNAL = ['web-tree-sitter', 'tree-sitter-python', '@aws-sdk/*', 'pyright', 'yazl'];

/**
 * The URL of the bundle file itself, set by its first lines (a CommonJS file has `__filename`, not
 * `import.meta.url`). Defined in the banner, outside esbuild's renaming, so that a module's own
 * `const require = createRequire(…)` cannot shadow the `require` it is computed with.
 */
const BUNDLE_URL = '__mochiBundleUrl';

/**
 * The bundle's `import()` of an npm package or builtin: the function bin/load-bundle.js provides (on
 * Node 20 it compiles the bundle with vm.Script, whose own `import()` has no loader once the code comes
 * from V8's cache), else a plain `import()` (Node 22+, where the bundle is loaded with `require`).
 */
const IMPORT = '__mochiImport';

/**
 * Rewrites, in src/<x>.ts:
 * - `import.meta.url` to the URL of dist/<x>.js (relative to the bundle file);
 * - `import.meta.resolve` to a function that says it is not there: src/util/workers.ts calls it only
 *   when run from the TypeScript sources, never from the bundle;
 * - `await import('<package>')` to `await __mochiImport('<package>')` (relative imports are bundled).
 */
const metaUrlOfTscOutput: Plugin = {
  name: 'import-meta-url-of-tsc-output',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.') && !text.includes('await import('))
        return { contents: text, loader: 'ts' };
      const rel = relative(`${REPO}src`, args.path).split('\\').join('/').replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(`../${rel}`)}, ${BUNDLE_URL}).href`;
      const contents = text
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.resolve', `${BUNDLE_URL}Resolve`)
        .replace(/\bawait import\((['"])([^'".][^'"]*)\1\)/g, `await ${IMPORT}($1$2$1)`);
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The bundle's build id: a SHA-256 over package.json, package-lock.json and every file under src/ (path and bytes). It
 * names the code in the memo of `lock --check` (src/project/checkMemo.ts), so that a rebuilt CLI never
 * reuses an answer of another build.
 */
async function buildId(): Promise<string> {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) h.update(await readFile(join(REPO, f)));
  const files = (await readdir(join(REPO, 'src'), { recursive: true })).sort();
  for (const rel of files) {
    const path = join(REPO, 'src', rel);
    if (!(await stat(path)).isFile()) continue;
    h.update(`\0${rel.split('\\').join('/')}\0`);
    h.update(await readFile(path));
  }
  return h.digest('hex');
}

/** Builds the CLI bundle; returns the files written. */
export async function bundleCli(): Promise<string[]> {
  await rm(join(REPO, BUNDLE_DIR), { recursive: true, force: true });
  const id = await buildId();
  const banner = [
    `// mochi-pkg build ${id}`,
    // The directive first (a comment may precede it): every module of the bundle is strict code.
    '"use strict";',
    `var ${BUNDLE_URL} = require("node:url").pathToFileURL(__filename).href;`,
    `var ${IMPORT} = globalThis[Symbol.for("mochi-pkg.import")] ?? ((s) => import(s));`,
    `var ${BUNDLE_URL}Resolve = (s) => { throw new Error(\`import.meta.resolve(\${s}) is not available in the CLI bundle\`); };`,
  ].join('\n');
  const written: string[] = [];
  for (const entry of ['main', 'fast']) {
    const out = await build({
      absWorkingDir: REPO,
      entryPoints: { [entry]: `src/cli/${entry}.ts` },
      outdir: BUNDLE_DIR,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      // Readable stack traces in bug reports: names kept, no minification.
      minify: false,
      keepNames: false,
      sourcemap: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
      plugins: [metaUrlOfTscOutput],
      banner: { js: banner },
      define: { __MOCHI_BUILD_ID__: JSON.stringify(id) },
    });
    written.push(...Object.keys(out.metafile!.outputs));
  }
  return written.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await bundleCli();
  console.log(`bundle: ${files.length} files in ${BUNDLE_DIR}/`);
}
