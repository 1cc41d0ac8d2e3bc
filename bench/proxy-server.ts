// A static GOPROXY for benchmarks, in its own process so that timed children never share its CPU
// time slice with the bench runner: `node --import tsx bench/proxy-server.ts <root>` prints the port.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const server = createServer(async (req, res) => {
  const rel = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  if (rel.split('/').includes('..')) return void res.writeHead(400).end();
  const file = join(root, ...rel.split('/').filter(Boolean));
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a file');
    res.writeHead(200, { 'content-length': String(st.size) });
    createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404).end('not found');
  }
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
