// The HTTP front of `serve` on its own: what its access log says when answering fails.
import { afterEach, expect, it } from 'vitest';
import { ServeError } from '../../src/serve/errors.js';
import type { GoProxy } from '../../src/serve/goproxy.js';
import { Metrics, type RunningServe, startServe } from '../../src/serve/index.js';

let running: RunningServe | undefined;
afterEach(async () => {
  await running?.close(100);
  running = undefined;
});

/** A serve whose Go side fails every request with `failure`; returns the access-log lines of one GET. */
async function logOfFailing(failure: unknown): Promise<{ status: number; logs: Record<string, unknown>[] }> {
  const lines: string[] = [];
  const go = {
    handle: async () => {
      throw failure;
    },
  } as unknown as GoProxy;
  running = await startServe({ go, metrics: new Metrics(), log: (l) => lines.push(l) }, '127.0.0.1', 0);
  const res = await fetch(`${running.url}/example.com/m/@v/list`);
  await res.text();
  for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return { status: res.status, logs: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

it.each([
  [
    'an unexpected error: its name and message',
    new TypeError('Cannot read properties of undefined (reading "size")'),
    500,
    { error: 'TypeError', message: 'Cannot read properties of undefined (reading "size")' },
  ],
  [
    'a system error: its code and message',
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    500,
    { error: 'ENOSPC', message: 'ENOSPC: no space left on device, write' },
  ],
  [
    'a mochi-pkg error: its code and message',
    new ServeError('serve-verify', 'example.com/m@v1.0.0: upstream .zip refused'),
    502,
    { error: 'serve-verify', message: 'example.com/m@v1.0.0: upstream .zip refused' },
  ],
  [
    'a message naming a URL with credentials: redacted',
    new Error('fetch https://user:secret@proxy.example/x?token=abc failed'),
    500,
    { error: 'Error', message: 'fetch https://***@proxy.example/x?token=*** failed' },
  ],
  ['a thrown string', 'boom', 500, { error: 'error', message: 'boom' }],
])('logs %s', async (_, failure, status, fields) => {
  const r = await logOfFailing(failure);
  expect(r.status).toBe(status);
  expect(r.logs).toHaveLength(1);
  expect(r.logs[0]).toMatchObject({ method: 'GET', path: '/example.com/m/@v/list', status, ...fields });
});
