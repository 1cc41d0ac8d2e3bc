// Real Go module trees on this machine (Debian's x/mod, the vendored trees in GOROOT), zipped by
// x/mod's zip.CreateFromDir through the modzip oracle into a proxy tree.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { escapePath, escapeVersion } from '../../../src/go/module/index.js';
import { buildGoProgram, GOPATH_XMOD, goCommandEnv, runOracle } from '../../support/oracles.js';

const execFileAsync = promisify(execFile);

export interface RealModule {
  readonly path: string;
  readonly version: string;
  readonly dir: string;
}

const modzipOracle = fileURLToPath(new URL('../../oracles/modzip/main.go', import.meta.url));

/** The module trees available here, under module paths that exercise the escape codec too. */
export function realModuleTrees(): RealModule[] {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const candidates: [string, string, string][] = [
    ['golang.org/x/mod', 'v0.0.1', join(GOPATH_XMOD, 'src/golang.org/x/mod')],
    ['golang.org/x/net', 'v0.1.0', join(goroot, 'src/vendor/golang.org/x/net')],
    ['golang.org/x/text', 'v0.2.0-RC1', join(goroot, 'src/vendor/golang.org/x/text')],
    ['golang.org/x/crypto', 'v0.3.0', join(goroot, 'src/vendor/golang.org/x/crypto')],
    ['golang.org/x/tools', 'v0.4.0', join(goroot, 'src/cmd/vendor/golang.org/x/tools')],
    ['golang.org/x/sys', 'v0.5.0', join(goroot, 'src/cmd/vendor/golang.org/x/sys')],
    ['golang.org/x/term', 'v0.6.0', join(goroot, 'src/cmd/vendor/golang.org/x/term')],
    ['golang.org/x/arch', 'v0.7.0', join(goroot, 'src/cmd/vendor/golang.org/x/arch')],
    ['github.com/Google/PProf', 'v1.0.0', join(goroot, 'src/cmd/vendor/github.com/google/pprof')],
    [
      'github.com/IanLanceTaylor/Demangle',
      'v0.0.0-20220101000000-abcdefabcdef',
      join(goroot, 'src/cmd/vendor/github.com/ianlancetaylor/demangle'),
    ],
  ];
  return candidates
    .filter(([, , dir]) => existsSync(dir))
    .map(([path, version, dir]) => ({ path, version, dir }));
}

/**
 * Writes each module as a proxy tree under `root` (info, mod, zip made by x/mod, list) and returns
 * the modules whose zip x/mod could create.
 */
export async function writeRealProxyTree(root: string, mods: readonly RealModule[]): Promise<RealModule[]> {
  const bin = buildGoProgram(modzipOracle);
  const made: RealModule[] = [];
  for (const m of mods) {
    const vdir = join(root, ...escapePath(m.path).split('/'), '@v');
    await mkdir(vdir, { recursive: true });
    const base = join(vdir, escapeVersion(m.version));
    const out = runOracle(bin, ['create-from-dir', m.dir, m.path, m.version, `${base}.zip`]).trim();
    if (out !== 'ok') continue;
    const gomod = existsSync(join(m.dir, 'go.mod'))
      ? await readFile(join(m.dir, 'go.mod'))
      : Buffer.from(`module ${m.path}\n`);
    await writeFile(`${base}.mod`, gomod);
    await writeFile(`${base}.info`, JSON.stringify({ Version: m.version, Time: '2023-01-01T00:00:00Z' }));
    await writeFile(join(vdir, 'list'), `${m.version}\n`);
    made.push(m);
  }
  return made;
}

/** Go's `go mod download -json` output: a run of pretty-printed objects. */
export interface GoDownload {
  Path: string;
  Version: string;
  Sum?: string;
  GoModSum?: string;
  Zip?: string;
  Error?: string;
}

/**
 * Runs the real `go mod download -json` for `args` from `goproxy` into a fresh GOMODCACHE under
 * `work`, with the sum database off and a hermetic environment. Returns Go's objects.
 */
export async function goModDownload(
  work: string,
  goproxy: string,
  args: readonly string[],
): Promise<GoDownload[]> {
  // Asynchronous: the proxy go talks to may be served by this very process.
  const r = await (async () => {
    try {
      const { stdout } = await execFileAsync('go', ['mod', 'download', '-json', ...args], {
        cwd: work,
        encoding: 'utf8',
        timeout: 120_000,
        env: goCommandEnv(work, goproxy),
        maxBuffer: 1 << 26,
      });
      return stdout;
    } catch (e) {
      // go exits 1 when a module failed; its JSON still names which.
      const out = (e as { stdout?: string }).stdout;
      if (typeof out === 'string' && out.trim().startsWith('{')) return out;
      throw e;
    }
  })();
  return JSON.parse(`[${r.trim().replace(/}\s*\n{/g, '},{')}]`) as GoDownload[];
}
