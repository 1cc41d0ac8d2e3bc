// Differential: module zips of real Go source trees, made by x/mod, hashed by x/mod and by us.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashDir, hashGoMod, hashZip } from '../../src/go/dirhash/index.js';
import { checkDir, checkZip, createFromDir, hashModuleDir } from '../../src/go/modzip/index.js';
import { buildGoProgram, describeWithOracle, GOPATH_XMOD, goOracle, runOracle } from '../support/oracles.js';
import { buildZip } from '../support/zipbuild.js';

const ORACLE_SRC = fileURLToPath(new URL('../oracles/modzip/main.go', import.meta.url));
/** Debian's Go standard library sources (golang-1.19-src) and x/mod (golang-golang-x-mod-dev). */
export const GO_SRC_ROOTS = ['/usr/share/go-1.19/src', '/usr/lib/go-1.19/src'];

/** Real source trees: every top-level directory of the Go standard library, plus x/mod itself. */
function realTrees(): string[] {
  const root = GO_SRC_ROOTS.find((r) => existsSync(r));
  const trees = root
    ? readdirSync(root)
        .filter((d) => statSync(join(root, d)).isDirectory())
        .sort()
        .map((d) => join(root, d))
    : [];
  const xmod = join(GOPATH_XMOD, 'src/golang.org/x/mod');
  if (existsSync(xmod)) trees.push(xmod);
  return trees;
}

describeWithOracle(goOracle(), 'dirhash and modzip against x/mod on real Go source trees', () => {
  let bin = '';
  let tmp = '';
  beforeAll(async () => {
    bin = buildGoProgram(ORACLE_SRC);
    tmp = await mkdtemp(join(tmpdir(), 'dirhash-oracle-'));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('finds the real trees to compare', () => {
    expect(realTrees().length).toBeGreaterThan(20);
  });

  it('hashes every zip x/mod makes from them exactly as x/mod does, and our zips hash the same', async () => {
    const trees = realTrees();
    let compared = 0;
    const refused: string[] = [];
    for (const [i, dir] of trees.entries()) {
      const theirs = join(tmp, `t${i}.zip`);
      const ours = join(tmp, `o${i}.zip`);
      const mod = `example.com/tree${i}`;
      const made = runOracle(bin, ['create-from-dir', dir, mod, 'v1.0.0', theirs]).trim();
      const ourMade = await createFromDir(dir, { path: mod, version: 'v1.0.0' }, ours).then(
        () => 'ok',
        (e: unknown) => `error: ${(e as Error).message}`,
      );
      expect({ dir, refused: made !== 'ok' }).toEqual({ dir, refused: ourMade !== 'ok' });
      if (made !== 'ok') {
        refused.push(`${dir}: ${made}`);
        continue;
      }
      const want = runOracle(bin, ['hashzip', theirs]).trim();
      const got = {
        oursOfTheirs: await hashZip(theirs, mod, 'v1.0.0'),
        theirsOfOurs: runOracle(bin, ['hashzip', ours]).trim(),
        oursOfOurs: await hashZip(ours, mod, 'v1.0.0'),
        dirWithoutZip: await hashModuleDir(dir, { path: mod, version: 'v1.0.0' }),
      };
      expect({ dir, ...got }).toEqual({
        dir,
        oursOfTheirs: want,
        theirsOfOurs: want,
        oursOfOurs: want,
        dirWithoutZip: want,
      });
      // x/mod accepts the zips we write: its CheckZip finds nothing invalid.
      expect(JSON.parse(runOracle(bin, ['checkzip', ours, mod, 'v1.0.0'])).invalid).toEqual([]);
      await rm(theirs);
      await rm(ours);
      compared++;
    }
    // Most trees are valid modules; the few x/mod refuses (odd file names in testdata) are fine.
    expect(compared, refused.join('\n')).toBeGreaterThan(trees.length * 0.8);
  }, 600_000);

  it('checks directories as x/mod CheckDir does', async () => {
    for (const dir of realTrees()) {
      const want = JSON.parse(runOracle(bin, ['checkdir', dir]));
      const got = await checkDir(dir);
      expect({
        dir,
        valid: got.valid,
        omitted: got.omitted,
        invalid: got.invalid.map((f) => f.path),
      }).toEqual({
        dir,
        valid: want.valid,
        omitted: want.omitted,
        invalid: want.invalid.map((f: { path: string }) => f.path),
      });
    }
  });

  it('reports a file or folder name that is not UTF-8 as invalid, as x/mod CheckDir does', async () => {
    const dir = join(tmp, 'not-utf8');
    await mkdir(dir);
    await writeFile(join(dir, 'go.mod'), 'module example.com/m\n');
    await writeFile(join(dir, 'a.go'), 'package m\n');
    const bytes = (name: string, raw: number) =>
      Buffer.concat([Buffer.from(dir), Buffer.from('/'), Buffer.from(name), Buffer.from([raw])]);
    await writeFile(Buffer.concat([bytes('bad', 0xff), Buffer.from('.go')]), 'package m\n');
    const sub = bytes('d', 0xfe);
    await mkdir(sub);
    await writeFile(Buffer.concat([sub, Buffer.from('/x.go')]), 'package m\n');
    const want = JSON.parse(runOracle(bin, ['checkdir', dir]));
    const got = await checkDir(dir);
    // Go's JSON shows the bytes that are not UTF-8 as U+FFFD, as our paths do.
    expect({ valid: got.valid, invalid: got.invalid.map((f) => f.path) }).toEqual({
      valid: want.valid,
      invalid: want.invalid.map((f: { path: string }) => f.path),
    });
    expect(want.invalid.map((f: { reason: string }) => f.reason.endsWith(': invalid UTF-8'))).toEqual([
      true,
      true,
    ]);
    expect(got.invalid.map((f) => f.reason.endsWith(': invalid UTF-8'))).toEqual([true, true]);
  });

  it('finds the same case-fold collisions and invalid names as x/mod CheckZip', async () => {
    // Letters whose folding differs between naive lower-casing and Go's simple-fold orbits.
    const chars = [
      ...'kK\u212AsS\u017F\u03A3\u03C3\u03C2\u00B5\u03BC\u039C\u00DF\u1E9E\u0131\u0130iI\u01C4\u01C5\u01C6\u03B8\u03D1\u03F4\u0398\u1E60\u1E9B\u00C5\u212B\u00E5',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 3 }), {
          minLength: 2,
          maxLength: 8,
        }),
        async (names) => {
          const zipPath = join(tmp, 'fold.zip');
          const zip = buildZip(
            names.map((n, i) => ({
              name: `example.com/m@v1.0.0/${n.join('')}${i % 2 ? '/x.go' : '.go'}`,
              data: 'x',
            })),
          );
          await writeFile(zipPath, zip);
          const want = JSON.parse(runOracle(bin, ['checkzip', zipPath, 'example.com/m', 'v1.0.0']));
          const got = await checkZip(zipPath, { path: 'example.com/m', version: 'v1.0.0' });
          expect({ valid: got.valid, invalid: got.invalid }).toEqual({
            valid: want.valid,
            invalid: want.invalid,
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hashes directories exactly as x/mod HashDir does', async () => {
    for (const dir of realTrees().slice(0, 12)) {
      const want = runOracle(bin, ['hashdir', dir, 'example.com/m@v1.0.0']).trim();
      expect({ dir, h1: await hashDir(dir, 'example.com/m@v1.0.0') }).toEqual({ dir, h1: want });
    }
  });

  it('hashes go.mod files as x/mod does', async () => {
    const cases = ['', 'module example.com/foo\n', 'module m\n\ngo 1.19\n\nrequire example.com/x v1.2.3\n'];
    for (const [i, text] of cases.entries()) {
      const d = join(tmp, `gomod${i}`);
      await rm(d, { recursive: true, force: true });
      await mkdir(d);
      await writeFile(join(d, 'go.mod'), text);
      // HashDir with an empty prefix names the one file "go.mod": exactly HashGoMod's definition.
      expect(hashGoMod(Buffer.from(text))).toBe(runOracle(bin, ['hashdir', d, '']).trim());
    }
  });
});
