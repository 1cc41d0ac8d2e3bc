// x/mod's checksum database server (sumdb.NewServer over NewTestServer) on 127.0.0.1, from the sumdb oracle program.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildGoProgram } from '../../support/oracles.js';

let serial = 0;

/**
 * Starts one log signed with `skey` over `records` (`{"path@version": "go.sum lines"}`) and
 * returns its URL. It stops itself after 120 s, or as soon as `stop` closes its stdin.
 */
export async function startLog(
  dir: string,
  skey: string,
  records: Record<string, string>,
): Promise<{ url: string; stop(): void }> {
  const bin = buildGoProgram(join(import.meta.dirname, '../../oracles/sumdb/main.go'));
  const file = join(dir, `records-${serial++}.json`);
  writeFileSync(file, JSON.stringify(records));
  const child: ChildProcess = spawn(bin, ['serve', skey, file, '120'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (c) => reject(new Error(`sumdb test server exited (${c})`)));
  });
  rl.close();
  return { url, stop: () => child.stdin?.end() };
}

/** A database and, when `otherSkey` is given, a second log over the same records signed by another key. */
export interface SumdbServer {
  readonly url: string;
  readonly otherUrl: string;
  close(): void;
}

export async function startSumdbServer(
  dir: string,
  skey: string,
  records: Record<string, string>,
  otherSkey?: string,
): Promise<SumdbServer> {
  const a = await startLog(dir, skey, records);
  const b = otherSkey === undefined ? undefined : await startLog(dir, otherSkey, records);
  return {
    url: a.url,
    otherUrl: b?.url ?? a.url,
    close: () => {
      a.stop();
      b?.stop();
    },
  };
}
