// What every table kind of mochi.lock shares: the schema version, key order and code-unit ordering.

/** The only `schema-version` this build reads and writes. */
export const SCHEMA_VERSION = 1;

/** An entry's fields in their fixed TOML key order: `[field, toml-key]` pairs. */
export type FieldOrder<E> = readonly (readonly [keyof E, string])[];

/** Code-unit order (not locale order), so sorting is the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
