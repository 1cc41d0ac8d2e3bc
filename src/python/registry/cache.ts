// Content-addressed cache of wheels (by sha256) and of project pages (for --offline); atomic, verified.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import { defaultAreaCacheRoot } from '../../util/cacheRoot.js';
import { isAbsent } from '../../util/read.js';
import type { ProjectPage } from './simple.js';

/** Environment variable that overrides the Python cache root. */
export const PYTHON_CACHE_ENV = 'MOCHI_PYTHON_CACHE';

/**
 * The default root of every Python stub source's cache (index pages and wheels here, git mirrors
 * in `project`): `$MOCHI_PYTHON_CACHE`; else `mochi-pkg/python` in the user's cache directory
 * (`$XDG_CACHE_HOME` or `~/.cache`, `~/Library/Caches` on macOS, `%LocalAppData%` on Windows),
 * beside the Go module cache (`mochi-pkg/go`).
 */
export function defaultPythonCacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  return defaultAreaCacheRoot('python', PYTHON_CACHE_ENV, { env, platform, home });
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `<root>/registry/sha256/<first two hex>/<hex>`: where a wheel with that digest lives. */
export function contentPath(root: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`internal: not a sha256 hex digest: ${sha256}`);
  return join(root, 'registry', 'sha256', sha256.slice(0, 2), sha256);
}

/** `<root>/registry/pages/<sha256(index URL), 16 hex>/<name>.json`: the last page seen for a project. */
export function pagePath(root: string, indexUrl: string, name: string): string {
  const key = createHash('sha256').update(indexUrl).digest('hex').slice(0, 16);
  return join(root, 'registry', 'pages', key, `${name}.json`);
}

/** Lowercase-hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The registry's on-disk cache. Wheels are stored under their sha256 only after the bytes were
 * hashed and found equal (so a present file is a verified file); every write is atomic, so
 * concurrent processes sharing the cache never see half a file. A stored file that no longer
 * hashes to its name (disk damage, tampering) is treated as a miss and removed.
 */
export class RegistryCache {
  constructor(readonly root: string) {}

  /** The wheel with this sha256, re-verified, or undefined. */
  async getContent(sha256: string): Promise<Uint8Array | undefined> {
    const path = contentPath(this.root, sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if (isAbsent(e)) return undefined;
      throw e;
    }
    if (sha256Hex(bytes) !== sha256) {
      await unlink(path).catch(() => {});
      return undefined;
    }
    return bytes;
  }

  /** Stores bytes whose sha256 the caller has already verified equals `sha256`. */
  async putContent(sha256: string, bytes: Uint8Array): Promise<string> {
    if (sha256Hex(bytes) !== sha256)
      throw new Error('internal: putContent with bytes that do not match their digest');
    const path = contentPath(this.root, sha256);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, bytes);
    return path;
  }

  /** The cached project page for an index, or undefined. */
  async getPage(indexUrl: string, name: string): Promise<ProjectPage | undefined> {
    try {
      // A synchronous read: a resolve reads hundreds of these small files, and each asynchronous read
      // costs four trips through the thread pool (open, stat, read, close).
      return JSON.parse(readFileSync(pagePath(this.root, indexUrl, name), 'utf8')) as ProjectPage;
    } catch (e) {
      if (isAbsent(e) || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  /** Records the page last fetched for a project (what `--offline` resolves from). */
  async putPage(indexUrl: string, name: string, page: ProjectPage): Promise<void> {
    const path = pagePath(this.root, indexUrl, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, `${JSON.stringify(page)}\n`);
  }
}
