// The h1: directory hash (golang.org/x/mod/sumdb/dirhash): Hash1 over files, go.mod files and module zips.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { ModZipError } from '../modzip/errors.js';
import { MAX_ZIP_FILE, openZip, readEntries, type ZipArchive, type ZipEntry } from '../modzip/reader.js';

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
interface Line {
  readonly name: Buffer;
  readonly hex: string;
}

/**
 * The Hash1 summary: lines sorted by name bytes (Go's sort.Strings order, which is UTF-8 byte
 * order, not JavaScript's UTF-16 order), each `hex  name\n`; then `h1:` + base64(sha256(lines)).
 */
function summarize(lines: Line[]): H1Digest {
  // Every way into Hash1 ends here: a name with a newline would let one zip forge another's
  // summary lines (x/mod's Hash1 refuses it too), so none passes, whoever built the list.
  for (const l of lines) {
    if (l.name.includes(0x0a)) throw newlineName(l.name.toString('utf8'));
  }
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

function newlineName(name: string): DirhashError {
  return new DirhashError(
    'dirhash-bad-name',
    `file name ${JSON.stringify(name)} contains a newline; h1: hashes cannot represent it`,
    'a module file name must not contain a newline; this zip or directory cannot be hashed',
  );
}

function nameBytes(name: string): Buffer {
  if (name.includes('\n')) throw newlineName(name);
  if (LONE_SURROGATE.test(name)) {
    throw new DirhashError('dirhash-bad-name', `file name ${JSON.stringify(name)} is not valid Unicode`);
  }
  return Buffer.from(name, 'utf8');
}

async function sha256Hex(content: FileContent): Promise<string> {
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

/** Limits for {@link hashZip}. Defaults follow x/mod: a module zip is at most 500 MiB, packed or unpacked. */
export interface HashZipOptions {
  /** Largest zip accepted, in bytes. Default 500 MiB. */
  readonly maxZipSize?: number;
  /** Largest total of declared uncompressed sizes, in bytes. Default 500 MiB. */
  readonly maxUncompressed?: number;
}

/**
 * Go's `dirhash.HashZip` for a module zip: the h1: hash over the zip's file names and contents
 * (compression, timestamps and other metadata do not count). `zip` is a file path or the bytes.
 *
 * Stricter than x/mod in ways no valid module zip notices: every entry must start with
 * `modulePath@version/` (`dirhash-prefix`); directory entries (names ending in `/`) are skipped,
 * so a zip with and without `…/subdir/` entries hashes the same; names that are unsafe (NUL,
 * backslash, `.`/`..` elements, invalid UTF-8) or duplicated are refused; structural damage,
 * overlaps, CRC or size lies are {@link ModZipError}s. For zips Go itself creates the result equals
 * x/mod's `HashZip` byte for byte.
 *
 * @example
 * ```ts
 * const h1 = await hashZip('/tmp/foo.zip', 'example.com/foo', 'v1.0.0');
 * ```
 */
export async function hashZip(
  zip: string | Uint8Array,
  modulePath: string,
  version: string,
  options: HashZipOptions = {},
): Promise<H1Digest> {
  const archive = await openZip(zip, { maxZipSize: options.maxZipSize ?? MAX_ZIP_FILE });
  try {
    return await hashArchive(archive, modulePath, version, options);
  } finally {
    await archive.close();
  }
}

/** {@link hashZip} over an archive already open (the caller closes it). */
export async function hashArchive(
  archive: ZipArchive,
  modulePath: string,
  version: string,
  options: HashZipOptions = {},
): Promise<H1Digest> {
  const prefix = Buffer.from(`${modulePath}@${version}/`, 'utf8');
  const files: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  const maxTotal = options.maxUncompressed ?? MAX_ZIP_FILE;
  for (const e of archive.entries) {
    if (!e.nameBytes.subarray(0, prefix.length).equals(prefix)) {
      throw new DirhashError(
        'dirhash-prefix',
        `${archive.label}: entry ${JSON.stringify(e.name)} is outside ${JSON.stringify(prefix.toString())}`,
        'a module zip holds only files under module@version/; check the module path and version',
      );
    }
    // Before the directory skip: `…/a\n<hex>  …/` must not slip through as a "directory".
    if (e.nameBytes.includes(0x0a)) throw newlineName(e.name);
    if (e.nameBytes[e.nameBytes.length - 1] === 0x2f) continue; // directory entry
    checkSafeName(e, prefix.length, archive.label);
    const key = e.nameBytes.toString('latin1');
    if (seen.has(key)) {
      throw new ModZipError(
        'zip-duplicate',
        `${archive.label}: entry ${JSON.stringify(e.name)} appears twice`,
      );
    }
    seen.add(key);
    total += e.uncompressedSize;
    if (total > maxTotal) {
      throw new ModZipError(
        'zip-too-large',
        `${archive.label}: files declare more than ${maxTotal} bytes uncompressed`,
      );
    }
    files.push(e);
  }
  const lines: Line[] = [];
  await readEntries(archive, files, async (e, body) => {
    if (body instanceof Uint8Array) {
      lines.push({ name: e.nameBytes, hex: createHash('sha256').update(body).digest('hex') });
    } else {
      lines.push({ name: e.nameBytes, hex: await sha256Hex(body) });
    }
  });
  return summarize(lines);
}

/** Refuses entry names that are unsafe to hash or extract: NUL, backslash, `.`/`..`/empty elements, bad UTF-8. */
function checkSafeName(e: ZipEntry, prefixLen: number, label: string): void {
  const rest = e.name.slice(Buffer.from(e.nameBytes.subarray(0, prefixLen)).toString('utf8').length);
  const bad = (why: string) =>
    new ModZipError('zip-bad-name', `${label}: entry ${JSON.stringify(e.name)} ${why}`, {
      hint: 'module zips hold clean relative paths only; do not use this archive',
    });
  if (!e.nameIsUtf8) throw bad('is not valid UTF-8');
  if (rest.includes('\0')) throw bad('contains a NUL byte');
  if (rest.includes('\\')) throw bad('contains a backslash');
  for (const el of rest.split('/')) {
    if (el === '' || el === '.' || el === '..') throw bad('is not a clean relative path');
  }
}

/**
 * Go's `dirhash.HashDir`: the h1: hash of the files under `dir`, each named `prefix/<relative
 * path>` with forward slashes. As in Go's `filepath.Walk`, a symbolic link is not descended into
 * but hashed as a file (its target's content). Use `module@version` as the prefix to get the hash
 * of the module zip made from exactly those files.
 *
 * @example
 * ```ts
 * await hashDir('./foo', 'example.com/foo@v1.0.0');
 * ```
 */
export async function hashDir(dir: string, prefix: string): Promise<H1Digest> {
  const paths = new Map<string, string>();
  const walk = async (abs: string, rel: string) => {
    const list = await readdir(abs, { withFileTypes: true });
    for (const d of list) {
      const childRel = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) await walk(join(abs, d.name), childRel);
      else paths.set(posix.join(prefix, childRel), join(abs, d.name));
    }
  };
  await walk(dir, '');
  return hash1Files([...paths.keys()], (name) => createReadStream(paths.get(name)!));
}
