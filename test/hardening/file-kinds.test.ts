// Issue 13 item 2: every file the tool reads is a regular file, read with its cap enforced while reading.
import { execFileSync } from 'node:child_process';
import { cp, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanProject } from '../../src/project/index.js';
import { loadNetrc } from '../../src/util/netrc.js';
import {
  readRegularFile,
  readRegularFileIfExists,
  readRegularFileIfExistsSync,
} from '../../src/util/read.js';
import { cleanup, cli, goProject, tempDir } from './support.js';

afterAll(cleanup);

const EXAMPLE = fileURLToPath(new URL('../../examples/weather-report', import.meta.url));

const SOURCE = { 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' };

async function fifo(path: string): Promise<void> {
  execFileSync('mkfifo', [path]);
}

/** Replacements for a file the tool reads: each must end in a coded error, at once. */
const hostile: Record<string, (path: string) => Promise<void>> = {
  'a symlink to /dev/zero': (p) => symlink('/dev/zero', p),
  'a FIFO': fifo,
  'a directory': (p) => mkdir(p),
  'a symlink loop': async (p) => {
    await symlink(`${p}.b`, p);
    await symlink(p, `${p}.b`);
  },
};

describe('mochi.lock that is not a regular file', () => {
  for (const [name, make] of Object.entries(hostile)) {
    it(`lock and lock --check exit 2 with a coded error: ${name}`, async () => {
      const p = await goProject(SOURCE);
      await make(join(p.root, 'mochi.lock'));
      for (const argv of [[], ['--check']]) {
        const r = await p.lock(...argv);
        expect(r.err).toMatch(/error\[file-(not-regular|unreadable)\]: .*mochi\.lock/);
        expect(r.err).not.toMatch(/internal error|error\[internal\]/);
        expect(r.code).toBe(2);
      }
    });
  }
});

describe('other files read from a project or the environment', () => {
  it('a path+ Go module whose go.mod links to /dev/zero is refused, not read for ever', async () => {
    const p = await goProject({
      'main.mochi': 'import go "example.com/local@path+./local" as local\n',
      'local/local.go': 'package local\n',
    });
    await symlink('/dev/zero', join(p.root, 'local/go.mod'));
    const r = await p.lock();
    expect(r.err).toMatch(/error\[file-not-regular\]: .*go\.mod is a character device/);
    expect(r.code).toBe(2);
  });

  for (const [name, make] of Object.entries(hostile)) {
    it(`a path+ Go module whose go.mod is ${name} ends in a coded error, at once`, async () => {
      const p = await goProject({
        'main.mochi': 'import go "example.com/local@path+./local" as local\n',
        'local/local.go': 'package local\n',
      });
      await make(join(p.root, 'local/go.mod'));
      const r = await p.lock();
      expect(r.err).toMatch(/error\[(file-not-regular|file-unreadable|go-path-module)\]: .*go\.mod/);
      expect(r.err).not.toMatch(/internal error|error\[internal\]/);
      expect(r.code).toBe(2);
    }, 20_000);
  }

  for (const [name, make] of Object.entries(hostile)) {
    it(`sync with .mochi/go/go.mod as ${name} (committed by a repository) rewrites it or says why, at once`, async () => {
      const p = await goProject(SOURCE);
      expect((await p.lock()).code).toBe(0);
      await mkdir(join(p.root, '.mochi/go'), { recursive: true });
      await make(join(p.root, '.mochi/go/go.mod'));
      const env = { MOCHI_GO_BRIDGE_CACHE: p.cache, GOSUMDB: 'off' };
      const r = await cli(p.root, ['sync', '--cwd', p.root, '--go-proxy', p.proxy], env);
      expect(r.err).not.toMatch(/internal error|error\[internal\]/);
      if (r.code === 0) expect((await lstat(join(p.root, '.mochi/go/go.mod'))).isFile()).toBe(true);
      else expect(r.err).toMatch(/error\[file-[a-z-]+\]: .*\.mochi\/go\/go\.mod/);
    }, 20_000);
  }

  for (const rel of ['typeshed/stdlib/textwrap.pyi', 'typeshed/stubs/units/METADATA.toml']) {
    it(`a project stub directory's ${rel} that is a FIFO or a link to /dev/zero ends in file-not-regular, at once`, async () => {
      for (const make of [fifo, (p: string) => symlink('/dev/zero', p)]) {
        const d = await tempDir();
        const root = join(d, 'p');
        await cp(EXAMPLE, root, { recursive: true });
        await rm(join(root, 'mochi.lock'));
        await rm(join(root, rel));
        await make(join(root, rel));
        const env = { MOCHI_GO_BRIDGE_CACHE: join(d, 'go'), XDG_CACHE_HOME: join(d, 'xdg') };
        const r = await cli(root, ['lock', '--cwd', root, '--cache-dir', join(d, 'py')], env);
        expect(r.err).toMatch(new RegExp(`error\\[file-not-regular\\]: .*${rel.replace(/\./g, '\\.')}`));
        expect(r.code).toBe(2);
      }
    }, 20_000);
  }

  it('sync refuses a .mochi, .mochi/go, .mochi/python or .mochi/python/.envs that is a symbolic link, and writes or removes nothing through it', async () => {
    const p = await goProject(SOURCE);
    expect((await p.lock()).code).toBe(0);
    const outside = await tempDir();
    await writeFile(join(outside, 'go.mod'), 'module elsewhere\n');
    const env = { MOCHI_GO_BRIDGE_CACHE: p.cache, GOSUMDB: 'off' };
    for (const rel of ['.mochi', '.mochi/go', '.mochi/python', '.mochi/python/.envs']) {
      await rm(join(p.root, '.mochi'), { recursive: true, force: true });
      if (rel !== '.mochi') await mkdir(join(p.root, rel, '..'), { recursive: true });
      await symlink(outside, join(p.root, rel));
      for (const extra of [[], ['--check'], ['--go-vendor']]) {
        const r = await cli(p.root, ['sync', '--cwd', p.root, '--go-proxy', p.proxy, ...extra], env);
        expect(r.err).toMatch(
          new RegExp(`error\\[sync-link\\]: .*${rel.replace(/\./g, '\\.')} is a symbolic link`),
        );
        expect(r.code).toBe(2);
      }
    }
    expect((await readdir(outside)).sort()).toEqual(['go.mod']);
    expect(await readFile(join(outside, 'go.mod'), 'utf8')).toBe('module elsewhere\n');
  }, 20_000);

  it('NETRC naming /dev/zero or a FIFO means no credentials, at once', async () => {
    const d = await tempDir();
    await fifo(join(d, 'netrc'));
    expect(await loadNetrc('/dev/zero')).toEqual([]);
    expect(await loadNetrc(join(d, 'netrc'))).toEqual([]);
  });

  it('go hash --gomod /dev/zero and a FIFO end in file-not-regular', async () => {
    const d = await tempDir();
    await fifo(join(d, 'go.mod'));
    for (const path of ['/dev/zero', join(d, 'go.mod')]) {
      const r = await cli(d, ['go', 'hash', '--gomod', path]);
      expect(r.err).toMatch(/error\[file-not-regular\]/);
      expect(r.code).toBe(2);
    }
  });

  it('a FIFO given as a zip to go zip check and go hash ends in a coded error', async () => {
    const d = await tempDir();
    await fifo(join(d, 'm.zip'));
    for (const argv of [
      ['go', 'zip', 'check', join(d, 'm.zip'), '--module', 'example.com/m', '--version', 'v1.0.0'],
      ['go', 'hash', join(d, 'm.zip'), '--module', 'example.com/m', '--version', 'v1.0.0'],
    ]) {
      const r = await cli(d, argv);
      expect(r.err).toMatch(/error\[zip-io\]: .*named pipe/);
      expect(r.code).toBe(2);
    }
  });

  it('a .mochi file that is a FIFO is never read (the scan skips non-regular entries)', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'a.mochi'), 'import go "example.com/foo" as foo\n');
    await fifo(join(d, 'b.mochi'));
    const scan = await scanProject(d);
    expect(scan.files).toEqual(['a.mochi']);
  });

  it('readRegularFile enforces the cap while reading, whatever stat says', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'big'), Buffer.alloc(1025));
    await expect(readRegularFile(join(d, 'big'), { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'file-too-large',
    });
    await expect(readRegularFile(join(d, 'big'), { maxBytes: 1025 })).resolves.toHaveLength(1025);
    // /proc files report size 0 but have content: the cap is what stops them.
    await expect(readRegularFile('/proc/self/maps', { maxBytes: 8 })).rejects.toMatchObject({
      code: 'file-too-large',
    });
  });

  it('readRegularFileIfExistsSync answers as readRegularFileIfExists does, for every kind of file', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'small'), 'h1:abc\n');
    await writeFile(join(d, 'big'), Buffer.alloc(65));
    const cases: Record<string, string> = {
      missing: join(d, 'missing'),
      'under a file': join(d, 'small', 'x'),
      small: join(d, 'small'),
      big: join(d, 'big'),
      proc: '/proc/self/maps',
    };
    for (const [kind, make] of Object.entries(hostile)) {
      const p = join(d, kind.replace(/\W/g, '-'));
      await make(p);
      cases[kind] = p;
    }
    const outcome = (f: () => unknown) => {
      try {
        return { value: f() };
      } catch (e) {
        return { code: (e as { code?: string }).code, message: (e as Error).message };
      }
    };
    for (const [name, path] of Object.entries(cases)) {
      const options = { maxBytes: 64, what: 'sidecar' };
      const want = await readRegularFileIfExists(path, options).then(
        (value) => ({ value }),
        (e: Error & { code?: string }) => ({ code: e.code, message: e.message }),
      );
      expect(
        outcome(() => readRegularFileIfExistsSync(path, options)),
        name,
      ).toEqual(want);
    }
    expect(outcome(() => readRegularFileIfExistsSync(cases.small!, { maxBytes: 64 })).value?.toString()).toBe(
      'h1:abc\n',
    );
  });
});
