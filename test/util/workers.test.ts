import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MochiPkgError } from '../../src/errors.js';
import { deserializeError, serializeError, WorkerExitError, WorkerPool } from '../../src/util/workers.js';
import { ZipError } from '../../src/util/zip.js';
import type { EchoRequest } from './fixtures/echo-worker.js';

const script = new URL('./fixtures/echo-worker.js', import.meta.url);

describe('WorkerPool', () => {
  it('runs jobs on worker threads started from the TypeScript sources, and brings typed errors back', async () => {
    const pool = new WorkerPool<EchoRequest, { doubled: number }>({ script, threads: 2, errors: [ZipError] });
    try {
      const got = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run({ n })));
      expect(got.map((r) => r.doubled)).toEqual([2, 4, 6, 8, 10]);
      expect(pool.alive).toBe(2);
      const e = await pool.run({ fail: 'bad archive' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ZipError);
      expect(e).toMatchObject({
        name: 'ZipError',
        code: 'zip-corrupt',
        message: 'bad archive',
        hint: 'try again',
      });
      expect((e as ZipError).exitClass).toBe('problem');
    } finally {
      await pool.close();
    }
  });

  it('fails the job of a thread that dies with WorkerExitError, and keeps serving on another', async () => {
    const pool = new WorkerPool<EchoRequest, { doubled: number }>({ script, threads: 1 });
    try {
      await expect(pool.run({ exit: 7 })).rejects.toBeInstanceOf(WorkerExitError);
      expect((await pool.run({ n: 21 })).doubled).toBe(42);
    } finally {
      await pool.close();
    }
  });

  it('starts its threads in a process run with per-process and V8 flags, which a worker refuses', async () => {
    // `node --max-semi-space-size=… --trace-gc` (a user tuning memory, a profile): Node refuses those
    // flags for a worker. The pool used to retry the start for ever; it must run the job on a thread.
    const pool = fileURLToPath(new URL('../../src/util/workers.ts', import.meta.url));
    const code = `
      import { WorkerPool } from ${JSON.stringify(pool)};
      const p = new WorkerPool({ script: new URL(${JSON.stringify(script.href)}), threads: 2 });
      p.start();
      const r = await p.run({ n: 4 });
      console.log(JSON.stringify({ doubled: r.doubled, alive: p.alive }));
      await p.close();`;
    const child = spawnSync(
      process.execPath,
      ['--max-semi-space-size=16', '--stack-size=2000', '--import', 'tsx', '--input-type=module', '-e', code],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        encoding: 'utf8',
        timeout: 60_000,
        killSignal: 'SIGKILL',
      },
    );
    expect({ status: child.status, err: child.stderr }).toEqual({ status: 0, err: '' });
    expect(JSON.parse(child.stdout)).toEqual({ doubled: 8, alive: 2 });
  }, 70_000);

  it('refuses work once closed', async () => {
    const pool = new WorkerPool<EchoRequest, { doubled: number }>({ script, threads: 1 });
    await pool.close();
    await expect(pool.run({ n: 1 })).rejects.toBeInstanceOf(WorkerExitError);
  });
});

describe('errors across threads', () => {
  it('rebuild a known class with its fields, an unknown MochiPkgError as one, anything else as an Error', () => {
    const z = deserializeError(serializeError(new ZipError('zip-io', 'gone', { hint: 'h' })), [ZipError]);
    expect(z).toBeInstanceOf(ZipError);
    expect(z).toMatchObject({ code: 'zip-io', hint: 'h', message: 'gone' });
    const m = deserializeError(serializeError(new ZipError('zip-io', 'gone')));
    expect(m).toBeInstanceOf(MochiPkgError);
    expect(m).not.toBeInstanceOf(ZipError);
    expect(m).toMatchObject({ code: 'zip-io', name: 'ZipError' });
    const plain = deserializeError(
      serializeError(Object.assign(new Error('x'), { code: 'ENOENT', fn: () => 1 })),
    );
    expect(plain).not.toBeInstanceOf(MochiPkgError);
    expect(plain).toMatchObject({ code: 'ENOENT', message: 'x' });
    expect('fn' in plain).toBe(false);
  });
});
