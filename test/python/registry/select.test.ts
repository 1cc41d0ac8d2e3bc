import { describe, expect, it } from 'vitest';
import {
  type DistributionFile,
  type ProjectPage,
  selectRelease,
} from '../../../src/python/registry/index.js';

const file = (filename: string, extra: Partial<DistributionFile> = {}): DistributionFile => ({
  filename,
  url: `https://f.example/${filename}`,
  hashes: { sha256: '0'.repeat(64) },
  yanked: false,
  ...extra,
});
const page = (...files: DistributionFile[]): ProjectPage => ({
  name: 'demo',
  apiVersion: '1.1',
  files,
  warnings: [],
});

describe('choosing a release', () => {
  const p = page(
    file('demo-1.0.0-py3-none-any.whl'),
    file('demo-1.1.0-py3-none-any.whl'),
    file('demo-1.2.0-py3-none-any.whl', { yanked: 'broken' }),
    file('demo-1.3.0rc1-py3-none-any.whl'),
    file('demo-2.0.0-py3-none-any.whl', { requiresPython: '>=3.13' }),
    file('demo-1.1.5.tar.gz'),
    file('other-9.0-py3-none-any.whl'),
  );

  it('picks the highest satisfying final release, skipping yanked and Requires-Python misses', () => {
    expect(selectRelease(p, '').version).toBe('1.1.5');
    expect(selectRelease(p, '>=1,<1.2')).toMatchObject({ version: '1.1.5', wheel: undefined });
    expect(selectRelease(p, '<1.1.5').wheel?.filename).toBe('demo-1.1.0-py3-none-any.whl');
  });

  it('takes a yanked file only when pinned exactly with == or ===', () => {
    expect(selectRelease(p, '==1.2.0').wheel?.filename).toBe('demo-1.2.0-py3-none-any.whl');
    expect(selectRelease(p, '===1.2.0').version).toBe('1.2.0');
    expect(() => selectRelease(p, '==1.2.*')).toThrow(
      expect.objectContaining({ code: 'registry-no-version' }),
    );
  });

  it('admits a pre-release only when the specifier names one', () => {
    expect(selectRelease(p, '>=1.3.0rc1').version).toBe('1.3.0rc1');
    expect(() => selectRelease(p, '>=1.3')).toThrow(/no version of demo matches ">=1.3"/);
  });

  it('honours the target Python for Requires-Python', () => {
    expect(selectRelease(p, '>=2', { python: [3, 13], platforms: [] }).version).toBe('2.0.0');
  });

  it('says which versions exist and why others were left out', () => {
    expect(() => selectRelease(p, '>=3', undefined, 'https://idx.example/simple/')).toThrow(
      'no version of demo on https://idx.example/simple/ matches ">=3"; versions there: 1.0.0, 1.1.0, 1.1.5, 1.2.0, 1.3.0rc1, 2.0.0 (1 yanked file(s) skipped; 1 file(s) require a Python other than 3.12)',
    );
  });

  it('prefers the best-ranked tag, then the highest build tag', () => {
    const q = page(
      file('demo-1.0-py3-none-any.whl'),
      file('demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl'),
      file('demo-1.0-cp312-cp312-win_amd64.whl'),
      file('demo-1.0-2-py3-none-any.whl'),
    );
    expect(selectRelease(q, '').wheel?.filename).toBe('demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl');
    const r = page(
      file('demo-1.0-py3-none-any.whl'),
      file('demo-1.0-2-py3-none-any.whl'),
      file('demo-1.0-cp312-cp312-win_amd64.whl'),
    );
    expect(selectRelease(r, '').wheel?.filename).toBe('demo-1.0-2-py3-none-any.whl');
  });

  it('ignores a Requires-Python it cannot parse, as pip does', () => {
    expect(
      selectRelease(page(file('demo-1.0-py3-none-any.whl', { requiresPython: 'garbage' })), '').version,
    ).toBe('1.0');
  });
});
