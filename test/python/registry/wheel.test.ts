import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractWheelStubs } from '../../../src/python/registry/index.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { buildZip } from '../../support/zipbuild.js';
import { buildWheel, TYPESHED_STUBS, typeshedStubWheel } from './fixtures.js';

function pyiUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) return e.name === '@tests' ? [] : pyiUnder(dir, p);
    return p.endsWith('.pyi') ? [p] : [];
  });
}

describe('stub files from wheels', () => {
  it('extracts every .pyi of a real typeshed stub wheel, byte for byte', async () => {
    const { wheel } = typeshedStubWheel('requests');
    const stubs = await extractWheelStubs(wheel.bytes, wheel.filename);
    const src = pyiUnder(join(TYPESHED_STUBS, 'requests'));
    expect([...stubs.files.keys()]).toEqual(
      src.map((p) => p.replace(/^requests\//, 'requests-stubs/')).sort(),
    );
    for (const p of src) {
      expect(stubs.files.get(p.replace(/^requests\//, 'requests-stubs/'))).toBe(
        readFileSync(join(TYPESHED_STUBS, 'requests', p), 'utf8'),
      );
    }
  });

  it('takes the .py files of a py.typed package unless a .pyi stands beside them', async () => {
    const w = buildWheel('typedpkg', '1.0', [
      { path: 'typedpkg/__init__.py', data: 'def f(x: int) -> int: ...\n' },
      { path: 'typedpkg/py.typed', data: '' },
      { path: 'typedpkg/sub.py', data: 'X: int = 1\n' },
      { path: 'typedpkg/sub.pyi', data: 'X: int\n' },
      { path: 'untyped/__init__.py', data: 'def g(): ...\n' },
    ]);
    const stubs = await extractWheelStubs(w.bytes, w.filename);
    expect(stubs.typedPackages).toEqual(['typedpkg']);
    expect([...stubs.files]).toEqual([
      ['typedpkg/__init__.pyi', 'def f(x: int) -> int: ...\n'],
      ['typedpkg/sub.pyi', 'X: int\n'],
    ]);
  });

  it('finds nothing in an untyped wheel', async () => {
    const w = buildWheel('plain', '1.0', [{ path: 'plain/__init__.py', data: 'x = 1\n' }]);
    expect((await extractWheelStubs(w.bytes, w.filename)).files.size).toBe(0);
  });

  it.each([
    ['a parent-directory segment', '../evil.pyi'],
    ['a nested parent-directory segment', 'pkg/../../evil.pyi'],
    ['an absolute path', '/etc/evil.pyi'],
    ['a backslash', 'pkg\\..\\evil.pyi'],
    ['a drive letter', 'C:evil.pyi'],
    ['an empty segment', 'pkg//evil.pyi'],
  ])('refuses a wheel with %s in an entry name', async (_, name) => {
    const zip = buildZip([
      { name: 'ok/__init__.pyi', data: 'x: int\n' },
      { name, data: 'x: int\n' },
    ]);
    await expect(extractWheelStubs(zip, 'evil.whl')).rejects.toMatchObject({ code: 'registry-bad-wheel' });
  });

  it('refuses duplicate entry names', async () => {
    const zip = buildZip([
      { name: 'p/__init__.pyi', data: 'a: int\n' },
      { name: 'p/__init__.pyi', data: 'b: int\n' },
    ]);
    await expect(extractWheelStubs(zip, 'dup.whl')).rejects.toMatchObject({ code: 'registry-bad-wheel' });
  });

  it('stops a body that inflates past its declared size (zip bomb)', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const zip = buildZip([{ name: 'p/__init__.pyi', data: big, declaredSize: 10 }]);
    await expect(extractWheelStubs(zip, 'bomb.whl')).rejects.toMatchObject({ code: 'registry-bad-wheel' });
  });

  it('enforces the per-file, total, entry-count and wheel-size caps before inflating', async () => {
    const zip = buildZip([
      { name: 'p/__init__.pyi', data: Buffer.alloc(2000, 0x20) },
      { name: 'p/b.pyi', data: Buffer.alloc(2000, 0x20) },
    ]);
    await expect(extractWheelStubs(zip, 'w.whl', { maxFileBytes: 1000 })).rejects.toMatchObject({
      code: 'registry-too-large',
    });
    await expect(extractWheelStubs(zip, 'w.whl', { maxTotalBytes: 3000 })).rejects.toMatchObject({
      code: 'registry-too-large',
    });
    await expect(extractWheelStubs(zip, 'w.whl', { maxEntries: 1 })).rejects.toMatchObject({
      code: 'registry-too-large',
    });
    await expect(extractWheelStubs(zip, 'w.whl', { maxWheelBytes: 100 })).rejects.toMatchObject({
      code: 'registry-too-large',
    });
  });

  it('calls bytes that are not a zip a bad wheel', async () => {
    await expect(extractWheelStubs(Buffer.from('<html>503</html>'), 'x.whl')).rejects.toMatchObject({
      code: 'registry-bad-wheel',
    });
  });

  it('reports a corrupt body (CRC mismatch) as a bad wheel', async () => {
    const zip = buildZip([{ name: 'p/__init__.pyi', data: 'x: int\n', crc: 12345 }]);
    await expect(extractWheelStubs(zip, 'crc.whl')).rejects.toMatchObject({ code: 'registry-bad-wheel' });
  });
});

describeWithOracle(pythonOracle(), 'test wheels against CPython zipfile', () => {
  it('builds wheels CPython reads with the same .pyi names as ours and valid RECORD hashes', async () => {
    const { wheel } = typeshedStubWheel('six');
    const out = runPython(
      `import sys, zipfile, io, hashlib, base64, json
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
assert z.testzip() is None
rec = [l.split(",") for l in z.read([n for n in z.namelist() if n.endswith("RECORD")][0]).decode().splitlines()]
bad = [p for p, h, s in rec if h and h != "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(z.read(p)).digest()).rstrip(b"=").decode()]
print(json.dumps({"names": sorted(n for n in z.namelist() if n.endswith(".pyi")), "bad": bad}))`,
      [],
      wheel.bytes,
    );
    const got = JSON.parse(out) as { names: string[]; bad: string[] };
    expect(got.bad).toEqual([]);
    expect(got.names.length).toBeGreaterThan(0);
    const ours = await extractWheelStubs(wheel.bytes, wheel.filename);
    expect([...ours.files.keys()]).toEqual(got.names);
  });
});
