// Shared helpers of the stub parser tests: one loaded parser per file, and catching StubParseError.
import { beforeAll } from 'vitest';
import { loadStubParser, StubParseError, type StubParser } from '../../../src/python/stubs/index.js';

/** Loads the parser before the file's tests; call the returned function inside a test. */
export function useParser(): () => StubParser {
  let parser: StubParser | undefined;
  beforeAll(async () => {
    parser = await loadStubParser();
  });
  return () => parser!;
}

/** The StubParseError `fn` throws (anything else is rethrown; no error fails the test). */
export async function refusal(fn: () => unknown): Promise<StubParseError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof StubParseError) return e;
    throw e;
  }
  throw new Error('expected a StubParseError');
}
