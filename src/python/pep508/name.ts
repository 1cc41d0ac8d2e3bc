// PEP 503 name normalisation (packaging's canonicalize_name), for distributions and extras.

/**
 * Lower case, every run of `-`, `_` and `.` as one `-` (PEP 503; PEP 685 for extras).
 *
 * @example
 * ```ts
 * canonicalizeName('Typing__Extensions') // 'typing-extensions'
 * ```
 */
export function canonicalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
