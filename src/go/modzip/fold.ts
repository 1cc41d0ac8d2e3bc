// Case-fold keys for collision checks: two paths collide when Go's strings.EqualFold says they are equal.
//
// Go folds by Unicode simple case folding orbits (unicode.SimpleFold); JavaScript has no SimpleFold,
// but a `/iu` regular expression compares code points by exactly that folding (ECMAScript's
// Canonicalize uses CaseFolding.txt's simple and common mappings). So a code point's key is a
// lower/upper-case partner that the `/iu` test confirms is fold-equal, and it is the same for every
// member of an orbit: lower(upper(c)) collapses K/k/U+212A, S/s/U+017F, Σ/σ/ς, µ/Μ/μ onto one
// member, while İ and ı (which fold to nothing in Go) keep themselves because the test refuses them.

const cache = new Map<number, string>();

function foldEqual(a: string, b: string): boolean {
  return new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}$`, 'iu').test(b);
}

function foldChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  let key = ch;
  for (const cand of [ch.toUpperCase().toLowerCase(), ch.toLowerCase(), ch.toUpperCase()]) {
    if ([...cand].length === 1 && foldEqual(ch, cand)) {
      key = cand;
      break;
    }
  }
  cache.set(cp, key);
  return key;
}

/**
 * A string with the property that `foldKey(s) === foldKey(t)` exactly when Go's
 * `strings.EqualFold(s, t)` holds (x/mod's `strToFold`).
 */
export function foldKey(s: string): string {
  // Fast path, as in x/mod: ASCII without upper case is its own key.
  if (/^[\x00-\x40\x5b-\x7f]*$/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 0x20) : ch;
    else out += foldChar(ch);
  }
  return out;
}
