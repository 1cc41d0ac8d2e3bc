import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { buildProxyTree } from '../../support/goproxy.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const example = join(repo, 'examples/weather-report/go');
let tmp = '';
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function files(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (dir: string) => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) await walk(p);
      else out.set(relative(root, p), await readFile(p));
    }
  };
  await walk(root);
  return out;
}

it('the bundled file:// proxy is exactly what test/support/goproxy.ts builds from go/src (reproducible)', async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mochi-goproxy-'));
  await buildProxyTree(join(example, 'src'), tmp);
  const want = await files(tmp);
  const have = await files(join(example, 'proxy'));
  expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, v] of want) expect(have.get(k)?.equals(v), k).toBe(true);
});
