// The command table: name, one-line summary, and a lazy loader so start-up stays fast.
import type { Command } from '../context.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ command: Command }>;
}

/** The groups the CLI reserves, with what each is for. */
export const groups: Readonly<Record<string, string>> = {
  go: 'Go modules: hashes, module zips, the GOPROXY client and the verified cache',
  python: 'Python imports: .pyi stubs, Mochi wrappers and their hashes',
  lock: 'mochi.lock: pin foreign imports, and check the lock for drift',
  sync: 'the project environment: install exactly what mochi.lock pins',
  config: 'project settings: mochi.toml under the environment and flags',
  tree: 'the locked graph of both ecosystems, and why a package is there',
  outdated: 'newer versions of locked Go modules and Python distributions',
};

/** Groups inside a group, with what each is for (shown by `mochi-pkg <group> --help`). */
export const subgroups: Readonly<Record<string, string>> = {
  'go zip': 'module zips: check them against the module zip rules, create and extract them',
};

// Keep one entry per command; entries are grouped by area so that additions rarely touch each other.
export const commands: readonly CommandEntry[] = [
  // -- go: hashes and module zips
  {
    name: 'go hash',
    summary: 'print the h1: hash of a module zip, a module directory or a go.mod file',
    load: () => import('./go-hash.js'),
  },
  {
    name: 'go zip check',
    summary: 'check a module zip or directory against the module zip rules',
    load: () => import('./go-zip-check.js'),
  },
  {
    name: 'go zip create',
    summary: 'create a module zip from a directory (x/mod CreateFromDir rules)',
    load: () => import('./go-zip-create.js'),
  },
  {
    name: 'go zip extract',
    summary: 'extract a module zip safely into a new or empty directory',
    load: () => import('./go-zip-extract.js'),
  },
  // -- go: proxy client and cache
  {
    name: 'go list',
    summary: 'list the versions a GOPROXY has for a module',
    load: () => import('./go-list.js'),
  },
  {
    name: 'go info',
    summary: "show a module version's .info from a GOPROXY",
    load: () => import('./go-info.js'),
  },
  {
    name: 'go mod',
    summary: 'print the go.mod a GOPROXY serves for a version',
    load: () => import('./go-mod.js'),
  },
  {
    name: 'go download',
    summary: 'download module versions into the verified cache',
    load: () => import('./go-download.js'),
  },
  {
    name: 'go verify',
    summary: 're-hash cached module zips, report corrupt ones',
    load: () => import('./go-verify.js'),
  },
  // -- python
  {
    name: 'python inspect',
    summary: 'show the Mochi wrapper of a .pyi stub file or package: items, skips, shim and its SHA-256',
    load: () => import('./python-inspect.js'),
  },
  // -- serve
  {
    name: 'serve',
    summary: 'serve a verified GOPROXY (pull-through) and checksum-database proxy from a directory or S3',
    load: () => import('./serve.js'),
  },
  // -- lock
  {
    name: 'lock',
    summary: 'pin Python and Go imports in mochi.lock; --check verifies it (CI)',
    load: () => import('./lock.js'),
  },
  // -- sync
  {
    name: 'sync',
    summary: 'install exactly what mochi.lock pins into the project environment; --check reports drift',
    load: () => import('./sync.js'),
  },
  {
    name: 'tree',
    summary: 'show the locked graph: imports, then the Python distributions and Go modules they need',
    load: () => import('./tree.js'),
  },
  {
    name: 'outdated',
    summary: 'show, per locked Go module and Python distribution, the newest version allowed and overall',
    load: () => import('./outdated.js'),
  },
  // -- settings
  {
    name: 'config',
    summary: 'show each project setting (mochi.toml, environment, flags) and where it came from',
    load: () => import('./config.js'),
  },
];
