// docs/errors.md is the code table rendered, and the table holds every code the sources use, in one style.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, renderErrorsDoc } from '../scripts/errors-doc.js';
import { ERROR_CODES } from '../src/errorCodes.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

describe('error codes', () => {
  it('docs/errors.md is up to date (regenerate with `npm run docs:errors`)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(renderErrorsDoc());
  });

  it('are kebab-case, each with one exit class and a one-line meaning', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
      expect(['usage', 'problem', 'internal']).toContain(info.exit);
      expect(info.meaning).not.toMatch(/\n/);
    }
  });

  it('each appears in the sources outside the table (no row for a code nothing raises)', () => {
    let text = '';
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.ts') && f !== 'errorCodes.ts') text += readFileSync(`${src}/${f}`, 'utf8');
    }
    const unused = Object.keys(ERROR_CODES).filter(
      (code) => !text.includes(`'${code}'`) && !text.includes(`error[${code}]`),
    );
    expect(unused).toEqual([]);
  });
});
