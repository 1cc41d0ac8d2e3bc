// Worker thread of parsePackages (pool.ts): parses the files it is sent to flat trees, sent back as transfers.
import { parentPort } from 'node:worker_threads';
import { createPythonParser } from './parser.js';
import { type FlatReply, type FlatRequest, flatResult } from './pool.js';

const port = parentPort;
if (port !== null) {
  const parser = await createPythonParser();
  const parse = (text: string, file: string) => parser.parseToFlat(text, file);
  port.on('message', (req: FlatRequest) => {
    const results = req.files.map((f) => flatResult(parse, f.text, f.file));
    const reply: FlatReply = { id: req.id, results };
    const buffers = results.flatMap((r) => ('flat' in r ? [r.flat.buffer as ArrayBuffer] : []));
    port.postMessage(reply, buffers);
  });
  port.postMessage('ready');
}
