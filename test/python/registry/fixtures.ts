// A local Simple Repository API index for tests and benchmarks: wheels built from real typeshed stubs,
// served on 127.0.0.1 as PEP 691 JSON, PEP 503 HTML, or by content negotiation. No vitest import here
// (benchmarks use it too).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { buildZip, type TestEntry } from '../../support/zipbuild.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
/** typeshed's third-party stubs as shipped inside the pyright package. */
export const TYPESHED_STUBS = join(repo, 'node_modules/pyright/dist/typeshed-fallback/stubs');

/** One file of a wheel: path and bytes. */
export interface WheelFile {
  path: string;
  data: Buffer | string;
}

/** A built distribution file, ready to serve. */
export interface BuiltFile {
  filename: string;
  bytes: Buffer;
  sha256: string;
  requiresPython?: string;
  yanked?: false | string;
  /** Serve no hash for it (to test `registry-unhashed`). */
  unhashed?: boolean;
  /** Serve these bytes instead of `bytes` (to test hash mismatches). */
  servedBytes?: Buffer;
}

const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * Builds a real wheel: the files, plus `*.dist-info/{METADATA,WHEEL,RECORD}` with sha256 entries.
 * `stored` writes entries uncompressed, so the bytes do not depend on the zlib build (committed
 * fixtures stay reproducible on every machine).
 */
export function buildWheel(
  name: string,
  version: string,
  files: readonly WheelFile[],
  tag = 'py3-none-any',
  stored = false,
): BuiltFile {
  const distName = name.replace(/[-_.]+/g, '_');
  const info = `${distName}-${version}.dist-info`;
  const all: WheelFile[] = [
    ...files,
    { path: `${info}/METADATA`, data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n` },
    {
      path: `${info}/WHEEL`,
      data: `Wheel-Version: 1.0\nGenerator: mochi-pkg-tests\nRoot-Is-Purelib: true\nTag: ${tag}\n`,
    },
  ];
  const record = all.map((f) => {
    const data = Buffer.from(f.data);
    return `${f.path},sha256=${b64url(createHash('sha256').update(data).digest())},${data.length}`;
  });
  record.push(`${info}/RECORD,,`);
  all.push({ path: `${info}/RECORD`, data: `${record.join('\n')}\n` });
  const entries: TestEntry[] = all.map((f) => ({
    name: f.path,
    data: Buffer.from(f.data),
    ...(stored ? { method: 0 } : {}),
  }));
  const bytes = buildZip(entries);
  return {
    filename: `${distName}-${version}-${tag}.whl`,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The typeshed stub package directories (e.g. `requests`, `six`), sorted. */
export function typeshedPackages(): string[] {
  return readdirSync(TYPESHED_STUBS)
    .filter((d) => statSync(join(TYPESHED_STUBS, d, 'METADATA.toml'), { throwIfNoEntry: false })?.isFile())
    .sort();
}

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== '@tests') out.push(...walk(dir, p));
    } else if (e.isFile() && p !== 'METADATA.toml') out.push(p);
  }
  return out.sort();
}

/** The release a METADATA.toml version names: `~= 3.2.1` → `3.2.1`, `1.17.*` → `1.17`. */
function baseOf(metadataVersion: string): string {
  return metadataVersion
    .trim()
    .replace(/^(?:~=|==)\s*/, '')
    .replace(/\.\*$/, '');
}

/**
 * The version typeshed's uploader would publish for a METADATA.toml `version` such as `~=2.33.0`
 * or `1.17.*`: the base release plus a date part (`2.33.0.20260101`).
 */
export function stubVersion(metadataVersion: string): string {
  return `${baseOf(metadataVersion)}.20260101`;
}

/** Upstream's version for a typeshed package: what its stubs describe. */
export function upstreamVersion(metadataVersion: string): string {
  const base = baseOf(metadataVersion);
  return base.split('.').length < 3 ? `${base}.0` : base;
}

/**
 * The real stub-only wheel `types-<pkg>` built from typeshed's `stubs/<pkg>`: top-level packages
 * `x/` become `x-stubs/`, single modules `x.pyi` become `x-stubs/__init__.pyi` (as typeshed's
 * uploader lays them out). Returns the wheel and the typeshed METADATA version.
 */
export function typeshedStubWheel(pkg: string): {
  wheel: BuiltFile;
  metadataVersion: string;
  modules: string[];
} {
  const dir = join(TYPESHED_STUBS, pkg);
  const meta = parseToml(readFileSync(join(dir, 'METADATA.toml'), 'utf8')) as { version: string };
  const modules = new Set<string>();
  const files: WheelFile[] = walk(dir).map((p) => {
    const [top, ...rest] = p.split('/');
    let path: string;
    if (rest.length === 0 && top!.endsWith('.pyi')) {
      modules.add(top!.slice(0, -4));
      path = `${top!.slice(0, -4)}-stubs/__init__.pyi`;
    } else {
      modules.add(top!);
      path = `${top}-stubs/${rest.join('/')}`;
    }
    return { path, data: readFileSync(join(dir, p)) };
  });
  return {
    wheel: buildWheel(`types-${pkg}`, stubVersion(meta.version), files),
    metadataVersion: meta.version,
    modules: [...modules].sort(),
  };
}

/** An untyped upstream wheel: one plain `.py` module per name, no py.typed. */
export function untypedWheel(
  name: string,
  version: string,
  modules: readonly string[],
  tag?: string,
): BuiltFile {
  return buildWheel(
    name,
    version,
    modules.map((m) => ({ path: `${m}/__init__.py`, data: `def hello():\n    return 1\n` })),
    tag,
  );
}

/** How the server answers project pages. */
export type PageMode = 'json' | 'html' | 'negotiate';

/** Knobs that make the index misbehave for error tests. */
export interface IndexBehaviour {
  mode?: PageMode;
  /** `meta.api-version` / `pypi:repository-version` to announce (default 1.1). */
  apiVersion?: string;
  /** Extra keys to add to JSON pages and files (must be ignored). */
  unknownKeys?: boolean;
  /** Answer every request with this status. */
  status?: number;
  /** Also link this file:// URL from every project page (a page from the network must not). */
  localLink?: string;
}

function norm(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A running local index; `url` is its simple root (`http://127.0.0.1:<port>/simple/`). */
export interface LocalIndex {
  url: string;
  /** Requests served so far, by path. */
  requests: string[];
  /** The Authorization header of each request (undefined when absent), in the same order. */
  authorizations: (string | undefined)[];
  behaviour: IndexBehaviour;
  close(): Promise<void>;
}

/** Renders a project page as PEP 691 JSON. */
export function jsonPage(name: string, files: readonly BuiltFile[], b: IndexBehaviour = {}): string {
  return JSON.stringify({
    meta: { 'api-version': b.apiVersion ?? '1.1', ...(b.unknownKeys ? { 'x-future': 1 } : {}) },
    name: norm(name),
    files: [
      ...files.map((f) => ({
        filename: f.filename,
        url: `../../files/${f.filename}`,
        hashes: f.unhashed ? {} : { sha256: f.sha256 },
        ...(f.requiresPython ? { 'requires-python': f.requiresPython } : {}),
        ...(f.yanked !== undefined && f.yanked !== false
          ? { yanked: f.yanked === '' ? true : f.yanked }
          : {}),
        size: f.bytes.length,
        ...(b.unknownKeys ? { 'core-metadata': false, 'x-something': [1, 2] } : {}),
      })),
      ...(b.localLink === undefined
        ? []
        : [{ filename: basename(b.localLink), url: b.localLink, hashes: {} }]),
    ],
    versions: [],
    ...(b.unknownKeys ? { 'x-project-status': 'active' } : {}),
  });
}

/** Renders a project page as PEP 503 HTML. */
export function htmlPage(files: readonly BuiltFile[], b: IndexBehaviour = {}): string {
  const links = files.map((f) => {
    const attrs = [`href="../../files/${f.filename}${f.unhashed ? '' : `#sha256=${f.sha256}`}"`];
    if (f.requiresPython) attrs.push(`data-requires-python="${escapeHtml(f.requiresPython)}"`);
    if (f.yanked !== undefined && f.yanked !== false) attrs.push(`data-yanked="${escapeHtml(f.yanked)}"`);
    return `    <a ${attrs.join(' ')}>${escapeHtml(f.filename)}</a><br/>`;
  });
  if (b.localLink !== undefined)
    links.push(`    <a href="${escapeHtml(b.localLink)}">${escapeHtml(basename(b.localLink))}</a><br/>`);
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="${b.apiVersion ?? '1.1'}">\n  </head>\n  <body>\n${links.join('\n')}\n  </body>\n</html>\n`;
}

/** Starts an index on 127.0.0.1 serving `projects` (name → files); stops with `close()`. */
export async function startIndex(
  projects: ReadonlyMap<string, readonly BuiltFile[]>,
  behaviour: IndexBehaviour = {},
): Promise<LocalIndex> {
  const byName = new Map([...projects].map(([k, v]) => [norm(k), v]));
  const byFile = new Map<string, BuiltFile>();
  for (const files of projects.values()) for (const f of files) byFile.set(f.filename, f);
  const requests: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const state: LocalIndex = { url: '', requests, authorizations, behaviour, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    authorizations.push(req.headers.authorization);
    const b = state.behaviour;
    if (b.status !== undefined) {
      res.writeHead(b.status).end('no');
      return;
    }
    const page = /^\/simple\/([^/]+)\/$/.exec(path);
    if (page) {
      const files = byName.get(page[1]!);
      if (!files || page[1] !== norm(page[1]!)) {
        res.writeHead(404).end('not found');
        return;
      }
      const mode = b.mode ?? 'negotiate';
      const wantsJson =
        mode === 'json' ||
        (mode === 'negotiate' && (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json'));
      if (wantsJson) {
        res
          .writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' })
          .end(jsonPage(page[1]!, files, b));
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(htmlPage(files, b));
      }
      return;
    }
    const file = /^\/files\/([^/]+)$/.exec(path);
    const f = file ? byFile.get(file[1]!) : undefined;
    if (!f) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(f.servedBytes ?? f.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/simple/`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
