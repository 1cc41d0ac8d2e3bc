// Worker-thread side of threadHasher: checks and hashes module zips off the main thread.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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
 * on any error, which the zip reader then reports with its own message) undefined.
 */
function readSmall(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > WHOLE_READ_BYTES) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let done = 0;
    while (done < st.size) {
      const n = readSync(fd, buf, done, st.size - done, done);
      if (n === 0) return undefined;
      done += n;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
