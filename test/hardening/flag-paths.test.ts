// Issue 13 item 9: --cache-dir, --go-cache-dir, --go-sum and --go-mod naming the wrong kind of file are usage errors naming the flag.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, cli, goProject, tempDir } from './support.js';

afterAll(cleanup);

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** A directory holding a regular file `file`, a FIFO `fifo` and a directory `dir`. */
async function oddFiles(): Promise<string> {
  const d = await tempDir();
  await writeFile(join(d, 'file'), 'x');
  execFileSync('mkfifo', [join(d, 'fifo')]);
  await mkdir(join(d, 'dir'));
  return d;
}

describe('--cache-dir of go download and go verify', () => {
  for (const [name, rel, what] of [
    ['a regular file', 'file', /file is a regular file, not a directory/],
    ['a FIFO', 'fifo', /fifo is a named pipe \(FIFO\), not a directory/],
    [
      'a path under a file',
      'file/sub',
      /file is a regular file, not a directory, so .*file\/sub cannot be created/,
    ],
  ] as const) {
    it(`${name}: error[usage] naming --cache-dir, exit 2, nothing created`, async () => {
      const d = await oddFiles();
      for (const argv of [
        ['go', 'download', 'example.com/m@v1.0.0', '--proxy', 'off'],
        ['go', 'verify'],
        ['go', 'verify', 'example.com/m@v1.0.0'],
      ]) {
        const r = await cli(d, [...argv, '--cache-dir', join(d, rel)]);
        expect(r.err).toMatch(new RegExp(`error\\[usage\\]: --cache-dir ${join(d, rel)}: `));
        expect(r.err).toMatch(what);
        expect(r.code).toBe(2);
      }
      expect((await readdir(d)).sort()).toEqual(['dir', 'fifo', 'file']);
    });
  }

  it('a default cache root ($MOCHI_GO_BRIDGE_CACHE) that is a file is file-write naming it, not an internal error', async () => {
    const d = await oddFiles();
    const r = await cli(d, ['go', 'download', 'example.com/m@v1.0.0', '--proxy', 'off'], {
      MOCHI_GO_BRIDGE_CACHE: join(d, 'file'),
    });
    expect(r.err).toMatch(/error\[file-write\]: cannot write .*file: a file is in the way \(EEXIST\)/);
    expect(r.code).toBe(1);
  });
});

describe('lock output and cache flags', () => {
  const SOURCE = { 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' };

  for (const [flag, rel, what] of [
    ['--go-sum', 'dir', /dir is a directory, not a regular file/],
    ['--go-sum', 'fifo', /fifo is a named pipe \(FIFO\), not a regular file/],
    [
      '--go-sum',
      'file/go.sum',
      /file is a regular file, not a directory, so .*file\/go\.sum cannot be written/,
    ],
    ['--go-mod', 'dir', /dir is a directory, not a regular file/],
    ['--go-cache-dir', 'file', /file is a regular file, not a directory/],
    ['--cache-dir', 'fifo', /fifo is a named pipe \(FIFO\), not a directory/],
  ] as const) {
    it(`lock ${flag} ${rel}: error[usage] naming the flag, exit 2, no lock written, the FIFO not replaced`, async () => {
      const d = await oddFiles();
      const p = await goProject(SOURCE);
      const r = await p.lock(flag, join(d, rel));
      expect(r.err).toMatch(new RegExp(`error\\[usage\\]: ${flag} ${join(d, rel)}: `));
      expect(r.err).toMatch(what);
      expect(r.code).toBe(2);
      expect(await exists(join(p.root, 'mochi.lock'))).toBe(false);
      expect((await lstat(join(d, 'fifo'))).isFIFO()).toBe(true);
    });
  }

  it('an empty path (an unset shell variable) is error[usage] naming the flag, for lock, sync and go download; nothing lands in the project', async () => {
    const p = await goProject(SOURCE);
    for (const flag of ['--go-cache-dir', '--cache-dir', '--go-sum', '--go-mod']) {
      const r = await p.lock(flag, '');
      expect(r.err).toContain(`error[usage]: ${flag}: the path is empty`);
      expect(r.code).toBe(2);
    }
    for (const flag of ['--go-cache-dir', '--cache-dir']) {
      const r = await cli(p.root, ['sync', flag, '']);
      expect(r.err).toContain(`error[usage]: ${flag}: the path is empty`);
      expect(r.code).toBe(2);
    }
    const d = await oddFiles();
    const dl = await cli(d, ['go', 'download', 'example.com/m@v1.0.0', '--proxy', 'off', '--cache-dir', '']);
    expect(dl.err).toContain('error[usage]: --cache-dir: the path is empty');
    expect(dl.code).toBe(2);
    expect((await readdir(p.root)).sort()).toEqual(['main.mochi']);
    expect((await readdir(d)).sort()).toEqual(['dir', 'fifo', 'file']);
  });

  it('lock --go-sum naming a new file in an existing folder still writes it', async () => {
    const d = await oddFiles();
    const p = await goProject(SOURCE);
    const r = await p.lock('--go-sum', join(d, 'dir/go.sum'));
    expect(r.code).toBe(0);
    expect(await exists(join(d, 'dir/go.sum'))).toBe(true);
  });
});
