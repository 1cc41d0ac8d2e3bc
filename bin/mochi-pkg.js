#!/usr/bin/env node
// Entry point: runs the built CLI (npm run build) with the process's streams and exits with its code.
import { main } from '../dist/cli/main.js';

const code = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
