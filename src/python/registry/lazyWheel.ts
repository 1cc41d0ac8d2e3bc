// A wheel's METADATA read with HTTP range requests (pip's "lazy wheel", uv's default): the zip's tail,
// its central directory, then the METADATA member, instead of the whole wheel. Pure: the requests go
// through an injected function.
import { openZipReader, type RangeReader } from '../../util/zip.js';
import { metadataOfArchive } from './metadata.js';
import { wrapZip } from './wheel.js';

/** One answer to a `Range` request: its status, `Content-Range` header and body. */
export interface PartResponse {
  readonly status: number;
  readonly contentRange: string | undefined;
  readonly body: Uint8Array;
}

/** Sends `GET` with `Range: <range>` (e.g. `bytes=-65557`, `bytes=10-99`). */
export type PartFetcher = (range: string) => Promise<PartResponse>;

/**
 * The first request asks for this many bytes from the end: the end-of-central-directory record
 * with the longest comment a zip may have, which is what the zip reader reads first. A wheel this
 * small or smaller arrives whole in that one request.
 */
export const TAIL_BYTES = 22 + 0xffff;
/** Requests after which reading by range gives up (the wheel is then downloaded whole). */
export const MAX_RANGE_REQUESTS = 8;
/** Bytes fetched by range after which reading by range gives up. */
export const MAX_RANGE_BYTES = 16 * 1024 * 1024;

/** What {@link lazyWheelMetadata} got. */
export type LazyWheelResult =
  /** The server sent the whole file (it ignores `Range`, or the wheel is small): verify and use it. */
  | {
      readonly kind: 'whole';
      readonly bytes: Uint8Array;
      readonly requests: number;
      readonly fetched: number;
    }
  /** The METADATA text, read by ranges; the wheel itself was not downloaded (nor verified). */
  | { readonly kind: 'metadata'; readonly text: string; readonly requests: number; readonly fetched: number }
  /** The server answered ranges in a way this reader does not use: download the wheel whole. */
  | {
      readonly kind: 'unsupported';
      readonly why: string;
      readonly requests: number;
      readonly fetched: number;
    };

/** Raised inside the reader when the server stops answering ranges as asked; never escapes. */
class RangeTrouble extends Error {}

function parseContentRange(v: string | undefined): { start: number; end: number; total: number } | undefined {
  const m = v === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return start <= end && end < total && Number.isSafeInteger(total) ? { start, end, total } : undefined;
}

/**
 * Reads a wheel's `*.dist-info/METADATA` with range requests. The first request asks for the
 * last {@link TAIL_BYTES}; a `200` answer (the server ignores `Range`) or a `206` that covers the
 * whole file is returned as `whole`, to be verified against the index's sha256 like any download.
 * Otherwise the central directory and the METADATA entry are read from the tail already fetched
 * or by further ranges, each checked by the zip reader (CRC-32, sizes, bounds). A server that
 * answers a later range with anything but exactly those bytes, or a wheel that needs more than
 * {@link MAX_RANGE_REQUESTS} requests or {@link MAX_RANGE_BYTES} bytes, is `unsupported`.
 *
 * @param maxSize  the largest wheel accepted (bytes), as for a whole download
 * @param expectedSize  the size the index page gives, if any: a server that reports another is
 *   `unsupported` (the whole download then fails its size check)
 * @throws {RegistryError} `registry-bad-wheel`, `registry-too-large` for a broken or hostile wheel
 */
export async function lazyWheelMetadata(
  fetchPart: PartFetcher,
  label: string,
  maxSize: number,
  expectedSize?: number,
): Promise<LazyWheelResult> {
  let requests = 1;
  let fetched = 0;
  const first = await fetchPart(`bytes=-${TAIL_BYTES}`);
  fetched += first.body.byteLength;
  const done = (why: string): LazyWheelResult => ({ kind: 'unsupported', why, requests, fetched });
  if (first.status === 200) return { kind: 'whole', bytes: first.body, requests, fetched };
  if (first.status !== 206) return done(`HTTP ${first.status} to a range request`);
  const range = parseContentRange(first.contentRange);
  if (
    range === undefined ||
    range.end + 1 !== range.total ||
    range.end - range.start + 1 !== first.body.byteLength
  ) {
    return done(
      `a 206 answer with Content-Range ${JSON.stringify(first.contentRange ?? '')} that is not the tail asked for`,
    );
  }
  if (range.start === 0) return { kind: 'whole', bytes: first.body, requests, fetched };
  if (expectedSize !== undefined && range.total !== expectedSize) {
    return done(`the server says the wheel is ${range.total} bytes, the index ${expectedSize}`);
  }
  if (range.total > maxSize) return done(`the wheel is ${range.total} bytes, over the ${maxSize}-byte limit`);
  const segments: { start: number; bytes: Uint8Array }[] = [{ start: range.start, bytes: first.body }];
  const reader: RangeReader = {
    size: range.total,
    label,
    async read(pos, len) {
      for (const s of segments) {
        if (pos >= s.start && pos + len <= s.start + s.bytes.byteLength) {
          return s.bytes.subarray(pos - s.start, pos - s.start + len);
        }
      }
      if (requests >= MAX_RANGE_REQUESTS || fetched + len > MAX_RANGE_BYTES) {
        throw new RangeTrouble(`more than ${MAX_RANGE_REQUESTS} requests or ${MAX_RANGE_BYTES} bytes`);
      }
      requests++;
      const part = await fetchPart(`bytes=${pos}-${pos + len - 1}`);
      fetched += part.body.byteLength;
      const got = parseContentRange(part.contentRange);
      if (
        part.status !== 206 ||
        got === undefined ||
        got.start !== pos ||
        got.total !== range.total ||
        part.body.byteLength !== len
      ) {
        throw new RangeTrouble(
          `HTTP ${part.status} with Content-Range ${JSON.stringify(part.contentRange ?? '')} for bytes ${pos}-${pos + len - 1}`,
        );
      }
      segments.push({ start: pos, bytes: part.body });
      return part.body;
    },
  };
  try {
    const archive = await openZipReader(reader, { label, maxZipSize: maxSize }).catch((e: unknown) => {
      throw e instanceof RangeTrouble ? e : wrapZip(e, label);
    });
    const text = await metadataOfArchive(archive, label, true);
    return { kind: 'metadata', text, requests, fetched };
  } catch (e) {
    if (e instanceof RangeTrouble) return done(e.message);
    // The zip reader wraps what the reader threw: find a RangeTrouble in the causes.
    for (let c: unknown = e; c instanceof Error; c = c.cause) {
      if (c instanceof RangeTrouble) return done(c.message);
    }
    throw e;
  }
}
