// A verified cache of Python build results, so that `lock --check` on an unchanged project does not
// load the .pyi parser or rebuild a wrapper. The key is a SHA-256 over everything a build reads: the
// targets' stub files (by content), the Python target, the stub directories (every .pyi path with its
// size and modification time) and the build code itself (the bundle's build id, or unbundled, its
// files' sizes and modification times).
// A hit is used only when the cached wrapper renders to exactly the cached shim with the cached SHA-256.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMochiPkgError } from '../errors.js';
import type { BuildRequest, BuildResult, TargetResult } from '../python/build/types.js';
import { renderShim, shimSha256 } from '../python/wrapper/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { isAbsent } from '../util/read.js';
import { VERSION } from '../version.js';
import type { BuildFn } from './lock.js';

/** Bumped when the entry's shape changes. */
const FORMAT = 1;
/** The most files a fingerprint walks under one directory (typeshed has about 5,200 stubs). */
const MAX_FILES = 100_000;
/** The largest cache entry read back. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/**
 * Every file under `dir` whose name passes `keep`, as `path size mtime` lines, sorted; missing → empty.
 * Synchronous on purpose: one `stat` per file through the thread pool cost a warm `lock --check`
 * about 20 ms for the build code's ~100 files alone (see checkMemo's treeStamp).
 */
function treeStamp(dir: string, keep: (name: string) => boolean): string {
  const lines: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  } catch (e) {
    if (isAbsent(e)) return '';
    throw e;
  }
  for (const rel of entries.slice(0, MAX_FILES)) {
    if (!keep(rel)) continue;
    // A file that vanished since the listing is left out.
    const st = statSync(join(dir, rel), { bigint: true, throwIfNoEntry: false });
    if (st?.isFile()) lines.push(`${rel} ${st.size} ${st.mtimeNs}`);
  }
  if (entries.length > MAX_FILES) lines.push(`+${entries.length - MAX_FILES} more`);
  return lines.join('\n');
}

let codeStamp: Promise<string> | undefined;

declare const __MOCHI_BUILD_ID__: string | undefined;

/**
 * The build code's identity: the version, and the bundle's build id (a hash of every source file,
 * package.json and package-lock.json it was built from; see scripts/bundle.ts) or, unbundled, every
 * file of the Python build's folder.
 */
function buildCodeStamp(): Promise<string> {
  codeStamp ??= Promise.resolve(
    typeof __MOCHI_BUILD_ID__ === 'string'
      ? `${VERSION}\nbuild ${__MOCHI_BUILD_ID__}`
      : `${VERSION}\n${treeStamp(fileURLToPath(new URL('../python/', import.meta.url)), (n) => /\.(js|ts|wasm)$/.test(n))}`,
  );
  return codeStamp;
}

/** The cache key of a build request over the given stub directories. */
export async function buildKey(req: BuildRequest, roots: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  const line = (s: string) => h.update(`${s}\n`);
  line(`mochi-pkg-build-cache ${FORMAT}`);
  line(await buildCodeStamp());
  line(JSON.stringify(req.python ?? null));
  for (const t of req.targets) {
    line(JSON.stringify([t.spec, t.alias, t.stubs.module]));
    for (const [path, text] of [...t.stubs.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      line(`${JSON.stringify(path)} ${createHash('sha256').update(text).digest('hex')}`);
    }
  }
  for (const r of roots) {
    line(`root ${JSON.stringify(r)}`);
    line(treeStamp(r, (n) => n.endsWith('.pyi')));
  }
  return h.digest('hex');
}

/** A cached result is used only when every target is whole: alias in order, and wrapper → shim → SHA-256. */
function verified(req: BuildRequest, value: unknown): BuildResult | undefined {
  const targets = (value as { targets?: unknown })?.targets;
  if (!Array.isArray(targets) || targets.length !== req.targets.length) return undefined;
  for (const [i, t] of (targets as TargetResult[]).entries()) {
    if (t?.alias !== req.targets[i]!.alias || typeof t.shim !== 'string') return undefined;
    try {
      if (renderShim(t.wrapper) !== t.shim || shimSha256(t.shim) !== t.shimSha256) return undefined;
    } catch (e) {
      // A damaged entry (a wrapper that no longer renders) is a miss, never an error.
      if (e instanceof TypeError || e instanceof RangeError) return undefined;
      throw e;
    }
  }
  return value as BuildResult;
}

/**
 * `load()`'s build behind the verified cache in `dir`: the build (and the parser it loads) is made
 * only on a miss, and each result built is stored for the next run.
 */
export function cachedBuild(dir: string, roots: readonly string[], load: () => Promise<BuildFn>): BuildFn {
  let build: Promise<BuildFn> | undefined;
  return async (req) => {
    const key = await buildKey(req, roots);
    const file = join(dir, key.slice(0, 2), `${key}.json`);
    const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      // An entry that is absent or unreadable is a miss.
      if (isAbsent(e) || e.code === 'EACCES' || e.code === 'EISDIR') return undefined;
      throw e;
    });
    if (bytes !== undefined && bytes.length <= MAX_ENTRY_BYTES) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        parsed = undefined;
      }
      const hit = verified(req, parsed);
      if (hit) return hit;
    }
    build ??= load();
    const result = await (await build)(req);
    await writeFileAtomic(file, JSON.stringify(result), { mkdirs: true }).catch((e: unknown) => {
      // A cache that cannot be written (read-only, full) only costs the next run a rebuild.
      if (!isMochiPkgError(e, 'file-write')) throw e;
    });
    return result;
  };
}
