// The pure core of the h1: directory hash (x/mod's dirhash.Hash1): files in, digest out; the caller supplies the bytes.
import { createHash } from 'node:crypto';
import { MochiPkgError } from '../../errors.js';

/**
 * An `h1:` digest: `"h1:"` + base64 of a SHA-256 (44 characters), as found in go.sum, the checksum
 * database and `.ziphash` files. Branded so that it cannot be mixed up with other strings.
 */
export type H1Digest = string & { readonly __brand: 'H1Digest' };

/**
 * Stable codes of {@link DirhashError}: `dirhash-bad-name` (a name with a newline, or not
 * representable as UTF-8), `dirhash-prefix` (a zip entry outside `module@version/`),
 * `dirhash-not-digest` (a string that is not an `h1:` digest).
 */
export type DirhashErrorCode = 'dirhash-bad-name' | 'dirhash-prefix' | 'dirhash-not-digest';

/** Errors of h1: hashing. Zip structure problems are {@link ModZipError}s instead. */
export class DirhashError extends MochiPkgError {
  declare readonly code: DirhashErrorCode;
  constructor(code: DirhashErrorCode, message: string, hint?: string) {
    super(code, message, hint === undefined ? {} : { hint });
  }
}

/** What an `open` callback may return for one file: its bytes, a string (UTF-8), or a chunk stream. */
export type FileContent = Uint8Array | string | AsyncIterable<Uint8Array | string>;

const H1_RE = /^h1:[A-Za-z0-9+/]{43}=$/;

/** True when `s` is a well-formed `h1:` digest (44 base64 characters of a 32-byte SHA-256). */
export function isH1Digest(s: string): s is H1Digest {
  return H1_RE.test(s);
}

/**
 * Returns `s` as an {@link H1Digest}, or throws `dirhash-not-digest`.
 *
 * @example
 * ```ts
 * parseH1Digest('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
 * ```
 */
export function parseH1Digest(s: string): H1Digest {
  if (!isH1Digest(s)) {
    throw new DirhashError(
      'dirhash-not-digest',
      `${JSON.stringify(s.slice(0, 80))} is not an h1: digest (expected "h1:" and 44 base64 characters)`,
    );
  }
  return s;
}

/** One summary line's ingredients: the exact name bytes and the lowercase-hex SHA-256 of the content. */
export interface Line {
  readonly name: Buffer;
  readonly hex: string;
}

/**
 * The Hash1 summary: lines sorted by name bytes (Go's sort.Strings order, which is UTF-8 byte
 * order, not JavaScript's UTF-16 order), each `hex  name\n`; then `h1:` + base64(sha256(lines)).
 */
export function summarize(lines: Line[]): H1Digest {
  lines.sort((a, b) => Buffer.compare(a.name, b.name));
  const h = createHash('sha256');
  for (const l of lines) {
    h.update(`${l.hex}  `);
    h.update(l.name);
    h.update('\n');
  }
  return `h1:${h.digest('base64')}` as H1Digest;
}

// A lone surrogate has no UTF-8 encoding; Go names are bytes, so such a name cannot be hashed exactly.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function nameBytes(name: string): Buffer {
  if (name.includes('\n')) {
    throw new DirhashError(
      'dirhash-bad-name',
      `file name ${JSON.stringify(name)} contains a newline; h1: hashes cannot represent it`,
    );
  }
  if (LONE_SURROGATE.test(name)) {
    throw new DirhashError('dirhash-bad-name', `file name ${JSON.stringify(name)} is not valid Unicode`);
  }
  return Buffer.from(name, 'utf8');
}

export async function sha256Hex(content: FileContent): Promise<string> {
  const h = createHash('sha256');
  if (typeof content === 'string' || content instanceof Uint8Array) {
    h.update(content);
  } else {
    for await (const chunk of content) h.update(chunk);
  }
  return h.digest('hex');
}

/**
 * Go's `dirhash.Hash1`: the `h1:` hash of a list of files. `open(name)` supplies each file's
 * content; files are opened one at a time in sorted order, and an error thrown by `open` (or by
 * reading what it returned) propagates unchanged. A name containing a newline is an error.
 *
 * @example
 * ```ts
 * await hash1Files(['m@v1.0.0/go.mod'], async () => 'module m\n');
 * ```
 */
export async function hash1Files(
  names: readonly string[],
  open: (name: string) => FileContent | Promise<FileContent>,
): Promise<H1Digest> {
  const items = names.map((name) => ({ name, bytes: nameBytes(name) }));
  items.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const lines: Line[] = [];
  for (const item of items) {
    lines.push({ name: item.bytes, hex: await sha256Hex(await open(item.name)) });
  }
  return summarize(lines);
}

/**
 * Go's `dirhash` hash of a go.mod file as go.sum records it (`<module> <version>/go.mod h1:…`):
 * Hash1 over one file named `go.mod`.
 *
 * @example
 * ```ts
 * hashGoMod(new Uint8Array()); // 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY='
 * ```
 */
export function hashGoMod(bytes: Uint8Array | string): H1Digest {
  const hex = createHash('sha256').update(bytes).digest('hex');
  return summarize([{ name: Buffer.from('go.mod'), hex }]);
}
