// Python's `ast.literal_eval` for the one kind of literal a marker holds: a quoted string.

/** The literal is not a valid Python string; `reason` reads like CPython's SyntaxError. */
export class LiteralError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const SIMPLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * The value of a quoted string token (`'…'` or `"…"`, quotes included) as CPython evaluates it:
 * backslash escapes (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F600`, a backslash before a line
 * break joins lines, an unknown escape keeps its backslash). Named escapes (`\N{…}`) need
 * Unicode's name table, which we do not carry: they are refused with a {@link LiteralError}.
 */
export function evalPythonString(token: string): string {
  const body = token.slice(1, -1);
  if (body.includes('\0')) throw new LiteralError('source code string cannot contain null bytes');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(body))
    throw new LiteralError('surrogates not allowed');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\n' || c === '\r') throw new LiteralError('unterminated string literal');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new LiteralError('unterminated string literal');
    i++;
    if (e in SIMPLE) out += SIMPLE[e];
    else if (e === '\n') {
      // line continuation
    } else if (e === '\r') {
      if (body[i + 1] === '\n') i++;
    } else if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) digits += body[++i];
      out += String.fromCodePoint(Number.parseInt(digits, 8));
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
        throw new LiteralError(`truncated \\${e}${'X'.repeat(n)} escape`);
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) throw new LiteralError('illegal Unicode character');
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e === 'N') {
      throw new LiteralError('named Unicode escapes (\\N{...}) are not supported');
    } else {
      out += `\\${e}`;
    }
  }
  return out;
}
