// Unicode letters as Go's unicode.IsLetter sees them, for file-name characters (x/mod fileNameOK).
const LETTER = /^\p{L}$/u;

/** Reports whether the code point is a Unicode letter (general category L). */
export function isLetter(cp: number): boolean {
  return LETTER.test(String.fromCodePoint(cp));
}
