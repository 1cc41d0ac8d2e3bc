// Python-compatible text primitives for PEP 440 parsing: whitespace, case folding, integer digits.

/**
 * Python's `\s` / `str.isspace()` set. JavaScript's `\s` differs (it lacks U+001C–U+001F and U+0085
 * and adds U+FEFF), and packaging strips and matches with Python's set, so we spell it out.
 */
export const PY_WS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const wsRun = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');

/** Python's `str.strip()` with no arguments. */
export function pyStrip(s: string): string {
  return s.replace(wsRun, '');
}

/** Python's `str(int(digits))` for an ASCII digit run of any length: leading zeros removed. */
export function normDigits(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

/** Compares two normalised digit strings as integers (any length). */
export function cmpDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares strings by code point, as Python does (JavaScript's `<` compares UTF-16 units). */
export function cmpPyStr(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** ASCII-digits-only test (Python's `str.isdigit()` for the character sets the grammar admits). */
export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}
