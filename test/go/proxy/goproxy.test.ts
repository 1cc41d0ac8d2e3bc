import { describe, expect, it } from 'vitest';
import { isMochiPkgError } from '../../../src/errors.js';
import { DEFAULT_PROXY_URL, parseGoProxy } from '../../../src/go/proxy/goproxy.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isMochiPkgError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('parseGoProxy', () => {
  it('defaults to proxy.golang.org when unset or blank', () => {
    for (const v of [undefined, '', '   ']) {
      expect(parseGoProxy(v)).toEqual([{ kind: 'url', url: DEFAULT_PROXY_URL, fallBackOnError: false }]);
    }
  });

  it('marks entries followed by | as falling back on any error, , on not-found only', () => {
    expect(parseGoProxy('https://a.example|https://b.example,file:///srv/m')).toEqual([
      { kind: 'url', url: 'https://a.example', fallBackOnError: true },
      { kind: 'url', url: 'https://b.example', fallBackOnError: false },
      { kind: 'url', url: 'file:///srv/m', fallBackOnError: false },
    ]);
  });

  it('ends the list at off or direct and ignores what follows', () => {
    expect(parseGoProxy('https://a.example,off,https://b.example')).toEqual([
      { kind: 'url', url: 'https://a.example', fallBackOnError: false },
      { kind: 'off' },
    ]);
    expect(parseGoProxy('direct|https://b.example')).toEqual([{ kind: 'direct' }]);
  });

  it('adds https:// to a bare host and skips blank entries', () => {
    expect(parseGoProxy(' proxy.example.com , ,goproxy.io:8080/x')).toEqual([
      { kind: 'url', url: 'https://proxy.example.com', fallBackOnError: false },
      { kind: 'url', url: 'https://goproxy.io:8080/x', fallBackOnError: false },
    ]);
  });

  it('refuses lists without entries, single unknown words, paths and foreign schemes', () => {
    expect(codeOf(() => parseGoProxy(','))).toBe('proxy-config');
    expect(codeOf(() => parseGoProxy(' | , '))).toBe('proxy-config');
    expect(codeOf(() => parseGoProxy('nonsense'))).toBe('proxy-config');
    expect(codeOf(() => parseGoProxy('/abs/path'))).toBe('proxy-config');
    expect(codeOf(() => parseGoProxy('ftp://x.example'))).toBe('proxy-config');
  });

  it('never prints credentials of a refused entry', () => {
    try {
      parseGoProxy('ftp://user:pw@x.example');
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('pw');
    }
  });
});
