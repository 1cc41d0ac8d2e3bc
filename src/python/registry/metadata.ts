// Core metadata (the METADATA file of a wheel, or the PEP 658 `.metadata` file): the fields resolution needs.
import { type EntryBody, openZip, readEntries, type ZipArchive } from '../../util/zip.js';
import { RegistryError } from './errors.js';
import { wrapZip as wrap } from './wheel.js';

/** The fields of a distribution's core metadata that dependency resolution reads. */
export interface CoreMetadata {
  readonly name: string;
  readonly version: string;
  /** `Requires-Dist` values in file order (PEP 508 strings). */
  readonly requiresDist: readonly string[];
  /** `Requires-Python`, when given. */
  readonly requiresPython?: string;
  /** `Provides-Extra` values in file order. */
  readonly providesExtra: readonly string[];
}

/** Largest METADATA file read (PyPI's biggest are a few hundred KiB). */
export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

// A header line as Python's email parser (and so packaging's parse_email, and pip) knows one: a
// name of printable ASCII without spaces or `:`, then `:`.
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]*:/;

/**
 * Parses core metadata (an RFC 822 header block, as Python's `email` parser reads it): header
 * lines up to the first blank line or the first line that is not a header, continuation lines
 * folded in; the body (the description) is ignored. Unknown fields are ignored; `Name` and `Version` are required.
 *
 * @param label  how errors name the file
 * @throws {RegistryError} `registry-bad-metadata`
 */
export function parseCoreMetadata(text: string, label: string): CoreMetadata {
  const fields: [string, string][] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (const line of lines) {
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // A continuation line; one before any header is dropped, as Python's parser drops it.
      const last = fields.at(-1);
      if (last !== undefined) last[1] += `\n${line}`;
      continue;
    }
    // Python's email parser: a line that is not a header ends the header block (the rest is the
    // body, so fields after it are not read), and a `From ` envelope line is skipped.
    if (line.startsWith('From ')) continue;
    if (!HEADER_LINE.test(line)) break;
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const all = (key: string) => fields.filter(([k]) => k === key).map(([, v]) => v.trim());
  const one = (key: string) => all(key)[0];
  const name = one('name');
  const version = one('version');
  if (name === undefined || name === '' || version === undefined || version === '') {
    throw new RegistryError('registry-bad-metadata', `${label}: the core metadata has no Name or Version`, {
      hint: 'the distribution is broken; use another version',
    });
  }
  const rp = one('requires-python');
  return {
    name,
    version,
    requiresDist: all('requires-dist'),
    ...(rp === undefined || rp === '' ? {} : { requiresPython: rp }),
    providesExtra: all('provides-extra'),
  };
}

/**
 * The METADATA file of a wheel held in memory: the one `*.dist-info/METADATA` at the top level
 * (a wheel with none, or with several, is refused), bounded in size.
 *
 * @throws {RegistryError} `registry-bad-wheel`, `registry-too-large`
 */
export async function readWheelMetadata(bytes: Uint8Array, label: string): Promise<string> {
  let archive: ZipArchive;
  try {
    archive = await openZip(bytes);
  } catch (e) {
    throw wrap(e, label);
  }
  try {
    return await metadataOfArchive(archive, label);
  } finally {
    await archive.close();
  }
}

/**
 * The METADATA file of an opened wheel (see {@link readWheelMetadata}). With `ranged`, the entry is
 * read in one window of exactly its own bytes, so a reader that fetches by range asks for no more.
 */
export async function metadataOfArchive(archive: ZipArchive, label: string, ranged = false): Promise<string> {
  const found = archive.entries.filter((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name));
  if (found.length !== 1) {
    throw new RegistryError(
      'registry-bad-wheel',
      `${label}: the wheel has ${found.length === 0 ? 'no' : found.length} .dist-info/METADATA file${found.length > 1 ? 's' : ''}`,
      { hint: 'the wheel is broken; use another version' },
    );
  }
  const entry = found[0]!;
  if (entry.uncompressedSize > MAX_METADATA_BYTES) {
    throw new RegistryError(
      'registry-too-large',
      `${label}: ${entry.name} is ${entry.uncompressedSize} bytes; the limit is ${MAX_METADATA_BYTES}`,
    );
  }
  let text = '';
  const options = ranged ? { window: entry.limit - entry.headerOffset, readAhead: false } : {};
  await readEntries(
    archive,
    [entry],
    async (_e, body: EntryBody) => {
      if (Buffer.isBuffer(body)) text = body.toString('utf8');
      else {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c);
        text = Buffer.concat(chunks).toString('utf8');
      }
    },
    options,
  ).catch((e: unknown) => {
    throw wrap(e, label);
  });
  return text;
}
