// Bundles the CLI into dist/cli-bundle/ (part of `npm run build`, after tsc has written dist/).
//
// Why: a warm `mochi-pkg lock --check` used to spend most of its wall time resolving, reading and
// linking about 240 separate ES modules. The bundle is one entry file plus one chunk per lazily
// loaded command (code splitting keeps `import()` lazy), so `--version` loads one small file.
//
// Beside it, fast.js: src/cli/fast.ts (`--version` and a `lock --check` its memo answers) in one file,
// which bin/mochi-pkg.js loads first so that those load neither main.js nor the lock command.
//
// What stays outside the bundle:
// - npm packages (`packages: 'external'`): resolved from node_modules as before; web-tree-sitter finds its
//   wasm next to its own files, and the AWS SDK is loaded only by `serve`.
// - code that reads files next to itself: every `import.meta.url` in src/<x>.ts is rewritten to the URL of
//   the matching tsc output, dist/<x>.js, so worker scripts (`new URL('./hash-worker.js', import.meta.url)`),
//   the build cache's code stamp (dist/python/), package.json and the tree-sitter wasm are found exactly
//   where the unbundled build finds them. Worker threads run the tsc output.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The bundle's folder, one level below dist/, so that `../<x>.js` from any chunk is dist/<x>.js. */
export const BUNDLE_DIR = 'dist/cli-bundle';

/**
 * npm packages left to Node's resolver: web-tree-sitter and tree-sitter-python read their wasm next to
 * their own files, the AWS SDK is large and only `serve` loads it, pyright is read as files, and yazl is
 * CommonJS. The other packages (ES modules) are bundled, so that only the parts used are loaded.
 */
const EXTERNAL = ['web-tree-sitter', 'tree-sitter-python', '@aws-sdk/*', 'pyright', 'yazl'];

/** Rewrites `import.meta.url` in src/<x>.ts to the URL of dist/<x>.js, relative to the chunk. */
const metaUrlOfTscOutput: Plugin = {
  name: 'import-meta-url-of-tsc-output',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const rel = relative(`${REPO}src`, args.path).split('\\').join('/').replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
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
  const common: BuildOptions = {
    absWorkingDir: REPO,
    bundle: true,
    format: 'esm',
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
    define: { __MOCHI_BUILD_ID__: JSON.stringify(await buildId()) },
  };
  const cli = await build({
    ...common,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: BUNDLE_DIR,
    splitting: true,
    chunkNames: 'chunk-[hash]',
  });
  // The fast entry is one file of its own (no chunks shared with the CLI): resolving and linking each
  // module file is most of what a memo-answered check costs.
  const fast = await build({ ...common, entryPoints: { fast: 'src/cli/fast.ts' }, outdir: BUNDLE_DIR });
  return [...Object.keys(cli.metafile!.outputs), ...Object.keys(fast.metafile!.outputs)].sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await bundleCli();
  console.log(`bundle: ${files.length} files in ${BUNDLE_DIR}/`);
}
