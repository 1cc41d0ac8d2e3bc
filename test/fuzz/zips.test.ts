// Fuzz family "zips": random bytes and mutations of a valid module zip through hash, check, list and extract.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hashZip } from '../../src/go/dirhash/index.js';
import { checkZip, extract, listZip } from '../../src/go/modzip/index.js';
import { cleanup, tempDir } from '../hardening/support.js';
import { buildZip } from '../support/zipbuild.js';
import { codedOrCorrect, counts, leftovers, mutated, runs, tally } from './support.js';

afterAll(async () => {
  console.log(`fuzz zips: ${JSON.stringify(Object.fromEntries(counts))}`);
  await cleanup();
});

const m = { path: 'example.com/m', version: 'v1.0.0' };
const name = fc.constantFrom(
  'a.go',
  'go.mod',
  'sub/b.go',
  'A.go',
  'x\ny.go',
  '../e.go',
  'sub/',
  'LICENSE',
  'c\x1b.go',
);
const validZip = fc
  .uniqueArray(fc.tuple(name, fc.string({ maxLength: 64 })), {
    selector: ([n]) => n,
    minLength: 1,
    maxLength: 5,
  })
  .map(
    (files) =>
      new Uint8Array(buildZip(files.map(([n, data]) => ({ name: `${m.path}@${m.version}/${n}`, data })))),
  );
const hostileZip = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1024 }) },
  { weight: 2, arbitrary: validZip },
  { weight: 5, arbitrary: mutated(validZip) },
);

describe('fuzz: zips', () => {
  it('hashZip, checkZip and listZip: a coded error or a result', async () => {
    await fc.assert(
      fc.asyncProperty(hostileZip, async (zip) => {
        tally('zip:read');
        await codedOrCorrect(
          () => hashZip(zip, m.path, m.version),
          (h1) => expect(h1).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/),
        );
        await codedOrCorrect(() => checkZip(zip, m));
        await codedOrCorrect(() => listZip(zip));
      }),
      runs(500),
    );
  });

  it('extract: every file or nothing — the target is absent or complete, no temp folder left', async () => {
    const base = await tempDir();
    let i = 0;
    await fc.assert(
      fc.asyncProperty(hostileZip, async (zip) => {
        tally('zip:extract');
        const target = join(base, `t${i++}`, 'out');
        const code = await codedOrCorrect(
          () => extract(zip, m, target),
          async (r) => {
            const found = await readdir(target, { recursive: true, withFileTypes: true });
            expect(found.filter((d) => d.isFile()).length).toBe(r.files.length);
          },
        );
        if (code !== 'ok') {
          await expect(readdir(target)).rejects.toMatchObject({ code: 'ENOENT' });
        }
        expect(await leftovers(base)).toEqual([]);
      }),
      runs(200),
    );
  });
});
