// `mochi-pkg tree`: the resolved graph of both ecosystems from mochi.lock, or inverted (why is this here).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { artifactPath } from '../../go/cache/layout.js';
import type { GoLockEntry } from '../../go/lockfile/index.js';
import { parseLax } from '../../go/modfile/index.js';
import { LOCK_FILE, readProjectLock } from '../../project/lock.js';
import { projectRoot } from '../../project/root.js';
import { loadSettings } from '../../project/settingsFile.js';
import { invertedTree, lockTree, renderTree } from '../../project/tree.js';
import { FileReadError, readRegularFileIfExists } from '../../util/read.js';
import { type Command, ExitCode, note, parseCommandArgs, printJson, UsageError } from '../context.js';

const MAX_GOMOD_BYTES = 1 << 20;

export const command: Command = {
  name: 'tree',
  summary: 'show the locked graph: imports, then the Python distributions and Go modules they need',
  help: `Usage: mochi-pkg tree [--cwd <dir>] [--invert <name>] [--depth <n>] [--json] [--go-cache-dir <dir>]

Prints the graph mochi.lock pins, one tree per import: \`python <alias>: <name> <version>\` and
\`go <alias>: <module> <version>\` at the roots, then what each needs — the [[python-distribution]]
dependencies of an index import, and the Go modules of the build list each module's go.mod requires
(read from the verified module cache, a path module's from its directory; a module whose go.mod is
not cached shows no children, with a note). A node that repeats an ancestor is marked (cycle) and
not expanded. Reads nothing from the network.

Flags:
  --cwd <dir>          the project directory (default: the nearest directory, from the current
                       one up, that holds mochi.toml or mochi.lock; else the current one)
  --invert <name>      why is <name> here: the distribution or module at the root, and below it
                       what requires it, up to the imports (Python names compared normalised)
  --depth <n>          show at most <n> levels below each root
  --json               {"roots": [{kind, name, version?, aliases?, source?, cycle?, children}]}
  --go-cache-dir <dir> the verified Go module cache (default: go.cache-dir, see mochi-pkg config)
  -h, --help           show this help

Examples:
  mochi-pkg tree --cwd examples/weather-report
  mochi-pkg tree --invert golang.org/x/text
  mochi-pkg tree --depth 1 --json | jq '.roots[].name'

Exit codes: 0 shown · 2 bad usage, mochi.lock missing or unreadable, or --invert names nothing locked`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'tree', {
      cwd: { type: 'string' },
      invert: { type: 'string' },
      depth: { type: 'string' },
      json: { type: 'boolean' },
      'go-cache-dir': { type: 'string' },
    });
    if (positionals.length > 0)
      throw new UsageError(`tree: unexpected argument ${JSON.stringify(positionals[0])}`);
    let depth = Number.POSITIVE_INFINITY;
    if (values.depth !== undefined) {
      if (!/^\d{1,4}$/.test(values.depth)) {
        throw new UsageError(
          `tree: --depth ${JSON.stringify(values.depth)} is not a number of levels`,
          'e.g. --depth 1',
        );
      }
      depth = Number(values.depth);
    }
    const root = projectRoot(ctx.cwd, values.cwd);
    const lock = await readProjectLock(root);
    const settings = await loadSettings({
      cwd: ctx.cwd,
      project: values.cwd,
      env: ctx.env,
      flags: { 'go.cache-dir': values['go-cache-dir'] },
    });
    const cacheRoot = settings.string('go.cache-dir')!;
    const requires = new Map<string, string[] | undefined>();
    // A module version's go.mod from the cache; a path module's from its directory (where lock
    // read it), so that what it requires shows below its import too.
    const goModOf = async (e: GoLockEntry): Promise<{ file: string; data: Buffer | undefined }> => {
      if (e.version === undefined) {
        const file = resolve(root, e.localPath ?? '.', 'go.mod');
        const data = await readRegularFileIfExists(file, { maxBytes: MAX_GOMOD_BYTES, what: 'go.mod' }).catch(
          (err: unknown) => {
            if (err instanceof FileReadError) return undefined;
            throw err;
          },
        );
        return { file, data };
      }
      const file = artifactPath(cacheRoot, e.module, e.version, 'mod');
      const data = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EACCES') return undefined;
        throw err;
      });
      return { file, data };
    };
    const keyOf = (m: string, v: string | undefined) => (v === undefined ? m : `${m}@${v}`);
    await Promise.all(
      lock.go.entries.map(async (e) => {
        if (e.version === undefined && e.source !== 'path') return;
        const { file, data } = await goModOf(e);
        let req: string[] | undefined;
        if (data !== undefined && data.length <= MAX_GOMOD_BYTES) {
          try {
            req = parseLax(file, data).require.map((r) => r.mod.path);
          } catch (err) {
            // A go.mod the cache holds but that does not parse counts as not cached.
            if (!(err instanceof Error && 'code' in err)) throw err;
          }
        }
        requires.set(keyOf(e.module, e.version), req);
      }),
    );
    const goRequires = (m: string, v: string | undefined) => requires.get(keyOf(m, v));
    const roots =
      values.invert === undefined
        ? lockTree(lock, goRequires, depth)
        : invertedTree(lock, goRequires, values.invert, depth);
    if (values.invert !== undefined && roots.length === 0) {
      throw new UsageError(
        `tree: ${JSON.stringify(values.invert)} is not a distribution, module or import of ${LOCK_FILE}`,
        'run `mochi-pkg tree` to see what is locked',
      );
    }
    if (values.json) printJson(ctx, { roots });
    else ctx.stdout.write(renderTree(roots));
    // A path module's go.mod is the project's own (lock reports it); the note is about the cache.
    const missing = [...requires].filter(([k, r]) => r === undefined && k.includes('@')).map(([k]) => k);
    if (missing.length > 0 && !values.json) {
      note(
        ctx,
        `no cached go.mod for ${missing.sort().join(', ')}: their requirements are not shown (run \`mochi-pkg lock\`)`,
      );
    }
    return ExitCode.ok;
  },
};
