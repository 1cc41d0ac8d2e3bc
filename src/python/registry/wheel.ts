// Wheels as hostile input: safe names, bounded inflate, and the stub files (.pyi, or py.typed .py) inside.
import { type EntryBody, openZip, readEntries, type ZipEntry, ZipError } from '../../util/zip.js';
import { unsafeMemberName } from '../install/plan.js';
import { RegistryError } from './errors.js';

/** Caps applied to one wheel. */
export interface WheelLimits {
  /** Largest wheel file, bytes (default 256 MiB). */
  readonly maxWheelBytes?: number;
  /** Most entries in the archive (default 100,000). */
  readonly maxEntries?: number;
  /** Largest single extracted file, bytes uncompressed (default 16 MiB). */
  readonly maxFileBytes?: number;
  /** Most bytes extracted over all kept files, uncompressed (default 128 MiB). */
  readonly maxTotalBytes?: number;
}

/** The type information a wheel carries. */
export interface WheelStubs {
  /**
   * Stub sources by `/`-separated path from the wheel root: every `.pyi`, and the `.py` files of a
   * `py.typed` package that have no `.pyi` beside them, renamed to `.pyi`. Sorted by path.
   */
  readonly files: ReadonlyMap<string, string>;
  /** Top-level directories that hold a `py.typed` marker (PEP 561). */
  readonly typedPackages: readonly string[];
}

/**
 * Why an entry name is unsafe to treat as a path, or undefined when it is safe — the same rule an
 * install applies to a wheel's members ({@link unsafeMemberName}).
 */
export function unsafeEntryName(entry: Pick<ZipEntry, 'name' | 'nameIsUtf8'>): string | undefined {
  return unsafeMemberName(entry.name, entry.nameIsUtf8);
}

const DIST_INFO = /^[^/]+\.(?:dist-info|data)\//;

/**
 * Reads the stub files of a wheel held in memory. Every entry name is checked first (one unsafe
 * or duplicated name refuses the whole wheel); only the files kept are inflated, each bounded by
 * its declared size (the zip reader stops a body that inflates past it) and by the caps.
 *
 * @param label  how to name the wheel in errors (its file name or URL)
 * @throws {RegistryError} `registry-bad-wheel`, `registry-too-large`
 */
export async function extractWheelStubs(
  bytes: Uint8Array,
  label: string,
  limits: WheelLimits = {},
): Promise<WheelStubs> {
  const maxWheel = limits.maxWheelBytes ?? 256 * 1024 * 1024;
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxFile = limits.maxFileBytes ?? 16 * 1024 * 1024;
  const maxTotal = limits.maxTotalBytes ?? 128 * 1024 * 1024;
  if (bytes.byteLength > maxWheel) {
    throw new RegistryError(
      'registry-too-large',
      `${label}: wheel is ${bytes.byteLength} bytes; the limit is ${maxWheel}`,
    );
  }
  const archive = await openZip(bytes, { maxZipSize: maxWheel }).catch((e: unknown) => {
    throw wrapZip(e, label);
  });
  try {
    if (archive.entries.length > maxEntries) {
      throw new RegistryError(
        'registry-too-large',
        `${label}: wheel has ${archive.entries.length} entries; the limit is ${maxEntries}`,
      );
    }
    const names = new Set<string>();
    for (const e of archive.entries) {
      const bad = unsafeEntryName(e);
      if (bad !== undefined) {
        throw new RegistryError('registry-bad-wheel', `${label}: entry ${JSON.stringify(e.name)} ${bad}`, {
          hint: 'the wheel tries to write outside its directory or is corrupt; do not use it',
        });
      }
      if (names.has(e.name))
        throw new RegistryError(
          'registry-bad-wheel',
          `${label}: entry ${JSON.stringify(e.name)} appears twice`,
        );
      names.add(e.name);
    }
    const files = archive.entries.filter((e) => !e.name.endsWith('/') && !DIST_INFO.test(e.name));
    const typed = new Set<string>();
    for (const e of files) {
      const m = /^([^/]+)\/py\.typed$/.exec(e.name);
      if (m) typed.add(m[1]!);
    }
    const keep = files.filter((e) => {
      if (e.name.endsWith('.pyi')) return true;
      if (!e.name.endsWith('.py')) return false;
      const top = e.name.split('/')[0]!;
      return typed.has(top) && !names.has(`${e.name}i`);
    });
    let total = 0;
    for (const e of keep) {
      if (e.uncompressedSize > maxFile) {
        throw new RegistryError(
          'registry-too-large',
          `${label}: ${e.name} is ${e.uncompressedSize} bytes; the limit is ${maxFile}`,
        );
      }
      total += e.uncompressedSize;
      if (total > maxTotal) {
        throw new RegistryError(
          'registry-too-large',
          `${label}: stub files exceed ${maxTotal} bytes uncompressed`,
        );
      }
    }
    const out = new Map<string, string>();
    const decoder = new TextDecoder('utf-8');
    await readEntries(archive, keep, async (e: ZipEntry, body: EntryBody) => {
      let buf: Buffer;
      if (Buffer.isBuffer(body)) buf = body;
      else {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c);
        buf = Buffer.concat(chunks);
      }
      const path = e.name.endsWith('.py') ? `${e.name}i` : e.name;
      out.set(path, decoder.decode(buf));
    }).catch((err: unknown) => {
      throw wrapZip(err, label);
    });
    const sorted = new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { files: sorted, typedPackages: [...typed].sort() };
  } finally {
    await archive.close();
  }
}

/** A zip reader error as the registry's typed error for the wheel `label`; other errors pass through. */
export function wrapZip(e: unknown, label: string): unknown {
  if (e instanceof ZipError) {
    const code = e.code === 'zip-too-large' ? 'registry-too-large' : 'registry-bad-wheel';
    return new RegistryError(code, `${label}: ${e.message}`, {
      cause: e,
      hint: 'the wheel is damaged or hostile; it was not used',
    });
  }
  return e;
}
