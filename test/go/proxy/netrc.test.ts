import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNetrc, lookupNetrc, netrcPath, parseNetrc } from '../../../src/util/netrc.js';

describe('netrc', () => {
  it('parses machine entries on one or several lines', () => {
    const text = [
      'machine a.example login al password apw',
      'machine b.example:8443',
      '  login bo',
      '  password bpw',
      '  account ignored',
    ].join('\n');
    expect(parseNetrc(text)).toEqual([
      { machine: 'a.example', login: 'al', password: 'apw' },
      { machine: 'b.example:8443', login: 'bo', password: 'bpw' },
    ]);
  });

  it('ignores default entries, macdef bodies and incomplete entries, as cmd/go does', () => {
    const text = [
      'default login any password leak',
      'macdef init',
      'machine fake.example login x password y',
      '',
      'machine half.example login only',
      'machine ok.example login u password p',
    ].join('\n');
    expect(parseNetrc(text)).toEqual([{ machine: 'ok.example', login: 'u', password: 'p' }]);
  });

  it('looks a host up by exact match, first entry winning', () => {
    const entries = parseNetrc('machine h login a password 1\nmachine h login b password 2');
    expect(lookupNetrc(entries, 'h')).toEqual({ username: 'a', password: '1' });
    expect(lookupNetrc(entries, 'h:443')).toBeUndefined();
  });

  it('honours $NETRC, and reads nothing from a missing file', async () => {
    expect(netrcPath({ NETRC: '/x/y' }, '/home/u')).toBe('/x/y');
    expect(netrcPath({}, '/home/u')).toBe(
      join('/home/u', process.platform === 'win32' ? '_netrc' : '.netrc'),
    );
    const dir = await mkdtemp(join(tmpdir(), 'netrc-'));
    expect(await loadNetrc(join(dir, 'none'))).toEqual([]);
    await writeFile(join(dir, 'n'), 'machine m login l password p\n');
    expect(await loadNetrc(join(dir, 'n'))).toEqual([{ machine: 'm', login: 'l', password: 'p' }]);
  });
});
