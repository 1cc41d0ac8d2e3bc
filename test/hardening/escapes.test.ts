// Issue 13 item 7: control characters from hostile zips and servers never reach the terminal raw.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/util/printable.js';
import { serveModules } from '../go/support/modules.js';
import { buildZip } from '../support/zipbuild.js';
import { cleanup, cli, tempDir } from './support.js';

afterAll(cleanup);

const prefix = 'example.com/m@v1.0.0';
const HOSTILE = [
  '\x1b[2J\x1b[Hall good.go',
  'cr\rfake.go',
  'nl\nok: valid.go',
  'nul\0.go',
  'rtl\u202eog.exe',
];

/** Every raw control character except the newline that ends each line. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertClean(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
}

describe('human output escapes control characters; JSON stays exact', () => {
  it('printable escapes C0, DEL, C1 and bidi controls, and leaves other text alone', () => {
    expect(printable('a\x1b[2Jb\r\n\t\0\x7f\x85\u202e東京 ok')).toBe(
      'a\\x1b[2Jb\\r\\n\\t\\0\\x7f\\x85\\u202e東京 ok',
    );
  });

  it('go zip check: hostile entry names are printed escaped, one line each', async () => {
    const d = await tempDir();
    const zip = join(d, 'm.zip');
    await writeFile(
      zip,
      buildZip([
        { name: `${prefix}/go.mod`, data: 'module example.com/m\n' },
        ...HOSTILE.map((n) => ({ name: `${prefix}/${n}`, data: 'x' })),
      ]),
    );
    const r = await cli(d, ['go', 'zip', 'check', zip]);
    assertClean(r.out);
    assertClean(r.err);
    expect(r.out).toContain('\\x1b[2J');
    expect(r.out).toContain('nl\\nok: valid.go');
    // No hostile name may start a line of its own.
    expect(r.out.split('\n').some((l) => l.startsWith('ok: valid.go'))).toBe(false);
    const j = await cli(d, ['go', 'zip', 'check', zip, '--json']);
    const parsed = JSON.parse(j.out) as { invalid: { path: string }[] };
    expect(parsed.invalid.map((f) => f.path)).toContain(`${prefix}/${HOSTILE[2]}`);
  });

  it('go zip extract: a refused hostile name is printed escaped', async () => {
    const d = await tempDir();
    const zip = join(d, 'm.zip');
    await writeFile(zip, buildZip([{ name: `${prefix}/\x1b]0;pwned\x07a.go`, data: 'x' }]));
    const r = await cli(d, ['go', 'zip', 'extract', zip, join(d, 'out')]);
    expect(r.code).not.toBe(0);
    assertClean(r.out);
    assertClean(r.err);
    expect(r.err).toContain('\\x1b]0;pwned\\x07');
  });

  it('proxy replies with escapes (an error, a version list) are printed escaped', async () => {
    const server = await serveModules([], (req, res) => {
      if (req.url?.endsWith('/@v/list')) res.writeHead(200).end('v1.0.0\x1b[2J\x1b[H\nv1.1.0\rok\n');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('\x1b[2J\x1b[Hall good\r\n');
      return true;
    });
    try {
      const d = await tempDir();
      const runs = [
        await cli(d, [
          'go',
          'download',
          'example.com/m@v1.0.0',
          '--proxy',
          server.base,
          '--cache-dir',
          join(d, 'c'),
        ]),
        await cli(d, ['go', 'list', 'example.com/m', '--proxy', server.base]),
      ];
      for (const r of runs) {
        assertClean(r.out);
        assertClean(r.err);
      }
    } finally {
      await server.close();
    }
  });
});
