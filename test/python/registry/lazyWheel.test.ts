// METADATA by HTTP range requests: a 127.0.0.1 index that honours Range and one that ignores it, and a hostile server.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closureTarget, IndexSession } from '../../../src/python/registry/closure.js';
import { lazyWheelMetadata, type PartFetcher, TAIL_BYTES } from '../../../src/python/registry/lazyWheel.js';
import { resolveClosure } from '../../../src/python/registry/lockClosure.js';
import { readWheelMetadata } from '../../../src/python/registry/metadata.js';
import { type GenDist, genDep, genRelease, serveIndex, writeUniverse } from '../../support/pyindex.js';

const PAD = 2 * 1024 * 1024;
/** Large wheels with no PEP 658 file (metadataFile is false by default), and a small one. */
const DISTS: GenDist[] = [
  {
    name: 'bigapp',
    padBytes: PAD,
    releases: [
      genRelease('1.0', { deps: [genDep('smalldep', '>=1')] }),
      genRelease('2.0', { deps: [genDep('smalldep', '>=2')] }),
    ],
  },
  { name: 'smalldep', releases: [genRelease('1.0'), genRelease('2.0')] },
];

/** A fetcher over bytes in memory that answers ranges as a well-behaved server does, or as told. */
function memoryFetcher(
  bytes: Buffer,
  twist?: (range: string, n: number) => 'whole' | 'wrong' | undefined,
): PartFetcher {
  let n = 0;
  return async (range) => {
    const how = twist?.(range, n++);
    if (how === 'whole') return { status: 200, contentRange: undefined, body: bytes };
    const m = /^bytes=(\d*)-(\d*)$/.exec(range)!;
    const start = m[1] === '' ? Math.max(0, bytes.length - Number(m[2])) : Number(m[1]);
    const end = m[1] === '' ? bytes.length - 1 : Number(m[2]);
    const shift = how === 'wrong' ? 1 : 0;
    return {
      status: 206,
      contentRange: `bytes ${start + shift}-${end}/${bytes.length}`,
      body: bytes.subarray(start + shift, end + 1),
    };
  };
}

describe('wheel METADATA by range requests', () => {
  let work: string;
  let ranged: Awaited<ReturnType<typeof serveIndex>>;
  let plain: Awaited<ReturnType<typeof serveIndex>>;
  let big: Buffer;
  const bigFile = 'bigapp-2.0-py3-none-any.whl';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mochi-lazy-'));
    await writeUniverse(join(work, 'index'), { id: 'l', dists: DISTS, roots: [], conflictFree: true });
    ranged = await serveIndex(join(work, 'index'), { json: true, ranges: true });
    plain = await serveIndex(join(work, 'index'), { json: false });
    big = await readFile(join(work, 'index', 'files', bigFile));
  });
  afterAll(async () => {
    await ranged.close();
    await plain.close();
    await rm(work, { recursive: true, force: true });
  });

  it('resolves the same closure from a server with and without Range, fetching a fraction of the bytes with it', async () => {
    const results = [];
    for (const [name, server] of [
      ['ranged', ranged],
      ['plain', plain],
    ] as const) {
      const session = new IndexSession({ cacheDir: join(work, `cache-${name}`) });
      const before = server.fileBytes();
      const list = await resolveClosure({
        roots: [{ name: 'bigapp', specifier: '', indexUrl: server.url, label: 'bigapp' }],
        targets: [closureTarget([3, 12], 'linux')],
        session,
      });
      results.push({
        picks: list.map((d) => [d.name, d.version, d.wheels.map((w) => w.sha256)]),
        bytes: server.fileBytes() - before,
        stats: { ...session.stats },
      });
    }
    const [withRange, without] = results;
    expect(withRange!.picks).toEqual(without!.picks);
    expect(withRange!.picks.map((p) => `${p[0]} ${p[1]}`)).toEqual(['bigapp 2.0', 'smalldep 2.0']);
    // bigapp by ranges (its tail holds the central directory and METADATA); smalldep arrives whole
    // in the first request, since it is smaller than the tail asked for.
    expect(withRange!.stats).toMatchObject({ ranged: 1, wheels: 1 });
    expect(without!.stats).toMatchObject({ ranged: 0, wheels: 2 });
    expect(without!.bytes).toBeGreaterThan(PAD);
    expect(withRange!.bytes).toBeLessThan(TAIL_BYTES * 3);
  });

  it('reads the METADATA the whole wheel holds, in one request when the tail covers it', async () => {
    const r = await lazyWheelMetadata(memoryFetcher(big), bigFile, 1 << 30);
    expect(r.kind).toBe('metadata');
    expect(r.requests).toBe(1);
    expect(r.kind === 'metadata' && r.text).toBe(await readWheelMetadata(big, bigFile));
  });

  it('takes a whole answer as a download, and gives up on ranges a server answers wrongly', async () => {
    const whole = await lazyWheelMetadata(
      memoryFetcher(big, () => 'whole'),
      bigFile,
      1 << 30,
    );
    expect(whole).toMatchObject({ kind: 'whole', requests: 1, fetched: big.length });
    const wrongTail = await lazyWheelMetadata(
      memoryFetcher(big, () => 'wrong'),
      bigFile,
      1 << 30,
    );
    expect(wrongTail.kind).toBe('unsupported');
    // A tail too short for the central directory needs a second range; answered wrongly, no result.
    const short = big.subarray(0);
    const cut = await lazyWheelMetadata(
      async (range) => {
        if (range.startsWith('bytes=-')) {
          const part = short.subarray(short.length - 100);
          return {
            status: 206,
            contentRange: `bytes ${short.length - 100}-${short.length - 1}/${short.length}`,
            body: part,
          };
        }
        return memoryFetcher(short, () => 'wrong')(range);
      },
      bigFile,
      1 << 30,
    );
    expect(cut).toMatchObject({ kind: 'unsupported', requests: 2 });
    const tooBig = await lazyWheelMetadata(memoryFetcher(big), bigFile, 1024);
    expect(tooBig.kind).toBe('unsupported');
    const otherSize = await lazyWheelMetadata(memoryFetcher(big), bigFile, 1 << 30, big.length + 1);
    expect(otherSize.kind).toBe('unsupported');
  });

  it('refuses a damaged METADATA read by ranges (CRC-32 checked)', async () => {
    const bad = Buffer.from(big);
    // The METADATA member is deflated: flip a byte of its data, after its local header and name.
    const name = 'bigapp-2.0.dist-info/METADATA';
    const at = bad.indexOf(name) + name.length + 40;
    expect(at).toBeGreaterThan(PAD);
    bad[at] = bad[at]! ^ 0xff;
    await expect(lazyWheelMetadata(memoryFetcher(bad), bigFile, 1 << 30)).rejects.toMatchObject({
      code: 'registry-bad-wheel',
    });
  });
});
