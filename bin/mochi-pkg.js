#!/usr/bin/env node
// Entry point: runs the built CLI (npm run build) with the process's streams and exits with its code.
// The CLI is one CommonJS file per entry (dist/cli-bundle/, see scripts/bundle.ts): fast.cjs answers
// `--version` and a memo-answered `lock --check`; main.cjs is everything else.
//
// This file is CommonJS (bin/package.json says so): a CommonJS entry starts ~13 ms sooner than an ES
// module one on Node 20, and `--version` is answered before any bundle is loaded.
'use strict';

// `--version` / `-V` alone: the answer of src/cli/fast.ts and main.ts (the same line, exit 0; the
// package test compares them), without loading either.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`mochi-pkg ${require('../package.json').version}\n`);
} else {
  start();
}

function start() {
  // A reader that goes away (`mochi-pkg … | head`) ends the output: stop quietly with 141 (128 + SIGPIPE,
  // what a shell reports for a command killed by SIGPIPE), not with an unhandled EPIPE and a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code === 'EPIPE') process.exit(141);
      throw e;
    });
  }
  run().catch((e) => {
    // What an ES module entry does with a rejected top-level await: print the error, exit 1.
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exitCode = 1;
  });
}

/** What a run does, for the code cache (bin/load-bundle.js): its command word, and `check` when checking. */
function use(args) {
  const command = args.find((a) => !a.startsWith('-'));
  const word = command !== undefined && /^[a-z][a-z-]{0,31}$/.test(command) ? command : 'other';
  return args.includes('--check') ? `${word}-check` : word;
}

async function run() {
  const context = {
    argv,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
  // A `lock --check` answered by its memo need not load the CLI (src/cli/fast.ts); any other command, or
  // a check the memo cannot answer, runs the full CLI.
  const { loadBundle } = require('./load-bundle.js');
  let code = await loadBundle('fast.cjs').quick(context);
  if (code === undefined) {
    const cli = loadBundle('main.cjs', use(argv));
    // Interrupted, a command removes the temp files it was writing first (serve takes the signals over).
    cli.removeTempsOnSignals();
    code = await cli.main(context);
  }
  process.exitCode = code;
  if (code !== 0) endSoon(code);
}

/**
 * A failed command may leave requests running that it no longer waits for (a download beside the
 * one that failed, from a server that drips bytes until its deadline): the error is printed, so
 * once the output is written the process ends rather than wait for them. A successful command has
 * nothing left and ends by itself.
 */
function endSoon(code) {
  const timer = setTimeout(() => {
    const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
    if (pending.length === 0) process.exit(code);
    let left = pending.length;
    for (const s of pending) s.once('drain', () => --left === 0 && process.exit(code));
  }, 250);
  timer.unref();
}
