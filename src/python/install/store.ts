// The content-addressed store of unpacked wheels: each wheel (by sha256) unpacked once per install variant, atomically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic } from '../../util/atomic.js';
import { InstallError } from './errors.js';
import { type InstallOptions, planWheelInstall } from './plan.js';
import { readWheelMembers } from './read.js';

/** One file of an unpacked wheel, as its manifest records it. */
export interface StoredFile {
  readonly path: string;
  readonly size: number;
  /** Lowercase hex sha256 of the content. */
  readonly sha256: string;
  readonly executable: boolean;
}

/** `manifest.json` of a store entry: written last, so an entry with a manifest is complete. */
export interface StoreManifest {
  readonly format: 1;
  /** The wheel's file name and sha256 (lowercase hex). */
  readonly wheel: string;
  readonly sha256: string;
  readonly name: string;
  readonly version: string;
  readonly distInfo: string;
  readonly topLevel: readonly string[];
  readonly files: readonly StoredFile[];
}

/** A complete store entry: its `tree/` folder and manifest. */
export interface StoredWheel {
  readonly tree: string;
  readonly manifest: StoreManifest;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Unpacked wheels under `<root>/<sha256>-<variant>/`, where the variant is a hash of what the
 * installed bytes depend on besides the wheel (interpreter path, Python version, installer name).
 * An entry is published by one rename of a complete folder; concurrent writers keep whichever
 * landed first. Entries are shared by every project on the machine, and linked into environments.
 */
export class WheelStore {
  constructor(readonly root: string) {}

  /** The folder of the entry for a wheel and install options. */
  entryDir(sha256: string, options: InstallOptions): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`internal: not a sha256 hex digest: ${sha256}`);
    const variant = createHash('sha256')
      .update(
        JSON.stringify([
          options.interpreter,
          options.pythonVersion,
          options.installer ?? '',
          options.directUrl ?? '',
        ]),
      )
      .digest('hex')
      .slice(0, 16);
    return join(this.root, `${sha256}-${variant}`);
  }

  /** The complete entry, or undefined. The manifest is checked for shape, not the files (see {@link verify}). */
  async get(sha256: string, options: InstallOptions): Promise<StoredWheel | undefined> {
    const dir = this.entryDir(sha256, options);
    let text: string;
    try {
      text = await readFile(join(dir, 'manifest.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let manifest: StoreManifest;
    try {
      manifest = JSON.parse(text) as StoreManifest;
    } catch {
      await this.remove(sha256, options);
      return undefined;
    }
    if (manifest.format !== 1 || manifest.sha256 !== sha256 || !Array.isArray(manifest.files)) {
      await this.remove(sha256, options);
      return undefined;
    }
    return { tree: join(dir, 'tree'), manifest };
  }

  /**
   * Re-hashes every file of an entry against its manifest.
   *
   * @throws {InstallError} `install-store-corrupt` naming the first file that differs or is missing
   */
  async verify(entry: StoredWheel): Promise<void> {
    for (const f of entry.manifest.files) {
      let body: Buffer;
      try {
        // Synchronous on purpose: a store entry is many small local files, which read several
        // times faster one after another than as promises through the thread pool.
        body = readFileSync(join(entry.tree, f.path));
      } catch (cause) {
        throw new InstallError(
          'install-store-corrupt',
          `${entry.manifest.wheel}: ${f.path} is missing from the store`,
          {
            cause,
          },
        );
      }
      if (body.length !== f.size || sha256Hex(body) !== f.sha256) {
        throw new InstallError(
          'install-store-corrupt',
          `${entry.manifest.wheel}: ${f.path} was changed in the store`,
          {
            hint: 'an installed file was edited in place (environments hard-link the store); the entry is unpacked again',
          },
        );
      }
    }
  }

  /** Deletes an entry (a damaged one, before unpacking it again). */
  async remove(sha256: string, options: InstallOptions): Promise<void> {
    await rm(this.entryDir(sha256, options), { recursive: true, force: true });
  }

  /**
   * Unpacks a wheel into the store and returns its entry. The bytes must hash to `sha256` (the
   * lock's digest); the wheel is planned (every check of {@link planWheelInstall}) before anything
   * is written, and the entry appears whole or not at all.
   *
   * @throws {InstallError} `install-bad-wheel` when the bytes are not the locked wheel, or any plan error
   */
  async put(file: string, bytes: Uint8Array, sha256: string, options: InstallOptions): Promise<StoredWheel> {
    const got = sha256Hex(bytes);
    if (got !== sha256) {
      throw new InstallError('install-bad-wheel', `${file}: sha256 is ${got}; mochi.lock pins ${sha256}`, {
        hint: 'the cached or downloaded wheel is not the locked one; it was not installed',
      });
    }
    const plan = planWheelInstall(file, await readWheelMembers(bytes, file), options);
    const dir = this.entryDir(sha256, options);
    const manifest: StoreManifest = {
      format: 1,
      wheel: file,
      sha256,
      name: plan.name,
      version: plan.version,
      distInfo: plan.distInfo,
      topLevel: plan.topLevel,
      files: plan.files.map((f) => ({
        path: f.path,
        size: f.body.length,
        sha256: sha256Hex(f.body),
        executable: f.executable,
      })),
    };
    await mkdir(this.root, { recursive: true });
    await writeDirAtomic(
      dir,
      async (tmp) => {
        const made = new Set<string>();
        for (const f of plan.files) {
          const target = join(tmp, 'tree', f.path);
          const parent = join(target, '..');
          if (!made.has(parent)) {
            await mkdir(parent, { recursive: true });
            made.add(parent);
          }
          await writeFile(target, f.body, { mode: f.executable ? 0o755 : 0o644 });
        }
        await mkdir(join(tmp, 'tree'), { recursive: true });
        await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
      },
      { ifExists: 'keep' },
    );
    return { tree: join(dir, 'tree'), manifest };
  }
}
