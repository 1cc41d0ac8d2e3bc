// Issue 13 items 9 and 13: `go zip extract` into links, under files, onto a full disk, and what a failed or killed extraction leaves.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExtractFs, extract } from '../../src/go/modzip/index.js';
import { STALE_TEMP_DIR_MS } from '../../src/util/atomic.js';
import { fixtureModule } from '../go/support/modules.js';
import { buildZip } from '../support/zipbuild.js';
import { canMountTmpfs, cleanup, cli, tempDir } from './support.js';

afterAll(cleanup);

const run = promisify(execFile);
const M = { path: 'example.com/m', version: 'v1.0.0' };
const mod = fixtureModule(M.path, M.version, { 'm.go': 'package m\n', 'sub/s.go': 'package sub\n' });

/** A directory holding `m.zip` (the module above). */
async function withZip(): Promise<{ dir: string; zip: string }> {
  const dir = await tempDir();
  const zip = join(dir, 'm.zip');
  await writeFile(zip, mod.zip);
  return { dir, zip };
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** Names in `dir` that start with `.tmp-`. */
async function temps(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('.tmp-'));
}

describe('extract targets that are links or lie under a file', () => {
  it('a symbolic link to a directory is refused (zip-target-invalid, exit 2); nothing is written through it', async () => {
    const { dir, zip } = await withZip();
    await mkdir(join(dir, 'real'));
    await symlink('real', join(dir, 'link'));
    await expect(extract(zip, M, join(dir, 'link'))).rejects.toMatchObject({ code: 'zip-target-invalid' });
    const r = await cli(dir, ['go', 'zip', 'extract', zip, join(dir, 'link')]);
    expect(r.err).toMatch(/error\[zip-target-invalid\]: target .*link is a symbolic link \(to "real"\)/);
    expect(r.code).toBe(2);
    expect(await readdir(join(dir, 'real'))).toEqual([]);
    expect(await readlink(join(dir, 'link'))).toBe('real');
    expect(await temps(dir)).toEqual([]);
  });

  it('a dangling symbolic link is refused and its destination is not created', async () => {
    const { dir, zip } = await withZip();
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    const r = await cli(dir, ['go', 'zip', 'extract', zip, join(dir, 'dangling')]);
    expect(r.err).toMatch(/error\[zip-target-invalid\]: target .*dangling is a symbolic link/);
    expect(r.err).not.toMatch(/internal/);
    expect(r.code).toBe(2);
    expect(await exists(join(dir, 'nowhere'))).toBe(false);
    expect(await temps(dir)).toEqual([]);
  });

  it('a target under a regular file names that file and says it is not a directory', async () => {
    const { dir, zip } = await withZip();
    await writeFile(join(dir, 'file'), 'x');
    for (const target of ['file/sub', 'file/sub/deeper']) {
      const r = await cli(dir, ['go', 'zip', 'extract', zip, join(dir, target)]);
      expect(r.err).toContain(
        `error[zip-target-invalid]: cannot extract into ${join(dir, target)}: ${join(dir, 'file')} is a regular file, not a directory`,
      );
      expect(r.err).not.toMatch(/exists/);
      expect(r.code).toBe(2);
    }
  });
});

describe('links among the parents of a target', () => {
  it('a parent that links to a directory is followed (only the target itself must not be a link)', async () => {
    const { dir, zip } = await withZip();
    await mkdir(join(dir, 'real'));
    await symlink('real', join(dir, 'link'));
    await extract(zip, M, join(dir, 'link/new/out'));
    expect((await readdir(join(dir, 'real/new/out'))).sort()).toEqual(['go.mod', 'm.go', 'sub']);
  });

  it('a parent that is a dangling link is zip-target-invalid naming it', async () => {
    const { dir, zip } = await withZip();
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    await expect(extract(zip, M, join(dir, 'dangling/out'))).rejects.toMatchObject({
      code: 'zip-target-invalid',
      message: `cannot extract into ${join(dir, 'dangling/out')}: ${join(dir, 'dangling')} is a symbolic link to nothing, not a directory`,
    });
    expect(await exists(join(dir, 'nowhere'))).toBe(false);
  });
});

describe('a failed extraction leaves nothing behind', () => {
  it('parent folders it created are removed again; existing ones stay', async () => {
    const { dir } = await withZip();
    // Passes the whole-zip check; the CRC-32 mismatch is found while the body inflates.
    const bad = buildZip([
      { name: `${M.path}@${M.version}/go.mod`, data: `module ${M.path}\n` },
      { name: `${M.path}@${M.version}/a.go`, data: 'package m\n', crc: 1 },
    ]);
    await mkdir(join(dir, 'kept'));
    await expect(extract(bad, M, join(dir, 'kept/new1/new2/out'))).rejects.toMatchObject({
      code: 'zip-checksum',
    });
    expect(await readdir(join(dir, 'kept'))).toEqual([]);
    expect(await temps(dir)).toEqual([]);
  });

  it('a full disk (an injected ENOSPC) is file-write naming ENOSPC; no temp folder, target or new parent left', async () => {
    const { dir, zip } = await withZip();
    let writes = 0;
    const full: ExtractFs = {
      // The first file is written; the second finds the disk full.
      async createFile(path, mode) {
        if (++writes > 1)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return open(path, 'wx', mode);
      },
    };
    const target = join(dir, 'p/out');
    const err = await extract(zip, M, target, { fs: full }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'file-write', errno: 'ENOSPC', exitClass: 'problem' });
    expect(String((err as Error).message)).toMatch(
      /cannot write .*p\/out: no space left on the device \(ENOSPC\)/,
    );
    expect(await exists(join(dir, 'p'))).toBe(false);
    expect(await temps(dir)).toEqual([]);
  });
});

describe('concurrent extractions into one target', () => {
  it('one wins; the others end in zip-target-not-empty, never an internal error, and leave no temp folder', async () => {
    const { dir } = await withZip();
    const target = join(dir, 'out');
    const r = await Promise.allSettled([1, 2, 3, 4].map(() => extract(mod.zip, M, target)));
    expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    for (const x of r) {
      if (x.status === 'rejected') expect(x.reason).toMatchObject({ code: 'zip-target-not-empty' });
    }
    expect((await readdir(target)).sort()).toEqual(['go.mod', 'm.go', 'sub']);
    expect(await temps(dir)).toEqual([]);
  });
});

describe('temp folders of a killed extraction are swept on the next run', () => {
  /** A process id that no longer runs: a child that has exited and been reaped. */
  async function deadPid(): Promise<number> {
    const child = execFile(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    return pid;
  }

  it('removes a dead writer’s folder (read-only files inside), keeps a live writer’s and other targets’', async () => {
    const { dir, zip } = await withZip();
    const dead = join(dir, `.tmp-out.${await deadPid()}.${randomBytes(6).toString('hex')}`);
    const live = join(dir, `.tmp-out.${process.pid}.${randomBytes(6).toString('hex')}`);
    const other = join(dir, `.tmp-other.${await deadPid()}.${randomBytes(6).toString('hex')}`);
    for (const d of [dead, live, other]) {
      await mkdir(join(d, 'sub'), { recursive: true });
      await writeFile(join(d, 'sub/a.go'), 'package a\n', { mode: 0o444 });
    }
    const r = await cli(dir, ['go', 'zip', 'extract', zip, join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(await exists(dead)).toBe(false);
    expect(await exists(live)).toBe(true);
    expect(await exists(other)).toBe(true);
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['go.mod', 'm.go', 'sub']);
  });

  it('a folder untouched for longer than the stale age goes even when its process id is in use again', async () => {
    const { dir, zip } = await withZip();
    const reused = join(dir, `.tmp-out.${process.pid}.${randomBytes(6).toString('hex')}`);
    await mkdir(reused);
    const old = (Date.now() - STALE_TEMP_DIR_MS - 60_000) / 1000;
    await utimes(reused, old, old);
    await extract(zip, M, join(dir, 'out'));
    expect(await exists(reused)).toBe(false);
  });
});

describe.runIf(canMountTmpfs())('go zip extract onto a full disk', () => {
  it('error[file-write] naming ENOSPC, exit 1, no temp folder and no target left', async () => {
    const dir = await tempDir();
    const big = fixtureModule(M.path, M.version, {
      'big.go': `package m\n\n// ${randomBytes(1 << 20).toString('base64')}\n`,
    });
    const zip = join(dir, 'm.zip');
    await writeFile(zip, big.zip);
    const full = join(dir, 'full');
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = [
      `mkdir -p ${q(full)}`,
      `mount -t tmpfs -o size=256k tmpfs ${q(full)}`,
      `${[process.execPath, '--import', 'tsx', child, 'go', 'zip', 'extract', zip, join(full, 'a/out')].map(q).join(' ')} 2>&1`,
      'echo "exit=$?"',
      `echo "left:"; ls -A ${q(full)}`,
    ].join('\n');
    const { stdout } = await run('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
      cwd: repo,
      timeout: 60_000,
    });
    const [out, left] = stdout.split('left:\n');
    expect(out).toMatch(/error\[file-write\]: cannot write .*a\/out: no space left on the device \(ENOSPC\)/);
    expect(out).not.toMatch(/internal/);
    expect(out).toMatch(/exit=1\n$/);
    expect(left).toBe('');
  }, 60_000);
});

/** Whether `unshare --user` works: in a user namespace without a mapping, permission bits bind even root. */
function canDropPrivileges(): boolean {
  try {
    execFileSync('unshare', ['--user', 'true'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    if (process.env.MOCHI_REQUIRE_ORACLES === '1') throw e;
    return false;
  }
}

describe.runIf(canDropPrivileges())('go zip extract under a read-only parent', () => {
  it('error[file-write] naming EACCES, exit 1, nothing created', async () => {
    const { dir, zip } = await withZip();
    const ro = join(dir, 'ro');
    await mkdir(ro, { mode: 0o555 });
    await chmod(ro, 0o555);
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const child = fileURLToPath(new URL('../go/support/cli-child.ts', import.meta.url));
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const out: string[] = [];
    for (const target of ['out', 'a/b/out']) {
      const cmd = [process.execPath, '--import', 'tsx', child, 'go', 'zip', 'extract', zip, join(ro, target)];
      const { stdout } = await run(
        'unshare',
        ['--user', 'sh', '-c', `${cmd.map(q).join(' ')} 2>&1; echo "exit=$?"`],
        {
          cwd: repo,
          timeout: 60_000,
        },
      );
      out.push(stdout);
    }
    for (const o of out) {
      expect(o).toMatch(/error\[file-write\]: cannot write .*out: permission denied \(EACCES\)/);
      expect(o).toMatch(/exit=1\n$/);
    }
    expect(await readdir(ro)).toEqual([]);
  }, 60_000);
});
