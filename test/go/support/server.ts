// A scripted HTTP server on 127.0.0.1 for proxy tests: each request goes to a handler; all are logged.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Logged {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestServer {
  readonly base: string;
  readonly port: number;
  readonly log: Logged[];
  close(): Promise<void>;
}

/** Requests answered before the server refuses more: keeps a runaway client loop bounded. */
const MAX_REQUESTS = 5000;

/** Starts a server whose `handler` answers every request; close() also drops open sockets. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => unknown,
): Promise<TestServer> {
  const log: Logged[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (log.length > MAX_REQUESTS) {
      res.writeHead(503).end('request budget exhausted');
      return;
    }
    Promise.resolve(handler(req, res, log.length)).catch((e) => {
      res.destroy(e as Error);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return listenLocal(server, sockets, log);
}

/**
 * A raw TCP server for replies an HTTP library will not send (a lying Content-Length): `reply`
 * gets the request head and the socket, and writes whatever it likes.
 */
export async function startRawServer(reply: (head: string, socket: Socket) => void): Promise<TestServer> {
  const { createServer: createTcp } = await import('node:net');
  const log: Logged[] = [];
  const sockets = new Set<Socket>();
  const server = createTcp((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      const [method = '', url = ''] = head.split(' ');
      log.push({ method, url, headers: {} });
      if (log.length > MAX_REQUESTS) socket.destroy();
      else reply(head, socket);
    });
    socket.on('error', () => {});
  });
  return listenLocal(server, sockets, log);
}

/** Listens on 127.0.0.1 (a free port); `close` destroys open sockets so it never waits on keep-alive. */
async function listenLocal(
  server: {
    listen(port: number, host: string, cb: () => void): unknown;
    address(): unknown;
    close(cb: () => void): unknown;
  },
  sockets: Set<Socket>,
  log: Logged[],
): Promise<TestServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
