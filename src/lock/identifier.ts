// The one rule for Mochi identifiers (import aliases), shared by the source lexer and the lock reader.

/** A character that may start a Mochi identifier: a letter, a symbol (`東`, `😀`) or `_` (mochi parser/parser.go). */
export const IDENT_START_RE = /[\p{L}\p{So}_]/u;
/** A character that may continue a Mochi identifier: also digits. */
export const IDENT_PART_RE = /[\p{L}\p{So}\p{N}_]/u;

const IDENTIFIER_RE = /^[\p{L}\p{So}_][\p{L}\p{So}\p{N}_]*$/u;

/** Mochi's reserved words (mochi parser/parser.go): never an alias. */
export const MOCHI_KEYWORDS: ReadonlySet<string> = new Set(
  'test expect agent intent on stream emit type fun extern import return break continue let var if else then for while in generate match fetch load save package export fact rule all null true false'.split(
    ' ',
  ),
);

/**
 * The longest alias, in UTF-8 bytes. An alias names a folder (`python_wrap/<alias>/`), and file
 * systems refuse names over 255 bytes; temporary names add a prefix and suffix to it.
 */
export const MAX_ALIAS_BYTES = 128;

/**
 * True when `name` can be an alias in `import … as <name>`: a Mochi identifier that is not a
 * reserved word, at most {@link MAX_ALIAS_BYTES} bytes long. The lexer reads aliases by this rule and the lock reader checks them by it, so
 * every alias `lock` writes is one `lock --check` reads back. Pure.
 *
 * @example
 * ```ts
 * isMochiAlias('東京'); // true
 * isMochiAlias('type'); // false: a keyword
 * ```
 */
export function isMochiAlias(name: string): boolean {
  return (
    IDENTIFIER_RE.test(name) &&
    !MOCHI_KEYWORDS.has(name) &&
    Buffer.byteLength(name, 'utf8') <= MAX_ALIAS_BYTES
  );
}
