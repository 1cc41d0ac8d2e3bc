import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mochi-inspect-'));
const demo = join(dir, 'demo.pyi');
writeFileSync(
  demo,
  [
    'import sys',
    'from dataclasses import dataclass',
    'from datetime import datetime',
    'from typing import Any',
    'def add(a: int, b: int) -> int: ...',
    'async def fetch(url: str) -> str: ...',
    'def load(s: str) -> Any: ...',
    'def now() -> datetime: ...',
    'if sys.version_info >= (3, 11):',
    '    def new() -> int: ...',
    'if sys.platform == "win32":',
    '    def win() -> int: ...',
    '@dataclass(frozen=True)',
    'class Pair:',
    '    x: int',
    '    y: int',
    '',
  ].join('\n'),
);

describe('mochi-pkg python inspect', () => {
  it('prints the --json shape of the issue', async () => {
    const r = await cli('python', 'inspect', demo, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['module', 'items', 'skipped', 'capabilities', 'shim', 'shimSha256']);
    expect(j.module).toBe('demo');
    expect(j.items).toContainEqual({
      name: 'add',
      sourceName: 'add',
      kind: 'fun',
      type: 'fun(a: int, b: int): int',
      async: false,
    });
    expect(j.items).toContainEqual({
      name: 'fetch',
      sourceName: 'fetch',
      kind: 'fun',
      type: 'fun(url: string): async string',
      async: true,
    });
    expect(j.items.map((i: { name: string }) => i.name)).toEqual([
      'Pair',
      'add',
      'fetch',
      'load',
      'new',
      'now',
    ]);
    expect(j.items).toContainEqual({
      name: 'load',
      sourceName: 'load',
      kind: 'fun',
      type: 'fun(s: string): any',
      async: false,
    });
    expect(j.skipped).toEqual([]);
    expect(j.capabilities).toEqual(['any', 'async', 'callable', 'dataclass', 'named']);
    expect(j.shimSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.shim).toContain('extern python type datetime.datetime\n');
  });

  it('evaluates branches for --python and --platform', async () => {
    const r = await cli('python', 'inspect', demo, '--json', '--python', '3.10', '--platform', 'win32');
    const names = JSON.parse(r.out).items.map((i: { name: string }) => i.name);
    expect(names).toEqual(['Pair', 'add', 'fetch', 'load', 'now', 'win']);
  });

  it('without typeshed, names from other modules are unresolved skips', async () => {
    const r = await cli('python', 'inspect', demo, '--json', '--no-typeshed');
    expect(JSON.parse(r.out).skipped).toContainEqual({
      itemPath: 'demo.now',
      reason: 'unresolved-name',
      detail: 'return: datetime.datetime is defined outside the package (module datetime is not available)',
    });
  });

  it('is byte-identical across runs', async () => {
    const a = await cli('python', 'inspect', demo);
    const b = await cli('python', 'inspect', demo);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).toContain('--- shim ---\ntype Pair = {\n  x: int,\n  y: int\n}\n');
  });

  it('inspects a package directory', async () => {
    const pkg = join(dir, 'pkgdemo');
    mkdirSync(pkg);
    writeFileSync(join(pkg, '__init__.pyi'), 'from ._impl import go as go\n');
    writeFileSync(join(pkg, '_impl.pyi'), 'def go(n: int) -> list[str]: ...\n');
    const r = await cli('python', 'inspect', pkg, '--json');
    expect(JSON.parse(r.out).items).toEqual([
      { name: 'go', sourceName: 'go', kind: 'fun', type: 'fun(n: int): list<string>', async: false },
    ]);
  });

  it('exits 2 with file, line and column for a stub that does not parse', async () => {
    const bad = join(dir, 'bad.pyi');
    writeFileSync(bad, 'def f(:\n');
    const r = await cli('python', 'inspect', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error\[stub-syntax\]: .*bad\.pyi:1:\d+/);
  });

  it('exits 2 for a missing path and for bad flags', async () => {
    expect((await cli('python', 'inspect', join(dir, 'nope.pyi'))).code).toBe(2);
    expect((await cli('python', 'inspect', demo, '--python', 'three')).code).toBe(2);
    expect((await cli('python', 'inspect')).code).toBe(2);
    expect((await cli('python', 'inspect', demo, '--typeshed', dir, '--no-typeshed')).code).toBe(2);
  });

  it('exits 2 for a --typeshed folder that is not a typeshed tree, instead of skipping every outside name', async () => {
    for (const root of [join(dir, 'no-such-typeshed'), dir]) {
      const r = await cli('python', 'inspect', demo, '--typeshed', root);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(
        `error[stub-not-found]: ${root}: not a typeshed tree: no stdlib/ or stubs/ folder in it`,
      );
    }
  });

  it('has help with usage, flags, examples and exit codes', async () => {
    const r = await cli('python', 'inspect', '--help');
    expect(r.code).toBe(0);
    for (const s of ['Usage:', 'Flags:', 'Examples:', 'Exit codes:']) expect(r.out).toContain(s);
  });
});
