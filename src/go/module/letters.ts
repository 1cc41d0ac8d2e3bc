// Unicode letters as Go's unicode.IsLetter sees them, for file-name characters (x/mod fileNameOK).
// The table is Go's own (see letters-table.ts), not the runtime's \p{L}: Node's ICU is several
// Unicode versions newer, and x/mod must not accept a file name that the reference rejects.
import { PACKED_LETTER_RANGES } from './letters-table.js';

let los: Uint32Array | undefined;
let his: Uint32Array | undefined;
let strides: Uint32Array | undefined;

function unpack(): void {
  const tokens = PACKED_LETTER_RANGES.trim().split(' ');
  los = new Uint32Array(tokens.length);
  his = new Uint32Array(tokens.length);
  strides = new Uint32Array(tokens.length);
  tokens.forEach((t, i) => {
    const [lo, hi, stride] = t.split('.').map((n) => Number.parseInt(n, 36));
    los![i] = lo!;
    his![i] = hi!;
    strides![i] = stride ?? 1;
  });
}

/** Reports whether the code point is a letter (category L) in the reference Go's Unicode tables. */
export function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  if (los === undefined) unpack();
  // Binary search for the last range starting at or below cp.
  let lo = 0;
  let hi = los!.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (los![mid]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  const start = los![lo]!;
  return start <= cp && cp <= his![lo]! && (cp - start) % strides![lo]! === 0;
}
