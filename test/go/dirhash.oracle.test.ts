// Differential: module zips of real Go source trees, made by x/mod, hashed by x/mod and by us.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashDir, hashGoMod, hashZip } from '../../src/go/dirhash/index.js';
import { buildGoProgram, describeWithOracle, GOPATH_XMOD, goOracle, runOracle } from '../support/oracles.js';

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

describeWithOracle(goOracle(), 'hashZip and hashDir against x/mod dirhash on real Go source trees', () => {
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

  it('hashes every zip x/mod makes from them exactly as x/mod does', async () => {
    const trees = realTrees();
    let compared = 0;
    const refused: string[] = [];
    for (const [i, dir] of trees.entries()) {
      const zip = join(tmp, `t${i}.zip`);
      const mod = `example.com/tree${i}`;
      const made = runOracle(bin, ['create-from-dir', dir, mod, 'v1.0.0', zip]).trim();
      if (made !== 'ok') {
        refused.push(`${dir}: ${made}`);
        continue;
      }
      const want = runOracle(bin, ['hashzip', zip]).trim();
      expect({ dir, h1: await hashZip(zip, mod, 'v1.0.0') }).toEqual({ dir, h1: want });
      await rm(zip);
      compared++;
    }
    // Most trees are valid modules; the few x/mod refuses (odd file names in testdata) are fine.
    expect(compared, refused.join('\n')).toBeGreaterThan(trees.length * 0.8);
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
