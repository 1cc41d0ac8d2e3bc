import { describe, expect, it } from 'vitest';
import { isMochiPkgError, MochiPkgError, redactUrls } from '../src/errors.js';

describe('MochiPkgError', () => {
  it('carries a stable code, hint and cause', () => {
    const cause = new Error('low level');
    const e = new MochiPkgError('some-code', 'input "x" is bad: expected y', { hint: 'do z', cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('some-code');
    expect(e.hint).toBe('do z');
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({ code: 'some-code', message: 'input "x" is bad: expected y', hint: 'do z' });
    expect(isMochiPkgError(e, 'some-code')).toBe(true);
    expect(isMochiPkgError(e, 'other')).toBe(false);
  });

  it('names subclasses after themselves', () => {
    class WidgetError extends MochiPkgError {}
    expect(new WidgetError('w', 'm').name).toBe('WidgetError');
  });
});

describe('redactUrls', () => {
  it('removes user info from every URL in a text', () => {
    expect(redactUrls('GET https://bob:s3cret@proxy.example/x and http://tok@h/')).toBe(
      'GET https://***@proxy.example/x and http://***@h/',
    );
  });
  it('leaves URLs without credentials alone', () => {
    expect(redactUrls('https://proxy.golang.org/a@v/list')).toBe('https://proxy.golang.org/a@v/list');
  });
});
