// Terminal-safe text: control characters in names from zips, servers or files are shown escaped, never sent raw.

// C0 controls, DEL, C1 controls, and the Unicode format characters that reorder or hide text
// (bidi embeddings, overrides and isolates, line/paragraph separators).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/**
 * `text` with every control character escaped (`\n`, `\r`, `\t`, `\0`, `\x1b`, `\u202e`), so that a
 * hostile name cannot move the cursor, clear the screen, start a new line or reorder what a
 * terminal shows. For human-readable output only: JSON output stays exact JSON. Pure.
 *
 * @example
 * ```ts
 * printable('a\x1b[2Jb\n'); // 'a\\x1b[2Jb\\n'
 * ```
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
