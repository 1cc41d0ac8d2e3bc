// `mochi-pkg tree`: the resolved graph of both ecosystems from mochi.lock, or inverted (why is this here).
import { readFile } from 'node:fs/promises';
import { artifactPath } from '../../go/cache/layout.js';
import { parseLax } from '../../go/modfile/index.js';
import { LOCK_FILE, readProjectLock } from '../../project/lock.js';
import { projectRoot } from '../../project/root.js';
import { loadSettings } from '../../project/settingsFile.js';
import { invertedTree, lockTree, renderTree } from '../../project/tree.js';
import { type Command, ExitCode, note, parseCommandArgs, printJson, UsageError } from '../context.js';

const MAX_GOMOD_BYTES = 1 << 20;

export const command: Command = {
  name: 'tree',
  summary: 'show the locked graph: imports, then the Python distributions and Go modules they need',
  help: `Usage: mochi-pkg tree [--cwd <dir>] [--invert <name>] [--depth <n>] [--json] [--go-cache-dir <dir>]

Prints the graph mochi.lock pins, one tree per import: \`python <alias>: <name> <version>\` and
\`go <alias>: <module> <version>\` at the roots, then what each needs — the [[python-distribution]]
dependencies of an index import, and the Go modules of the build list each module's go.mod requires
(read from the verified module cache; a module whose go.mod is not cached shows no children, with a
note). A node that repeats an ancestor is marked (cycle) and not expanded. Reads nothing from the
network.

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
    await Promise.all(
      lock.go.entries.map(async (e) => {
        if (e.version === undefined) return;
        const file = artifactPath(cacheRoot, e.module, e.version, 'mod');
        const data = await readFile(file).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EACCES') return undefined;
          throw err;
        });
        let req: string[] | undefined;
        if (data !== undefined && data.length <= MAX_GOMOD_BYTES) {
          try {
            req = parseLax(file, data).require.map((r) => r.mod.path);
          } catch (err) {
            // A go.mod the cache holds but that does not parse counts as not cached.
            if (!(err instanceof Error && 'code' in err)) throw err;
          }
        }
        requires.set(`${e.module}@${e.version}`, req);
      }),
    );
    const goRequires = (m: string, v: string) => requires.get(`${m}@${v}`);
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
    const missing = [...requires].filter(([, r]) => r === undefined).map(([k]) => k);
    if (missing.length > 0 && !values.json) {
      note(
        ctx,
        `no cached go.mod for ${missing.sort().join(', ')}: their requirements are not shown (run \`mochi-pkg lock\`)`,
      );
    }
    return ExitCode.ok;
  },
};
