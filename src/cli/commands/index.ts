// The command table: name, one-line summary, and a lazy loader so start-up stays fast.
import type { Command } from '../context.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ command: Command }>;
}

/** The groups the CLI reserves, with what each is for. */
export const groups: Readonly<Record<string, string>> = {
  go: 'Go modules: hashes, module zips, the GOPROXY client and the verified cache',
  python: 'Python imports: .pyi stubs, Mochi wrappers and their hashes',
  lock: 'mochi.lock: pin foreign imports, and check the lock for drift',
};

// Keep one entry per command; entries are grouped by area so that additions rarely touch each other.
export const commands: readonly CommandEntry[] = [
  // -- go: hashes and module zips
  // -- go: proxy client and cache
  // -- python
  // -- lock
  {
    name: 'lock',
    summary: 'pin Python imports in mochi.lock; --check verifies it (CI)',
    load: () => import('./lock.js'),
  },
];
