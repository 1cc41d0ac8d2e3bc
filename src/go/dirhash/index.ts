// The h1: directory hash (golang.org/x/mod/sumdb/dirhash) over module zips and directories; the pure core is hash1.ts.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { MAX_ZIP_FILE, openZip, readEntries, type ZipArchive, type ZipEntry } from '../../util/zip.js';
import { ModZipError } from '../modzip/errors.js';
import {
  DirhashError,
  type H1Digest,
  hash1Files,
  type Line,
  newlineName,
  sha256Hex,
  summarize,
} from './hash1.js';

export {
  DirhashError,
  type DirhashErrorCode,
  type FileContent,
  type H1Digest,
  hash1Files,
  hashGoMod,
  isH1Digest,
  parseH1Digest,
} from './hash1.js';

/** Limits for {@link hashZip}. Defaults follow x/mod: a module zip is at most 500 MiB, packed or unpacked. */
export interface HashZipOptions {
  /** Largest zip accepted, in bytes. Default 500 MiB. */
  readonly maxZipSize?: number;
  /** Largest total of declared uncompressed sizes, in bytes. Default 500 MiB. */
  readonly maxUncompressed?: number;
  /** What messages call zip bytes given in memory (e.g. the file they were read from). */
  readonly label?: string;
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
  const archive = await openZip(zip, {
    maxZipSize: options.maxZipSize ?? MAX_ZIP_FILE,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
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
