// Builds small zip files byte by byte for tests, including deliberately broken and lying ones.
// Independent of src/go/modzip (its own little writer), so reader tests do not test the reader
// against itself.
import zlib from 'node:zlib';

/** One entry to write; every field that can lie to a reader can be overridden. */
export interface TestEntry {
  name: string | Buffer;
  data?: string | Buffer;
  /** 0 store, 8 deflate (default). */
  method?: number;
  /** Raw bytes to store as the compressed body instead of compressing `data`. */
  rawBody?: Buffer;
  /** CRC-32 to declare (default: the real one). */
  crc?: number;
  /** Uncompressed size to declare (default: the real one). */
  declaredSize?: number;
  /** Compressed size to declare (default: the real one). */
  declaredCompressed?: number;
  /** Name written in the local header (default: the same as the central directory). */
  localName?: Buffer;
  /** Write sizes and offset through a zip64 extra field (0xffffffff in the 32-bit fields). */
  zip64?: boolean;
  /** Set the data-descriptor flag and write a descriptor after the data. */
  descriptor?: boolean;
  /** General-purpose flags to OR in. */
  flags?: number;
  /** Local header offset to declare (default: the real one). */
  declaredOffset?: number;
  /** Unix mode in the external attributes (default 0o100644). */
  mode?: number;
}

export interface BuildOptions {
  /** Write a zip64 end record and locator (forced when any entry is zip64). */
  zip64End?: boolean;
  /** Entry count to declare in the end record (default: the real one). */
  declaredCount?: number;
  /** Bytes appended after the archive. */
  trailer?: Buffer;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** Builds a zip from `entries`, in order. */
export function buildZip(entries: readonly TestEntry[], options: BuildOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const central: Buffer[] = [];
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : (e.data ?? Buffer.alloc(0));
    const method = e.method ?? 8;
    const body = e.rawBody ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const crc = e.crc ?? zlib.crc32(data);
    const usize = e.declaredSize ?? data.length;
    const csize = e.declaredCompressed ?? body.length;
    const flags = (e.flags ?? 0) | (e.descriptor ? 8 : 0) | 0x800;
    const headerOffset = offset;
    const localName = e.localName ?? name;
    push(
      Buffer.concat([
        u32(0x04034b50),
        u16(e.zip64 ? 45 : 20),
        u16(flags),
        u16(method),
        u16(0),
        u16(0x21),
        u32(e.descriptor ? 0 : crc),
        u32(e.descriptor ? 0 : e.zip64 ? 0xffffffff : csize),
        u32(e.descriptor ? 0 : e.zip64 ? 0xffffffff : usize),
        u16(localName.length),
        u16(0),
        localName,
      ]),
    );
    push(body);
    if (e.descriptor) {
      push(
        Buffer.concat([
          u32(0x08074b50),
          u32(crc),
          e.zip64 ? u64(csize) : u32(csize),
          e.zip64 ? u64(usize) : u32(usize),
        ]),
      );
    }
    const declaredOffset = e.declaredOffset ?? headerOffset;
    const extra = e.zip64
      ? Buffer.concat([u16(1), u16(24), u64(usize), u64(csize), u64(declaredOffset)])
      : Buffer.alloc(0);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(0x031e),
        u16(e.zip64 ? 45 : 20),
        u16(flags),
        u16(method),
        u16(0),
        u16(0x21),
        u32(crc),
        u32(e.zip64 ? 0xffffffff : csize),
        u32(e.zip64 ? 0xffffffff : usize),
        u16(name.length),
        u16(extra.length),
        u16(0),
        u16(0),
        u16(0),
        u32((e.mode ?? 0o100644) * 0x10000),
        u32(e.zip64 ? 0xffffffff : declaredOffset),
        name,
        extra,
      ]),
    );
  }
  const cdOffset = offset;
  const cd = Buffer.concat(central);
  push(cd);
  const count = options.declaredCount ?? entries.length;
  const zip64 = options.zip64End || entries.some((e) => e.zip64);
  if (zip64) {
    const end64Offset = offset;
    push(
      Buffer.concat([
        u32(0x06064b50),
        u64(44),
        u16(45),
        u16(45),
        u32(0),
        u32(0),
        u64(count),
        u64(count),
        u64(cd.length),
        u64(cdOffset),
      ]),
    );
    push(Buffer.concat([u32(0x07064b50), u32(0), u64(end64Offset), u32(1)]));
  }
  push(
    Buffer.concat([
      u32(0x06054b50),
      u16(0),
      u16(0),
      u16(zip64 ? 0xffff : count),
      u16(zip64 ? 0xffff : count),
      u32(zip64 ? 0xffffffff : cd.length),
      u32(zip64 ? 0xffffffff : cdOffset),
      u16(0),
    ]),
  );
  if (options.trailer) push(options.trailer);
  return Buffer.concat(parts);
}
