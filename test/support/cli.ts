// Runs the mochi-pkg CLI in-process with captured stdout and stderr, for command tests.
import { PassThrough } from 'node:stream';
import { runLock } from '../../src/cli/commands/lock.js';
import { runSync } from '../../src/cli/commands/sync.js';
import { main } from '../../src/cli/main.js';
import { captureStreams } from './files.js';

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

const PYTHON_311 = { executable: '/usr/bin/python3', version: '3.11' };

/**
 * Runs `lock` or `sync` in `root` for a project whose foreign imports are Go only: the checksum
 * database is off, and a Python build is an error (there must be none).
 */
export async function goOnly(command: 'lock' | 'sync', root: string, argv: string[]): Promise<CliRun> {
  const { stdout, stderr, seen } = captureStreams();
  const ctx = { argv: [...argv, '--cwd', root], stdout, stderr, env: { GOSUMDB: 'off' }, cwd: root };
  const code =
    command === 'lock'
      ? await runLock(ctx, {
          makeBuild: async () => () => {
            throw new Error('no Python imports here');
          },
        })
      : await runSync(ctx, { probeInterpreter: async () => PYTHON_311 });
  return { code, out: seen.out, err: seen.err };
}
