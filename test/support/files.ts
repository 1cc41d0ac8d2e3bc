// Small test helpers: write a tree of files, and capture a CLI run's stdout and stderr.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';

/** Writes `files` (relative path → text) under `root`, creating directories. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Two streams for a CommandContext, and what was written to them so far. */
export function captureStreams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen = { out: '', err: '' };
  stdout.on('data', (d) => {
    seen.out += d;
  });
  stderr.on('data', (d) => {
    seen.err += d;
  });
  return { stdout, stderr, seen };
}
