// A real S3-compatible server on 127.0.0.1 for storage tests: moto's server (Python), one bucket made.
//
// Chosen over the s3rver npm package after measuring both: s3rver writes an upload straight into
// the object's final file (a reader sees a partial object mid-upload, and an aborted upload stays
// visible), ignores `If-None-Match: *`, and stores the SDK's aws-chunked framing of streamed bodies
// as object bytes. moto buffers a request before storing it (all or nothing, like S3), answers
// conditional writes with 412, and decodes aws-chunked bodies.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Oracle } from './oracles.js';

export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** The environment `serve --storage s3://…` needs to reach it. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export const TEST_S3_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** moto's S3 server (`moto_server`, from the `moto` Python package) as an oracle. */
export function s3Oracle(): Oracle {
  try {
    execFileSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 30_000 });
    return { available: true, reason: '' };
  } catch {
    return { available: false, reason: 'moto_server (pip install "moto[server]") is not on PATH' };
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts moto_server on a free port (it stops when the test process ends) and creates `bucket`. */
export async function startTestS3(bucket = 'mochi-test'): Promise<TestS3> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const sdk = await import('@aws-sdk/client-s3');
  const client = new sdk.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: TEST_S3_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    // Bounded wait for the server to come up (a Python start on a busy machine takes seconds).
    for (let i = 0; ; i++) {
      try {
        await client.send(new sdk.CreateBucketCommand({ Bucket: bucket }));
        break;
      } catch (e) {
        if (i >= 120 || proc.exitCode !== null) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } catch (e) {
    proc.kill('SIGTERM');
    throw e;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    bucket,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: TEST_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_S3_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    async close() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
