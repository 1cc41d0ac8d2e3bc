// Standard-library package paths, from the reference Go release's `go list std` (not "has no dot").
import { STD_GO_VERSION, STD_PACKAGES } from './std-table.js';

const STD = new Set(STD_PACKAGES);

/** True when `path` is a package of the Go standard library (internal and vendored ones included). */
export function isStandardPackage(path: string): boolean {
  return STD.has(path);
}

/**
 * cmd/go's `search.IsStandardImportPath`: the first path element has no dot, so the path can only
 * name a standard-library package (or none).
 */
export function isStandardImportPath(path: string): boolean {
  const first = path.split('/', 1)[0] ?? '';
  return !first.includes('.');
}

export { STD_GO_VERSION };
