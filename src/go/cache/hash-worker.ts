// Worker-thread side of threadHasher: checks and hashes module zips off the main thread.
import { readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { checkAndHashZip } from './hasher.js';
import { type HashReply, type HashRequest, serializeError } from './thread-protocol.js';

const port = parentPort;
if (port) {
  port.on('message', (req: HashRequest) => {
    checkAndHashZip(req.path, req.module, req.version, readSmall(req.path)).then(
      (digest) => port.postMessage({ id: req.id, digest } satisfies HashReply),
      (e: unknown) => port.postMessage({ id: req.id, error: serializeError(e) } satisfies HashReply),
    );
  });
}

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
