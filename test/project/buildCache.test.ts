import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBuild } from '../../src/project/buildCache.js';
import type { BuildFn } from '../../src/project/lock.js';
import type { BuildRequest, BuildResult } from '../../src/python/build/types.js';
import { renderShim, shimSha256 } from '../../src/python/wrapper/index.js';

/** A build that counts its runs and answers an empty wrapper per target. */
function countingBuild(): { runs: number[]; load: () => Promise<BuildFn>; loads: number[] } {
  const runs: number[] = [];
  const loads: number[] = [];
  const build: BuildFn = (req: BuildRequest): BuildResult => {
    runs.push(1);
    return {
      targets: req.targets.map((t) => {
        const wrapper = { module: t.stubs.module, items: [], skipped: [] };
        const shim = renderShim(wrapper);
        return { alias: t.alias, wrapper, shim, shimSha256: shimSha256(shim), skipped: [] };
      }),
    };
  };
  return {
    runs,
    loads,
    load: async () => {
      loads.push(1);
      return build;
    },
  };
}

function request(text: string): BuildRequest {
  return {
    targets: [{ spec: 'm', alias: 'm', stubs: { module: 'm', files: new Map([['__init__.pyi', text]]) } }],
  };
}

describe('the verified build cache', () => {
  it('builds once per input, and never loads the build on a hit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'build-cache-'));
    const roots = [join(dir, 'typeshed')];
    await mkdir(join(roots[0]!, 'stdlib'), { recursive: true });
    await writeFile(join(roots[0]!, 'stdlib', 'os.pyi'), 'x: int\n');
    const b = countingBuild();
    const first = await cachedBuild(join(dir, 'c'), roots, b.load)(request('a: int\n'));
    const again = countingBuild();
    const second = await cachedBuild(join(dir, 'c'), roots, again.load)(request('a: int\n'));
    expect(second).toEqual(first);
    expect([b.runs.length, again.loads.length]).toEqual([1, 0]);
    // A changed stub file, or a changed file under a stub directory, is a miss.
    await cachedBuild(join(dir, 'c'), roots, again.load)(request('a: str\n'));
    expect(again.runs.length).toBe(1);
    await writeFile(join(roots[0]!, 'stdlib', 'os.pyi'), 'x: int\ny: int\n');
    await cachedBuild(join(dir, 'c'), roots, again.load)(request('a: int\n'));
    expect(again.runs.length).toBe(2);
  });

  it('rebuilds over an entry that was edited or damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'build-cache-'));
    const b = countingBuild();
    await cachedBuild(join(dir, 'c'), [], b.load)(request('a: int\n'));
    const [sub] = await readdir(join(dir, 'c'));
    const [name] = await readdir(join(dir, 'c', sub!));
    const file = join(dir, 'c', sub!, name!);
    const entry = JSON.parse(await readFile(file, 'utf8'));
    entry.targets[0].shim += '// edited\n';
    await writeFile(file, JSON.stringify(entry));
    const r = await cachedBuild(join(dir, 'c'), [], b.load)(request('a: int\n'));
    expect(b.runs.length).toBe(2);
    expect(r.targets[0]!.shim).toBe(renderShim(r.targets[0]!.wrapper));
    await writeFile(file, '{not json');
    await cachedBuild(join(dir, 'c'), [], b.load)(request('a: int\n'));
    expect(b.runs.length).toBe(3);
  });
});
