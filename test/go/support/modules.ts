// Fixture modules for proxy and cache tests: zips built in memory, served over HTTP or as a file tree.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { escapePath, escapeVersion } from '../../../src/go/module/index.js';
import { buildZip } from '../../support/zipbuild.js';
import { startServer, type TestServer } from './server.js';

export interface FixtureModule {
  readonly path: string;
  readonly version: string;
  readonly info: string;
  readonly mod: Buffer;
  readonly zip: Buffer;
}

/** A module version whose zip holds `files` (plus a go.mod) under `path@version/`. */
export function fixtureModule(
  path: string,
  version: string,
  files: Record<string, string> = { 'foo.go': 'package foo\n' },
): FixtureModule {
  const gomod = files['go.mod'] ?? `module ${path}\n\ngo 1.19\n`;
  const all: Record<string, string> = { ...files, 'go.mod': gomod };
  const zip = buildZip(
    Object.keys(all)
      .sort()
      .map((name) => ({ name: `${path}@${version}/${name}`, data: all[name] ?? '' })),
  );
  return {
    path,
    version,
    info: JSON.stringify({ Version: version, Time: '2023-01-02T03:04:05Z' }),
    mod: Buffer.from(gomod),
    zip,
  };
}

/** The proxy-protocol files of `mods`, keyed by URL path (`/<escaped>/@v/<escaped>.zip`, `…/@v/list`). */
export function proxyFiles(mods: readonly FixtureModule[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const lists = new Map<string, string[]>();
  for (const m of mods) {
    const base = `/${escapePath(m.path)}/@v/`;
    const ev = escapeVersion(m.version);
    files.set(`${base}${ev}.info`, Buffer.from(m.info));
    files.set(`${base}${ev}.mod`, m.mod);
    files.set(`${base}${ev}.zip`, m.zip);
    lists.set(base, [...(lists.get(base) ?? []), m.version]);
  }
  for (const [base, versions] of lists) files.set(`${base}list`, Buffer.from(`${versions.join('\n')}\n`));
  return files;
}

/**
 * Serves `mods` with the proxy protocol on 127.0.0.1. `hook` may answer a request itself (return
 * true) to misbehave; otherwise known paths get 200 and the rest 404.
 */
export function serveModules(
  mods: readonly FixtureModule[],
  hook?: (req: IncomingMessage, res: ServerResponse, n: number) => boolean,
): Promise<TestServer> {
  const files = proxyFiles(mods);
  return startServer((req, res, n) => {
    if (hook?.(req, res, n)) return;
    const body = files.get(decodeURIComponent((req.url ?? '').split('?')[0] ?? ''));
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
}

/** Writes `mods` as a `file://` proxy tree under `root`. */
export async function writeProxyTree(root: string, mods: readonly FixtureModule[]): Promise<void> {
  for (const [rel, body] of proxyFiles(mods)) {
    const p = join(root, ...rel.split('/').filter(Boolean));
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
  }
}

/** Serves a directory laid out as a proxy tree (e.g. a file:// proxy) over HTTP on 127.0.0.1. */
export function serveTree(root: string): Promise<TestServer> {
  return startServer(async (req, res) => {
    const rel = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    if (rel.split('/').includes('..')) {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(join(root, ...rel.split('/').filter(Boolean)));
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
}
