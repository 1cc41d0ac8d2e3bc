// GOSUMDB / GONOSUMDB / GOPRIVATE as cmd/go reads them; prefix patterns against x/mod's MatchPrefixPatterns.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import { generateKey, SUM_GOLANG_ORG_KEY } from '../../../src/go/sumdb/note.js';
import {
  matchPrefixPatterns,
  parseGosumdb,
  type SumdbConfig,
  sumdbBaseUrl,
  useSumdb,
} from '../../../src/go/sumdb/policy.js';
import { buildGoProgram, describeWithOracle, goOracle, runOracle } from '../../support/oracles.js';

const VECTORS: [string, string, boolean][] = [
  ['', 'rsc.io/quote', false],
  ['/', 'rsc.io/quote', false],
  ['*/quote', 'rsc.io/quote', true],
  ['*/quo', 'rsc.io/quote', false],
  ['*/quo??', 'rsc.io/quote', true],
  ['*/quo*', 'rsc.io/quote', true],
  ['*quo*', 'rsc.io/quote', false],
  ['rsc.io', 'rsc.io/quote', true],
  ['*.io', 'rsc.io/quote', true],
  ['rsc.io/', 'rsc.io/quote', true],
  ['rsc', 'rsc.io/quote', false],
  ['rsc*', 'rsc.io/quote', true],
  ['rsc.io', 'rsc.io/quote/v3', true],
  ['*/quote', 'rsc.io/quote/v3', true],
  ['*/quote/', 'rsc.io/quote/v3', true],
  ['*/quote/*', 'rsc.io/quote/v3', true],
  ['*/quote/*/', 'rsc.io/quote/v3', true],
  ['*/v3', 'rsc.io/quote/v3', false],
  ['*/*/v3', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote/v3', true],
  ['*/*/*/', 'rsc.io/quote/v3', true],
  ['*/*/*', 'rsc.io/quote', false],
  ['*/*/*/', 'rsc.io/quote', false],
  ['*/*/*,,', 'rsc.io/quote', false],
  ['*/*/*,,*/quote', 'rsc.io/quote', true],
  [',,*/quote', 'rsc.io/quote', true],
];

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SumdbError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('matchPrefixPatterns', () => {
  it.each(VECTORS)('%j matches %j: %s (TestMatchPrefixPatterns)', (globs, target, want) => {
    expect(matchPrefixPatterns(globs, target)).toBe(want);
  });
});

describeWithOracle(goOracle(), 'matchPrefixPatterns against x/mod', () => {
  it('agrees on random globs and paths, classes and escapes included', () => {
    const bin = buildGoProgram(join(import.meta.dirname, '../../oracles/sumdb/main.go'));
    const piece = fc.constantFrom(
      'a',
      'b',
      '.',
      '/',
      '*',
      '?',
      '[a-c]',
      '[^b]',
      '[',
      ']',
      '\\',
      '\\*',
      ',',
      '-',
      'é',
      'x.io',
    );
    const pairs = fc.sample(
      fc.tuple(
        fc.array(piece, { maxLength: 8 }).map((a) => a.join('')),
        fc
          .array(fc.constantFrom('a', 'b', 'c', '.', '/', '*', 'é', 'x.io'), { maxLength: 10 })
          .map((a) => a.join('')),
      ),
      Number(process.env.MOCHI_GLOB_PAIRS ?? 20000),
    );
    const want = JSON.parse(runOracle(bin, ['match'], JSON.stringify(pairs))) as boolean[];
    const got = pairs.map(([g, t]) => matchPrefixPatterns(g, t));
    const diffs = pairs.filter((_, i) => got[i] !== want[i]);
    expect(diffs).toEqual([]);
    expect(want.filter(Boolean).length).toBeGreaterThan(50);
  });
});

describe('parseGosumdb', () => {
  const { vkey } = generateKey('sumdb.example.com/db', new Uint8Array(32).fill(1));
  it('defaults to sum.golang.org with Go’s key', () => {
    for (const v of [undefined, '', 'sum.golang.org']) {
      expect(parseGosumdb(v)).toEqual({
        name: 'sum.golang.org',
        key: SUM_GOLANG_ORG_KEY,
        direct: 'https://sum.golang.org',
        url: undefined,
      });
    }
  });
  it('reads off, the China alias, a key, and a key with a URL', () => {
    expect(parseGosumdb('off')).toBe('off');
    expect(parseGosumdb('sum.golang.google.cn')).toMatchObject({
      name: 'sum.golang.org',
      url: 'https://sum.golang.google.cn',
    });
    expect(parseGosumdb(vkey)).toMatchObject({ name: 'sumdb.example.com/db', key: vkey, url: undefined });
    expect(parseGosumdb(`  ${vkey}\thttp://127.0.0.1:8080/x `)).toMatchObject({
      url: 'http://127.0.0.1:8080/x',
    });
  });
  it.each(['   ', 'example.com', 'sum.golang.org a b', 'sum.golang.org ftp://x', 'sum.golang.org not-a-url'])(
    'refuses %j',
    (v) => {
      expect(code(() => parseGosumdb(v))).toBe('sumdb-config');
    },
  );
  it('refuses a database name that is not host[/path]', () => {
    const { vkey: bad } = generateKey('host/path/', new Uint8Array(32).fill(2));
    expect(code(() => parseGosumdb(bad))).toBe('sumdb-config');
  });
});

describe('useSumdb', () => {
  it('follows GOSUMDB=off, GONOSUMDB, and GOPRIVATE when GONOSUMDB is unset', () => {
    expect(useSumdb({}, 'rsc.io/quote')).toBe(true);
    expect(useSumdb({ GOSUMDB: 'off' }, 'rsc.io/quote')).toBe(false);
    expect(useSumdb({ GOPRIVATE: 'rsc.io' }, 'rsc.io/quote')).toBe(false);
    expect(useSumdb({ GOPRIVATE: 'rsc.io', GONOSUMDB: 'example.com' }, 'rsc.io/quote')).toBe(true);
    expect(useSumdb({ GOPRIVATE: 'rsc.io', GONOSUMDB: '' }, 'rsc.io/quote')).toBe(false);
  });
});

describe('sumdbBaseUrl', () => {
  const cfg = parseGosumdb(undefined) as SumdbConfig;
  const probe =
    (answers: Record<string, number | 'down'>) =>
    async (url: string): Promise<number> => {
      const a = answers[url] ?? 404;
      if (a === 'down') throw new SumdbError('sumdb-http', `${url}: connection refused`);
      return a;
    };
  const sup = (p: string) => `${p}/sumdb/sum.golang.org/supported`;
  it('uses the GOSUMDB URL, bypassing proxies', async () => {
    const c = parseGosumdb(`${SUM_GOLANG_ORG_KEY} https://db.example/`) as SumdbConfig;
    expect(await sumdbBaseUrl(c, 'https://p.example', probe({}))).toBe('https://db.example');
  });
  it('uses the first proxy that supports the database', async () => {
    expect(
      await sumdbBaseUrl(
        cfg,
        'https://a.example,https://b.example',
        probe({ [sup('https://b.example')]: 200 }),
      ),
    ).toBe('https://b.example/sumdb/sum.golang.org');
    expect(await sumdbBaseUrl(cfg, undefined, probe({ [sup('https://proxy.golang.org')]: 200 }))).toBe(
      'https://proxy.golang.org/sumdb/sum.golang.org',
    );
  });
  it('goes direct at direct or off, or when every proxy says not found', async () => {
    expect(await sumdbBaseUrl(cfg, 'https://a.example,direct', probe({}))).toBe('https://sum.golang.org');
    expect(await sumdbBaseUrl(cfg, 'off', probe({}))).toBe('https://sum.golang.org');
    expect(await sumdbBaseUrl(cfg, 'https://a.example', probe({ [sup('https://a.example')]: 410 }))).toBe(
      'https://sum.golang.org',
    );
  });
  it('falls back after a failure only behind a pipe', async () => {
    const down = { [sup('https://a.example')]: 'down' as const, [sup('https://b.example')]: 200 };
    expect(await sumdbBaseUrl(cfg, 'https://a.example|https://b.example', probe(down))).toBe(
      'https://b.example/sumdb/sum.golang.org',
    );
    await expect(sumdbBaseUrl(cfg, 'https://a.example,https://b.example', probe(down))).rejects.toThrow(
      'connection refused',
    );
    await expect(
      sumdbBaseUrl(cfg, 'https://a.example,direct', probe({ [sup('https://a.example')]: 500 })),
    ).rejects.toThrow('HTTP 500');
  });
});
