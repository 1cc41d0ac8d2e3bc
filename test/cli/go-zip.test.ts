import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashGoMod, hashZip } from '../../src/go/dirhash/index.js';
import { cli } from '../support/cli.js';
import { buildZip } from '../support/zipbuild.js';

const P = 'example.com/foo@v1.0.0/';
let tmp = '';
let zip = '';
let moduleDir = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cli-go-zip-'));
  zip = join(tmp, 'foo.zip');
  await writeFile(
    zip,
    buildZip([
      { name: `${P}go.mod`, data: 'module example.com/foo\n' },
      { name: `${P}foo.go`, data: 'package foo\n' },
    ]),
  );
  moduleDir = join(tmp, 'foo');
  await mkdir(join(moduleDir, '.git'), { recursive: true });
  await writeFile(join(moduleDir, 'go.mod'), 'module example.com/foo\n');
  await writeFile(join(moduleDir, 'foo.go'), 'package foo\n');
  await writeFile(join(moduleDir, '.git', 'HEAD'), 'ref: main\n');
});

describe('mochi-pkg go hash', () => {
  it('prints the h1: line of a zip, taking module@version from its entries', async () => {
    const r = await cli('go', 'hash', zip);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${await hashZip(zip, 'example.com/foo', 'v1.0.0')}\n`);
  });

  it('hashes a directory as the zip it would make, with --json', async () => {
    const r = await cli(
      'go',
      'hash',
      moduleDir,
      '--module',
      'example.com/foo',
      '--version',
      'v1.0.0',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      h1: await hashZip(zip, 'example.com/foo', 'v1.0.0'),
      module: 'example.com/foo',
      version: 'v1.0.0',
    });
  });

  it('hashes a go.mod with --gomod', async () => {
    const r = await cli('go', 'hash', '--gomod', join(moduleDir, 'go.mod'));
    expect(r.out.trim()).toBe(hashGoMod('module example.com/foo\n'));
  });

  it('exits 1 on a prefix mismatch and 2 on a missing file or a non-zip', async () => {
    const wrong = await cli('go', 'hash', zip, '--module', 'example.com/bar', '--version', 'v1.0.0');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('dirhash-prefix');
    expect((await cli('go', 'hash', join(tmp, 'missing.zip'))).code).toBe(2);
    await writeFile(join(tmp, 'text.zip'), 'not a zip');
    const notZip = await cli(
      'go',
      'hash',
      join(tmp, 'text.zip'),
      '--module',
      'example.com/foo',
      '--version',
      'v1.0.0',
    );
    expect(notZip.code).toBe(2);
    expect(notZip.err).toContain('zip-not-zip');
  });

  it('prints help with usage, flags, examples and exit codes', async () => {
    const r = await cli('go', 'hash', '--help');
    for (const part of ['Usage:', 'Flags:', 'Examples:', 'Exit codes:']) expect(r.out).toContain(part);
  });
});

describe('mochi-pkg go zip', () => {
  it('check reports a valid zip (exit 0) and an invalid one (exit 1) as JSON', async () => {
    const ok = await cli('go', 'zip', 'check', zip, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, valid: [`${P}go.mod`, `${P}foo.go`], invalid: [] });
    const bad = join(tmp, 'bad.zip');
    await writeFile(
      bad,
      buildZip([
        { name: `${P}go.mod`, data: 'x' },
        { name: `${P}GO.MOD`, data: 'y' },
      ]),
    );
    const r = await cli('go', 'zip', 'check', bad, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).invalid).toEqual([
      { path: `${P}GO.MOD`, reason: 'case-insensitive file name collision: "go.mod" and "GO.MOD"' },
    ]);
  });

  it('check on a directory lists the VCS folder as omitted', async () => {
    const r = await cli('go', 'zip', 'check', moduleDir, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).omitted).toEqual([
      { path: join(moduleDir, '.git'), reason: 'directory is a version control repository' },
    ]);
  });

  it('create writes a zip whose hash equals the source zip, and extract restores the files', async () => {
    const out = join(tmp, 'made.zip');
    const r = await cli(
      'go',
      'zip',
      'create',
      moduleDir,
      '--module',
      'example.com/foo',
      '--version',
      'v1.0.0',
      '-o',
      out,
      '--json',
    );
    expect(r.code).toBe(0);
    const made = JSON.parse(r.out);
    expect(made.h1).toBe(await hashZip(zip, 'example.com/foo', 'v1.0.0'));
    expect(made.files).toEqual(['foo.go', 'go.mod']);
    const dir = join(tmp, 'extracted');
    const x = await cli('go', 'zip', 'extract', out, dir, '--json');
    expect(x.code).toBe(0);
    expect(JSON.parse(x.out).files).toEqual(['foo.go', 'go.mod']);
    expect(existsSync(join(dir, 'go.mod'))).toBe(true);
    const again = await cli('go', 'zip', 'extract', out, dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('zip-target-not-empty');
  });

  it('create without its required flags is a usage error', async () => {
    const r = await cli('go', 'zip', 'create', moduleDir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--module, --version and -o are required');
  });
});
