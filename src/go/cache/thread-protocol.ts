// Messages between threadHasher and its workers, and how a typed error crosses the thread boundary.
import type { ErrorCode } from '../../errorCodes.js';
import { MochiPkgError } from '../../errors.js';
import { ZipError, type ZipErrorCode } from '../../util/zip.js';
import { DirhashError, type DirhashErrorCode } from '../dirhash/index.js';
import { type FileError, ModZipError, type ModZipErrorCode } from '../modzip/errors.js';

/** A job: check and hash the zip at `path` as `module@version`. */
export interface HashRequest {
  readonly id: number;
  readonly path: string;
  readonly module: string;
  readonly version: string;
}

/** The answer to one job: a digest or an error. */
export type HashReply =
  | { readonly id: number; readonly digest: string; readonly error?: undefined }
  | { readonly id: number; readonly error: SerializedError; readonly digest?: undefined };

/** An error as plain data; `kind` says which class to rebuild. */
export interface SerializedError {
  readonly kind: 'modzip' | 'zip' | 'dirhash' | 'mochi' | 'other';
  readonly code?: string | undefined;
  readonly message: string;
  readonly hint?: string | undefined;
  readonly files?: readonly FileError[];
}

/** Plain data for `e`: structured clone would drop the class and its code. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof ModZipError) {
    return { kind: 'modzip', code: e.code, message: e.message, hint: e.hint, files: e.files };
  }
  if (e instanceof ZipError) return { kind: 'zip', code: e.code, message: e.message, hint: e.hint };
  if (e instanceof DirhashError) return { kind: 'dirhash', code: e.code, message: e.message, hint: e.hint };
  if (e instanceof MochiPkgError) return { kind: 'mochi', code: e.code, message: e.message, hint: e.hint };
  const code = (e as { code?: unknown } | undefined)?.code;
  return {
    kind: 'other',
    code: typeof code === 'string' ? code : undefined,
    message: e instanceof Error ? e.message : String(e),
  };
}

/** The error `s` stands for, of the same class and code as the one thrown in the worker. */
export function deserializeError(s: SerializedError): Error {
  const hint = s.hint === undefined ? {} : { hint: s.hint };
  if (s.kind === 'modzip') {
    return new ModZipError(s.code as ModZipErrorCode, s.message, { ...hint, files: s.files ?? [] });
  }
  if (s.kind === 'zip') return new ZipError(s.code as ZipErrorCode, s.message, hint);
  if (s.kind === 'dirhash') return new DirhashError(s.code as DirhashErrorCode, s.message, s.hint);
  if (s.kind === 'mochi') return new MochiPkgError((s.code ?? 'internal') as ErrorCode, s.message, hint);
  return Object.assign(new Error(s.message), s.code === undefined ? {} : { code: s.code });
}
