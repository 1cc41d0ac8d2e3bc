// `//go:embed` patterns of a Go file and their files in a module tree, as go/build and cmd/go 1.19 find them.
import { MochiPkgError } from '../../errors.js';
import { checkFilePath } from '../module/index.js';

/** A `//go:embed` pattern matches nothing, or matches something cmd/go refuses to embed. Code `go-vendor-embed`. */
export class EmbedError extends MochiPkgError {
  declare readonly code: 'go-vendor-embed';
}

/** The package clause's name of a Go file (after comments), or undefined when it has none. */
export function packageName(src: string): string | undefined {
  let i = 0;
  const n = src.length;
  for (;;) {
    while (i < n && /\s/.test(src[i]!)) i++;
    if (src.startsWith('//', i)) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else break;
  }
  const m = /^package[ \t]+(?:\/\*[\s\S]*?\*\/[ \t]*)*([\p{L}_][\p{L}\p{Nd}_]*)/u.exec(src.slice(i, i + 512));
  return m?.[1];
}

/**
 * The `//go:embed` patterns of a file that imports "embed", as go/build's findEmbed scans for
 * them: from the start of the file (whose first line does not count), a `//go:embed` comment at
 * the start of a line (after blanks), outside string, rune and raw literals and block comments.
 * Badly formed lines are skipped.
 */
export function embedPatterns(src: string): string[] {
  const out: string[] = [];
  const n = src.length;
  let i = 0;
  let startLine = false;
  const skipQuoted = (q: string): void => {
    i++;
    while (i < n) {
      const c = src[i]!;
      if (c === '\\' && q !== '`') i += 2;
      else if (c === q) {
        i++;
        return;
      } else i++;
    }
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      startLine = true;
      i++;
    } else if (c === ' ' || c === '\t') i++;
    else if (c === '"' || c === '`' || c === "'") {
      startLine = false;
      skipQuoted(c);
    } else if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      startLine = false;
    } else if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      const line = src.slice(i, nl < 0 ? n : nl);
      if (startLine && /^\/\/go:embed[ \t]/.test(line)) {
        const args = parseEmbedArgs(line.slice('//go:embed'.length));
        if (args !== undefined) out.push(...args);
      }
      i = nl < 0 ? n : nl + 1;
      startLine = true;
    } else {
      startLine = false;
      i++;
    }
  }
  return out;
}

/** go/build's parseGoEmbed: space-separated patterns, Go-quoted or back-quoted; undefined when malformed. */
function parseEmbedArgs(args: string): string[] | undefined {
  const out: string[] = [];
  let s = args.replace(/\r$/, '');
  for (s = s.trimStart(); s !== ''; s = s.trimStart()) {
    let path: string;
    if (s[0] === '`') {
      const e = s.indexOf('`', 1);
      if (e < 0) return undefined;
      path = s.slice(1, e);
      s = s.slice(e + 1);
    } else if (s[0] === '"') {
      let j = 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return undefined;
      try {
        path = JSON.parse(s.slice(0, j + 1)) as string;
      } catch {
        return undefined; // Go-only escapes (\x41, \a): rare in patterns, treated as malformed
      }
      s = s.slice(j + 1);
    } else {
      const m = /^\S+/u.exec(s)!;
      path = m[0];
      s = s.slice(path.length);
    }
    if (s !== '' && !/^\s/u.test(s)) return undefined;
    out.push(path);
  }
  return out;
}

/** Go's path.Match for one path element (`*`, `?`, `[…]`, `\`); throws on a malformed pattern. */
export function matchElement(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new Error('bad pattern');
      re += escapeRe(pattern[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      let first = true;
      for (; j < pattern.length && (first || pattern[j] !== ']'); j++) {
        first = false;
        let ch = pattern[j]!;
        if (ch === '\\') ch = pattern[++j] ?? '';
        if (ch === '' || ch === '/') throw new Error('bad pattern');
        cls += escapeRe(ch);
        if (pattern[j + 1] === '-' && pattern[j + 2] !== ']') {
          let hi = pattern[j + 2];
          j += 2;
          if (hi === '\\') hi = pattern[++j];
          if (hi === undefined || hi < ch) throw new Error('bad pattern');
          cls += `-${escapeRe(hi)}`;
        }
      }
      if (pattern[j] !== ']' || first) throw new Error('bad pattern');
      re += `${cls}]`;
      i = j;
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`, 'su').test(name);
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** A module's regular files (paths relative to its root) as a tree to glob in. */
export interface FileTree {
  /** Every regular file, `/`-separated, relative to the module root. */
  readonly files: ReadonlySet<string>;
}

function isBadEmbedName(name: string): boolean {
  if (name === '' || name === '.bzr' || name === '.hg' || name === '.git' || name === '.svn') return true;
  try {
    checkFilePath(name);
    return false;
  } catch {
    return true;
  }
}

/** Children (names) of each directory of a tree, and which names are directories. */
export interface TreeIndex {
  readonly children: ReadonlyMap<string, ReadonlySet<string>>;
  readonly dirs: ReadonlySet<string>;
}

/** Indexes a tree's directories (built once per module). */
export function indexTree(tree: FileTree): TreeIndex {
  const children = new Map<string, Set<string>>();
  const dirs = new Set<string>(['']);
  for (const f of tree.files) {
    let child = f;
    for (;;) {
      const slash = child.lastIndexOf('/');
      const parent = slash < 0 ? '' : child.slice(0, slash);
      let set = children.get(parent);
      if (!set) {
        set = new Set();
        children.set(parent, set);
      }
      const name = child.slice(slash + 1);
      set.add(name);
      if (slash < 0 || dirs.has(parent)) break;
      dirs.add(parent);
      child = parent;
    }
  }
  return { children, dirs };
}

const join = (a: string, b: string): string => (a === '' ? b : `${a}/${b}`);

/**
 * The files (relative to `pkgDir`, sorted) that the embed patterns of a package name, as cmd/go's
 * resolveEmbed finds them in the module tree: each pattern globs element by element; a matched
 * directory contributes every file below it except names starting with `.` or `_` (unless the
 * pattern starts with `all:`), bad names and nested modules. A pattern that matches nothing,
 * an empty directory, a file in another module or a bad name is an {@link EmbedError}.
 */
export function resolveEmbeds(
  tree: FileTree,
  index: TreeIndex,
  pkgDir: string,
  patterns: readonly string[],
  where: string,
): string[] {
  const have = new Set<string>();
  const fail = (pattern: string, why: string): never => {
    throw new EmbedError('go-vendor-embed', `${where}: pattern ${pattern}: ${why}`);
  };
  const isDir = (p: string) => index.dirs.has(p);
  const hasGoMod = (dir: string) => tree.files.has(join(dir, 'go.mod'));
  for (const pattern of patterns) {
    const all = pattern.startsWith('all:');
    const glob = all ? pattern.slice(4) : pattern;
    const elems = glob.split('/');
    if (glob === '.' || !validPath(glob)) fail(pattern, 'invalid pattern syntax');
    try {
      for (const e of elems) matchElement(e, '');
    } catch {
      fail(pattern, 'invalid pattern syntax');
    }
    // Glob: matches, relative to the module root.
    let matches = [pkgDir];
    for (const e of elems) {
      const next: string[] = [];
      const meta = /[*?[\\]/.test(e);
      for (const dir of matches) {
        if (!isDir(dir)) continue;
        if (!meta) {
          const p = join(dir, e);
          if (tree.files.has(p) || isDir(p)) next.push(p);
          continue;
        }
        const names = [...(index.children.get(dir) ?? [])].sort();
        for (const name of names) if (matchElement(e, name)) next.push(join(dir, name));
      }
      matches = next;
    }
    const list: string[] = [];
    const rel = (p: string) => (pkgDir === '' ? p : p.slice(pkgDir.length + 1));
    for (const file of matches) {
      const what = isDir(file) ? 'directory' : 'file';
      for (
        let d = file;
        d.length > pkgDir.length && d !== pkgDir;
        d = d.slice(0, Math.max(0, d.lastIndexOf('/')))
      ) {
        if (hasGoMod(d) && d !== pkgDir)
          fail(pattern, `cannot embed ${what} ${rel(file)}: in different module`);
        const elem = d.slice(d.lastIndexOf('/') + 1);
        if (isBadEmbedName(elem)) {
          fail(
            pattern,
            d === file
              ? `cannot embed ${what} ${rel(file)}: invalid name ${elem}`
              : `cannot embed ${what} ${rel(file)}: in invalid directory ${elem}`,
          );
        }
        if (!d.includes('/')) break;
      }
      if (!isDir(file)) {
        list.push(rel(file));
        continue;
      }
      let count = 0;
      const walk = (dir: string): void => {
        for (const name of [...(index.children.get(dir) ?? [])].sort()) {
          const p = join(dir, name);
          if (isBadEmbedName(name) || ((name[0] === '.' || name[0] === '_') && !all)) continue;
          if (isDir(p)) {
            if (!hasGoMod(p)) walk(p);
            continue;
          }
          count++;
          list.push(rel(p));
        }
      };
      walk(file);
      if (count === 0) fail(pattern, `cannot embed directory ${rel(file)}: contains no embeddable files`);
    }
    if (list.length === 0) fail(pattern, 'no matching files found');
    for (const f of list) have.add(f);
  }
  return [...have].sort();
}

/** io/fs.ValidPath: unrooted, `/`-separated, no empty, `.` or `..` elements (`.` alone allowed). */
function validPath(p: string): boolean {
  if (p === '.') return true;
  return p.split('/').every((e) => e !== '' && e !== '.' && e !== '..');
}
