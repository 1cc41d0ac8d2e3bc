// Creating module zips by x/mod's Create / CreateFromDir rules; the zip container itself is written by yazl.
import { Readable, Transform } from 'node:stream';
import yazl from 'yazl';
import { writeFileAtomic } from '../../util/atomic.js';
import type { FileContent } from '../dirhash/index.js';
import {
  type CheckedFiles,
  checkedFilesError,
  checkFilesWithValid,
  checkModuleVersion,
  listFilesInDir,
  type ModuleFile,
  type ModuleVersion,
} from './check.js';
import { type FileError, ModZipError } from './errors.js';

// DOS timestamps are local time; pinning both the date and yazl's DOS-only mode makes the bytes
// of a created zip independent of the clock and the time zone (deterministic output).
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

function toReadable(content: FileContent): Readable {
  if (typeof content === 'string' || content instanceof Uint8Array)
    return Readable.from([Buffer.from(content)]);
  if (content instanceof Readable) return content;
  return Readable.from(content);
}

/** Passes bytes through, failing as x/mod does when a file grows past the size lstat reported. */
function sizeLimit(path: string, size: number): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > size) {
        cb(new ModZipError('zip-size-mismatch', `file ${JSON.stringify(path)} is larger than declared size`));
      } else {
        cb(null, chunk);
      }
    },
  });
}

/** What {@link create} and {@link createFromDir} report besides the zip bytes. */
export interface CreateReport {
  /** The check of the offered files: what went in (`valid`) and what was left out (`omitted`). */
  readonly checked: CheckedFiles;
}

/**
 * x/mod's `Create`: the bytes of a module zip for `m` holding the valid `files` (in the order
 * given), each under `module@version/`. The module path, version and files are checked before the
 * first byte is produced: a bad module throws `zip-bad-module`, invalid files `zip-invalid`, too
 * much content `zip-too-large`. Files in nested modules or vendored packages and symbolic links
 * are left out. A file that turns out larger than its declared size fails with `zip-size-mismatch`.
 *
 * @example
 * ```ts
 * const chunks = [];
 * for await (const c of create({ path: 'example.com/m', version: 'v1.0.0' }, files)) chunks.push(c);
 * ```
 */
export async function* create(
  m: ModuleVersion,
  files: readonly ModuleFile[],
  report?: (r: CreateReport) => void,
): AsyncGenerator<Buffer> {
  checkModuleVersion(m);
  const { cf, valid } = checkFilesWithValid(files);
  const err = checkedFilesError(cf, `create zip for ${m.path}@${m.version}`);
  if (err) throw err;
  report?.({ checked: cf });

  const prefix = `${m.path}@${m.version}/`;
  const zip = new yazl.ZipFile();
  const out = zip.outputStream as Readable;
  zip.on('error', (e: unknown) => out.destroy(e as Error));
  for (const f of valid) {
    zip.addReadStreamLazy(
      prefix + f.path,
      { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true, compress: true },
      (cb: (err: Error | null, stream: NodeJS.ReadableStream) => void) => {
        Promise.resolve()
          .then(() => f.open())
          .then((content) => {
            const src = toReadable(content);
            const limited = sizeLimit(f.path, f.size);
            src.on('error', (e) => limited.destroy(e));
            limited.on('error', (e) => out.destroy(e));
            cb(null, src.pipe(limited));
          })
          .catch((e: unknown) => out.destroy(e as Error));
      },
    );
  }
  zip.end();
  for await (const chunk of out) yield chunk as Buffer;
}

/** What {@link createFromDir} returns: the files written and the ones left out, with reasons. */
export interface CreateFromDirResult {
  /** Paths (relative to the module root) written to the zip. */
  readonly files: readonly string[];
  /** Files and folders left out (VCS folders, nested modules, vendored packages, links). */
  readonly omitted: readonly FileError[];
}

/**
 * x/mod's `CreateFromDir`: writes a module zip for `m` from the files under `dir` to `zipPath`
 * (atomically: the file appears complete or not at all). Leaves out `.bzr .git .hg .svn` folders,
 * nested modules, vendored packages and irregular files, as x/mod does, so the zip's h1: hash
 * equals the hash of the zip x/mod would make.
 */
export async function createFromDir(
  dir: string,
  m: ModuleVersion,
  zipPath: string,
): Promise<CreateFromDirResult> {
  const { files, omitted } = await listFilesInDir(dir);
  let checked: CheckedFiles | undefined;
  try {
    await writeFileAtomic(
      zipPath,
      create(m, files, (r) => {
        checked = r.checked;
      }),
    );
  } catch (e) {
    if (e instanceof ModZipError) throw e;
    throw new ModZipError('zip-io', `create zip ${zipPath} from ${dir}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return { files: checked?.valid ?? [], omitted: [...(checked?.omitted ?? []), ...omitted] };
}
