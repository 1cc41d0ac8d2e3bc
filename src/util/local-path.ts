// Pure rules about how a `path+<dir>` directory is written (no file-system access).
import { isAbsolute } from 'node:path';

/** True when `path` is written as an absolute path on any platform (`/x`, `C:\x`, `\\server\x`). */
export function isAbsoluteLocalPath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path) || isAbsolute(path);
}
