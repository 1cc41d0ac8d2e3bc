// The seed's fixture shapes as real .pyi text, through the real parser, the wrapper and the shim.
import { describe, expect, it } from 'vitest';
import { build } from '../../../src/python/build/index.js';
import { extractCapabilities } from '../../../src/python/lockfile/capabilities.js';
import { render } from '../../../src/python/typemap/index.js';
import { shimSha256 } from '../../../src/python/wrapper/index.js';

async function one(module: string, source: string, extra: Record<string, string> = {}) {
  const files = new Map([
    [Object.keys(extra).length ? '__init__.pyi' : `${module}.pyi`, source],
    ...Object.entries(extra),
  ]);
  const res = await build({ targets: [{ spec: module, alias: module, stubs: { module, files } }] });
  const t = res.targets[0]!;
  return {
    ...t,
    items: t.wrapper.items.map((i) => `${i.kind} ${i.name}${i.async ? ' async' : ''}: ${render(i.type)}`),
    skips: t.skipped.map((s) => `${s.itemPath} ${s.reason}: ${s.detail}`),
    caps: extractCapabilities(t.wrapper),
  };
}

describe('seed fixtures through the parser', () => {
  it('minimal', async () => {
    const t = await one('minimal', 'def add(a: int, b: int) -> int: ...\n');
    expect(t.items).toEqual(['fun add: fun(a: int, b: int): int']);
    expect(t.shim).toBe('extern python fun add(a: int, b: int): int\n');
    expect(t.shimSha256).toBe('74bdb3113978eec8a50f381cfb68d9a5c981e87f0230f54201cd3b9cd45bd271');
  });

  it('record: make() -> Pair maps to the frozen dataclass defined in the same stub', async () => {
    const t = await one(
      'rec',
      [
        'from dataclasses import dataclass',
        '',
        'def make() -> Pair: ...',
        '',
        '@dataclass(frozen=True)',
        'class Pair:',
        '    x: int',
        '    y: int',
        '',
      ].join('\n'),
    );
    expect(t.items).toEqual(['record Pair: record Pair { x: int; y: int }', 'fun make: fun(): Pair']);
    expect(t.skips).toEqual([]);
    expect(t.shim).toBe('type Pair = {\n  x: int,\n  y: int\n}\n\nextern python fun make(): Pair\n');
    expect(t.caps).toEqual(['callable', 'dataclass']);
  });

  it('async', async () => {
    const t = await one('aio', 'async def fetch(url: str) -> str: ...\n');
    expect(t.items).toEqual(['fun fetch async: fun(url: string): async string']);
    expect(t.caps).toEqual(['async', 'callable', 'named']);
  });

  it('a Protocol with an attribute and a method', async () => {
    const t = await one(
      'proto',
      [
        'from typing import Protocol',
        'class Greeter(Protocol):',
        '    name: str',
        '    def greet(self, other: str) -> str: ...',
        '',
      ].join('\n'),
    );
    expect(t.items).toEqual([
      'interface Greeter: interface Greeter { name: string; greet(other: string): string }',
    ]);
    expect(t.caps).toEqual(['named', 'protocol']);
  });

  it('a mutable dataclass is a class with its generated constructor', async () => {
    const t = await one(
      'mut',
      'from dataclasses import dataclass\n@dataclass\nclass Point:\n    x: int\n    y: int\n',
    );
    expect(t.items).toEqual(['type Point: Point']);
    expect(t.skipped).toEqual([]);
    expect(t.shim).toBe('extern python type Point {\n  init(x: int, y: int)\n  x: int\n  y: int\n}\n');
    expect(t.caps).toEqual(['callable', 'class', 'named']);
  });

  it('an Any-returning function maps with an any result', async () => {
    const t = await one('anyret', 'from typing import Any\ndef load(s: str) -> Any: ...\n');
    expect(t.items).toEqual(['fun load: fun(s: string): any']);
    expect(t.skips).toEqual([]);
  });
});

describe('package-wide resolution through the parser', () => {
  it('resolves re-exports, forward references across modules and overloads', async () => {
    const t = await one(
      'pkg',
      ['from ._client import Client as Client, connect as connect', 'from ._types import *', ''].join('\n'),
      {
        '_client.pyi': [
          'from typing import overload, Literal',
          'from ._types import Headers, Timeout',
          'class Client:',
          '    def get(self, url: str) -> Response: ...',
          '@overload',
          'def connect(url: str, *, http2: Literal[True]) -> Client: ...',
          '@overload',
          'def connect(url: bytes) -> Client: ...',
          'def helper(h: Headers, t: Timeout = ...) -> None: ...',
          'from ._models import Response',
          '',
        ].join('\n'),
        '_types.pyi': [
          'from typing import Mapping, Union',
          'from typing_extensions import TypeAlias',
          '__all__ = ["Headers", "Timeout", "DEFAULT_TIMEOUT"]',
          'Headers: TypeAlias = Mapping[str, str]',
          'Timeout = Union[float, None]',
          'DEFAULT_TIMEOUT: float',
          '',
        ].join('\n'),
        '_models.pyi': 'class Response:\n    status_code: int\n',
      },
    );
    expect(t.items).toEqual([
      'type Client: Client',
      'const DEFAULT_TIMEOUT: float',
      'fun connect: fun(url: string, *, http2: bool): Client',
    ]);
    expect(t.shim).toBe(
      [
        'extern python type Client {',
        '  fun get(url: string): pkg._models.Response',
        '}',
        'extern python type pkg._models.Response',
        '',
        'extern python var DEFAULT_TIMEOUT: float',
        '',
        'extern python fun connect(url: string, *, http2: bool): Client',
        '',
      ].join('\n'),
    );
    expect(t.shimSha256).toBe(shimSha256(t.shim));
  });
});
