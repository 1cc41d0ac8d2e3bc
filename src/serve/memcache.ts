// A bounded in-memory copy of small stored objects in front of a remote store (every key is immutable).
import { inMemoryObject, type PutSource, readObject, type Storage, type StoredObject } from './storage.js';

/** Objects over this size are never held in memory (zips of big modules, wheels). */
const DEFAULT_MAX_OBJECT = 1 << 20;

/**
 * Keeps the most recently read small objects of `inner` in memory, up to `maxBytes` in all
 * (least recently used dropped first). Safe because a store key is only ever created, never
 * changed: a copy read once is the object for good. Only objects read whole from the store, or
 * written by this instance and accepted (`stored`), are kept; absences are never remembered.
 */
export class MemoryCachedStorage implements Storage {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly inner: Storage,
    private readonly maxBytes: number,
    private readonly maxObject = DEFAULT_MAX_OBJECT,
  ) {}

  get describe(): string {
    return this.inner.describe;
  }

  private remember(key: string, data: Buffer): void {
    if (data.length > this.maxObject || data.length > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, data);
    this.bytes += data.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  private recall(key: string): Buffer | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const hit = this.recall(key);
    if (hit !== undefined) return inMemoryObject(hit);
    const obj = await this.inner.get(key);
    if (obj === undefined || obj.size > this.maxObject) return obj;
    const data = await readObject(obj);
    this.remember(key, data);
    return inMemoryObject(data);
  }

  async head(key: string): Promise<number | undefined> {
    return this.recall(key)?.length ?? this.inner.head(key);
  }

  async putIfAbsent(key: string, data: PutSource): Promise<'stored' | 'exists'> {
    const r = await this.inner.putIfAbsent(key, data);
    if (r === 'stored' && data instanceof Uint8Array) {
      this.remember(key, Buffer.from(data));
    }
    return r;
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
