// Issue 13 item 1: `lock` must not replace a lock it cannot read (and with it the Go hash pins).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeProxyTree } from '../go/support/modules.js';
import { cleanup, fooModule, goProject } from './support.js';

afterAll(cleanup);

const SOURCE = { 'main.mochi': 'import go "example.com/foo@v1.0.0" as foo\n' };

/** Ways a lock becomes unreadable, each applied to the text `lock` wrote. */
const breakers: Record<string, (text: string) => string> = {
  'git conflict markers around a table': (t) =>
    t.replace('[[go-package]]', '<<<<<<< HEAD\n[[go-package]]').replace(/\n$/, '\n=======\n>>>>>>> other\n'),
  'schema-version = 2 from a newer tool': (t) => t.replace('schema-version = 1', 'schema-version = 2'),
  'an unknown key': (t) => t.replace('[[go-package]]', '[[go-package]]\nfuture-key = "x"'),
  'more than 32 MiB': (t) => `${t}# ${'x'.repeat(32 * 1024 * 1024)}\n`,
};

describe('lock refuses an unreadable mochi.lock unless --force', () => {
  for (const [name, breakLock] of Object.entries(breakers)) {
    it(`keeps the lock and its Go pins, exit 2: ${name}`, async () => {
      const p = await goProject(SOURCE);
      expect((await p.lock()).code).toBe(0);
      const lockPath = join(p.root, 'mochi.lock');
      const good = await readFile(lockPath, 'utf8');
      expect(good).toMatch(/zip-h1 = "h1:/);
      const broken = breakLock(good);
      await writeFile(lockPath, broken);
      // The proxy now serves a different zip for the same version, and the cache is gone.
      await rm(p.proxy, { recursive: true });
      await rm(p.cache, { recursive: true });
      await writeProxyTree(p.proxy, [fooModule('package foo // changed\n')]);

      const r = await p.lock();
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/error\[lockfile-[a-z-]+\]/);
      expect(r.err).toMatch(/--force/);
      expect(await readFile(lockPath, 'utf8')).toBe(broken);

      // --check on the broken lock also fails (never "up to date").
      expect((await p.lock('--check')).code).toBe(2);

      // Only an explicit --force replaces it, saying so.
      const forced = await p.lock('--force');
      expect(forced.code).toBe(0);
      expect(forced.err).toMatch(/--force: replacing the unreadable mochi\.lock/);
      const replaced = await readFile(lockPath, 'utf8');
      expect(replaced).not.toBe(broken);
      expect(replaced).not.toBe(good); // the new zip's hash: what --force knowingly accepted
    });
  }

  it('names git conflict markers as such (lockfile-conflict, with the line)', async () => {
    const p = await goProject(SOURCE);
    await p.lock();
    const lockPath = join(p.root, 'mochi.lock');
    const good = await readFile(lockPath, 'utf8');
    await writeFile(lockPath, breakers['git conflict markers around a table']!(good));
    const r = await p.lock();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error\[lockfile-conflict\]: .*mochi\.lock \(line \d+\): unresolved merge conflict marker "<<<<<<<"/,
    );
    expect(r.err).toMatch(/hint: resolve the merge conflict/);
  });
});
