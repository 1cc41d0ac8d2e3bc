// Worker thread of parsePackages (pool.ts): parses the files it is sent to flat trees, sent back as transfers.
import { serveWorker } from '../../util/workers.js';
import { createPythonParser } from './parser.js';
import { type FlatReply, type FlatRequest, flatResult } from './pool.js';

const parser = await createPythonParser();
const parse = (text: string, file: string) => parser.parseToFlat(text, file);
serveWorker<FlatRequest, FlatReply>(
  (req) => ({ results: req.files.map((f) => flatResult(parse, f.text, f.file)) }),
  (reply) => reply.results.flatMap((r) => ('flat' in r ? [r.flat.buffer as ArrayBuffer] : [])),
);
