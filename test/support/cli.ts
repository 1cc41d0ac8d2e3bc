// Runs the mochi-pkg CLI in-process with captured stdout and stderr, for command tests.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `mochi-pkg ...argv` with the given environment (stderr is not a terminal). */
export async function cliWithEnv(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main({ argv, stdout, stderr, env, cwd: process.cwd() });
  return { code, out, err };
}

/** Runs `mochi-pkg ...argv` with an empty environment and returns the exit code and everything printed. */
export function cli(...argv: string[]): Promise<CliRun> {
  return cliWithEnv({}, ...argv);
}
