// Shared parts of the fuzz suite: run counts, seeds, the "coded error or correct result" check, temp-file sweeps.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ERROR_CODES } from '../../src/errorCodes.js';
import { MochiPkgError } from '../../src/errors.js';

/**
 * Cases per property: `base` scaled by MOCHI_FUZZ_SCALE (default 1; e.g. 10 for a long local run).
 * MOCHI_FUZZ_SEED replays one run; fast-check prints the seed and the shrunk path of any failure.
 */
export function runs(base: number): fc.Parameters<unknown> {
  const scale = Number(process.env.MOCHI_FUZZ_SCALE ?? '1');
  const seed = process.env.MOCHI_FUZZ_SEED;
  return {
    numRuns: Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    endOnFailure: true,
  };
}

/** Cases each family ran, for the suite's summary (family → count). */
export const counts = new Map<string, number>();

/** Counts one case of `family`. */
export function tally(family: string): void {
  counts.set(family, (counts.get(family) ?? 0) + 1);
}

/**
 * The property every hostile input must meet: `f` either returns (and `check` says the result is
 * right) or throws a MochiPkgError whose code is in the code table. Anything else — a TypeError, a
 * RangeError from a stack overflow, a raw errno — fails the property.
 */
export async function codedOrCorrect<T>(
  f: () => T | Promise<T>,
  check: (value: T) => void | Promise<void> = () => {},
): Promise<'ok' | string> {
  let value: T;
  try {
    value = await f();
  } catch (e) {
    if (!(e instanceof MochiPkgError)) throw e;
    expect(Object.hasOwn(ERROR_CODES, e.code), `unknown error code ${e.code}`).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
    return e.code;
  }
  await check(value);
  return 'ok';
}

/** Every temp file (`.tmp-*`) left under `dir`: after any outcome there must be none. */
export async function leftovers(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('.tmp-')) out.push(join(d, e.name));
      if (e.isDirectory()) await walk(join(d, e.name));
    }
  };
  await walk(dir);
  return out;
}

/** Byte-level mutations of a valid input: flips, insertions, deletions, truncation, splices. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      byte: fc.constantFrom(0, 0x0a, 0x0d, 0x1b, 0x22, 0x3d, 0x5b, 0x5d, 0xff),
    }),
  );
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([bytes, edits]) => {
    let b = Buffer.from(bytes);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % (b.length + 1);
      if (e.kind === 'flip' && b.length > 0) b[at % b.length]! ^= 1 << e.bit;
      else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
      else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.n)]);
      else if (e.kind === 'truncate') b = b.subarray(0, at);
      else if (e.kind === 'set' && b.length > 0) b[at % b.length] = e.byte;
    }
    return new Uint8Array(b);
  });
}
