// Generated Python package universes served as a real simple index (PEP 691 JSON or PEP 503 HTML) on 127.0.0.1.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import yazl from 'yazl';

/** One requirement of a generated release, with what the test knows about it on the target. */
export interface GenDep {
  /** The Requires-Dist value (markers included). */
  readonly text: string;
  readonly name: string;
  readonly specifier: string;
  readonly extras: readonly string[];
  /**
   * Whether its marker is true with no extra on the machine pip runs on (CPython 3.11 on x86-64
   * Linux): pip evaluates markers there whatever `--platform` says, and so does the differential.
   */
  readonly active: boolean;
}

export interface GenRelease {
  readonly version: string;
  readonly deps: readonly GenDep[];
  /** Extra → requirements it adds (markers `extra == "x"` added on writing). */
  readonly extras: Readonly<Record<string, readonly GenDep[]>>;
  /** Requires-Python, written to the metadata and (when `onPage`) to the index page. */
  readonly requiresPython?: { readonly spec: string; readonly onPage: boolean; readonly admits311: boolean };
  readonly yanked: boolean;
  /** Wheel tag triples, e.g. `py3-none-any`, `cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64`. */
  readonly tags: readonly string[];
  /** Serve PEP 658 metadata files for its wheels. */
  readonly metadataFile: boolean;
}

export interface GenDist {
  readonly name: string;
  readonly releases: readonly GenRelease[];
  /** Ship `py.typed` and an `__init__.pyi` (so `mochi-pkg lock` can wrap it). */
  readonly typed?: boolean;
  /** Add a file of this many incompressible bytes before the `.dist-info` (a large wheel). */
  readonly padBytes?: number;
}

export interface GenUniverse {
  readonly id: string;
  readonly dists: readonly GenDist[];
  /** Root requirement strings. */
  readonly roots: readonly string[];
  /** Built so that the newest release of everything reachable fits: pip and we must agree exactly. */
  readonly conflictFree: boolean;
}

/** A hand-written requirement (active on the target): `name<specifier>[ ; marker]`. */
export const genDep = (name: string, specifier = '', marker = ''): GenDep => ({
  text: `${name}${specifier}${marker ? ` ; ${marker}` : ''}`,
  name,
  specifier,
  extras: [],
  active: true,
});

/** A hand-written release: one pure-Python wheel, no requirements, unless `over` says otherwise. */
export const genRelease = (version: string, over: Partial<GenRelease> = {}): GenRelease => ({
  version,
  deps: [],
  extras: {},
  yanked: false,
  tags: ['py3-none-any'],
  metadataFile: false,
  ...over,
});

/** Tags usable on CPython 3.11, x86-64 Linux (pip: --python-version 3.11 --platform manylinux2014_x86_64). */
export const LINUX_TAGS = [
  'py3-none-any',
  'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
  'cp311-abi3-manylinux2014_x86_64',
];
/** A native wheel for each platform the lock targets: linux x86-64, macOS arm64, Windows x64. */
const NATIVE_TAGS = [LINUX_TAGS[1]!, 'cp311-cp311-macosx_11_0_arm64', 'cp311-cp311-win_amd64'];
/** The same, with a universal2 wheel that claims macOS 10.9 (an arm64 Mac still installs it). */
const NATIVE_OLD_MAC_TAGS = [LINUX_TAGS[1]!, 'cp311-cp311-macosx_10_9_universal2', 'cp311-cp311-win_amd64'];
/** Wheels for some targets only, or for none (cp312 on a 3.11 target, 32-bit Windows, Intel macOS). */
const ONE_PLATFORM_TAGS = [
  'cp311-cp311-win_amd64',
  'cp312-cp312-manylinux2014_x86_64',
  'cp311-cp311-macosx_10_9_universal2',
  'cp311-cp311-macosx_11_0_x86_64',
  'cp311-cp311-win32',
];
/** Several wheels per platform, so tag priority decides: newer macOS first, abi3 over none-any. */
const RANKED_TAGS = [
  LINUX_TAGS[0]!,
  LINUX_TAGS[2]!,
  'cp310-abi3-macosx_12_0_universal2',
  'cp311-cp311-macosx_14_0_arm64',
  'cp311-none-win_amd64',
];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/**
 * A random universe: 3–7 distributions with 1–4 releases, diamonds, extras, markers,
 * requires-python, yanked files, platform-only wheels (linux, macOS, Windows). A conflict-free
 * universe keeps every requirement satisfiable by the newest release, which is never yanked, has a
 * wheel for every platform and admits 3.11; the others may backtrack deeply or have no solution.
 */
export function generateUniverse(seed: number, conflictFree: boolean): GenUniverse {
  const r = rng(seed * 7919 + (conflictFree ? 1 : 0));
  const id = `u${seed}${conflictFree ? 'c' : 'w'}`;
  const n = 3 + r(5);
  const names = Array.from({ length: n }, (_, i) => `${id}p${i}`);
  const counts = names.map(() => 1 + r(4));
  const versionOf = (k: number) => `${1 + k}.${r(2)}`;
  const versions = names.map((_, i) => {
    const out: string[] = [];
    for (let k = 0; k < counts[i]!; k++) out.push(versionOf(k));
    return out;
  });
  const markers: [string, boolean][] = [
    ['', true],
    ['', true],
    ['', true],
    ['sys_platform == "linux"', true],
    ['sys_platform == "win32"', false],
    ['python_version >= "3.8"', true],
    ['python_version < "3.10"', false],
  ];
  const spec = (j: number): string => {
    const vs = versions[j]!;
    const top = vs[vs.length - 1]!;
    const pick = vs[r(vs.length)]!;
    if (conflictFree) {
      const choices = ['', `>=${pick}`, `<=${top}`, `>=${vs[0]}`, `!=${vs.length > 1 ? vs[0] : '0.1'}`];
      const c = choices[r(choices.length)]!;
      return c === `!=${top}` ? '' : c;
    }
    const choices = ['', `>=${pick}`, `<${pick}`, `==${pick}`, `!=${pick}`, `>=${pick},<${top}`, '>=9'];
    return choices[r(choices.length)]!;
  };
  const dep = (j: number, withMarker: boolean, extraName?: string): GenDep => {
    const [marker, active] = withMarker ? markers[r(markers.length)]! : (['', true] as [string, boolean]);
    const s = spec(j);
    const extras = !conflictFree && r(8) === 0 ? ['x'] : [];
    const name = names[j]!;
    const req = `${name}${extras.length ? '[x]' : ''}${s}`;
    const conds = [marker, extraName ? `extra == "${extraName}"` : ''].filter((m) => m !== '');
    const text =
      conds.length === 0
        ? req
        : `${req} ; ${conds.map((c) => (conds.length > 1 ? `(${c})` : c)).join(' and ')}`;
    return { text, name, specifier: s, extras, active };
  };
  const dists: GenDist[] = names.map((name, i) => ({
    name,
    releases: versions[i]!.map((version, k) => {
      const newest = k === versions[i]!.length - 1;
      const deps: GenDep[] = [];
      const extras: Record<string, GenDep[]> = {};
      // Edges only go to later distributions, so there are no cycles (pip handles them, but keep it simple).
      for (let j = i + 1; j < n; j++) {
        const roll = r(5);
        if (roll === 0 || roll === 1) deps.push(dep(j, true));
        else if (roll === 2 && r(2) === 0) {
          const list = extras.x ?? [];
          list.push(dep(j, false, 'x'));
          extras.x = list;
        }
      }
      const rpRoll = r(8);
      const requiresPython =
        rpRoll === 0
          ? { spec: '>=3.8', onPage: r(2) === 0, admits311: true }
          : rpRoll === 1 && !(conflictFree && newest)
            ? { spec: '>=3.12', onPage: r(2) === 0, admits311: false }
            : undefined;
      const yanked = !(conflictFree && newest) && r(7) === 0;
      const tagRoll = r(6);
      const tags =
        tagRoll === 0
          ? r(2) === 0
            ? NATIVE_TAGS
            : NATIVE_OLD_MAC_TAGS
          : tagRoll === 1 && !(conflictFree && newest)
            ? [ONE_PLATFORM_TAGS[r(ONE_PLATFORM_TAGS.length)]!]
            : tagRoll === 2
              ? RANKED_TAGS.filter((_, k) => k === 0 || r(3) !== 0)
              : [LINUX_TAGS[0]!];
      return {
        version,
        deps,
        extras,
        ...(requiresPython ? { requiresPython } : {}),
        yanked,
        tags,
        metadataFile: r(2) === 0,
      };
    }),
  }));
  // Versions may repeat within a distribution (1.0 twice): keep the first.
  const deduped = dists.map((d) => ({
    name: d.name,
    releases: d.releases.filter((rel, k) => d.releases.findIndex((x) => x.version === rel.version) === k),
  }));
  const roots: string[] = [];
  roots.push(conflictFree ? names[0]! : `${names[0]}${spec(0)}`);
  if (n > 3 && r(2) === 0)
    roots.push(conflictFree ? `${names[2]}` : `${names[2]}${r(2) ? '[x]' : ''}${spec(2)}`);
  if (!conflictFree && r(3) === 0) roots.push(`${names[1]}==${versions[1]![r(versions[1]!.length)]}`);
  return { id, dists: deduped, roots, conflictFree };
}

function metadataText(d: GenDist, rel: GenRelease): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${d.name}`, `Version: ${rel.version}`];
  if (rel.requiresPython) lines.push(`Requires-Python: ${rel.requiresPython.spec}`);
  for (const x of Object.keys(rel.extras)) lines.push(`Provides-Extra: ${x}`);
  for (const dep of rel.deps) lines.push(`Requires-Dist: ${dep.text}`);
  for (const list of Object.values(rel.extras))
    for (const dep of list) lines.push(`Requires-Dist: ${dep.text}`);
  return `${lines.join('\n')}\n\nA generated distribution.\n`;
}

/** `n` deterministic bytes that do not compress. */
function noise(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < n; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function zip(entries: [string, string | Buffer][]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, data] of entries) z.addBuffer(Buffer.from(data), name, { mtime: new Date(0) });
  z.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

interface ServedFile {
  filename: string;
  sha256: string;
  size: number;
  requiresPython?: string;
  yanked: boolean;
  metadata?: { sha256: string };
}

/** Writes a universe's wheels, metadata files and project pages (both forms) under `dir`. */
export async function writeUniverse(dir: string, u: GenUniverse): Promise<void> {
  await mkdir(join(dir, 'files'), { recursive: true });
  for (const d of u.dists) {
    const files: ServedFile[] = [];
    for (const rel of d.releases) {
      const meta = metadataText(d, rel);
      for (const tag of rel.tags) {
        const filename = `${d.name}-${rel.version}-${tag}.whl`;
        const info = `${d.name}-${rel.version}.dist-info`;
        const bytes = await zip([
          [`${d.name}/__init__.py`, ''],
          ...(d.padBytes
            ? ([[`${d.name}/_data.bin`, noise(d.padBytes, filename)]] as [string, Buffer][])
            : []),
          ...(d.typed
            ? ([
                [`${d.name}/py.typed`, ''],
                [`${d.name}/__init__.pyi`, 'def answer() -> int: ...\n'],
              ] as [string, string][])
            : []),
          [`${info}/METADATA`, meta],
          [
            `${info}/WHEEL`,
            `Wheel-Version: 1.0\nGenerator: mochi-pkg-test\nRoot-Is-Purelib: true\nTag: ${tag}\n`,
          ],
          [`${info}/RECORD`, ''],
        ]);
        await writeFile(join(dir, 'files', filename), bytes);
        const f: ServedFile = {
          filename,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          size: bytes.length,
          yanked: rel.yanked,
          ...(rel.requiresPython?.onPage ? { requiresPython: rel.requiresPython.spec } : {}),
        };
        if (rel.metadataFile) {
          await writeFile(join(dir, 'files', `${filename}.metadata`), meta);
          f.metadata = { sha256: createHash('sha256').update(meta).digest('hex') };
        }
        files.push(f);
      }
    }
    await mkdir(join(dir, 'simple', d.name), { recursive: true });
    const json = {
      meta: { 'api-version': '1.1' },
      name: d.name,
      files: files.map((f) => ({
        filename: f.filename,
        url: `../../files/${f.filename}`,
        hashes: { sha256: f.sha256 },
        size: f.size,
        ...(f.requiresPython ? { 'requires-python': f.requiresPython } : {}),
        ...(f.yanked ? { yanked: 'generated' } : {}),
        ...(f.metadata ? { 'core-metadata': { sha256: f.metadata.sha256 } } : {}),
      })),
      versions: [],
    };
    await writeFile(join(dir, 'simple', d.name, 'index.json'), JSON.stringify(json));
    const esc = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const anchors = files.map(
      (f) =>
        `<a href="../../files/${f.filename}#sha256=${f.sha256}"${f.requiresPython ? ` data-requires-python="${esc(f.requiresPython)}"` : ''}${f.yanked ? ' data-yanked="generated"' : ''}${f.metadata ? ` data-dist-info-metadata="sha256=${f.metadata.sha256}" data-core-metadata="sha256=${f.metadata.sha256}"` : ''}>${f.filename}</a><br/>`,
    );
    await writeFile(
      join(dir, 'simple', d.name, 'index.html'),
      `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"></head><body>\n${anchors.join('\n')}\n</body></html>\n`,
    );
  }
}

/** The one range of a `Range: bytes=…` header (`a-b`, `a-`, `-n`) within `size`, or undefined. */
function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return [Math.max(0, size - Number(m[2])), size - 1];
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end ? [start, end] : undefined;
}

/**
 * Serves `dir` on 127.0.0.1: `/simple/<name>/` as PEP 691 JSON when the client asks for it and
 * `json` is set, else PEP 503 HTML; `/files/…` as bytes, honouring a single `Range` with `206`
 * when `ranges` is set (else the whole file, as a server without range support). Closes itself
 * after `lifetimeMs`. `fileBytes()` counts the body bytes of `/files/…` answers.
 */
export async function serveIndex(
  dir: string,
  options: { json: boolean; lifetimeMs?: number; ranges?: boolean },
): Promise<{
  url: string;
  server: Server;
  requests: () => number;
  fileBytes: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  let fileBytes = 0;
  const server = createServer(async (req, res) => {
    requests++;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      const m = /^\/simple\/([^/]+)\/?$/.exec(path);
      if (m) {
        const wantsJson =
          options.json && (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json');
        const body = await readFile(join(dir, 'simple', m[1]!, wantsJson ? 'index.json' : 'index.html'));
        res.writeHead(200, {
          'content-type': wantsJson ? 'application/vnd.pypi.simple.v1+json' : 'text/html',
          'content-length': body.length,
        });
        res.end(body);
        return;
      }
      if (path.startsWith('/files/')) {
        const body = await readFile(join(dir, path));
        const range = options.ranges ? byteRange(req.headers.range, body.length) : undefined;
        if (range) {
          const part = body.subarray(range[0], range[1] + 1);
          fileBytes += part.length;
          res.writeHead(206, {
            'content-type': 'application/octet-stream',
            'content-length': part.length,
            'content-range': `bytes ${range[0]}-${range[1]}/${body.length}`,
          });
          res.end(part);
          return;
        }
        fileBytes += body.length;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
        return;
      }
      res.writeHead(404).end();
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => server.close(), options.lifetimeMs ?? 600_000);
  timer.unref();
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    server,
    requests: () => requests,
    fileBytes: () => fileBytes,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
