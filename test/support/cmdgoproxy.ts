// cmd/go's own test proxy (GOROOT/src/cmd/go/testdata/mod, one txtar per module version) served on 127.0.0.1 as proxy_test.go serves it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  check,
  escapePath,
  escapeVersion,
  unescapePath,
  unescapeVersion,
} from '../../src/go/module/index.js';
import * as semver from '../../src/go/semver/index.js';
import { startServer, type TestServer } from '../go/support/server.js';
import { parseTxtar, type Txtar } from './txtar.js';

/** One module version of the test proxy. */
export interface ProxyModule {
  readonly path: string;
  readonly version: string;
}

/** The directory of cmd/go's test proxy in the installed Go release. */
export function cmdGoProxyDir(): string {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  return join(goroot, 'src/cmd/go/testdata/mod');
}

// x/mod semver.Compare: invalid versions are equal to each other and below every valid one.
function compare(a: string, b: string): number {
  const pa = semver.tryParse(a);
  const pb = semver.tryParse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return semver.compare(pa, pb);
}

function tryOr<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined; // proxy_test.go skips the files whose names do not unescape
  }
}

/** The module versions of the test proxy (from the file names, as proxy_test.go's readModList). */
export function readModList(dir: string): ProxyModule[] {
  const out: ProxyModule[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.txt')) continue;
    const name = f.slice(0, -'.txt'.length);
    const i = name.lastIndexOf('_v');
    if (i < 0) continue;
    const path = tryOr(() => unescapePath(name.slice(0, i).replaceAll('_', '/')));
    const version = tryOr(() => unescapeVersion(name.slice(i + 1)));
    if (path !== undefined && version !== undefined) out.push({ path, version });
  }
  return out;
}

/**
 * Serves the test proxy under `<base>/mod/` (GOPROXY=`<base>/mod`): `@v/list` (no pseudo-versions,
 * only versions that fit the path), `@latest` (as proxy_test.go computes it), `.info` and `.mod`
 * from each archive, and commit-hash prefixes resolved to the version whose `.info` names that
 * commit. Zips are not served.
 */
export async function startCmdGoProxy(dir = cmdGoProxyDir()): Promise<TestServer & { mods: ProxyModule[] }> {
  const mods = readModList(dir);
  const archives = new Map<string, Txtar | null>();
  const readArchive = (path: string, version: string): Txtar | undefined => {
    const enc = tryOr(() => escapePath(path));
    const encV = tryOr(() => escapeVersion(version));
    if (enc === undefined || encV === undefined) return undefined;
    const file = join(dir, `${enc.replaceAll('/', '_')}_${encV}.txt`);
    if (!archives.has(file)) {
      archives.set(file, tryOr(() => parseTxtar(readFileSync(file))) ?? null);
    }
    return archives.get(file) ?? undefined;
  };
  const findHash = (m: ProxyModule): string => {
    const info = readArchive(m.path, m.version)?.files.find((f) => f.name === '.info');
    return info
      ? ((tryOr(() => JSON.parse(info.data.toString('utf8'))) as { Short?: string })?.Short ?? '')
      : '';
  };
  const server = await startServer((req, res) => {
    const notFound = () => res.writeHead(404).end('not found');
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/mod/')) return notFound();
    path = path.slice('/mod/'.length);
    const latestAt = path.lastIndexOf('/@latest');
    if (latestAt >= 0) {
      const enc = path.slice(0, latestAt);
      const modPath = tryOr(() => unescapePath(enc));
      if (modPath === undefined) return notFound();
      let release = '';
      let pre = '';
      let pseudo = '';
      for (const m of mods) {
        if (m.path !== modPath) continue;
        // proxy_test.go keeps the lowest of each kind (its comparison is reversed); copied as is.
        if (semver.isPseudoVersion(m.version) && (pseudo === '' || compare(pseudo, m.version) > 0)) {
          pseudo = m.version;
        } else if (semver.prerelease(m.version) !== '' && (pre === '' || compare(pre, m.version) > 0)) {
          pre = m.version;
        } else if (release === '' || compare(release, m.version) > 0) {
          release = m.version;
        }
      }
      const latest = release || pre || pseudo;
      if (latest === '') return notFound();
      path = `${enc}/@v/${escapeVersion(latest)}.info`;
    }
    const at = path.indexOf('/@v/');
    if (at < 0) return notFound();
    const modPath = tryOr(() => unescapePath(path.slice(0, at)));
    const file = path.slice(at + '/@v/'.length);
    if (modPath === undefined) return notFound();
    if (file === 'list') {
      const own = mods.filter((m) => m.path === modPath);
      if (own.length === 0) return notFound();
      const fits = (v: string) =>
        tryOr(() => {
          check(modPath, v);
          return true;
        }) ?? false;
      const lines = own.filter((m) => !semver.isPseudoVersion(m.version) && fits(m.version));
      return res.writeHead(200).end(lines.map((m) => `${m.version}\n`).join(''));
    }
    const dot = file.lastIndexOf('.');
    if (dot < 0) return notFound();
    const ext = file.slice(dot + 1);
    let version = tryOr(() => unescapeVersion(file.slice(0, dot)));
    if (version === undefined) return notFound();
    if (/^[0-9a-f]+$/.test(version)) {
      let best = '';
      for (const m of mods) {
        if (m.path !== modPath || compare(best, m.version) >= 0) continue;
        const hash = semver.isPseudoVersion(m.version)
          ? m.version.slice(m.version.lastIndexOf('-') + 1)
          : findHash(m);
        if (hash.startsWith(version) || version.startsWith(hash)) best = m.version;
      }
      if (best !== '') version = best;
    }
    const a = readArchive(modPath, version);
    if (!a) return notFound();
    if (ext === 'info' || ext === 'mod') {
      const f = a.files.find((x) => x.name === `.${ext}`);
      if (f) return res.writeHead(200).end(f.data);
    }
    return notFound();
  });
  return Object.assign(server, { mods });
}
