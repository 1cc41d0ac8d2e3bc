// Listing a zip's central directory (names and sizes) without reading any entry body.
import { openZip, type ZipLimits } from '../../util/zip.js';

/** One entry of a zip as {@link listZip} reports it. */
export interface ZipEntryInfo {
  readonly name: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly method: number;
}

/**
 * The entries of a zip (a path or bytes), in central-directory order, after the structural checks
 * every read does (bounds, zip64 records, overlaps). Entry bodies are not read.
 */
export async function listZip(zip: string | Uint8Array, limits: ZipLimits = {}): Promise<ZipEntryInfo[]> {
  const archive = await openZip(zip, limits);
  try {
    return archive.entries.map((e) => ({
      name: e.name,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      method: e.method,
    }));
  } finally {
    await archive.close();
  }
}
