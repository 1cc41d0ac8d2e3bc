// Vitest global setup: one temp root per test run, removed at the end, so that the temp files of
// every test (and of the child processes and oracles it starts) never pile up in the OS temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mochi-pkg-tests-'));
  // Test workers are started after global setup and inherit the environment: os.tmpdir() is root.
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
