// Reads a wheel's members with the shared zip reader: every body inflated, bounded, CRC-checked.
import { type EntryBody, openZip, readEntries, ZipError } from '../../util/zip.js';
import { InstallError } from './errors.js';
import { MAX_MEMBERS, type WheelMember } from './plan.js';

/** Most bytes one wheel may inflate to (all members together). */
export const MAX_UNPACKED = 1024 * 1024 * 1024;

/**
 * The members of a wheel held in memory, in archive order, bodies copied out of the reader's
 * buffers. Zip-level problems (corruption, overlaps, bombs, duplicate names) become
 * `install-bad-wheel`.
 *
 * @param label  the wheel's file name, for messages
 */
export async function readWheelMembers(
  bytes: Uint8Array,
  label: string,
  maxUnpacked = MAX_UNPACKED,
): Promise<WheelMember[]> {
  const wrap = (e: unknown): unknown =>
    e instanceof ZipError
      ? new InstallError('install-bad-wheel', `${label}: ${e.message}`, {
          cause: e,
          hint: 'the wheel is damaged or hostile; it was not installed',
        })
      : e;
  const archive = await openZip(bytes, { label }).catch((e: unknown) => {
    throw wrap(e);
  });
  try {
    if (archive.entries.length > MAX_MEMBERS) {
      throw new InstallError(
        'install-bad-wheel',
        `${label}: has ${archive.entries.length} members; the limit is ${MAX_MEMBERS}`,
      );
    }
    let total = 0;
    for (const e of archive.entries) {
      total += e.uncompressedSize;
      if (total > maxUnpacked) {
        throw new InstallError('install-bad-wheel', `${label}: unpacks to more than ${maxUnpacked} bytes`);
      }
    }
    const bodies = new Map<number, Buffer>();
    await readEntries(archive, archive.entries, async (e, body: EntryBody) => {
      if (Buffer.isBuffer(body)) {
        bodies.set(e.headerOffset, Buffer.from(body));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(Buffer.from(c));
      bodies.set(e.headerOffset, Buffer.concat(chunks));
    }).catch((e: unknown) => {
      throw wrap(e);
    });
    return archive.entries.map((e) => ({
      name: e.name,
      nameIsUtf8: e.nameIsUtf8,
      // The high 16 bits of the external attributes, whatever the creator (as pip reads them).
      mode: (e.externalAttrs >>> 16) & 0xffff,
      body: bodies.get(e.headerOffset) ?? Buffer.alloc(0),
    }));
  } finally {
    await archive.close();
  }
}
