// The S3-compatible object store behind `serve` (AWS S3, MinIO, GCS's S3 API), on the official AWS SDK v3.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { ServeError } from './errors.js';
import { checkKey, type PutSource, type Storage, type StoredObject } from './storage.js';

/** Where the objects live: bucket, key prefix, and how to reach the store. */
export interface S3Spec {
  readonly bucket: string;
  /** Prepended to every key; empty or ending in `/`. */
  readonly prefix: string;
  /** An S3-compatible endpoint (`http://127.0.0.1:9000` for MinIO); AWS when absent. */
  readonly endpoint?: string;
  readonly region: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and most test servers need. */
  readonly forcePathStyle: boolean;
  /** Explicit credentials; the SDK's default chain (env, profile, instance role) when absent. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Reads `s3://bucket/prefix` plus the environment: `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`
 * (an S3-compatible endpoint, path-style), `AWS_REGION` (default `us-east-1`),
 * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; without those two, the SDK's default chain
 * (shared profile, instance or task role) supplies credentials.
 */
export function parseS3Spec(spec: string, env: NodeJS.ProcessEnv): S3Spec {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(spec);
  if (!m) {
    throw new ServeError(
      'serve-config',
      `--storage ${JSON.stringify(spec)} is not s3://<bucket>[/<prefix>]`,
      {
        hint: 'bucket names are 3–63 lower-case letters, digits, dots and hyphens',
      },
    );
  }
  const rawPrefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  return {
    bucket: m[1] as string,
    prefix: rawPrefix === '' ? '' : `${rawPrefix}/`,
    ...(endpoint === undefined ? {} : { endpoint }),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: endpoint !== undefined,
    ...(id && secret ? { credentials: { accessKeyId: id, secretAccessKey: secret } } : {}),
  };
}

interface SdkError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function status(e: unknown): number | undefined {
  return (e as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/**
 * {@link Storage} on an S3 bucket. A PUT is atomic in S3 (an object is visible whole or not at
 * all, an aborted upload leaves nothing), and `putIfAbsent` sends `If-None-Match: *`, so on stores
 * with conditional writes (AWS S3 since 2024, MinIO, GCS's XML API) the first writer wins and a
 * `412` means "already there". On stores that ignore the header, a racing writer replaces an object
 * with the same verified bytes: every key names immutable content checked before the put.
 */
export class S3Storage implements Storage {
  private constructor(
    private readonly spec: S3Spec,
    private readonly client: S3Client,
    private readonly sdk: typeof import('@aws-sdk/client-s3'),
  ) {}

  /** Loads the SDK (lazily: only `serve --storage s3://` pays for it) and makes the client. */
  static async create(spec: S3Spec): Promise<S3Storage> {
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      region: spec.region,
      forcePathStyle: spec.forcePathStyle,
      // S3-compatible stores (GCS's XML API, older MinIO) reject the SDK's default aws-chunked
      // checksum trailers; send checksums only where an operation requires them.
      ...(spec.endpoint === undefined
        ? {}
        : { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      ...(spec.credentials === undefined ? {} : { credentials: spec.credentials }),
    });
    return new S3Storage(spec, client, sdk);
  }

  get describe(): string {
    return `s3://${this.spec.bucket}/${this.spec.prefix}`;
  }

  private key(key: string): string {
    checkKey(key);
    return `${this.spec.prefix}${key}`;
  }

  private fail(op: string, key: string, e: unknown): ServeError {
    const code = (e as SdkError).Code ?? (e as SdkError).name ?? 'error';
    return new ServeError(
      'serve-storage',
      `${this.describe}: ${op} ${key} failed: ${code} (HTTP ${status(e) ?? '?'})`,
      {
        cause: e,
      },
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const Key = this.key(key);
    const fetchBody = async () => {
      try {
        return await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.spec.bucket, Key }));
      } catch (e) {
        if (status(e) === 404) return undefined;
        throw this.fail('GET', key, e);
      }
    };
    // One GET answers both "is it there" and the bytes; a second open() fetches again.
    let first = await fetchBody();
    if (first === undefined) return undefined;
    return {
      size: first.ContentLength ?? 0,
      open: async () => {
        const out = first ?? (await fetchBody());
        first = undefined;
        if (out === undefined) throw new ServeError('serve-storage', `${this.describe}: ${key} disappeared`);
        return out.Body as Readable;
      },
    };
  }

  async head(key: string): Promise<number | undefined> {
    try {
      const out = await this.client.send(
        new this.sdk.HeadObjectCommand({ Bucket: this.spec.bucket, Key: this.key(key) }),
      );
      return out.ContentLength ?? 0;
    } catch (e) {
      if (status(e) === 404) return undefined;
      if (e instanceof ServeError) throw e;
      throw this.fail('HEAD', key, e);
    }
  }

  async putIfAbsent(key: string, data: PutSource): Promise<'stored' | 'exists'> {
    const Key = this.key(key);
    const body = data instanceof Uint8Array ? data : createReadStream(data.file);
    const length = data instanceof Uint8Array ? data.length : data.size;
    try {
      await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.spec.bucket,
          Key,
          Body: body,
          ContentLength: length,
          IfNoneMatch: '*',
        }),
      );
      return 'stored';
    } catch (e) {
      // 412: the key exists. 409: a concurrent conditional write to the same key is in progress.
      if (status(e) === 412 || status(e) === 409) return 'exists';
      throw this.fail('PUT', key, e);
    } finally {
      if (body instanceof Readable) body.destroy();
    }
  }

  async list(prefix: string): Promise<string[]> {
    const full = prefix === '' ? this.spec.prefix : `${this.key(prefix.replace(/\/$/, ''))}/`;
    const out: string[] = [];
    let token: string | undefined;
    // Bounded: a prefix of one module's versions holds at most a few thousand keys.
    for (let page = 0; page < 1000; page++) {
      let res: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput;
      try {
        res = await this.client.send(
          new this.sdk.ListObjectsV2Command({
            Bucket: this.spec.bucket,
            Prefix: full,
            Delimiter: '/',
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
      } catch (e) {
        throw this.fail('LIST', prefix, e);
      }
      for (const o of res.Contents ?? []) if (o.Key) out.push(o.Key.slice(full.length));
      if (!res.IsTruncated || !res.NextContinuationToken) break;
      token = res.NextContinuationToken;
    }
    return out.filter((n) => n !== '' && !n.includes('/')).sort();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
