// The Python index mirror of `serve`: negotiated PEP 691/503 pages, PEP 658 metadata, sha256 verification
// before storing, a hostile upstream, store-only pages, S3 storage, and the real pip installing through it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHtmlPage, parseJsonPage } from '../../src/python/registry/index.js';
import { negotiate, type ServeInstance, startServeFromConfig } from '../../src/serve/index.js';
import { describeWithOracle, pythonOracle } from '../support/oracles.js';
import { type GenUniverse, genDep, genRelease, serveIndex, writeUniverse } from '../support/pyindex.js';
import { s3Oracle, startTestS3, type TestS3 } from '../support/s3.js';

const UNIVERSE: GenUniverse = {
  id: 'mirror',
  roots: ['pmalpha'],
  conflictFree: true,
  dists: [
    {
      name: 'pmalpha',
      releases: [
        genRelease('1.0'),
        genRelease('2.0', { deps: [genDep('pmbeta', '>=1.0')], metadataFile: true }),
      ],
    },
    {
      name: 'pmbeta',
      releases: [genRelease('1.0', { requiresPython: { spec: '>=3.8', onPage: true, admits311: true } })],
    },
  ],
};

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const JSON_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

/** The PEP 691 JSON page of `project` from the index at `base`, parsed. */
async function jsonPage(base: string, project: string) {
  const url = `${base}/simple/${project}/`;
  return parseJsonPage(await (await fetch(url, { headers: { accept: JSON_ACCEPT } })).text(), url, project);
}

let work = '';
let good: Awaited<ReturnType<typeof serveIndex>>;
let goodHtml: Awaited<ReturnType<typeof serveIndex>>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mochi-serve-py-'));
  await writeUniverse(join(work, 'up'), UNIVERSE);
  good = await serveIndex(join(work, 'up'), { json: true, lifetimeMs: 120_000 });
  goodHtml = await serveIndex(join(work, 'up'), { json: false, lifetimeMs: 120_000 });
});
afterAll(async () => {
  await good?.close();
  await goodHtml?.close();
  rmSync(work, { recursive: true, force: true });
});

function start(
  name: string,
  indexUrls: string[],
  storage = `dir:${join(work, name)}`,
): Promise<ServeInstance> {
  return startServeFromConfig({
    listen: '127.0.0.1:0',
    storage,
    goProxy: 'off',
    sumdb: 'off',
    indexUrls,
    cwd: work,
    env: {},
  });
}

describe('content negotiation', () => {
  it('chooses as PyPI does: JSON when preferred, text/html by default and on ties, 406 when nothing fits', () => {
    expect(negotiate(JSON_ACCEPT)).toBe('json');
    expect(negotiate(undefined)).toBe('text-html');
    expect(negotiate('*/*')).toBe('text-html');
    expect(negotiate('text/html,application/xhtml+xml,*/*;q=0.8')).toBe('text-html');
    expect(negotiate('application/vnd.pypi.simple.latest+json')).toBe('json');
    expect(negotiate('application/vnd.pypi.simple.v1+html')).toBe('html');
    expect(negotiate('application/json')).toBeUndefined();
    expect(negotiate('text/html;q=0, application/vnd.pypi.simple.v1+json;q=0.5')).toBe('json');
    expect(negotiate(undefined, 'application/vnd.pypi.simple.v1+json')).toBe('json');
  });
});

describe('pull-through mirror', () => {
  let inst: ServeInstance;
  beforeAll(async () => {
    inst = await start('store', [good.url]);
  });
  afterAll(async () => {
    await inst?.shutdown(100);
  });

  it('answers JSON and HTML pages that point at itself, with the upstream hashes and PEP 658/714 keys', async () => {
    const jr = await fetch(`${inst.url}/simple/pmalpha/`, { headers: { accept: JSON_ACCEPT } });
    expect(jr.status).toBe(200);
    expect(jr.headers.get('content-type')).toBe('application/vnd.pypi.simple.v1+json');
    expect(jr.headers.get('vary')).toBe('Accept');
    const jpage = parseJsonPage(await jr.text(), `${inst.url}/simple/pmalpha/`, 'pmalpha');
    const hr = await fetch(`${inst.url}/simple/pmalpha/`);
    expect(hr.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const hpage = parseHtmlPage(await hr.text(), `${inst.url}/simple/pmalpha/`, 'pmalpha');
    const upstream = JSON.parse(readFileSync(join(work, 'up/simple/pmalpha/index.json'), 'utf8')) as {
      files: { filename: string; hashes: { sha256: string }; 'core-metadata'?: { sha256: string } }[];
    };
    for (const page of [jpage, hpage]) {
      expect(page.files.map((f) => [f.filename, f.hashes.sha256, f.coreMetadata?.sha256])).toEqual(
        upstream.files.map((f) => [f.filename, f.hashes.sha256, f['core-metadata']?.sha256]),
      );
      for (const f of page.files) expect(f.url.startsWith(`${inst.url}/python/files/pmalpha/`)).toBe(true);
    }
    const raw = JSON.parse(
      await (await fetch(`${inst.url}/simple/pmalpha/?format=application/vnd.pypi.simple.v1+json`)).text(),
    );
    const withMeta = raw.files.find((f: { filename: string }) => f.filename.startsWith('pmalpha-2.0'));
    expect(withMeta['dist-info-metadata']).toEqual(withMeta['core-metadata']);
    // PEP 700: the project's versions, read off its file names, each once.
    const fromNames = new Set(
      upstream.files.map((f) => /^pmalpha-([^-]+?)(?:-|\.tar\.gz$|\.zip$)/.exec(f.filename)?.[1]),
    );
    expect(new Set(raw.versions)).toEqual(fromNames);
    expect(raw.versions).toHaveLength(fromNames.size);
  });

  it('redirects non-normalised names, refuses unacceptable types, 404s unknown projects', async () => {
    const r = await fetch(`${inst.url}/simple/PMAlpha`, { redirect: 'manual' });
    expect([r.status, r.headers.get('location')]).toEqual([301, '/simple/pmalpha/']);
    const n = await fetch(`${inst.url}/simple/pmalpha/`, { headers: { accept: 'application/json' } });
    expect(n.status).toBe(406);
    expect((await fetch(`${inst.url}/simple/nosuchproject/`)).status).toBe(404);
    expect((await fetch(`${inst.url}/python/files/pmalpha/${'0'.repeat(64)}/x.whl`)).status).toBe(404);
  });

  it('serves each file and metadata file verified, stores them once, and lists stored projects at the root', async () => {
    const page = await jsonPage(inst.url, 'pmalpha');
    const f = page.files.find((x) => x.coreMetadata !== undefined)!;
    const before = good.requests();
    const bodies = await Promise.all(
      Array.from({ length: 8 }, async () => new Uint8Array(await (await fetch(f.url)).arrayBuffer())),
    );
    for (const b of bodies) expect(sha(b)).toBe(f.hashes.sha256);
    // Eight concurrent requests for a missing wheel: one upstream download.
    expect(good.requests() - before).toBe(1);
    const meta = new Uint8Array(await (await fetch(`${f.url}.metadata`)).arrayBuffer());
    expect(sha(meta)).toBe(f.coreMetadata!.sha256);
    const stored = readFileSync(join(work, 'store/python/files', f.hashes.sha256!, f.filename));
    expect(sha(stored)).toBe(f.hashes.sha256);
    const again = await fetch(f.url);
    expect(again.headers.get('cache-control')).toContain('immutable');
    expect(good.requests() - before).toBe(2);
    const root = (await (
      await fetch(`${inst.url}/simple/`, { headers: { accept: JSON_ACCEPT } })
    ).json()) as {
      projects: unknown;
    };
    expect(root.projects).toEqual([{ name: 'pmalpha' }]);
  });

  it('mirrors an HTML-only upstream, reading a wheel’s metadata from the verified wheel when no hash is given', async () => {
    // The same files through a second mirror whose upstream only speaks HTML.
    const other = await start('store-html', [goodHtml.url]);
    try {
      const page = await jsonPage(other.url, 'pmalpha');
      const f = page.files.find((x) => x.coreMetadata !== undefined)!;
      const meta = new Uint8Array(await (await fetch(`${f.url}.metadata`)).arrayBuffer());
      expect(sha(meta)).toBe(f.coreMetadata!.sha256);
    } finally {
      await other.shutdown(100);
    }
  });

  it('renders pages from the store when the upstream is gone', async () => {
    const dead = await serveIndex(join(work, 'up'), { json: true });
    const url = dead.url;
    const first = await start('store-offline', [url]);
    try {
      const page = await jsonPage(first.url, 'pmbeta');
      for (const f of page.files) expect((await fetch(f.url)).status).toBe(200);
    } finally {
      await first.shutdown(100);
      await dead.close();
    }
    const offline = await start('store-offline', []);
    try {
      const res = await fetch(`${offline.url}/simple/pmbeta/`, { headers: { accept: JSON_ACCEPT } });
      const page = parseJsonPage(await res.text(), `${offline.url}/simple/pmbeta/`, 'pmbeta');
      expect(page.files.map((f) => [f.filename, f.requiresPython])).toEqual([
        ['pmbeta-1.0-py3-none-any.whl', '>=3.8'],
      ]);
      expect(sha(new Uint8Array(await (await fetch(page.files[0]!.url)).arrayBuffer()))).toBe(
        page.files[0]!.hashes.sha256,
      );
    } finally {
      await offline.shutdown(100);
    }
  });
});

describe('a hostile upstream', () => {
  it('never poisons the store: a wheel or metadata file that does not match the page is refused with 502', async () => {
    const dir = join(work, 'evil');
    await writeUniverse(dir, UNIVERSE);
    const json = JSON.parse(readFileSync(join(dir, 'simple/pmalpha/index.json'), 'utf8')) as {
      files: { filename: string }[];
    };
    const wheel = json.files[0]!.filename;
    const metaOf = json.files.find((f) => f.filename.startsWith('pmalpha-2.0'))!.filename;
    // Same sizes, other bytes: the page still gives the honest hashes.
    for (const name of [wheel, `${metaOf}.metadata`]) {
      const b = readFileSync(join(dir, 'files', name));
      b[b.length - 2] = (b[b.length - 2]! + 1) % 256;
      writeFileSync(join(dir, 'files', name), b);
    }
    const evil = await serveIndex(dir, { json: true });
    const inst = await start('store-evil', [evil.url]);
    try {
      const page = await jsonPage(inst.url, 'pmalpha');
      const bad = page.files.find((f) => f.filename === wheel)!;
      const res = await fetch(bad.url);
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('serve-verify');
      const meta = page.files.find((f) => f.filename === metaOf)!;
      expect((await fetch(`${meta.url}.metadata`)).status).toBe(502);
      expect(existsSync(join(work, 'store-evil/python/files', bad.hashes.sha256!))).toBe(false);
      expect(
        existsSync(join(work, 'store-evil/python/files', meta.hashes.sha256!, `${metaOf}.metadata`)),
      ).toBe(false);
      expect(inst.metrics.render()).toContain('mochi_serve_rejected_total 2');
      // The honest wheel of the same page is still served.
      expect((await fetch(meta.url)).status).toBe(200);
    } finally {
      await inst.shutdown(100);
      await evil.close();
    }
  });
});

describe('an http upstream listing local files', () => {
  it('is not followed: a file: URL on an http page is left off and not fetched', async () => {
    const dir = join(work, 'local-links');
    await writeUniverse(dir, UNIVERSE);
    const page = join(dir, 'simple/pmbeta/index.json');
    const json = JSON.parse(readFileSync(page, 'utf8')) as {
      files: { filename: string; url: string; hashes: { sha256: string } }[];
    };
    const f = json.files[0]!;
    f.url = pathToFileURL(join(dir, 'files', f.filename)).href;
    writeFileSync(page, JSON.stringify(json));
    const up = await serveIndex(dir, { json: true });
    const inst = await start('store-local-links', [up.url]);
    try {
      const res = await fetch(`${inst.url}/simple/pmbeta/`, { headers: { accept: JSON_ACCEPT } });
      expect(parseJsonPage(await res.text(), `${inst.url}/simple/pmbeta/`, 'pmbeta').files).toEqual([]);
      const direct = await fetch(`${inst.url}/python/files/pmbeta/${f.hashes.sha256}/${f.filename}`);
      expect(direct.status).toBe(404);
    } finally {
      await inst.shutdown(100);
      await up.close();
    }
  });
});

describeWithOracle(pythonOracle(), 'pip through the mirror', () => {
  it('pip install resolves and installs from serve (metadata files and wheels verified)', async () => {
    const lines: string[] = [];
    const inst = await startServeFromConfig({
      listen: '127.0.0.1:0',
      storage: `dir:${join(work, 'store-pip')}`,
      goProxy: 'off',
      sumdb: 'off',
      indexUrls: [good.url],
      log: (l) => lines.push(l),
      cwd: work,
      env: {},
    });
    try {
      const target = join(work, 'pip-target');
      // Run asynchronously so the in-process server keeps answering.
      const code = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn(
          'python3',
          [
            '-m',
            'pip',
            'install',
            '--index-url',
            `${inst.url}/simple/`,
            '--target',
            target,
            '--no-cache-dir',
            '--disable-pip-version-check',
            '--quiet',
            'pmalpha',
          ],
          {
            env: {
              ...process.env,
              PIP_CONFIG_FILE: '/dev/null',
              PIP_NO_INPUT: '1',
              PIP_ROOT_USER_ACTION: 'ignore',
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        p.stderr.on('data', (c: Buffer) => {
          err += c.toString();
        });
        const timer = setTimeout(() => p.kill(), 60_000);
        p.on('close', (c) => {
          clearTimeout(timer);
          resolve({ code: c, err });
        });
      });
      expect(code).toEqual({ code: 0, err: '' });
      expect(existsSync(join(target, 'pmalpha-2.0.dist-info'))).toBe(true);
      expect(existsSync(join(target, 'pmbeta-1.0.dist-info'))).toBe(true);
      const paths = lines.map((l) => JSON.parse(l) as { path: string; status: number });
      expect(paths.filter((p) => p.status !== 200)).toEqual([]);
      expect(paths.some((p) => p.path.endsWith('pmalpha-2.0-py3-none-any.whl'))).toBe(true);
      expect(paths.some((p) => p.path.endsWith('pmbeta-1.0-py3-none-any.whl'))).toBe(true);
      // pip read pmalpha 2.0's dependencies from its PEP 658 metadata file before the wheel.
      expect(paths.some((p) => p.path.endsWith('pmalpha-2.0-py3-none-any.whl.metadata'))).toBe(true);
    } finally {
      await inst.shutdown(100);
    }
  });
});

describeWithOracle(s3Oracle(), 'the mirror on S3', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3('mochi-py');
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('stores verified files in the bucket and serves them from it to a second instance', async () => {
    const cfg = (indexUrls: string[]) => ({
      listen: '127.0.0.1:0',
      storage: `s3://${s3.bucket}/py`,
      goProxy: 'off',
      sumdb: 'off',
      indexUrls,
      cwd: work,
      env: s3.env,
    });
    const a = await startServeFromConfig(cfg([good.url]));
    const b = await startServeFromConfig(cfg([]));
    try {
      const page = await jsonPage(a.url, 'pmbeta');
      const f = page.files[0]!;
      expect(sha(new Uint8Array(await (await fetch(f.url)).arrayBuffer()))).toBe(f.hashes.sha256);
      const fromB = await fetch(f.url.replace(a.url, b.url));
      expect(sha(new Uint8Array(await fromB.arrayBuffer()))).toBe(f.hashes.sha256);
      const bPage = await (await fetch(`${b.url}/simple/pmbeta/`)).text();
      expect(parseHtmlPage(bPage, `${b.url}/simple/pmbeta/`, 'pmbeta').files.map((x) => x.filename)).toEqual([
        f.filename,
      ]);
    } finally {
      await a.shutdown(100);
      await b.shutdown(100);
    }
  });
});
