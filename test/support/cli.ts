// Runs the mochi-pkg CLI in-process with captured stdout and stderr, for command tests.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Runs `mochi-pkg ...argv` and returns the exit code and everything printed. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main({ argv, stdout, stderr, env: {}, cwd: process.cwd() });
  return { code, out, err };
}
