// What `go mod vendor` (Go 1.19) writes for a main module: vendor/modules.txt and which module files go where.
import { shouldBuildAnyTags } from '../load/constraint.js';
import { readImports } from '../load/imports.js';
import { compareModuleVersions, type ModuleVersion, type Replacement, semverCompare } from '../mvs/index.js';
import {
  embedPatterns,
  type FileTree,
  indexTree,
  packageName,
  resolveEmbeds,
  type TreeIndex,
} from './embed.js';

/** A module's files: every regular file relative to its root, and their bytes on demand. */
export interface ModuleTree extends FileTree {
  read(rel: string): Promise<Uint8Array>;
}

/** One module of the build list as vendoring sees it. */
export interface VendorModule {
  readonly module: ModuleVersion;
  /** Its replacement in the main go.mod (a directory: `version` absent). */
  readonly replacement?: { readonly path: string; readonly version?: string };
  /** The `go` directive of its go.mod (of the replacement's when replaced), `''` for none. */
  readonly goVersion: string;
  /** Listed in the main go.mod's `require`. */
  readonly explicit: boolean;
  /** Import paths of its packages that the main module's packages (and their tests) load. */
  readonly packages: readonly string[];
  /** Its files (needed when it has packages). */
  readonly tree?: ModuleTree;
}

/** What {@link planVendor} needs. */
export interface VendorInput {
  /** The main go.mod's `go` version. */
  readonly goVersion: string;
  readonly modules: readonly VendorModule[];
  /** The main go.mod's `replace` directives in file order. */
  readonly replace: readonly Replacement[];
}

/** One file vendor/ holds: where it comes from. */
export interface VendorFile {
  readonly tree: ModuleTree;
  readonly rel: string;
}

/** What vendor/ holds after `go mod vendor`. */
export interface VendorPlan {
  /** vendor/modules.txt (`''`: nothing to vendor, go writes no vendor directory). */
  readonly modulesTxt: string;
  /** Files by path under vendor/ (`/`-separated). */
  readonly files: ReadonlyMap<string, VendorFile>;
  /** Directories go creates (package directories, even when no file is copied into them). */
  readonly dirs: readonly string[];
}

// cmd/go's metaPrefixes: files with these prefixes in parent folders of a package are copied too.
const META_PREFIXES = [
  'AUTHORS',
  'CONTRIBUTORS',
  'COPYLEFT',
  'COPYING',
  'COPYRIGHT',
  'LEGAL',
  'LICENSE',
  'NOTICE',
  'PATENTS',
];

const atLeast = (v: string, min: string): boolean => v !== '' && semverCompare(`v${v}`, `v${min}`) >= 0;

function moduleLine(m: { path: string; version?: string }, r?: { path: string; version?: string }): string {
  let s = `# ${m.path}`;
  if (m.version) s += ` ${m.version}`;
  if (r && r.path !== '') {
    s += ` => ${r.path}`;
    if (r.version) s += ` ${r.version}`;
  }
  return `${s}\n`;
}

/**
 * cmd/go 1.19's `go mod vendor`, given the modules of the build list and the packages each
 * provides: modules.txt (explicit requirements and modules with packages in module order, `##
 * explicit` / `## go` annotations, every replacement without packages at the end) and the files
 * of each package directory — every regular file but `_test.go` files, `.go` files tagged
 * `ignore`, and (go ≥ 1.17) go.mod/go.sum — plus license-like files of its parent folders up to
 * the module root and the files its `//go:embed` patterns name.
 */
export async function planVendor(input: VendorInput): Promise<VendorPlan> {
  const explicitOn = atLeast(input.goVersion, '1.14');
  const goVersionsOn = atLeast(input.goVersion, '1.17');
  const vendored = input.modules
    .filter((m) => (explicitOn && m.explicit) || m.packages.length > 0)
    .sort((a, b) => compareModuleVersions(a.module, b.module));
  const files = new Map<string, VendorFile>();
  const dirs: string[] = [];
  const copiedMeta = new Set<string>();
  let txt = '';
  for (const m of vendored) {
    txt += moduleLine(m.module, m.replacement);
    const explicit = explicitOn && m.explicit;
    const gv = goVersionsOn ? m.goVersion : '';
    if (explicit && gv !== '') txt += `## explicit; go ${gv}\n`;
    else if (explicit) txt += '## explicit\n';
    else if (gv !== '') txt += `## go ${gv}\n`;
    const pkgs = [...m.packages].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let index: TreeIndex | undefined;
    for (const pkg of pkgs) {
      txt += `${pkg}\n`;
      const tree = m.tree!;
      index ??= indexTree(tree);
      await vendorPackage(m.module.path, pkg, tree, index, goVersionsOn, files, dirs, copiedMeta);
    }
  }
  if (explicitOn) {
    const withPackages = new Set(
      vendored.filter((m) => m.packages.length > 0).map((m) => `${m.module.path} ${m.module.version}`),
    );
    for (const r of input.replace) {
      if (withPackages.has(`${r.old.path} ${r.old.version ?? ''}`)) continue;
      txt += moduleLine(r.old, r.new);
    }
  }
  return { modulesTxt: txt, files, dirs };
}

const dirOf = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
};
const joinRel = (a: string, b: string): string => (a === '' ? b : `${a}/${b}`);

async function vendorPackage(
  modPath: string,
  pkg: string,
  tree: ModuleTree,
  index: TreeIndex,
  stripGoMod: boolean,
  files: Map<string, VendorFile>,
  dirs: string[],
  copiedMeta: Set<string>,
): Promise<void> {
  const srcDir = pkg === modPath ? '' : pkg.slice(modPath.length + 1);
  const names = [...(index.children.get(srcDir) ?? [])]
    .filter((n) => !index.dirs.has(joinRel(srcDir, n)))
    .sort();
  dirs.push(pkg);
  const copied = new Set<string>();
  const texts = new Map<string, string>();
  const text = async (name: string): Promise<string> => {
    let t = texts.get(name);
    if (t === undefined) {
      t = Buffer.from(await tree.read(joinRel(srcDir, name))).toString('utf8');
      texts.set(name, t);
    }
    return t;
  };
  // copyDir(dst, src, matchPotentialSourceFile).
  for (const name of names) {
    if (name.endsWith('_test.go')) continue;
    if (stripGoMod && (name === 'go.mod' || name === 'go.sum')) continue;
    if (name.endsWith('.go') && !shouldBuildAnyTags(readImports(await text(name)).head)) continue;
    files.set(`${pkg}/${name}`, { tree, rel: joinRel(srcDir, name) });
    copied.add(`${pkg}/${name}`);
  }
  // copyMetadata: license-like files of the parent folders, up to the module root, once per folder.
  for (let parent = 0, p = pkg, src = srcDir; ; parent++) {
    const key = `${modPath}\u0000${p}`;
    if (copiedMeta.has(key)) break;
    copiedMeta.add(key);
    if (parent > 0) {
      for (const name of [...(index.children.get(src) ?? [])].sort()) {
        if (index.dirs.has(joinRel(src, name))) continue;
        if (!META_PREFIXES.some((x) => name.startsWith(x))) continue;
        files.set(`${p}/${name}`, { tree, rel: joinRel(src, name) });
      }
    }
    if (p === modPath) break;
    p = dirOf(p);
    src = dirOf(src);
  }
  // Embedded files: go/build with UseAllFiles reads every .go file not starting with `_` or `.`
  // (tests and files of another package clause too: a MultiplePackageError keeps their embeds).
  const patterns: string[] = [];
  let goFiles = 0;
  for (const name of names) {
    if (!name.endsWith('.go') || name.startsWith('_') || name.startsWith('.')) continue;
    const src = await text(name);
    if (packageName(src) === 'documentation') continue;
    goFiles++;
    if (readImports(src).imports.includes('embed')) patterns.push(...embedPatterns(src));
  }
  if (goFiles === 0 || patterns.length === 0) return;
  const unique = [...new Set(patterns)].sort();
  for (const rel of resolveEmbeds(tree, index, srcDir, unique, pkg)) {
    const dst = `${pkg}/${rel}`;
    if (copied.has(dst)) continue;
    files.set(dst, { tree, rel: joinRel(srcDir, rel) });
  }
}
