import { describe, expect, it } from 'vitest';
import { EXIT_STATUS, exitClassOf } from '../src/errorCodes.js';
import { isMochiPkgError, MochiPkgError, redactUrls } from '../src/errors.js';

describe('MochiPkgError', () => {
  it('carries a stable code, hint and cause', () => {
    const cause = new Error('low level');
    const e = new MochiPkgError('lockfile-syntax', 'input "x" is bad: expected y', { hint: 'do z', cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('lockfile-syntax');
    expect(e.hint).toBe('do z');
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({
      code: 'lockfile-syntax',
      message: 'input "x" is bad: expected y',
      hint: 'do z',
    });
    expect(isMochiPkgError(e, 'lockfile-syntax')).toBe(true);
    expect(isMochiPkgError(e, 'zip-io')).toBe(false);
  });

  it('names subclasses after themselves', () => {
    class WidgetError extends MochiPkgError {}
    expect(new WidgetError('usage', 'm').name).toBe('WidgetError');
  });
});

describe('exit classes', () => {
  it('come from the code table: usage 2, problem found 1, internal 3', () => {
    expect(new MochiPkgError('lockfile-syntax', 'm').exitClass).toBe('usage');
    expect(new MochiPkgError('lockfile-drift', 'm').exitClass).toBe('problem');
    expect(new MochiPkgError('internal', 'm').exitClass).toBe('internal');
    expect(EXIT_STATUS).toEqual({ usage: 2, problem: 1, internal: 3 });
  });
  it('count a code from outside the table (foreign data) as a problem found', () => {
    expect(exitClassOf('no-such-code')).toBe('problem');
    expect(exitClassOf('toString')).toBe('problem');
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
