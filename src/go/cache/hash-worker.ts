// Worker-thread side of threadHasher: checks and hashes module zips off the main thread.
import { parentPort } from 'node:worker_threads';
import { checkAndHashZip } from './hasher.js';
import { type HashReply, type HashRequest, serializeError } from './thread-protocol.js';

const port = parentPort;
if (port) {
  port.on('message', (req: HashRequest) => {
    checkAndHashZip(req.path, req.module, req.version).then(
      (digest) => port.postMessage({ id: req.id, digest } satisfies HashReply),
      (e: unknown) => port.postMessage({ id: req.id, error: serializeError(e) } satisfies HashReply),
    );
  });
}
