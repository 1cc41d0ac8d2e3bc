// cmd/go's own test proxy (src/cmd/go/testdata/mod of the Go toolchain) as a file:// GOPROXY tree, built the way proxy_test.go serves it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapePath, escapeVersion, unescapePath, unescapeVersion } from '../../../src/go/module/index.js';
import { sort } from '../../../src/go/semver/index.js';
import { parseTxtar } from '../../support/txtar.js';
import { buildZip } from '../../support/zipbuild.js';

/** Where Debian's golang-1.19-src puts cmd/go's test modules. */
export const CMD_GO_TESTDATA_MOD =
  process.env.MOCHI_CMD_GO_TESTDATA ?? '/usr/lib/go-1.19/src/cmd/go/testdata/mod';

/** True when cmd/go's test modules are on disk. */
export function haveCmdGoTestdata(): boolean {
  return existsSync(join(CMD_GO_TESTDATA_MOD, 'rsc.io_quote_v1.5.2.txt'));
}

/**
 * Writes every module version of cmd/go's test proxy under `root` as `@v/list`, `.info`, `.mod`
 * and `.zip` (entries `path@version/<file>`, as proxy_test.go zips them; a `/`-prefixed name is
 * used as is). Returns the module versions written.
 */
export async function writeCmdGoProxy(root: string): Promise<{ path: string; version: string }[]> {
  const out: { path: string; version: string }[] = [];
  const lists = new Map<string, string[]>();
  for (const file of readdirSync(CMD_GO_TESTDATA_MOD).sort()) {
    if (!file.endsWith('.txt')) continue;
    const name = file.slice(0, -4);
    const i = name.lastIndexOf('_v');
    if (i < 0) continue;
    let path: string;
    let version: string;
    try {
      path = unescapePath(name.slice(0, i).replaceAll('_', '/'));
      version = unescapeVersion(name.slice(i + 1));
    } catch {
      continue; // proxy_test.go skips names that do not unescape, as here.
    }
    const a = parseTxtar(readFileSync(join(CMD_GO_TESTDATA_MOD, file)));
    const dir = join(root, escapePath(path), '@v');
    await mkdir(dir, { recursive: true });
    const ev = escapeVersion(version);
    const info = a.files.find((f) => f.name === '.info')?.data;
    const mod = a.files.find((f) => f.name === '.mod')?.data;
    if (info) await writeFile(join(dir, `${ev}.info`), info);
    if (mod) await writeFile(join(dir, `${ev}.mod`), mod);
    const entries = a.files
      .filter((f) => !['.info', '.mod', '.zip'].includes(f.name))
      .map((f) => ({
        name: f.name.startsWith('/') ? f.name.slice(1) : `${path}@${version}/${f.name}`,
        data: f.data,
      }));
    await writeFile(join(dir, `${ev}.zip`), buildZip(entries));
    lists.set(dir, [...(lists.get(dir) ?? []), version]);
    out.push({ path, version });
  }
  for (const [dir, vs] of lists) await writeFile(join(dir, 'list'), `${sort(vs).join('\n')}\n`);
  return out;
}
