// A strict, bounded zip reader for module zips and wheels: central directory (zip64 included) and verified entry bodies.
//
// Why hand-written rather than a library (yauzl, unzipper, adm-zip, fflate were considered):
// - the h1: hash is over the raw name bytes of the central directory, and must be byte-exact with
//   Go's archive/zip (zip64 extra fields only consulted when the 32-bit field is maxed out, CRC
//   checked the way Go checks it, data-descriptor CRC compared with the directory's);
// - hostile archives must end in a typed error in bounded time and memory: overlapping entries,
//   local headers that disagree with the directory, lying zip64 sizes and declared-small entries
//   that inflate huge are not detected by those libraries (yauzl comes closest but accepts
//   overlaps and name mismatches, and buffers through its own fd-slicer);
// - speed: small entries inflate synchronously from one large read window (a zlib stream per
//   entry on the threadpool costs ~3x more than the inflate itself for 10 KB files), large entries
//   stream through async zlib so inflate runs on libuv's threadpool while the caller hashes.
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { ErrorCode } from '../errorCodes.js';
import { type ErrorOptions, MochiPkgError } from '../errors.js';
import { FileReadError, openRegularFile } from './read.js';

/**
 * Stable codes of {@link ZipError} that reading an archive raises:
 *
 * - `zip-not-zip` — no end-of-central-directory record: the input is not a zip file.
 * - `zip-corrupt` — the structure is broken or lies: truncated central directory, bad signatures,
 *   offsets or sizes outside the file, a local header that disagrees with the directory,
 *   compressed data that ends early.
 * - `zip-overlap` — two entries (or an entry and the central directory) share bytes.
 * - `zip-unsupported` — encryption, multi-disk archives, compression methods other than store/deflate.
 * - `zip-checksum` — an entry's CRC-32 does not match its content.
 * - `zip-size-mismatch` — an entry inflates to more or fewer bytes than it declares.
 * - `zip-too-large` — a size limit (zip file, total uncompressed size, central directory) is exceeded.
 * - `zip-duplicate` — two entries have the same name.
 * - `zip-bad-name` — an entry name is unsafe (NUL, backslash, absolute, `.`/`..`, invalid UTF-8).
 * - `zip-io` — reading the input failed.
 */
export type ZipErrorCode =
  | 'zip-not-zip'
  | 'zip-corrupt'
  | 'zip-overlap'
  | 'zip-unsupported'
  | 'zip-checksum'
  | 'zip-size-mismatch'
  | 'zip-too-large'
  | 'zip-duplicate'
  | 'zip-bad-name'
  | 'zip-io';

/**
 * A zip archive is not one this reader accepts, or could not be read. The module-zip layer
 * (`go.modzip.ZipError`) and the wheel reader build on it.
 */
export class ZipError<C extends ErrorCode = ZipErrorCode> extends MochiPkgError {
  declare readonly code: C;
  constructor(code: C, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}

/** One entry of the central directory. Sizes and offsets are exact integers (≤ 2^53 − 1). */
export interface ZipEntry {
  /** The name decoded as UTF-8 (invalid sequences become U+FFFD; see `nameIsUtf8`). */
  readonly name: string;
  /** The name exactly as stored: what Go's archive/zip calls `File.Name`. */
  readonly nameBytes: Buffer;
  /** Whether `nameBytes` is valid UTF-8. */
  readonly nameIsUtf8: boolean;
  readonly flags: number;
  /** 0 stored, 8 deflated; anything else is refused when the body is read. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Offset of the local file header. */
  readonly headerOffset: number;
  /** Where this entry's bytes must end: the next local header, or the central directory. */
  readonly limit: number;
  readonly externalAttrs: number;
  readonly creatorVersion: number;
}

/** Caps applied while opening an archive. */
export interface ZipLimits {
  /** Largest accepted zip file, in bytes. Default 500 MiB (x/mod's MaxZipFile). */
  readonly maxZipSize?: number;
  /** Largest accepted central directory, in bytes. Default 64 MiB. */
  readonly maxCentralDirectory?: number;
  /**
   * What messages call the zip: for bytes in memory, e.g. the file they were read from (default
   * `<zip bytes>`); for a file, what it holds when its name would mislead, such as a temporary
   * file deleted after (default its path).
   */
  readonly label?: string;
}

/** A byte source the reader pulls from: a file (positional reads) or bytes in memory. */
interface Source {
  readonly size: number;
  readonly label: string;
  /** Reads `len` bytes at `pos`, into `into` when given (a file source) or as a fresh buffer or view. */
  read(pos: number, len: number, into?: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

/** An opened archive: its entries in central-directory order, and the source to read bodies from. */
export interface ZipArchive {
  readonly label: string;
  readonly size: number;
  readonly entries: readonly ZipEntry[];
  readonly centralDirectoryOffset: number;
  /** @internal the byte source; use {@link readEntries}. */
  readonly source: Source;
  close(): Promise<void>;
}

/** x/mod's MaxZipFile: 500 MiB. */
export const MAX_ZIP_FILE = 500 * 1024 * 1024;
const DEFAULT_MAX_CD = 64 * 1024 * 1024;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const END_LEN = 22;
const END64_LEN = 56;
const LOC64_LEN = 20;
const CENTRAL_LEN = 46;
const LOCAL_LEN = 30;
const ZIP64_EXTRA = 0x0001;

function corrupt(label: string, what: string): ZipError {
  return new ZipError('zip-corrupt', `${label}: corrupt zip: ${what}`, {
    hint: 'download the file again; if it keeps failing, the server or the archive is broken',
  });
}

function bytesSource(bytes: Uint8Array, label: string): Source {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buf.length,
    label,
    read: async (pos, len) => {
      if (pos < 0 || pos + len > buf.length) throw corrupt(label, `read past the end at offset ${pos}`);
      return buf.subarray(pos, pos + len);
    },
    close: async () => {},
  };
}

async function fileSource(path: string, label = path): Promise<Source> {
  const io = (e: unknown, what: string) =>
    new ZipError(
      'zip-io',
      e instanceof FileReadError ? e.message : `${label}: cannot ${what} zip file: ${(e as Error).message}`,
      { cause: e },
    );
  let handle: FileHandle;
  let size: number;
  try {
    // Non-blocking open: a FIFO is refused at once instead of waiting for a writer for ever.
    ({ handle, size } = await openRegularFile(path, 'zip file'));
  } catch (e) {
    throw io(e, 'open');
  }
  return {
    size,
    label,
    read: async (pos, len, into) => {
      if (pos < 0 || pos + len > size) throw corrupt(label, `read past the end at offset ${pos}`);
      const buf = into && into.length >= len ? into.subarray(0, len) : Buffer.allocUnsafe(len);
      let done = 0;
      while (done < len) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buf, done, len - done, pos + done));
        } catch (e) {
          throw io(e, 'read');
        }
        if (bytesRead === 0) throw corrupt(label, `file shrank while reading (offset ${pos + done})`);
        done += bytesRead;
      }
      return buf;
    },
    close: () => handle.close(),
  };
}

/** Reads a 64-bit little-endian size, refusing values JavaScript cannot hold exactly. */
function u64(buf: Buffer, at: number, label: string, what: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(label, `${what} ${v} is implausibly large`);
  return Number(v);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Finds the end record the way archive/zip does: the last signature whose comment fits the file. */
function findEnd(tail: Buffer): number {
  for (let i = tail.length - END_LEN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_END) {
      const commentLen = tail.readUInt16LE(i + END_LEN - 2);
      if (i + END_LEN + commentLen <= tail.length) return i;
    }
  }
  return -1;
}

/**
 * Opens a zip file (a path) or zip bytes and reads its central directory. Everything is checked
 * for consistency before any entry is returned: counts, bounds, zip64 records, overlaps.
 */
export async function openZip(input: string | Uint8Array, limits: ZipLimits = {}): Promise<ZipArchive> {
  const source =
    typeof input === 'string'
      ? await fileSource(input, limits.label)
      : bytesSource(input, limits.label ?? '<zip bytes>');
  try {
    return await readDirectory(source, limits);
  } catch (e) {
    await source.close();
    throw e;
  }
}

/** Bytes read by position from somewhere else (e.g. HTTP range requests): the whole size is known. */
export interface RangeReader {
  readonly size: number;
  /** What messages call the archive. */
  readonly label: string;
  /** Exactly `len` bytes at `pos` (a reader that cannot must throw). */
  read(pos: number, len: number): Promise<Uint8Array>;
}

/**
 * Opens a zip read through `reader`: the same checks as {@link openZip}, reading only the end
 * records and the central directory (bodies are read by {@link readEntries}, which should then be
 * given a `window` so it reads no more than the entries it is asked for).
 */
export async function openZipReader(reader: RangeReader, limits: ZipLimits = {}): Promise<ZipArchive> {
  const source: Source = {
    size: reader.size,
    label: reader.label,
    read: async (pos, len) => {
      if (pos < 0 || pos + len > reader.size)
        throw corrupt(reader.label, `read past the end at offset ${pos}`);
      const b = await reader.read(pos, len);
      if (b.byteLength !== len) throw corrupt(reader.label, `short read at offset ${pos}`);
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    },
    close: async () => {},
  };
  return readDirectory(source, limits);
}

async function readDirectory(source: Source, limits: ZipLimits): Promise<ZipArchive> {
  const { label, size } = source;
  const maxZip = limits.maxZipSize ?? MAX_ZIP_FILE;
  if (size > maxZip) {
    throw new ZipError('zip-too-large', `${label}: zip file is ${size} bytes; the limit is ${maxZip} bytes`);
  }
  const notZip = () =>
    new ZipError('zip-not-zip', `${label}: not a valid zip file (no end of central directory record)`, {
      hint: 'check that the file is a module zip and was downloaded completely',
    });
  if (size < END_LEN) throw notZip();
  const tailLen = Math.min(size, END_LEN + 0xffff);
  const tail = await source.read(size - tailLen, tailLen);
  const at = findEnd(tail);
  if (at < 0) throw notZip();
  let endOffset = size - tailLen + at;
  const diskNbr = tail.readUInt16LE(at + 4);
  const dirDisk = tail.readUInt16LE(at + 6);
  let recordsHere = tail.readUInt16LE(at + 8);
  let records = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  let disks = [diskNbr, dirDisk];

  if (records === 0xffff || recordsHere === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: the locator sits just before the end record; without one the 32-bit values stand (as in Go).
    if (endOffset >= LOC64_LEN) {
      const loc = await source.read(endOffset - LOC64_LEN, LOC64_LEN);
      if (loc.readUInt32LE(0) === SIG_LOC64) {
        if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) {
          throw new ZipError('zip-unsupported', `${label}: multi-disk zip64 archives are not supported`);
        }
        const end64 = u64(loc, 8, label, 'zip64 end record offset');
        if (end64 + END64_LEN > endOffset - LOC64_LEN) {
          throw corrupt(label, `zip64 end record offset ${end64} is outside the file`);
        }
        const e = await source.read(end64, END64_LEN);
        if (e.readUInt32LE(0) !== SIG_END64) throw corrupt(label, 'zip64 end record signature missing');
        disks = [e.readUInt32LE(16), e.readUInt32LE(20)];
        recordsHere = u64(e, 24, label, 'zip64 entry count');
        records = u64(e, 32, label, 'zip64 entry count');
        cdSize = u64(e, 40, label, 'zip64 central directory size');
        cdOffset = u64(e, 48, label, 'zip64 central directory offset');
        endOffset = end64;
      }
    }
  }
  if (disks[0] !== 0 || disks[1] !== 0 || recordsHere !== records) {
    throw new ZipError('zip-unsupported', `${label}: multi-disk zip archives are not supported`);
  }
  // Go tolerates data prepended to the archive (a shifted "base offset"); module zips never have it,
  // and accepting it would let two readers disagree about where entries start.
  if (cdOffset + cdSize !== endOffset) {
    throw corrupt(
      label,
      `central directory (offset ${cdOffset}, ${cdSize} bytes) does not end at the end record (offset ${endOffset})`,
    );
  }
  const maxCd = limits.maxCentralDirectory ?? DEFAULT_MAX_CD;
  if (cdSize > maxCd) {
    throw new ZipError(
      'zip-too-large',
      `${label}: central directory is ${cdSize} bytes; the limit is ${maxCd}`,
    );
  }
  if (records > cdSize / CENTRAL_LEN) {
    throw corrupt(label, `${records} entries cannot fit in a ${cdSize}-byte central directory`);
  }
  const cd = await source.read(cdOffset, cdSize);
  const entries = parseCentral(cd, records, cdOffset, label);
  const archive: ZipArchive = {
    label,
    size,
    entries,
    centralDirectoryOffset: cdOffset,
    source,
    close: () => source.close(),
  };
  return archive;
}

interface MutableEntry extends ZipEntry {
  limit: number;
}

function parseCentral(cd: Buffer, records: number, cdOffset: number, label: string): ZipEntry[] {
  const entries: MutableEntry[] = [];
  let p = 0;
  while (p < cd.length) {
    if (p + CENTRAL_LEN > cd.length) throw corrupt(label, 'central directory is truncated');
    if (cd.readUInt32LE(p) !== SIG_CENTRAL)
      throw corrupt(label, `bad central directory signature at entry ${entries.length}`);
    const creatorVersion = cd.readUInt16LE(p + 4);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc32 = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const externalAttrs = cd.readUInt32LE(p + 38);
    let headerOffset = cd.readUInt32LE(p + 42);
    const varEnd = p + CENTRAL_LEN + nameLen + extraLen + commentLen;
    if (varEnd > cd.length) throw corrupt(label, 'central directory is truncated');
    const nameBytes = Buffer.from(cd.subarray(p + CENTRAL_LEN, p + CENTRAL_LEN + nameLen));
    const extra = cd.subarray(p + CENTRAL_LEN + nameLen, p + CENTRAL_LEN + nameLen + extraLen);

    // Exactly Go's rule: a zip64 field is read only for a 32-bit field that is maxed out, in the
    // order uncompressed, compressed, offset.
    let needU = uncompressedSize === 0xffffffff;
    let needC = compressedSize === 0xffffffff;
    let needO = headerOffset === 0xffffffff;
    for (let x = 0; x + 4 <= extra.length; ) {
      const tag = extra.readUInt16LE(x);
      const len = extra.readUInt16LE(x + 2);
      x += 4;
      if (x + len > extra.length) break;
      if (tag === ZIP64_EXTRA) {
        let f = x;
        const take = (what: string) => {
          if (f + 8 > x + len) throw corrupt(label, `zip64 extra field too short for the ${what}`);
          const v = u64(extra, f, label, what);
          f += 8;
          return v;
        };
        if (needU) {
          uncompressedSize = take('uncompressed size');
          needU = false;
        }
        if (needC) {
          compressedSize = take('compressed size');
          needC = false;
        }
        if (needO) {
          headerOffset = take('local header offset');
          needO = false;
        }
      }
      x += len;
    }
    if (needC || needO)
      throw corrupt(label, 'zip64 sizes are maxed out but the zip64 extra field is missing');
    const name = nameBytes.toString('utf8');
    entries.push({
      name,
      nameBytes,
      nameIsUtf8: isUtf8(nameBytes),
      flags,
      method,
      crc32,
      compressedSize,
      uncompressedSize,
      headerOffset,
      limit: cdOffset,
      externalAttrs,
      creatorVersion,
    });
    p = varEnd;
  }
  if (entries.length !== records) {
    throw corrupt(
      label,
      `the end record announces ${records} entries but the central directory holds ${entries.length}`,
    );
  }
  // Overlap check: in offset order, each entry's minimal extent (local header + name + data) must
  // end before the next begins. The exact extent is checked again when the local header is read.
  const byOffset = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i]!;
    const next = i + 1 < byOffset.length ? byOffset[i + 1]!.headerOffset : cdOffset;
    const minEnd = e.headerOffset + LOCAL_LEN + e.nameBytes.length + e.compressedSize;
    if (minEnd > next) {
      const what =
        i + 1 < byOffset.length ? `entry ${JSON.stringify(byOffset[i + 1]!.name)}` : 'the central directory';
      throw new ZipError(
        'zip-overlap',
        `${label}: entry ${JSON.stringify(e.name)} (offset ${e.headerOffset}, ${e.compressedSize} bytes) overlaps ${what}`,
        { hint: 'overlapping entries are a zip-bomb technique; do not use this archive' },
      );
    }
    e.limit = next;
  }
  return entries;
}

/** What {@link readEntries} hands the consumer: a whole verified body, or a stream verified as it is read. */
export type EntryBody = Buffer | AsyncIterable<Buffer>;

/** Knobs of {@link readEntries}; the defaults are tuned for hashing module zips. */
export interface ReadOptions {
  /** Bodies up to this many uncompressed bytes are inflated in one piece; larger ones stream. Default 4 MiB. */
  readonly wholeLimit?: number;
  /**
   * Bytes read at once (default 8 MiB, with the next window read ahead). A smaller window with no
   * read-ahead suits a reader where every read costs a request ({@link openZipReader}).
   */
  readonly window?: number;
  /** Read the next window ahead while the current one is used (default true). */
  readonly readAhead?: boolean;
}

const WINDOW = 8 * 1024 * 1024;
const STREAM_CHUNK = 1024 * 1024;

/**
 * Reads the bodies of `entries` (in file-offset order, whatever order they are given in) and calls
 * `consume` for each, one at a time. Every body is checked as Go checks it — local header
 * signature, data within the entry's bounds, exact declared size, CRC-32, data descriptor — and a
 * body that inflates past its declared size is cut off there (a zip bomb stops at the limit).
 * A streamed body throws from its iterator when a check fails; `consume` must read it to the end.
 * A whole body may be a view into a reused read buffer: `consume` must be done with it when it returns.
 */
export async function readEntries(
  archive: ZipArchive,
  entries: readonly ZipEntry[],
  consume: (entry: ZipEntry, body: EntryBody) => Promise<void> | void,
  options: ReadOptions = {},
): Promise<void> {
  const { source, label } = archive;
  const wholeLimit = options.wholeLimit ?? 4 * 1024 * 1024;
  const windowSize = Math.max(1, options.window ?? WINDOW);
  const readAhead = options.readAhead ?? true;
  const ordered = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  // A read window with a prefetch of the next one, so file reads overlap with inflating. The two
  // window buffers are reused in turn (no 8 MiB allocation per window, which kept peak RSS high):
  // safe because every view of the current window is consumed before the window after next is read.
  let winStart = 0;
  let win: Buffer = Buffer.alloc(0);
  const buffers: Buffer[] = [];
  let turn = 0;
  let prefetch: { start: number; data: Promise<Buffer> } | undefined;
  const windowRead = (pos: number) => {
    const len = Math.min(windowSize, source.size - pos);
    turn ^= 1;
    // A window never exceeds the file: a small zip gets small buffers, not two of 8 MiB.
    buffers[turn] ??= Buffer.allocUnsafe(Math.min(windowSize, source.size));
    const data = source.read(pos, len, buffers[turn]);
    data.catch(() => {}); // observed when awaited; avoids an unhandled rejection if never used
    return { start: pos, data };
  };
  const bytesAt = async (pos: number, len: number): Promise<Buffer> => {
    if (pos + len > source.size)
      throw corrupt(label, `entry data runs past the end of the file (offset ${pos})`);
    if (pos >= winStart && pos + len <= winStart + win.length)
      return win.subarray(pos - winStart, pos - winStart + len);
    if (len > windowSize) return source.read(pos, len);
    let next = prefetch;
    prefetch = undefined;
    if (
      !next ||
      pos < next.start ||
      pos + len > next.start + Math.min(windowSize, source.size - next.start)
    ) {
      // The prefetch (if any) is into the other buffer; wait for it so two reads never share one.
      if (next) await next.data;
      next = windowRead(pos);
    }
    win = await next.data;
    winStart = next.start;
    if (readAhead && winStart + win.length < source.size) prefetch = windowRead(winStart + win.length);
    return win.subarray(pos - winStart, pos - winStart + len);
  };

  for (const e of ordered) {
    const nameForMsg = JSON.stringify(e.name);
    if (e.flags & 1) {
      throw new ZipError('zip-unsupported', `${label}: entry ${nameForMsg} is encrypted`);
    }
    if (e.method !== 0 && e.method !== 8) {
      throw new ZipError(
        'zip-unsupported',
        `${label}: entry ${nameForMsg} uses compression method ${e.method}; only store (0) and deflate (8) are supported`,
      );
    }
    const head = await bytesAt(e.headerOffset, LOCAL_LEN);
    if (head.readUInt32LE(0) !== SIG_LOCAL)
      throw corrupt(label, `entry ${nameForMsg} has no local file header`);
    const nLen = head.readUInt16LE(26);
    const xLen = head.readUInt16LE(28);
    const localName = await bytesAt(e.headerOffset + LOCAL_LEN, nLen);
    if (!localName.equals(e.nameBytes)) {
      throw corrupt(
        label,
        `entry ${nameForMsg}: the local header names it ${JSON.stringify(localName.toString('utf8'))}`,
      );
    }
    const dataStart = e.headerOffset + LOCAL_LEN + nLen + xLen;
    const dataEnd = dataStart + e.compressedSize;
    const descLen = e.flags & 8 ? 12 : 0;
    if (dataEnd + descLen > e.limit) {
      throw new ZipError(
        'zip-overlap',
        `${label}: entry ${nameForMsg} (data ${dataStart}..${dataEnd}) runs into the next entry or the central directory`,
      );
    }
    let descCrc: number | undefined;
    if (e.flags & 8) {
      const avail = Math.min(16, e.limit - dataEnd);
      const d = await bytesAt(dataEnd, avail);
      const off = d.readUInt32LE(0) === SIG_DESCRIPTOR ? 4 : 0;
      if (off + 4 > d.length) throw corrupt(label, `entry ${nameForMsg}: data descriptor is truncated`);
      descCrc = d.readUInt32LE(off);
    }
    const verify = new BodyCheck(e, label, descCrc);
    if (e.uncompressedSize <= wholeLimit && e.compressedSize <= wholeLimit) {
      const raw = await bytesAt(dataStart, e.compressedSize);
      const body = e.method === 0 ? raw : inflateWhole(raw, e, label);
      verify.update(body);
      verify.finish();
      await consume(e, body);
    } else {
      const raw = rawChunks(source, dataStart, e.compressedSize);
      await consume(e, streamBody(raw, e, label, verify));
      verify.assertFinished();
    }
  }
}

/** Size and CRC-32 accounting shared by whole and streamed bodies. */
class BodyCheck {
  private crc = 0;
  private n = 0;
  private done = false;
  constructor(
    private readonly e: ZipEntry,
    private readonly label: string,
    private readonly descCrc: number | undefined,
  ) {}
  update(chunk: Buffer): void {
    this.n += chunk.length;
    if (this.n > this.e.uncompressedSize) {
      throw new ZipError('zip-size-mismatch', sizeLie(this.label, this.e), {
        hint: 'the archive lies about its sizes (a zip bomb?); do not use it',
      });
    }
    this.crc = zlib.crc32(chunk, this.crc);
  }
  finish(): void {
    const { e, label } = this;
    if (this.n !== e.uncompressedSize) {
      throw new ZipError(
        'zip-size-mismatch',
        `${label}: entry ${JSON.stringify(e.name)} holds ${this.n} bytes but declares ${e.uncompressedSize}`,
      );
    }
    // Go's rule: with a data descriptor both CRCs must match; without one, a zero CRC is not checked.
    const mismatch =
      this.descCrc !== undefined
        ? this.descCrc !== e.crc32 || this.crc !== e.crc32
        : e.crc32 !== 0 && this.crc !== e.crc32;
    if (mismatch) {
      throw new ZipError('zip-checksum', `${label}: entry ${JSON.stringify(e.name)} fails its CRC-32 check`, {
        hint: 'the archive is damaged; download it again',
      });
    }
    this.done = true;
  }
  assertFinished(): void {
    if (!this.done) {
      throw new Error(`internal: the body of ${JSON.stringify(this.e.name)} was not read to the end`);
    }
  }
}

function inflateWhole(raw: Buffer, e: ZipEntry, label: string): Buffer {
  try {
    // maxOutputLength cuts a bomb off one byte past the declared size; BodyCheck reports it.
    return zlib.inflateRawSync(raw, {
      chunkSize: Math.max(64, Math.min(e.uncompressedSize + 1, 4 * 1024 * 1024)),
      maxOutputLength: e.uncompressedSize + 1,
    });
  } catch (err) {
    throw inflateError(err, e, label);
  }
}

/** x/mod zip's words for an entry whose body is longer than its header says. */
function sizeLie(label: string, e: ZipEntry): string {
  return `${label}: uncompressed size of file ${JSON.stringify(e.name).slice(1, -1)} is larger than declared size (${e.uncompressedSize} bytes)`;
}

function inflateError(err: unknown, e: ZipEntry, label: string): ZipError {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return new ZipError('zip-size-mismatch', sizeLie(label, e), {
      hint: 'the archive lies about its sizes (a zip bomb?); do not use it',
    });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return corrupt(label, `entry ${JSON.stringify(e.name)}: bad deflate data (${(err as Error).message})`);
  }
  return err instanceof ZipError ? err : corrupt(label, `entry ${JSON.stringify(e.name)}: ${String(err)}`);
}

async function* rawChunks(source: Source, start: number, len: number): AsyncGenerator<Buffer> {
  let pos = start;
  const end = start + len;
  let next = pos < end ? source.read(pos, Math.min(STREAM_CHUNK, end - pos)) : undefined;
  while (next) {
    const chunk = await next;
    pos += chunk.length;
    next = pos < end ? source.read(pos, Math.min(STREAM_CHUNK, end - pos)) : undefined;
    yield chunk;
  }
}

async function* streamBody(
  raw: AsyncIterable<Buffer>,
  e: ZipEntry,
  label: string,
  verify: BodyCheck,
): AsyncGenerator<Buffer> {
  if (e.method === 0) {
    for await (const chunk of raw) {
      verify.update(chunk);
      yield chunk;
    }
    verify.finish();
    return;
  }
  const inflater = zlib.createInflateRaw({ chunkSize: 256 * 1024 });
  const input = Readable.from(raw, { objectMode: false });
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  try {
    for await (const chunk of inflater) {
      verify.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  } catch (err) {
    throw inflateError(err, e, label);
  } finally {
    input.destroy();
    inflater.destroy();
  }
  verify.finish();
}
