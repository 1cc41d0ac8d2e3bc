// The JSON project page's PEP 700 parts (pure): `versions` from file names, api-version 1.1 only when every size is known.
import { describe, expect, it } from 'vitest';
import type { DistributionFile } from '../../src/python/registry/index.js';
import { fileVersions, renderJsonPage } from '../../src/serve/simple.js';

function file(filename: string, size?: number): DistributionFile {
  return {
    filename,
    url: `https://files.example/${filename}`,
    hashes: { sha256: '0'.repeat(64) },
    yanked: false,
    ...(size === undefined ? {} : { size }),
  } as DistributionFile;
}

describe('PEP 700 versions', () => {
  it('reads wheels and sdists, keeps each version once (1.0 == 1.0.0), in PEP 440 order', () => {
    const files = [
      file('my_proj-1.0.0-py3-none-any.whl'),
      file('my-proj-1.0.tar.gz'),
      file('My.Proj-2.0rc1.zip'),
      file('my_proj-2.0-1-cp312-cp312-manylinux_2_17_x86_64.whl'),
      file('my_proj-10.0.dev3-py3-none-any.whl'),
      file('my_proj-1.5+local.1-py3-none-any.whl'),
      // Not a distribution file name this reads: no version from it.
      file('my_proj-installer.exe'),
      file('other-3.0.tar.gz'),
    ];
    expect(fileVersions('my-proj', files)).toEqual(['1.0.0', '1.5+local.1', '2.0rc1', '2.0', '10.0.dev3']);
  });

  it('is api-version 1.1 when every file has its size, 1.0 otherwise, with versions in both', () => {
    const sized = JSON.parse(
      renderJsonPage('p', [
        { file: file('p-1.0.tar.gz', 10), href: 'a' },
        { file: file('p-2.0-py3-none-any.whl', 20), href: 'b' },
      ]),
    );
    expect(sized.meta).toEqual({ 'api-version': '1.1' });
    expect(sized.versions).toEqual(['1.0', '2.0']);
    expect(sized.files.map((f: { size: number }) => f.size)).toEqual([10, 20]);
    const partly = JSON.parse(
      renderJsonPage('p', [
        { file: file('p-1.0.tar.gz', 10), href: 'a' },
        { file: file('p-2.0-py3-none-any.whl'), href: 'b' },
      ]),
    );
    expect(partly.meta).toEqual({ 'api-version': '1.0' });
    expect(partly.versions).toEqual(['1.0', '2.0']);
    expect(partly.files[1]).not.toHaveProperty('size');
    expect(JSON.parse(renderJsonPage('p', [])).versions).toEqual([]);
  });
});
