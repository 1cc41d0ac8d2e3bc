// Finds `import python "…" as x` and `import go "…" as x` declarations in Mochi source, by token.
import { isMochiAlias, MAX_ALIAS_BYTES } from '../lock/identifier.js';
import { formatLocation, ProjectError, type SourceLocation } from './errors.js';
import { decodeString, type Token, tokenize } from './lexer.js';

/** The foreign languages whose imports mochi-pkg pins. */
export type ForeignLanguage = 'python' | 'go';

/** One foreign import declaration as written. */
export interface ForeignImport {
  readonly language: ForeignLanguage;
  /** The string after the language, escapes decoded: for Python the import spec, for Go the module path. */
  readonly spec: string;
  /** The name after `as`, or the default alias (see {@link findImports}). */
  readonly alias: string;
  /** True when the declaration ends with `auto`. */
  readonly auto: boolean;
  /** Where the `import` keyword is. */
  readonly location: SourceLocation;
}

const LANGUAGES: ReadonlySet<string> = new Set(['python', 'go']);

/** What `import python "<spec>"` is called when it has no `as`: the distribution name, if it is an identifier. */
function defaultAlias(language: ForeignLanguage, spec: string): string | undefined {
  const base = language === 'python' ? spec.split('@')[0]! : (spec.split('/').pop() ?? '');
  return isMochiAlias(base) ? base : undefined;
}

/**
 * Every `import python` and `import go` declaration in one Mochi source file, in source order.
 * Comments and string contents never produce imports (the source is tokenized). The grammar is
 * Mochi's: `import <language> "<string>" [as <alias>] [auto]`; imports of other languages and plain
 * `import "…"` are ignored. Without `as`, the alias is the distribution name (Python) or the last
 * path element (Go) when that is an identifier; otherwise `as` is required.
 *
 * @throws {ProjectError} `project-syntax` / `project-import`, with `file:line:column`.
 */
export function findImports(src: string, file: string): ForeignImport[] {
  const out: ForeignImport[] = [];
  const tokens = tokenize(src, file);
  let lookahead: Token | undefined;
  const next = (): Token | undefined => {
    if (lookahead) {
      const t = lookahead;
      lookahead = undefined;
      return t;
    }
    const r = tokens.next();
    return r.done ? undefined : r.value;
  };
  const peek = (): Token | undefined => {
    lookahead ??= next();
    return lookahead;
  };
  const at = (t: Token | undefined, fallback: Token): SourceLocation => ({
    file,
    line: (t ?? fallback).line,
    column: (t ?? fallback).column,
  });

  for (let t = next(); t !== undefined; t = next()) {
    if (t.kind !== 'ident' || t.text !== 'import') continue;
    const lang = peek();
    if (lang?.kind !== 'ident' || !LANGUAGES.has(lang.text)) continue;
    next();
    const language = lang.text as ForeignLanguage;
    const str = next();
    if (str?.kind !== 'string') {
      throw new ProjectError(
        'project-import',
        `expected a string after \`import ${language}\``,
        at(str, lang),
        `write import ${language} "<spec>" as <alias>`,
      );
    }
    const spec = decodeString(str.text);
    if (spec === undefined) {
      throw new ProjectError('project-import', `unsupported escape sequence in ${str.text}`, at(str, lang));
    }
    let alias: string | undefined;
    if (peek()?.kind === 'ident' && peek()!.text === 'as') {
      const asTok = next()!;
      const name = next();
      if (name?.kind === 'ident' && Buffer.byteLength(name.text, 'utf8') > MAX_ALIAS_BYTES) {
        throw new ProjectError(
          'project-import',
          `the alias after \`as\` is ${Buffer.byteLength(name.text, 'utf8')} bytes long; at most ${MAX_ALIAS_BYTES} are allowed (it names the folder python_wrap/<alias>)`,
          at(name, asTok),
        );
      }
      if (name?.kind !== 'ident' || !isMochiAlias(name.text)) {
        throw new ProjectError('project-import', 'expected an identifier after `as`', at(name, asTok));
      }
      alias = name.text;
    } else {
      alias = defaultAlias(language, spec);
      if (alias === undefined) {
        throw new ProjectError(
          'project-import',
          `import ${language} ${str.text} needs \`as <alias>\`: its name is not an identifier`,
          at(t, t),
        );
      }
    }
    let auto = false;
    if (peek()?.kind === 'ident' && peek()!.text === 'auto') {
      next();
      auto = true;
    }
    out.push({ language, spec, alias, auto, location: at(t, t) });
  }
  return out;
}

/**
 * The project's distinct imports, sorted by (language, alias): the same declaration in several
 * files counts once.
 *
 * @throws {ProjectError} `project-import` when one alias is bound to two different imports
 *   (a different spec, or another language), pointing at the later one and naming the first.
 */
export function uniqueImports(imports: readonly ForeignImport[]): ForeignImport[] {
  const byAlias = new Map<string, ForeignImport>();
  for (const imp of imports) {
    const first = byAlias.get(imp.alias);
    if (!first) {
      byAlias.set(imp.alias, imp);
    } else if (first.language !== imp.language || first.spec !== imp.spec) {
      throw new ProjectError(
        'project-import',
        `alias ${imp.alias} is bound to import ${imp.language} ${JSON.stringify(imp.spec)} here but to import ${first.language} ${JSON.stringify(first.spec)} at ${formatLocation(first.location)}`,
        imp.location,
        'give each import its own alias, or use the same spec in both places',
      );
    }
  }
  return [...byAlias.values()].sort((a, b) =>
    a.language !== b.language
      ? a.language < b.language
        ? -1
        : 1
      : a.alias < b.alias
        ? -1
        : a.alias > b.alias
          ? 1
          : 0,
  );
}
