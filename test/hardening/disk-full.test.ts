// Issue 13 item 8 (and the ENOSPC cases of item 9): a full disk is a coded error, exit 1, no temp file left.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModule, serveModules, writeProxyTree } from '../go/support/modules.js';
import type { TestServer } from '../go/support/server.js';
import { canMountTmpfs, cleanup, tempDir } from './support.js';

const run = promisify(execFile);

const fullDisk = canMountTmpfs();
const repo = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));

/** A module whose zip (about 2.7 MB, incompressible) cannot fit on a 256 KiB file system. */
const big = fixtureModule('example.com/big', 'v1.0.0', {
  'big.go': `package big\n\n// ${randomBytes(2 << 20).toString('base64')}\n`,
});

let server: TestServer;
let fileProxy: string;
beforeAll(async () => {
  server = await serveModules([big]);
  fileProxy = await tempDir();
  await writeProxyTree(fileProxy, [big]);
});
afterAll(async () => {
  await server.close();
  await cleanup();
});

/**
 * Runs `mochi-pkg <argv>` twice with a 256 KiB tmpfs mounted at `<dir>/full` (in a private user and
 * mount namespace, so no privileges are needed), then lists the temp files left there.
 */
async function onFullDisk(
  argv: (full: string) => string[],
  setup = '',
): Promise<{ runs: string[]; leftovers: string }> {
  const dir = await tempDir();
  const full = join(dir, 'full');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, '--import', 'tsx', child, ...argv(full)].map(q).join(' ');
  const script = [
    `mkdir -p ${q(full)}`,
    `mount -t tmpfs -o size=256k tmpfs ${q(full)}`,
    `cd ${q(full)}`,
    setup,
    `cd ${q(repo)}`,
    `for i in 1 2; do ${cmd} 2>&1; echo "exit=$?"; echo "---"; done`,
    `echo "left:"; find ${q(full)} -name '.tmp-*'`,
  ].join('\n');
  const { stdout } = await run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
    cwd: repo,
    // The test modules are in no checksum database.
    env: { ...process.env, GOSUMDB: 'off' },
    timeout: 60_000,
  });
  const [body, leftovers] = stdout.split('left:\n');
  return { runs: (body ?? '').split('---\n').filter(Boolean), leftovers: leftovers ?? '' };
}

describe.runIf(fullDisk)('go download and lock onto a full disk', () => {
  for (const [name, proxy] of [
    ['over HTTP', () => server.base],
    ['over file://', () => pathToFileURL(fileProxy).href],
  ] as const) {
    it(`${name}: error[file-write] naming ENOSPC, exit 1, no temp file left, and the same on a second run`, async () => {
      const r = await onFullDisk((full) => [
        'go',
        'download',
        'example.com/big@v1.0.0',
        '--proxy',
        proxy(),
        '--cache-dir',
        full,
      ]);
      expect(r.runs).toHaveLength(2);
      for (const out of r.runs) {
        expect(out).toMatch(/error\[file-write\]: .*no space left on the device \(ENOSPC\)/);
        expect(out).not.toMatch(/Unhandled|internal error|error\[internal\]|proxy-network/);
        expect(out).toMatch(/exit=1\n$/);
      }
      expect(r.leftovers).toBe('');
    }, 90_000);
  }

  it('lock on a full project disk: error[file-write], exit 1, no temp file left', async () => {
    const r = await onFullDisk(
      (full) => ['lock', '--cwd', join(full, 'p')],
      // A project without foreign imports, then a file that takes every free block.
      'mkdir p && echo "let x = 1" > p/main.mochi && (cat /dev/zero > filler 2>/dev/null || true)',
    );
    for (const out of r.runs) {
      expect(out).toMatch(
        /error\[file-write\]: cannot write .*mochi\.lock: no space left on the device \(ENOSPC\)/,
      );
      expect(out).toMatch(/exit=1\n$/);
    }
    expect(r.leftovers).toBe('');
  }, 90_000);
});
