import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractWheelStubs, IndexClient } from '../../../src/python/registry/index.js';
import { exampleIndexFiles } from './exampleIndex.js';
import { TYPESHED_STUBS } from './fixtures.js';

const dir = fileURLToPath(new URL('../../../examples/weather-report/index/', import.meta.url));

function committed(rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    return e.isDirectory() ? committed(p) : [p];
  });
}

describe('the bundled example index (examples/weather-report/index)', () => {
  it('is exactly what the generator builds from typeshed (refresh: npx tsx test/python/registry/exampleIndex.ts <dir>)', () => {
    const want = exampleIndexFiles();
    expect(committed().sort()).toEqual([...want.keys()]);
    for (const [rel, bytes] of want) expect(readFileSync(join(dir, rel)).equals(bytes), rel).toBe(true);
  });

  it('serves both page forms over file:// and a stub wheel holding typeshed’s real toposort stubs', async () => {
    const client = new IndexClient(pathToFileURL(dir).href);
    const html = await client.getProject('toposort');
    expect(html.files.map((f) => [f.filename, f.requiresPython ?? null])).toEqual([
      ['toposort-1.9-py3-none-any.whl', null],
      ['toposort-1.10-py3-none-any.whl', null],
      ['toposort-2.0-py3-none-any.whl', '>=3.14'],
    ]);
    const json = await client.getProject('Types_Toposort');
    expect(json.apiVersion).toBe('1.1');
    const wheel = await client.download(json.files[0]!);
    const stubs = await extractWheelStubs(wheel, json.files[0]!.filename);
    expect(stubs.files.get('toposort-stubs/__init__.pyi')).toBe(
      readFileSync(join(TYPESHED_STUBS, 'toposort/toposort.pyi'), 'utf8'),
    );
  });

  it('refuses a wheel or metadata file of a file:// index that is a FIFO or a link to /dev/zero, at once', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mochi-index-'));
    try {
      cpSync(dir, copy, { recursive: true });
      const client = new IndexClient(pathToFileURL(copy).href);
      const page = await client.getProject('toposort');
      const wheel = page.files.find((f) => f.filename === 'toposort-1.10-py3-none-any.whl')!;
      const path = fileURLToPath(wheel.url);
      rmSync(path);
      execFileSync('mkfifo', [path]);
      await expect(client.download(wheel)).rejects.toMatchObject({
        code: 'registry-unreachable',
        message: expect.stringMatching(/named pipe \(FIFO\), not a regular file/),
      });
      await expect(client.downloadMetadata(wheel)).rejects.toMatchObject({ code: 'registry-unreachable' });
      rmSync(path);
      symlinkSync('/dev/zero', path);
      await expect(client.download(wheel)).rejects.toMatchObject({
        code: 'registry-unreachable',
        message: expect.stringMatching(/character device/),
      });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 10_000);
});
