#!/usr/bin/env node
// Entry point: runs the built CLI (npm run build) with the process's streams and exits with its code.
// The CLI is one bundle (dist/cli-bundle/, see scripts/bundle.ts): a few files to load instead of ~240.
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the bundle on disk between runs (in the OS temp folder, or
// $NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off). Node 20 has no such cache.
module.enableCompileCache?.();

const { main } = await import('../dist/cli-bundle/main.js');
const code = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
