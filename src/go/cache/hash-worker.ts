// Worker-thread side of threadHasher: checks and hashes module zips off the main thread.
import { readFileSync, statSync } from 'node:fs';
import { serveWorker } from '../../util/workers.js';
import { checkAndHashZip, type HashRequest } from './hasher.js';

serveWorker((req: HashRequest) => checkAndHashZip(req.path, req.module, req.version, readSmall(req.path)));

/** Zips up to this size are read whole, synchronously: this thread has nothing else to do meanwhile. */
const WHOLE_READ_BYTES = 16 << 20;

/**
 * The bytes of `path` when it is a regular file of at most {@link WHOLE_READ_BYTES}; otherwise (or
 * on any error, which the zip reader then reports with its own message) undefined. The file is a
 * finished temp file of this process's cache, so it does not change between the stat and the read.
 */
function readSmall(path: string): Buffer | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= WHOLE_READ_BYTES ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}
