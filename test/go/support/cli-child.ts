// Runs the mochi-pkg CLI from source in a child process (node --import tsx), for multi-process tests.
import { main } from '../../../src/cli/main.js';

process.exitCode = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
