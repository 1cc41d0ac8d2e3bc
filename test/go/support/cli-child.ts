// Runs the mochi-pkg CLI from source in a child process (node --import tsx), for multi-process tests.
import { main, removeTempsOnSignals } from '../../../src/cli/main.js';

// As bin/mochi-pkg.js does before any command runs.
removeTempsOnSignals();

process.exitCode = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
