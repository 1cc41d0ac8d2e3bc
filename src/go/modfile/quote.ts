// Go's character classes and string quoting (unicode.IsPrint/IsSpace, strconv.Quote/Unquote) as go.mod files use them.

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
// The classes come from the runtime's Unicode tables (newer than Go 1.19's Unicode 13); they
// differ only for characters assigned since, which no real go.mod contains.
const PRINT_RE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const WHITE_SPACE_RE = /^\p{White_Space}$/u;

/** Go's `unicode.IsPrint` for one code point. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return PRINT_RE.test(String.fromCodePoint(r));
}

/** Go's `unicode.IsSpace` for one code point. */
export function isSpace(r: number): boolean {
  if (r <= 0xff) return r === 0x20 || (r >= 0x09 && r <= 0x0d) || r === 0x85 || r === 0xa0;
  return WHITE_SPACE_RE.test(String.fromCodePoint(r));
}

/** Trims leading and trailing white space as Go's `strings.TrimSpace` does. */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.codePointAt(a)!)) a += s.codePointAt(a)! > 0xffff ? 2 : 1;
  while (b > a) {
    const c = s.charCodeAt(b - 1);
    const low = c >= 0xdc00 && c <= 0xdfff && b - 2 >= a;
    const cp = low ? s.codePointAt(b - 2)! : c;
    if (!isSpace(cp)) break;
    b -= cp > 0xffff ? 2 : 1;
  }
  return s.slice(a, b);
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function escapeRune(r: number, quote: number): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCharCode(r)}`;
  if (isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

/** Go's `strconv.Quote`: a double-quoted Go string literal. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, 0x22);
  return `${out}"`;
}

/** Go's `strconv.QuoteRune`: a single-quoted Go character literal. */
export function quoteRune(r: number): string {
  return `'${escapeRune(r, 0x27)}'`;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Go's `strconv.Unquote` for a double-quoted literal (the only kind go.mod files unquote);
 * returns undefined where Go reports `invalid syntax`.
 */
export function unquote(s: string): string | undefined {
  const b = utf8.encode(s);
  if (b.length < 2 || b[0] !== 0x22 || b[b.length - 1] !== 0x22) return undefined;
  const out: number[] = [];
  let i = 1;
  const end = b.length - 1;
  while (i < end) {
    const c = b[i]!;
    if (c === 0x22 || c === 0x0a) return undefined;
    if (c !== 0x5c) {
      out.push(c);
      i++;
      continue;
    }
    if (i + 1 >= end) return undefined;
    const e = b[i + 1]!;
    i += 2;
    const simple: Record<number, number> = {
      97: 7,
      98: 8,
      102: 12,
      110: 10,
      114: 13,
      116: 9,
      118: 11,
      92: 0x5c,
      34: 0x22,
    };
    if (simple[e] !== undefined) {
      out.push(simple[e]);
      continue;
    }
    if (e === 0x78 || e === 0x75 || e === 0x55) {
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (i + n > end) return undefined;
      let v = 0;
      for (let k = 0; k < n; k++) {
        const h = hexValue(b[i + k]!);
        if (h < 0) return undefined;
        v = v * 16 + h;
      }
      i += n;
      if (e === 0x78) {
        out.push(v); // a raw byte, as Go appends it
        continue;
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      out.push(...utf8.encode(String.fromCodePoint(v)));
      continue;
    }
    if (e >= 0x30 && e <= 0x37) {
      if (i + 2 > end) return undefined;
      let v = e - 0x30;
      for (let k = 0; k < 2; k++) {
        const d = b[i + k]! - 0x30;
        if (d < 0 || d > 7) return undefined;
        v = v * 8 + d;
      }
      if (v > 255) return undefined;
      i += 2;
      out.push(v);
      continue;
    }
    return undefined;
  }
  return utf8Decoder.decode(Uint8Array.from(out));
}
