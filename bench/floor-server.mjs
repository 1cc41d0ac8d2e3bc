// Floors for the serve bench: what a Node.js HTTP server costs on this machine before it does any
// work of its own. Two modes, each printing its port on the first line:
//   node bench/floor-server.mjs memory <root>     every file under <root> preloaded; each answer is
//                                                 one res.end(buffer) from a Map (404 otherwise)
//   node bench/floor-server.mjs pass <upstream>   each GET forwarded to <upstream> over keep-alive
//                                                 connections and piped back, status and body as is
// No checking, storing, logging or metrics: `mochi-pkg serve` does all of these, so under the same
// load it cannot be faster than these servers, and a target they miss cannot be met by a Node.js server.
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, get } from 'node:http';
import { join, relative, sep } from 'node:path';

const [mode, arg] = process.argv.slice(2);
let handle;
if (mode === 'memory') {
  const files = new Map();
  for (const e of readdirSync(arg, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    files.set(`/${relative(arg, full).split(sep).join('/')}`, readFileSync(full));
  }
  handle = (req, res) => {
    const body = files.get(decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  };
} else if (mode === 'pass') {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  handle = (req, res) => {
    get(`${arg}${req.url}`, { agent }, (up) => {
      const length = up.headers['content-length'];
      res.writeHead(up.statusCode ?? 502, length === undefined ? {} : { 'content-length': length });
      up.pipe(res);
    }).on('error', () => res.writeHead(502).end());
  };
} else {
  throw new Error('usage: floor-server.mjs memory <root> | pass <upstream URL>');
}
const server = createServer(handle);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
