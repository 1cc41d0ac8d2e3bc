// go.mod directives (x/mod modfile/rule.go): Parse for a main module, ParseLax for a dependency's go.mod.
import { canonicalVersion, pathMajorMismatch, splitPathVersion } from '../module/check.js';
import { type GoModIssue, GoModParseError, issueAt } from './errors.js';
import { isPrint, isSpace, quote, trimSpace, unquote } from './quote.js';
import { parseSyntax } from './read.js';
import type { FileSyntax, Line, LineBlock } from './syntax.js';

/** A module path and version (x/mod `module.Version`); the version is empty where none applies. */
export interface ModuleVersion {
  path: string;
  version: string;
}

/** The `module` directive. */
export interface ModuleStmt {
  mod: ModuleVersion;
  /** The text after `Deprecated:` in the directive's comments; empty when not deprecated. */
  deprecated: string;
  syntax: Line;
}

/** The `go` directive. */
export interface GoStmt {
  /** `1.19` */
  version: string;
  syntax: Line;
}

export interface Require {
  mod: ModuleVersion;
  /** The line carries a `// indirect` comment. */
  indirect: boolean;
  syntax: Line;
}

export interface Exclude {
  mod: ModuleVersion;
  syntax: Line;
}

export interface Replace {
  /** `old.version` is empty when every version is replaced. */
  old: ModuleVersion;
  /** `new.version` is empty for a directory replacement. */
  new: ModuleVersion;
  syntax: Line;
}

/** A retracted version (`low` = `high`) or closed interval `[low, high]`. */
export interface Retract {
  low: string;
  high: string;
  /** The comments above or beside the directive, `//` and spaces trimmed, one per line. */
  rationale: string;
  syntax: Line;
}

/** A parsed go.mod file: its directives and the syntax they came from (for {@link format}). */
export interface ModFile {
  module?: ModuleStmt;
  go?: GoStmt;
  require: Require[];
  exclude: Exclude[];
  replace: Replace[];
  retract: Retract[];
  syntax: FileSyntax;
}

/**
 * Rewrites a version as the caller wants it (x/mod `VersionFixer`), e.g. resolving a branch name;
 * throws an Error whose message says what is wrong. Without one, versions must be canonical-able
 * semantic versions and are canonicalised.
 */
export type VersionFixer = (path: string, version: string) => string;

class IssueError extends Error {
  constructor(
    readonly problem: string,
    readonly verb?: string,
    readonly modPath?: string,
  ) {
    super(problem);
  }
}

/** x/mod `MustQuote`: whether a token must be written as a quoted string. */
export function mustQuote(s: string): boolean {
  // Go tests len(s) > 1 in bytes; for a string holding an ASCII bracket or comma that is s.length > 1.
  const byteLength = s.length;
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case ' ':
      case '"':
      case "'":
      case '`':
        return true;
      case '(':
      case ')':
      case '[':
      case ']':
      case '{':
      case '}':
      case ',':
        if (byteLength > 1) return true;
        break;
      default:
        if (!isPrint(r)) return true;
    }
  }
  return s === '' || s.includes('//') || s.includes('/*');
}

/** x/mod `AutoQuote`: `s`, quoted when it must be. */
export function autoQuote(s: string): string {
  return mustQuote(s) ? quote(s) : s;
}

/** x/mod `IsDirectoryPath`: a replacement target that is a directory rather than a module path. */
export function isDirectoryPath(ns: string): boolean {
  return (
    ns.startsWith('./') ||
    ns.startsWith('../') ||
    ns.startsWith('/') ||
    ns.startsWith('.\\') ||
    ns.startsWith('..\\') ||
    ns.startsWith('\\') ||
    (ns.length >= 2 && /^[A-Za-z]:/.test(ns))
  );
}

/** Go version strings the `go` directive accepts (x/mod `GoVersionRE`). */
export const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
const LAX_GO_VERSION_RE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$/;
const DEPRECATED_RE = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/;

// parseString: unquotes tokens[i] in place (rewriting it in its canonical quoting), as x/mod does.
function parseString(tokens: string[], i: number): string {
  let t = tokens[i] ?? '';
  if (t.startsWith('"')) {
    const u = unquote(t);
    if (u === undefined) throw new IssueError('invalid quoted string: invalid syntax');
    t = u;
  } else if (/["'`]/.test(t)) {
    throw new IssueError('invalid quoted string: unquoted string cannot contain quote');
  }
  tokens[i] = autoQuote(t);
  return t;
}

const dontFixRetract: VersionFixer = (_path, v) => v;

function parseVersion(verb: string, path: string, tokens: string[], i: number, fix?: VersionFixer): string {
  let t: string;
  try {
    t = parseString(tokens, i);
  } catch (e) {
    if (!(e instanceof IssueError)) throw e;
    const detail = e.problem.replace(/^invalid quoted string: /, '');
    throw new IssueError(`version ${quote(tokens[i] ?? '')} invalid: ${detail}`, verb, path);
  }
  if (fix) {
    try {
      t = fix(path, t);
    } catch (e) {
      if (e instanceof IssueError) throw e;
      throw new IssueError(e instanceof Error ? e.message : String(e), verb, path);
    }
  } else {
    const cv = canonicalVersion(t);
    if (cv === '')
      throw new IssueError(`version ${quote(t)} invalid: must be of the form v1.2.3`, verb, path);
    t = cv;
  }
  tokens[i] = t;
  return t;
}

function modulePathMajor(path: string): string {
  const split = splitPathVersion(path);
  if (split === undefined) throw new IssueError('invalid module path');
  return split.pathMajor;
}

function checkPathMajor(verb: string, path: string, version: string, pathMajor: string): void {
  const m = pathMajorMismatch(version, pathMajor);
  if (m !== undefined) throw new IssueError(`version ${quote(version)} invalid: ${m}`, verb, path);
}

function parseVersionInterval(
  verb: string,
  path: string,
  tokens: string[],
  at: number,
  fix: VersionFixer,
): { low: string; high: string; next: number } {
  let i = at;
  if (i >= tokens.length || tokens[i] === '(') throw new IssueError("expected '[' or version");
  if (tokens[i] !== '[') {
    const v = parseVersion(verb, path, tokens, i, fix);
    return { low: v, high: v, next: i + 1 };
  }
  i++;
  if (i >= tokens.length) throw new IssueError("expected version after '['");
  const low = parseVersion(verb, path, tokens, i, fix);
  i++;
  if (i >= tokens.length || tokens[i] !== ',') throw new IssueError("expected ',' after version");
  i++;
  if (i >= tokens.length) throw new IssueError("expected version after ','");
  const high = parseVersion(verb, path, tokens, i, fix);
  i++;
  if (i >= tokens.length || tokens[i] !== ']') throw new IssueError("expected ']' after version");
  return { low, high, next: i + 1 };
}

/** The comments of a directive (or of its block when the line has none), `//` trimmed. */
function parseDirectiveComment(block: LineBlock | undefined, line: Line): string {
  let comments = line.comments;
  if (block && comments.before.length === 0 && comments.suffix.length === 0) comments = block.comments;
  const lines: string[] = [];
  for (const c of [...comments.before, ...comments.suffix]) {
    if (!c.token.startsWith('//')) continue; // a blank line
    lines.push(trimSpace(c.token.slice(2)));
  }
  return lines.join('\n');
}

function parseDeprecation(block: LineBlock | undefined, line: Line): string {
  return DEPRECATED_RE.exec(parseDirectiveComment(block, line))?.[1] ?? '';
}

// Go's strings.Fields: the runs of non-space characters.
function fields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (isSpace(ch.codePointAt(0)!)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Whether a require line is marked `// indirect` (alone, or `// indirect; …`). */
export function isIndirect(line: Line): boolean {
  const first = line.comments.suffix[0];
  if (!first) return false;
  const f = fields(first.token.replace(/^\/\//, ''));
  return (f.length === 1 && f[0] === 'indirect') || (f.length > 1 && f[0] === 'indirect;');
}

function parseReplace(verb: string, args: string[], at: number, fix?: VersionFixer): Omit<Replace, 'syntax'> {
  const n = args.length - at;
  const arrow = n >= 2 && args[at + 1] === '=>' ? 1 : 2;
  if (n < arrow + 2 || n > arrow + 3 || args[at + arrow] !== '=>') {
    throw new IssueError(
      `usage: ${verb} module/path [v1.2.3] => other/module v1.4\n\t or ${verb} module/path [v1.2.3] => ../local/directory`,
    );
  }
  const s = parseString(args, at);
  let pathMajor: string;
  try {
    pathMajor = modulePathMajor(s);
  } catch (e) {
    if (!(e instanceof IssueError)) throw e;
    throw new IssueError(e.problem, verb, s);
  }
  let v = '';
  if (arrow === 2) {
    v = parseVersion(verb, s, args, at + 1, fix);
    checkPathMajor(verb, s, v, pathMajor);
  }
  const ns = parseString(args, at + arrow + 1);
  let nv = '';
  if (n === arrow + 2) {
    if (!isDirectoryPath(ns)) {
      if (ns.includes('@')) {
        throw new IssueError("replacement module must match format 'path version', not 'path@version'");
      }
      throw new IssueError(
        'replacement module without version must be directory path (rooted or starting with ./ or ../)',
      );
    }
    if (ns.includes('\\')) {
      throw new IssueError('replacement directory appears to be Windows path (on a non-windows system)');
    }
  }
  if (n === arrow + 3) {
    nv = parseVersion(verb, ns, args, at + arrow + 2, fix);
    if (isDirectoryPath(ns)) {
      throw new IssueError(`replacement module directory path ${quote(ns)} cannot have version`);
    }
  }
  return { old: { path: s, version: v }, new: { path: ns, version: nv } };
}

function addDirective(
  f: ModFile,
  issues: GoModIssue[],
  block: LineBlock | undefined,
  line: Line,
  verb: string,
  args: string[],
  at: number,
  fix: VersionFixer | undefined,
  strict: boolean,
): void {
  if (!strict && verb !== 'go' && verb !== 'module' && verb !== 'retract' && verb !== 'require') return;
  const n = args.length - at;
  const err = (problem: string, extra: { verb?: string; modPath?: string } = {}): void => {
    issues.push(issueAt(f.syntax.name, line.start, problem, extra));
  };
  try {
    switch (verb) {
      case 'go': {
        if (f.go) throw new IssueError('repeated go statement');
        if (n !== 1) throw new IssueError('go directive expects exactly one argument');
        if (!GO_VERSION_RE.test(args[at]!)) {
          const m = strict ? null : LAX_GO_VERSION_RE.exec(args[at]!);
          if (!m) throw new IssueError(`invalid go version '${args[at]}': must match format 1.23`);
          args[at] = m[1]!;
        }
        f.go = { version: args[at]!, syntax: line };
        return;
      }
      case 'module': {
        if (f.module) throw new IssueError('repeated module statement');
        const mod: ModuleStmt = {
          mod: { path: '', version: '' },
          deprecated: parseDeprecation(block, line),
          syntax: line,
        };
        f.module = mod;
        if (n !== 1) throw new IssueError('usage: module module/path');
        mod.mod = { path: parseString(args, at), version: '' };
        return;
      }
      case 'require':
      case 'exclude': {
        if (n !== 2) throw new IssueError(`usage: ${verb} module/path v1.2.3`);
        const s = parseString(args, at);
        const v = parseVersion(verb, s, args, at + 1, fix);
        checkPathMajor(verb, s, v, modulePathMajor(s));
        if (verb === 'require') {
          f.require.push({ mod: { path: s, version: v }, syntax: line, indirect: isIndirect(line) });
        } else {
          f.exclude.push({ mod: { path: s, version: v }, syntax: line });
        }
        return;
      }
      case 'replace':
        f.replace.push({ ...parseReplace(verb, args, at, fix), syntax: line });
        return;
      case 'retract': {
        const rationale = parseDirectiveComment(block, line);
        let vi: { low: string; high: string; next: number };
        try {
          vi = parseVersionInterval(verb, '', args, at, dontFixRetract);
        } catch (e) {
          if (strict || !(e instanceof IssueError)) throw e;
          return;
        }
        if (vi.next < args.length && strict) {
          throw new IssueError(`unexpected token after version: ${quote(args[vi.next]!)}`);
        }
        f.retract.push({ low: vi.low, high: vi.high, rationale, syntax: line });
        return;
      }
      default:
        throw new IssueError(`unknown directive: ${verb}`);
    }
  } catch (e) {
    if (!(e instanceof IssueError)) throw e;
    err(e.problem, e.modPath ? { verb: e.verb ?? verb, modPath: e.modPath } : e.verb ? { verb: e.verb } : {});
  }
}

// With a fixer, retract versions are re-read once the module path is known (x/mod fixRetract).
function fixRetract(f: ModFile, fix: VersionFixer | undefined, issues: GoModIssue[]): void {
  if (!fix) return;
  const path = f.module?.mod.path ?? '';
  for (const r of f.retract) {
    if (path === '') {
      issues.push(
        issueAt(f.syntax.name, r.syntax.start, 'no module directive found, so retract cannot be used'),
      );
      return;
    }
    const args = r.syntax.token;
    const at = args[0] === 'retract' ? 1 : 0;
    try {
      const vi = parseVersionInterval('retract', path, args, at, fix);
      r.low = vi.low;
      r.high = vi.high;
    } catch (e) {
      if (!(e instanceof IssueError)) throw e;
      const extra = e.modPath
        ? { verb: e.verb ?? 'retract', modPath: e.modPath }
        : e.verb
          ? { verb: e.verb }
          : {};
      issues.push(issueAt(f.syntax.name, r.syntax.start, e.problem, extra));
      r.low = '';
      r.high = '';
    }
  }
}

function parseToFile(
  file: string,
  data: Uint8Array | string,
  fix: VersionFixer | undefined,
  strict: boolean,
) {
  const syntax = parseSyntax(file, data);
  const f: ModFile = { require: [], exclude: [], replace: [], retract: [], syntax };
  const issues: GoModIssue[] = [];
  for (const x of syntax.stmt) {
    if (x.kind === 'line') {
      addDirective(f, issues, undefined, x, x.token[0]!, x.token, 1, fix, strict);
    } else if (x.kind === 'block') {
      const known = ['module', 'require', 'exclude', 'replace', 'retract'];
      if (x.token.length > 1 || !known.includes(x.token[0]!)) {
        if (strict) issues.push(issueAt(file, x.start, `unknown block type: ${x.token.join(' ')}`));
        continue;
      }
      for (const l of x.line) addDirective(f, issues, x, l, x.token[0]!, l.token, 0, fix, strict);
    }
  }
  fixRetract(f, fix, issues);
  if (issues.length > 0) throw new GoModParseError(issues);
  return f;
}

/**
 * Parses a main module's go.mod strictly (x/mod `modfile.Parse`): every directive must be known
 * and well-formed. Versions are canonicalised (`v1.2` → `v1.2.0`) unless `fix` rewrites them.
 *
 * @param file - the name errors give the file (`go.mod`).
 * @throws {GoModParseError} listing every problem as x/mod words it (`go.mod:3: unknown directive: foo`).
 * @example
 * ```ts
 * const f = parse('go.mod', 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n');
 * f.require[0]?.mod; // { path: 'rsc.io/quote', version: 'v1.5.2' }
 * ```
 */
export function parse(file: string, data: Uint8Array | string, fix?: VersionFixer): ModFile {
  return parseToFile(file, data, fix, true);
}

/**
 * Parses a dependency's go.mod as cmd/go does (x/mod `modfile.ParseLax`): only `module`, `go`,
 * `require` and `retract` are read; other directives, unknown ones included, are ignored, as are
 * malformed `retract` lines; a `go` version like `1.21.0` or `1.20rc1` is cut to `1.21`/`1.20`.
 *
 * @throws {GoModParseError} for syntax errors and malformed `module`, `go` or `require` lines.
 */
export function parseLax(file: string, data: Uint8Array | string, fix?: VersionFixer): ModFile {
  return parseToFile(file, data, fix, false);
}

/**
 * The module path a go.mod declares, read leniently (x/mod `ModulePath`): unrelated errors in the
 * file are ignored; `''` when there is no usable `module` line.
 */
export function modulePath(data: Uint8Array | string): string {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  for (const raw of text.split('\n')) {
    let line = raw;
    const c = line.indexOf('//');
    if (c >= 0) line = line.slice(0, c);
    line = trimSpace(line);
    if (!line.startsWith('module')) continue;
    line = line.slice('module'.length);
    const n = line.length;
    line = trimSpace(line);
    if (line.length === n || line.length === 0) continue;
    if (line[0] === '"') return unquote(line) ?? '';
    if (line[0] === '`') {
      return line.length >= 2 && line.endsWith('`') && line.indexOf('`', 1) === line.length - 1
        ? line.slice(1, -1).replace(/\r/g, '')
        : '';
    }
    return line;
  }
  return '';
}
